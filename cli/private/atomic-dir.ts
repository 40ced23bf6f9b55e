import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a set of files as one directory: everything goes into a sibling temp directory first and
 * replaces `dir` only when all writes succeeded, so a failure leaves `dir` as it was.
 */
export function writeDirAtomically(dir: string, files: ReadonlyArray<{ readonly path: string; readonly content: string; readonly mode?: number }>): void {
  const abs = path.resolve(dir);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = fs.mkdtempSync(`${abs}.tmp-`);
  try {
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
