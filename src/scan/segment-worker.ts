// Worker thread entry (scan/segment-pool.ts starts it): reads segment files for the main thread,
// every byte and every checksum, so that verifying a large node uses every core. Each message is
// one job; the answer carries the record with its batch table as plain typed-array columns.
import { parentPort } from 'node:worker_threads';
import { readSegmentJob } from './read-segment.js';
import { toWire, type SegmentJobMessage } from './segment-wire.js';

parentPort?.on('message', (message: SegmentJobMessage) => {
  const read = readSegmentJob(message.dir, message.job);
  parentPort!.postMessage(toWire(message.id, read));
});
