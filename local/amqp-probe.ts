/**
 * `waitForAmqp`: proof that an AMQP endpoint (the load balancer of a local run) passes traffic:
 * a real client (amqplib) logs in, opens a channel and checks a queue, bounded and repeated until
 * it succeeds or the deadline passes.
 */
import * as amqp from 'amqplib';
import { sleep } from './private/run';

/** Where and as whom to connect. */
export interface AmqpProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** A queue that must exist (passive declare); @default - only a channel is opened */
  readonly queue?: { readonly vhost: string; readonly name: string };
}

/** One attempt: connect, open a channel, check the queue, close. Never rejects; undefined on success. */
export async function amqpProbe(t: AmqpProbeTarget, timeoutMs = 3000): Promise<string | undefined> {
  let conn: amqp.ChannelModel | undefined;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (): Promise<undefined> => {
    conn = await amqp.connect(
      { protocol: 'amqp', hostname: t.host, port: t.port, username: t.username, password: t.password, vhost: t.queue?.vhost ?? '/', heartbeat: 0 },
      { timeout: timeoutMs },
    );
    conn.on('error', () => undefined);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    if (t.queue) await ch.checkQueue(t.queue.name);
    return undefined;
  };
  try {
    return await Promise.race([
      attempt(),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
      }),
    ]);
  } catch (error) {
    return (error as Error).message;
  } finally {
    clearTimeout(timer);
    await conn?.close().catch(() => undefined);
  }
}

/**
 * Repeats `amqpProbe` every `pollMs` until it succeeds.
 * @throws Error with the last failure when `timeoutMs` passes first
 */
export async function waitForAmqp(t: AmqpProbeTarget, timeoutMs: number, pollMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = await amqpProbe(t, Math.max(500, Math.min(3000, deadline - Date.now())));
    if (failure === undefined) return;
    if (Date.now() >= deadline) throw new Error(`no AMQP session through ${t.host}:${t.port} within ${timeoutMs / 1000} s: ${failure}`);
    await sleep(pollMs);
  }
}
