/**
 * Small helpers of test/topology.integration.test.ts: a bounded poll, an AMQP connect that retries
 * a refused open, free ports for a node, a random secret.
 */
import * as crypto from 'node:crypto';
import * as amqp from 'amqplib';
import { findFreePorts } from '../../local';
import type { LocalNodePorts } from '../../plan/addresses';

/** Polls `probe` every `everyMs` until it returns a value other than undefined; bounded in time. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 500): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const value = await probe();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * amqp.connect, again for up to 60 s while the broker closes the connection at open: a node whose
 * AMQP port is open may still be starting its vhosts (seen on a loaded machine as
 * "Expected ConnectionOpenOk; got <ConnectionClose>").
 */
export async function connect(url: string): Promise<amqp.ChannelModel> {
  const start = Date.now();
  for (;;) {
    try {
      return await amqp.connect(url);
    } catch (e) {
      if (!/ConnectionClose|ECONNRESET/.test(String(e)) || Date.now() - start > 60000) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function freeNodePorts(n: number): Promise<LocalNodePorts[]> {
  const p = await findFreePorts(n * 4);
  return Array.from({ length: n }, (_, i) => ({ amqpPort: p[4 * i], managementPort: p[4 * i + 1], prometheusPort: p[4 * i + 2], distPort: p[4 * i + 3] }));
}

export const secret = (): string => crypto.randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
