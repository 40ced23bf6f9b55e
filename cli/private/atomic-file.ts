import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './exit';

/**
 * Writes one file atomically: the content goes to a temp file in the same directory, created with
 * `mode` from the start (never readable by others, not even briefly), is flushed to disk, then
 * renamed over `file`. A failure leaves `file` as it was and removes the temp file.
 */
export function writeFileAtomically(file: string, content: string, mode: number): void {
  const abs = path.resolve(file);
  // The rename would replace whatever is there: a device such as /dev/full, a FIFO, a directory.
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (st !== undefined && !st.isFile()) throw new UsageError(`${file} exists and is not a regular file (a directory, device or pipe); give a file path`);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.tmp-${process.pid}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.chmodSync(tmp, mode); // the umask may have narrowed or the file system widened it
    fs.renameSync(tmp, abs);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
