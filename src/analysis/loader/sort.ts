// The two orderings C's start-up depends on, reproduced exactly so that even inconsistent
// comparators (overlapping closed segments, format-spec §9 item 7) give the same result as C:
//  * uv_fs_scandir (libuv, src/unix/fs.c) returns names sorted with strcmp: byte order;
//  * qsort in glibc 2.36 (Debian bookworm, what libraft 0.15 runs on) is a top-down merge sort
//    (msort.c: msort_with_tmp), taking from the left run while cmp(left, right) <= 0.

/** strcmp on the UTF-8 bytes of two names. */
export function compareNameBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** glibc's qsort (merge sort), returning a new array. */
export function glibcQsort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const out = items.slice();
  msort(out, 0, out.length, cmp);
  return out;
}

function msort<T>(b: T[], start: number, n: number, cmp: (a: T, b: T) => number): void {
  if (n <= 1) return;
  const n1 = Math.floor(n / 2);
  const n2 = n - n1;
  msort(b, start, n1, cmp);
  msort(b, start + n1, n2, cmp);
  const merged: T[] = [];
  let i = start;
  let j = start + n1;
  const endLeft = start + n1;
  const endRight = start + n;
  while (i < endLeft && j < endRight) {
    if (cmp(b[i]!, b[j]!) <= 0) merged.push(b[i++]!);
    else merged.push(b[j++]!);
  }
  while (i < endLeft) merged.push(b[i++]!);
  while (j < endRight) merged.push(b[j++]!);
  for (let k = 0; k < merged.length; k++) b[start + k] = merged[k]!;
}
