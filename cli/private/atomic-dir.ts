import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './exit';

/** File that marks a directory as written by this function (and so safe to replace). */
export const OWNED_DIR_MARKER = '.rmq-ha-output';

/**
 * Writes a set of files as one directory: everything goes into a sibling temp directory first and
 * replaces `dir` only when all writes succeeded, so a failure leaves `dir` as it was. An existing
 * `dir` is replaced only if it is empty or was written here before (it holds OWNED_DIR_MARKER):
 * a mistyped `--out .` must never delete a working tree.
 */
export function writeDirAtomically(dir: string, files: ReadonlyArray<{ readonly path: string; readonly content: string; readonly mode?: number }>): void {
  const abs = path.resolve(dir);
  if (fs.existsSync(abs)) {
    if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${dir} exists and is not a directory; choose an empty or new directory`);
    const entries = fs.readdirSync(abs);
    if (entries.length > 0 && !entries.includes(OWNED_DIR_MARKER)) {
      throw new UsageError(`${dir} exists and was not written by rmq-ha (no ${OWNED_DIR_MARKER}); choose an empty or new directory`);
    }
  }
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = fs.mkdtempSync(`${abs}.tmp-`);
  try {
    fs.writeFileSync(path.join(tmp, OWNED_DIR_MARKER), 'Written by rmq-ha; the next run replaces this whole directory.\n');
    for (const f of files) {
      const target = path.join(tmp, f.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content, { mode: f.mode ?? 0o644 });
    }
    const old = `${abs}.old-${process.pid}`;
    if (fs.existsSync(abs)) fs.renameSync(abs, old);
    fs.renameSync(tmp, abs);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
