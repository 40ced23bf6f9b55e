/** TCP port helpers, all on 127.0.0.1. */
import * as net from 'net';
import { LOOPBACK } from './rabbit-env';

/**
 * Finds `count` distinct TCP ports that are free on 127.0.0.1 right now, by binding them all at
 * once to port 0 and releasing them. Another process may still take one before it is used;
 * callers start their listeners soon after.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`port count ${count} is invalid: expected an integer >= 0`);
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
            resolve((server.address() as net.AddressInfo).port);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
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
