/**
 * AMQP client probes for load balancer measurements (`bench/lb-bench.ts` and
 * `test/load-balancer.integration.test.ts`): bounded connects, confirmed publishes, a publisher
 * that reconnects on its own (amqplib has no automatic recovery), the node a connection landed
 * on, confirmed-publish throughput and HAProxy's per-server counters.
 *
 * Every wait is bounded: connects by the socket timeout until `connection.open-ok`, confirms by a
 * timer, HTTP calls by an abort signal. A connection to a hung node never answers `close`, so
 * connections are torn down by destroying their socket.
 */
import * as amqp from 'amqplib';
import * as net from 'net';

/** Where and how to connect: an AMQP endpoint with credentials. */
export interface AmqpTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Heartbeat the client asks for, in seconds. */
  readonly heartbeatSeconds: number;
}

/** The URL of a target (credentials percent-encoded). */
export function amqpUrl(t: AmqpTarget): string {
  return `amqp://${encodeURIComponent(t.user)}:${encodeURIComponent(t.password)}@${t.host}:${t.port}/?heartbeat=${t.heartbeatSeconds}`;
}

/** An open connection plus what happened to it. */
export interface Probe {
  readonly conn: amqp.ChannelModel;
  /** ms timestamp (Date.now) of the open. */
  readonly openedAt: number;
  /** ms timestamp of the first 'close' or 'error' event; undefined while open. */
  closedAt?: number;
  /** Reason of the close, if any. */
  closeReason?: string;
}

/** Destroys the socket under a connection: works even when the peer is hung (no close-ok). */
export function destroyConnection(conn: amqp.ChannelModel): void {
  const stream = (conn.connection as unknown as { stream?: net.Socket }).stream;
  // With an error: amqplib listens for 'error' and 'end' only, and a plain destroy() emits neither,
  // which would leave its heartbeat timers running until they time out.
  stream?.destroy(new Error('connection dropped by the client'));
}

/**
 * Opens a connection; fails when TCP connect plus AMQP handshake take longer than `timeoutMs`
 * (what a client connected to a hung node through a proxy sees). The `connection_name` client
 * property names it in the management UI.
 */
export async function openProbe(target: AmqpTarget, name: string, timeoutMs: number): Promise<Probe> {
  const conn = await amqp.connect(amqpUrl(target), { timeout: timeoutMs, clientProperties: { connection_name: name } });
  const probe: Probe = { conn, openedAt: Date.now() };
  const closed = (reason: string): void => {
    if (probe.closedAt === undefined) {
      probe.closedAt = Date.now();
      probe.closeReason = reason;
    }
  };
  conn.on('error', (e: Error) => closed(e.message));
  conn.on('close', (e?: Error) => closed(e?.message ?? 'closed'));
  return probe;
}

/** "AMQP" 0 0-9-1: the protocol header a client sends first. */
const PROTOCOL_HEADER = Buffer.from('414d515000000901', 'hex');

/** Outcome of `amqpHandshake`. */
export interface HandshakeProbe {
  /** True when a node answered the protocol header with connection.start. */
  readonly answered: boolean;
  /** ms from connect to the answer (or to giving up). */
  readonly ms: number;
  /** The open socket; the caller destroys it (keeping it open holds the proxy's session). */
  readonly socket: net.Socket;
}

/**
 * A new connection at the protocol level: TCP connect, send the AMQP protocol header, wait for the
 * node's connection.start frame (type 1, channel 0, class 10, method 10), as every client does
 * first. A proxy routes it exactly like a client connection. A connection sent to a hung node
 * gets no answer: its kernel completes the TCP handshake, the stopped VM never replies. Unlike
 * `openProbe`, the socket is the caller's, so a connection that got no answer is destroyed at once
 * instead of lingering half-closed until the proxy's idle timeout.
 */
export function amqpHandshake(host: string, port: number, timeoutMs: number): Promise<HandshakeProbe> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (answered: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      resolve({ answered, ms: Date.now() - started, socket });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => socket.write(PROTOCOL_HEADER));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 11) return;
      finish(data[0] === 1 && data.readUInt16BE(1) === 0 && data.readUInt16BE(7) === 10 && data.readUInt16BE(9) === 10);
    });
  });
}

/** Rejects after `ms` with `what` in the message; `clear` stops the timer. */
function timer(ms: number, what: string): { promise: Promise<never>; clear: () => void } {
  let handle: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    handle = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return { promise, clear: () => clearTimeout(handle) };
}

/** Runs `work` with a time bound. */
export async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const t = timer(ms, what);
  try {
    return await Promise.race([work, t.promise]);
  } finally {
    t.clear();
  }
}

