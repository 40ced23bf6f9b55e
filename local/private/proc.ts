/**
 * Linux `/proc` helpers: liveness (zombies count as dead), process groups, descendants and the
 * harness marker in a process's environment. Used instead of `kill -0`, which succeeds on zombies:
 * detached children outlive the `up` command and are reparented to an init that may not reap them.
 */
import * as fs from 'fs';

/** One row of `/proc/<pid>/stat`. */
export interface ProcInfo {
  /** Process id. */
  readonly pid: number;
  /** Parent process id. */
  readonly ppid: number;
  /** Process group id. */
  readonly pgid: number;
  /** State letter (`R`, `S`, `D`, `T`, `Z`, ...). */
  readonly state: string;
  /** Executable name (`comm`). */
  readonly comm: string;
}

/** Reads `/proc/<pid>/stat`; undefined when the process does not exist. */
export function readProc(pid: number): ProcInfo | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `comm` is in parentheses and may itself contain spaces or parentheses: split at the last ')'.
  const open = raw.indexOf('(');
  const close = raw.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const rest = raw.slice(close + 2).split(' ');
  return {
    pid,
    comm: raw.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
  };
}

/** True when the process exists and is not a zombie (or dead). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  const info = readProc(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** All live (non-zombie) processes. */
export function liveProcesses(): ProcInfo[] {
  const result: ProcInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info && info.state !== 'Z' && info.state !== 'X') result.push(info);
  }
  return result;
}

/** Live members of process group `pgid`. */
export function groupMembers(pgid: number): ProcInfo[] {
  return liveProcesses().filter((p) => p.pgid === pgid);
}

/** Live descendants (children, grandchildren, ...) of the given pids, excluding those pids. */
export function descendants(pids: readonly number[]): ProcInfo[] {
  const all = liveProcesses();
  const found = new Map<number, ProcInfo>();
  let frontier = new Set(pids);
  while (frontier.size > 0) {
    const next = new Set<number>();
    for (const p of all) {
      if (frontier.has(p.ppid) && !found.has(p.pid) && !pids.includes(p.pid)) {
        found.set(p.pid, p);
        next.add(p.pid);
      }
    }
    frontier = next;
  }
  return [...found.values()];
}

/** True when `/proc/<pid>/environ` contains exactly `name=value`. */
export function hasEnv(pid: number, name: string, value: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${name}=${value}`);
  } catch {
    return false;
  }
}

/** Sends `signal` to a pid (or a group when negative), ignoring "no such process". */
export function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
