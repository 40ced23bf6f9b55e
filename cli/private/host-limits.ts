import * as fs from 'node:fs';
import type { PlanWarning } from '../../plan/warnings';
import { fileDescriptorLimit, type ClusterSpec } from '../../spec/cluster';

/** The hard open-files limit of a process, from /proc/<pid>/limits; undefined when unreadable. */
export function hardNofileOf(pid: number | 'self'): number | undefined {
  try {
    const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const hard = line?.trim().split(/\s+/)[4];
    return hard === undefined || hard === 'unlimited' ? undefined : Number(hard);
  } catch {
    return undefined;
  }
}

/** PIDs of the dockerd processes this host runs (readable /proc only). */
function dockerdPids(): number[] {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
    } catch {
      return false;
    }
  }).map(Number);
}

/**
 * A Docker container cannot get a higher hard `nofile` than the engine may grant: runc fails with
 * "error setting rlimit type 7: operation not permitted" and the container never starts (seen on a
 * host whose limit is 20000 with the default 65536). The engine's limit is only visible on the
 * machine that runs it: this looks at a local dockerd (or, with none running, at this process's
 * own limit, which a dockerd started from here inherits) when DOCKER_HOST is unset or a unix socket.
 */
export function hostLimitWarnings(spec: ClusterSpec, env: NodeJS.ProcessEnv = process.env): PlanWarning[] {
  if (spec.target !== 'docker') return [];
  const host = env.DOCKER_HOST;
  if (host !== undefined && host !== '' && !host.startsWith('unix://')) return [];
  const wanted = fileDescriptorLimit(spec);
  const engines = dockerdPids()
    .map((pid) => ({ pid, hard: hardNofileOf(pid) }))
    .filter((e): e is { pid: number; hard: number } => e.hard !== undefined);
  const [who, hard] =
    engines.length > 0
      ? [`the local dockerd (pid ${engines[0].pid})`, Math.min(...engines.map((e) => e.hard))]
      : ['this shell (no dockerd runs here; one started from it inherits the limit)', hardNofileOf('self')];
  if (hard === undefined || wanted <= hard) return [];
  return [
    {
      id: 'host-nofile-limit',
      path: 'resources.fileDescriptors',
      message:
        `${wanted} is above the hard open-files limit ${hard} of ${who}: unless the engine may raise it, the node containers ` +
        `fail to start ("error setting rlimit type 7: operation not permitted"). Set resources.fileDescriptors to at most ${hard}, ` +
        'or raise the engine\'s limit (LimitNOFILE= in docker.service)',
    },
  ];
}
