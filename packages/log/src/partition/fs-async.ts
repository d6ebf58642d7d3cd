import * as fs from 'node:fs';

// Callback-style fs calls wrapped in promises: cheaper than fs.promises' FileHandle on the hot path.
// (Writes are synchronous — see Segment.write — so only fsync and reads go through the thread pool.)

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Reads up to `length` bytes at `position`; returns the bytes actually read (short at end of file). */
export function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, 0, length, position, (err, n) =>
      err ? reject(err) : resolve(n === length ? buf : buf.subarray(0, n)),
    ),
  );
}
