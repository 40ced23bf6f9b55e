import * as fs from 'node:fs';
import { SpecError } from '../errors';

/** Largest spec file read (1 MiB): real specs are a few KiB; anything bigger is a mistake or an attack. */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Why a path cannot be read as a spec, phrased as a fix (errno code -> text). */
const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file; check the path',
  EACCES: 'permission denied; make the file readable',
  EISDIR: 'is a directory; give a YAML or JSON file',
  ELOOP: 'too many symbolic links; give the file itself',
  ENAMETOOLONG: 'the path is too long',
  ENOTDIR: 'a part of the path is not a directory; check the path',
};

function readError(file: string, message: string): SpecError {
  return new SpecError(file === '' ? '--spec ""' : file, [{ path: '(file)', value: file, message }]);
}

/**
 * Reads a spec file with bounds: it must be a regular file (a FIFO, socket or device such as
 * /dev/zero is refused before it is opened, so nothing blocks or reads without end), at most
 * MAX_SPEC_BYTES, and valid UTF-8 (invalid bytes are refused, never replaced). A UTF-8 byte order
 * mark is dropped.
 */
export function readSpecText(file: string): string {
  if (file === '') throw readError(file, 'the spec file name is empty; give --spec FILE with a YAML or JSON file');
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw readError(file, `cannot read the file: ${READ_ERRORS[code] ?? code}`);
  }
  if (st.isDirectory()) throw readError(file, `cannot read the file: ${READ_ERRORS.EISDIR}`);
  if (!st.isFile()) throw readError(file, 'is not a regular file (a pipe, socket or device); give a YAML or JSON file');
  if (st.size > MAX_SPEC_BYTES) throw readError(file, `is ${st.size} bytes; a spec may have at most ${MAX_SPEC_BYTES} bytes (1 MiB)`);
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO after the check, open does not wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw readError(file, 'is not a regular file (a pipe, socket or device); give a YAML or JSON file');
    const buf = Buffer.alloc(MAX_SPEC_BYTES + 1);
    let n = 0;
    for (let r = -1; r !== 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_SPEC_BYTES) throw readError(file, `is larger than ${MAX_SPEC_BYTES} bytes (1 MiB), the most a spec may have`);
    bytes = buf.subarray(0, n);
  } catch (e) {
    if (SpecError.isSpecError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw readError(file, `cannot read the file: ${READ_ERRORS[code] ?? code}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw readError(file, `is not valid UTF-8 (${invalidUtf8Where(bytes)}); save the file as UTF-8`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Line of the first byte sequence that is not UTF-8 (decoding line by line with the same strict decoder). */
function invalidUtf8Where(bytes: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return `line ${line}`;
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  return 'a sequence split across lines';
}
