/** Reading the tail of a node's logs, for error messages and status output. */
import * as fs from 'fs';
import { nodePaths } from './layout';

/** Last `lines` lines of a file (reads at most the last `maxBytes`); '' when it does not exist. */
export function tailFile(file: string, lines: number, maxBytes = 64 * 1024): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The lines explaining a failed boot: RabbitMQ prints the cause (e.g. `You've tried to set
 * no_such.setting, but there is no setting with that name.`) just before its `BOOT FAILED`
 * banner, and then a long supervisor report that pushes it out of any short tail.
 * @returns up to `before` lines before the first `BOOT FAILED` plus the banner, or '' if none
 */
export function bootFailureExcerpt(file: string, before = 20): string {
  const all = tailFile(file, 2000, 1024 * 1024).split('\n');
  const banner = all.findIndex((line) => line.includes('BOOT FAILED'));
  if (banner < 0) return '';
  return all.slice(Math.max(0, banner - before), banner + 3).join('\n');
}

/**
 * The tail of everything a node wrote: RabbitMQ's main log `log/<node>.log`, then the script's
 * `log/startup_log` and `log/startup_err` (boot failures before logging starts end up there),
 * preceded by the cause of a failed boot when there is one (see `bootFailureExcerpt`).
 * Each section is headed by its path; empty files are left out.
 */
export function nodeLogTail(dir: string, nodeName: string, lines = 40): string {
  const paths = nodePaths(dir, nodeName);
  const sections: string[] = [];
  for (const file of [paths.mainLog, paths.stdoutLog]) {
    const excerpt = bootFailureExcerpt(file);
    if (excerpt !== '') {
      sections.push(`--- ${file} (boot failure) ---\n${excerpt}`);
      break;
    }
  }
  for (const file of [paths.mainLog, paths.stdoutLog, paths.stderrLog]) {
    const tail = tailFile(file, lines);
    if (tail.trim() !== '') sections.push(`--- ${file} (last ${lines} lines) ---\n${tail}`);
  }
  return sections.length > 0 ? sections.join('\n') : `(no log output yet under ${paths.log})`;
}
