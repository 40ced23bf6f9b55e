/** TCP port helpers, all on 127.0.0.1. */
import { readFileSync } from 'fs';
import * as net from 'net';
import { LOOPBACK } from './rabbit-env';

/** Where the search starts: above the well-known and most registered service ports. */
const SEARCH_FLOOR = 20000;

/**
 * The kernel's ephemeral range (source ports of outgoing connections): a port taken from it can be
 * grabbed by any outgoing connection between the check and the bind (seen: a node's distribution
 * port held by another process's socket, `dist_port_already_used ... not_erlang`).
 */
export function ephemeralRange(file = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] {
  try {
    const [lo, hi] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux, or no procfs: the IANA dynamic range
  }
  return [49152, 65535];
}

/**
 * The environment variable that narrows the port search to `LOW-HIGH` (inclusive): harnesses that
 * run side by side on one machine give each its own share (test/run-tests.sh does per test lane),
 * so a port one of them picked and has not bound yet (a node binds its listeners seconds into its
 * boot) is never picked by the other. Seen without it: a node's Prometheus listener `eaddrinuse`.
 */
export const PORT_RANGE_ENV = 'RMQ_HA_PORT_RANGE';

/** The ports the search picks from, [low, high): RMQ_HA_PORT_RANGE, else 20000 up to the ephemeral range. */
export function searchRange(env: NodeJS.ProcessEnv = process.env): [number, number] {
  const [ephemeralLow] = ephemeralRange();
  const raw = env[PORT_RANGE_ENV];
  if (raw === undefined || raw === '') return [SEARCH_FLOOR, ephemeralLow];
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw.trim());
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(lo >= 1024 && hi >= lo && hi <= 65535)) {
    throw new Error(`${PORT_RANGE_ENV}=${raw} is not a port range: expected LOW-HIGH with 1024 <= LOW <= HIGH <= 65535, e.g. 20000-26383`);
  }
  return [lo, hi + 1];
}

function tryBind(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

/**
 * Finds `count` distinct TCP ports that are free on 127.0.0.1 right now, below the kernel's
 * ephemeral range (random ones between 20000 and its start, or in RMQ_HA_PORT_RANGE; each checked by binding it; all held
 * until every one is found, then released). Another process may still take one before it is used;
 * callers start their listeners soon after. Falls back to ports the kernel picks when the range
 * below is too small or full.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`port count ${count} is invalid: expected an integer >= 0`);
  const [low, high] = searchRange();
  const span = high - low;
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let attempts = 0; ports.length < count && span > 0 && attempts < count * 50; attempts++) {
      const port = low + Math.floor(Math.random() * span);
      if (ports.includes(port)) continue;
      const server = await tryBind(port);
      if (!server) continue;
      servers.push(server);
      ports.push(port);
    }
    while (ports.length < count) {
      const server = await tryBind(0);
      if (!server) throw new Error('no free TCP port on 127.0.0.1');
      servers.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Finds one free TCP port on 127.0.0.1 (see `findFreePorts`). */
export async function findFreePort(): Promise<number> {
  return (await findFreePorts(1))[0];
}

/** True when something accepts a TCP connection on `host:port` within `timeoutMs`. */
export function isPortOpen(port: number, host: string = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