/** Publishes one persistent message and waits for its confirm; rejects on nack or after `timeoutMs`. */
export function publishConfirmed(ch: amqp.ConfirmChannel, queue: string, body: Buffer, timeoutMs: number): Promise<void> {
  const acked = new Promise<void>((resolve, reject) => {
    ch.sendToQueue(queue, body, { persistent: true }, (err: unknown) => (err ? reject(new Error('nack')) : resolve()));
  });
  return bounded(acked, timeoutMs, 'publisher confirm');
}

/** Arguments of a quorum queue. */
export const QUORUM = { durable: true, arguments: { 'x-queue-type': 'quorum' } } as const;

/** A management API endpoint (any node serves the whole cluster). */
export interface ManagementTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** GET on the management API, bounded; throws on a non-2xx status. */
export async function managementGet<T>(m: ManagementTarget, apiPath: string, timeoutMs = 5000): Promise<T> {
  const response = await fetch(`http://${m.host}:${m.port}${apiPath}`, {
    headers: { authorization: `Basic ${Buffer.from(`${m.user}:${m.password}`).toString('base64')}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`GET ${apiPath}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * The RabbitMQ node a connection landed on. `/api/connections` lists a new connection only after
 * the next statistics collection (up to `collect_statistics_interval`, 10 s here); an exclusive
 * queue lives on the node of the connection that declares it and is listed at once.
 */
export async function nodeOfConnection(conn: amqp.ChannelModel, m: ManagementTarget): Promise<string> {
  const ch = await bounded(conn.createChannel(), 5000, 'channel.open');
  try {
    const q = await bounded(ch.assertQueue('', { exclusive: true, autoDelete: true }), 5000, 'queue.declare');
    const info = await managementGet<{ node: string }>(m, `/api/queues/%2F/${encodeURIComponent(q.queue)}?disable_stats=true`);
    await bounded(ch.deleteQueue(q.queue), 5000, 'queue.delete');
    return info.node;
  } finally {
    await bounded(ch.close(), 2000, 'channel.close').catch(() => undefined);
  }
}

/** The leader node of a quorum queue. */
export async function quorumLeader(m: ManagementTarget, queue: string): Promise<string> {
  const info = await managementGet<{ leader?: string; node?: string }>(m, `/api/queues/%2F/${encodeURIComponent(queue)}?disable_stats=true`);
  const leader = info.leader ?? info.node;
  if (leader === undefined) throw new Error(`queue ${queue} has no leader in the management API`);
  return leader;
}

/** Options of `FailoverPublisher`. */
export interface FailoverPublisherOptions {
  readonly target: AmqpTarget;
  readonly queue: string;
  /** Connection name prefix (`-<generation>` is appended). */
  readonly name: string;
  /** Pause between publishes. @default 50 */
  readonly intervalMs?: number;
  /** A confirm later than this counts as a failure: the connection is dropped. @default 5000 */
  readonly confirmTimeoutMs?: number;
  /** Bound for TCP connect plus AMQP handshake. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Pause before the next connection attempt. @default 100 */
  readonly backoffMs?: number;
}

/** One confirmed publish: when, and on which connection (1 = the first). */
export interface ConfirmRecord {
  readonly at: number;
  readonly generation: number;
  /** Sequence number of the message (its body is `<name>:<seq>`), from 0. */
  readonly seq: number;
}

/**
 * A publisher that keeps publishing persistent messages with confirms and reconnects by itself:
 * on a connection close or error, a nack, or a confirm that does not arrive within
 * `confirmTimeoutMs` it drops the connection (socket destroyed) and opens a new one, after
 * `backoffMs`. What a careful application does with amqplib (research §4.2).
 */
export class FailoverPublisher {
  readonly confirms: ConfirmRecord[] = [];
  readonly errors: { readonly at: number; readonly generation: number; readonly message: string }[] = [];
  /** Connections opened so far. */
  generation = 0;
  /** Messages sent so far (the next message's sequence number). */
  sent = 0;
  /** The current connection, once open. */
  current?: amqp.ChannelModel;
  private stopped = false;
  private loop?: Promise<void>;
  private readonly o: Required<FailoverPublisherOptions>;

  constructor(options: FailoverPublisherOptions) {
    this.o = { intervalMs: 50, confirmTimeoutMs: 5000, connectTimeoutMs: 5000, backoffMs: 100, ...options };
  }

  /** Starts publishing; resolves after the first confirmed publish (rejects after `timeoutMs`). */
  async start(timeoutMs = 15000): Promise<void> {
    this.loop = this.run();
    const ok = await this.waitForConfirm((c) => c.generation >= 1, timeoutMs);
    if (ok === undefined) throw new Error(`${this.o.name}: no confirmed publish within ${timeoutMs} ms (${this.lastError() ?? 'no error'})`);
  }

  /** Last error message, if any. */
  lastError(): string | undefined {
    return this.errors[this.errors.length - 1]?.message;
  }

  /**
   * Waits until a confirm matching `accept` exists (polling every 10 ms, at most `timeoutMs`).
   * @returns the first such confirm, or undefined on timeout
   */
  async waitForConfirm(accept: (c: ConfirmRecord) => boolean, timeoutMs: number): Promise<ConfirmRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.confirms.find(accept);
      if (found || Date.now() >= deadline) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** First confirm on a connection opened after a fault at `faultAt` (ms timestamp). */
  firstConfirmAfterFault(faultAt: number, generationAtFault: number, timeoutMs: number): Promise<ConfirmRecord | undefined> {
    return this.waitForConfirm((c) => c.at >= faultAt && c.generation > generationAtFault, timeoutMs);
  }

  /** Longest time between two confirms (or from the first to `until`), in ms: the longest publish stall. */
  longestStallMs(until = Date.now()): number {
    let longest = 0;
    for (let i = 1; i < this.confirms.length; i++) longest = Math.max(longest, this.confirms[i].at - this.confirms[i - 1].at);
    const last = this.confirms[this.confirms.length - 1];
    return last ? Math.max(longest, until - last.at) : longest;
  }

  /** Stops publishing and drops the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.current) destroyConnection(this.current);
    await bounded(this.loop ?? Promise.resolve(), 10000, `${this.o.name} stop`).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let conn: amqp.ChannelModel | undefined;
      let generation = this.generation;
      try {
        conn = await amqp.connect(amqpUrl(this.o.target), {
          timeout: this.o.connectTimeoutMs,
          clientProperties: { connection_name: `${this.o.name}-${this.generation + 1}` },
        });
        generation = ++this.generation;
        this.current = conn;
        let closedWith: string | undefined;
        const closed = new Promise<never>((_, reject) => {
          const fail = (e?: Error): void => {
            closedWith ??= e?.message ?? 'connection closed';
            reject(new Error(closedWith));
          };
          conn!.on('error', fail);
          conn!.on('close', fail);
        });
        closed.catch(() => undefined);
        const ch = await Promise.race([bounded(conn.createConfirmChannel(), this.o.confirmTimeoutMs, 'channel.open'), closed]);
        ch.on('error', () => undefined);
        while (!this.stopped) {
          const seq = this.sent++;
          await Promise.race([publishConfirmed(ch, this.o.queue, Buffer.from(`${this.o.name}:${seq}`), this.o.confirmTimeoutMs), closed]);
          this.confirms.push({ at: Date.now(), generation, seq });
          await new Promise((r) => setTimeout(r, this.o.intervalMs));
          if (closedWith !== undefined) throw new Error(closedWith);
        }
      } catch (error) {
        if (!this.stopped) this.errors.push({ at: Date.now(), generation, message: (error as Error).message });
      } finally {
        if (conn) destroyConnection(conn);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, this.o.backoffMs));
    }
  }
}

/**
 * Confirmed-publish throughput on one open connection for `durationMs`: persistent `size`-byte
 * messages, at most `window` unconfirmed at a time (what a pipelining publisher does).
 * @returns confirmed messages per second
 */
export async function confirmedThroughput(
  conn: amqp.ChannelModel,
  queue: string,
  options: { readonly durationMs: number; readonly window?: number; readonly size?: number },
): Promise<number> {
  const ch = await bounded(conn.createConfirmChannel(), 5000, 'channel.open');
  try {
    const body = Buffer.alloc(options.size ?? 512, 'x');
    const window = options.window ?? 256;
    let outstanding = 0;
    let confirmed = 0;
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    const started = Date.now();
    const end = started + options.durationMs;
    while (Date.now() < end && failed === undefined) {
      while (outstanding < window && Date.now() < end) {
        outstanding++;
        ch.sendToQueue(queue, body, { persistent: true }, (err: unknown) => {
          outstanding--;
          if (err) failed = new Error('nack');
          else if (Date.now() <= end) confirmed++;
          if (wake && outstanding <= window / 2) {
            const w = wake;
            wake = undefined;
            w();
          }
        });
      }
      if (outstanding <= window / 2) continue; // only when the time is up (the loop ends)
      await bounded(
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
        10000,
        'confirms of the publish window',
      );
    }
    if (failed) throw failed;
    await bounded(ch.waitForConfirms(), 10000, 'last confirms').catch(() => undefined);
    return (confirmed * 1000) / options.durationMs;
  } finally {
    await bounded(ch.close(), 5000, 'channel.close').catch(() => undefined);
  }
}

/** One row of HAProxy's `show stat` CSV, by column name. */
export type HaproxyStatRow = Readonly<Record<string, string>>;

/** `show stat` over HAProxy's runtime API socket (a unix socket), parsed. */
export function haproxyShowStat(socketPath: string, timeoutMs = 3000): Promise<HaproxyStatRow[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let text = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`show stat on ${socketPath}: no answer within ${timeoutMs} ms`));
    });
    socket.on('connect', () => socket.write('show stat\n'));
    socket.on('data', (d) => (text += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const header = (lines.shift() ?? '').replace(/^# /, '').split(',');
      resolve(lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))));
    });
  });
}
