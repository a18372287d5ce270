// The ceiling for verifying a node: read every segment file (from the page cache, as the bench
// runs warm) and CRC every byte with the project's CRC, nothing else, on 1 thread and on N worker
// threads. `check` and rank's verified read cannot beat this; the bench prints how close they get.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const CHUNK = 1 << 20;

async function crcFiles(files, crcUrl) {
  const { crc32 } = await import(crcUrl);
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  for (const file of files) {
    const fd = fs.openSync(file, 'r');
    try {
      let crc = 0;
      for (let n; (n = fs.readSync(fd, buf, 0, CHUNK, null)) > 0; ) {
        crc = crc32(buf.subarray(0, n), crc);
        bytes += n;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return bytes;
}

if (!isMainThread) {
  parentPort.postMessage(await crcFiles(workerData.files, workerData.crcUrl));
}

/** MB/s of read + CRC over the segment files of `nodeDir`, with `threads` threads (files split evenly by size). */
export async function readCrcBandwidth(nodeDir, threads, crcUrl) {
  const files = fs.readdirSync(nodeDir).filter((n) => /^\d{16}-\d{16}$|^open-\d+$/.test(n)).map((n) => path.join(nodeDir, n));
  const sized = files.map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => b.size - a.size);
  const shares = Array.from({ length: threads }, () => ({ files: [], bytes: 0 }));
  for (const x of sized) {
    const s = shares.reduce((a, b) => (a.bytes <= b.bytes ? a : b));
    s.files.push(x.f);
    s.bytes += x.size;
  }
  await crcFiles(files.slice(0, 2), crcUrl); // warm the page cache and the JIT a little
  const started = performance.now();
  const bytes = threads === 1
    ? await crcFiles(files, crcUrl)
    : (await Promise.all(shares.map((s) => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { files: s.files, crcUrl } });
      w.once('message', resolve);
      w.once('error', reject);
    })))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - started) / 1000;
  return { mbs: bytes / 1e6 / seconds, seconds, threads, cores: os.availableParallelism?.() ?? os.cpus().length };
}
