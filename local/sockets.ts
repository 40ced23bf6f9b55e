/**
 * Listening TCP sockets of the harness's processes, from `ss -ltnpH` (iproute2). Lets status
 * output and tests prove that nothing listens beyond loopback.
 */
import { execFileSync } from 'child_process';
import { descendants, groupMembers, isAlive } from './private/proc';
import { LocalClusterState } from './types';

/** One listening TCP socket. */
export interface ListeningSocket {
  /** Local address as printed by ss without brackets: `127.0.0.1`, `::1`, `0.0.0.0`, `*`. */
  readonly address: string;
  /** Local port. */
  readonly port: number;
  /** Owning processes (name and pid); empty when ss may not show them. */
  readonly owners: readonly { readonly name: string; readonly pid: number }[];
}

/** Parses `ss -ltnpH` output (one socket per line: State Recv-Q Send-Q Local Peer [Process]). */
export function parseSsListening(output: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of output.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5) continue;
    const local = columns[3];
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    const address = local.slice(0, colon).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const owners = [...line.matchAll(/\("([^"]*)",pid=(\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    sockets.push({ address, port: Number(local.slice(colon + 1)), owners });
  }
  return sockets;
}

/** All listening TCP sockets of the machine (`ss -ltnpH`). */
export function listeningSockets(): ListeningSocket[] {
  return parseSsListening(execFileSync('ss', ['-ltnpH'], { encoding: 'utf8', timeout: 10000 }));
}

/**
 * Live pids that belong to the harness: epmd, each node's process group (script and `beam.smp`)
 * and their descendants (erl_child_setup, inet_gethost, ...).
 */
export function harnessPids(state: LocalClusterState): number[] {
  const roots = new Set<number>();
  if (isAlive(state.epmd.pid)) roots.add(state.epmd.pid);
  for (const node of state.nodes) for (const p of groupMembers(node.pid)) roots.add(p.pid);
  const all = new Set(roots);
  for (const p of descendants([...roots])) all.add(p.pid);
  return [...all].sort((a, b) => a - b);
}

/** Listening sockets owned by harness processes. */
export function harnessListeningSockets(state: LocalClusterState): ListeningSocket[] {
  const pids = new Set(harnessPids(state));
  return listeningSockets().filter((s) => s.owners.some((o) => pids.has(o.pid)));
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}
