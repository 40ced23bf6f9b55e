/**
 * File-system failures on paths the user chose (`--out`, `--spec`, `--against`, `--dir`), as input
 * problems: errno code -> what it means for that path and the fix. Codes not listed (EMFILE, EIO
 * on our own temp files, ...) stay internal errors.
 */
const FS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a directory; choose a path under a directory',
  EEXIST: 'exists already and is in the way; remove it or choose another path',
  EISDIR: 'is a directory where a file is needed; give a file path',
  ENOENT: 'does not exist; check the path',
  EACCES: 'permission denied; choose a directory you can write to',
  EPERM: 'operation not permitted; choose a directory you can write to',
  EROFS: 'is on a read-only file system; choose a writable directory',
  ENOSPC: 'no space left on the device; free space or choose another directory',
  EDQUOT: 'disk quota exceeded; free space or choose another directory',
  ENAMETOOLONG: 'the path is too long; choose a shorter path',
  ELOOP: 'too many symbolic links in the path; give the directory itself',
  EXDEV: 'is on another file system than its parent; choose a path on one file system',
  EBUSY: 'is busy (a mount point or in use); choose another path',
  ENXIO: 'is a device or socket without a reader; give a regular file or directory',
};

/** The message for a file-system error on a user's path, or undefined when it is not one. */
export function fileSystemProblem(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  // No instanceof Error: errors of node's fs come from another realm under jest's vm.
  if (e === null || typeof e !== 'object' || typeof err.code !== 'string' || typeof err.syscall !== 'string') return undefined;
  const why = FS_PROBLEMS[err.code];
  if (why === undefined) return undefined;
  const where = err.dest !== undefined && err.code !== 'ENOENT' ? `${err.path} -> ${err.dest}` : (err.path ?? '(path)');
  return `${where}: cannot ${err.syscall} (${err.code}): ${why}`;
}
