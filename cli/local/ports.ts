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

function tryBind(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

/**
 * Finds `count` distinct TCP ports that are free on 127.0.0.1 right now, below the kernel's
 * ephemeral range (random ones between 20000 and its start, each checked by binding it; all held
 * until every one is found, then released). Another process may still take one before it is used;
 * callers start their listeners soon after. Falls back to ports the kernel picks when the range
 * below is too small or full.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`port count ${count} is invalid: expected an integer >= 0`);
  const [ephemeralLow] = ephemeralRange();
  const span = ephemeralLow - SEARCH_FLOOR;
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let attempts = 0; ports.length < count && span > 0 && attempts < count * 50; attempts++) {
      const port = SEARCH_FLOOR + Math.floor(Math.random() * span);
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
