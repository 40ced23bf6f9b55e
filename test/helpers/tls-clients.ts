/**
 * TLS clients the TLS proofs share (local processes and the Docker engine): openssl s_client and
 * amqplib, both verifying the server against a CA file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as amqp from 'amqplib';

/** `openssl s_client` verifying the peer against `ca` for `name`; returns the verify line and exit code. */
export function sClient(port: number, ca: string, name = 'localhost'): { code: number | null; out: string } {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', name, '-verify_hostname', name, '-CAfile', ca, '-verify_return_error'], {
    input: '',
    encoding: 'utf8',
    timeout: 20000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** amqplib: `count` confirmed publishes over TLS to a fresh exclusive queue, verifying against `ca`. */
export async function publishTls(uri: string, ca: string, password: string, count = 20, user = 'admin'): Promise<string> {
  const u = new URL(uri);
  u.username = user;
  u.password = password;
  const conn = await amqp.connect(u.toString(), { ca: [fs.readFileSync(ca)], servername: u.hostname, timeout: 10000 });
  try {
    const ch = await conn.createConfirmChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    for (let i = 0; i < count; i++) ch.sendToQueue(q.queue, Buffer.from(`m${i}`));
    await ch.waitForConfirms();
    return `confirmed ${count} over ${(conn.connection as unknown as { stream: { getProtocol(): string } }).stream.getProtocol()}`;
  } finally {
    await conn.close();
  }
}
