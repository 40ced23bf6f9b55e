/**
 * Settings of the load balancer benchmark (bench/lb-bench.ts): the rmq-ha load balancer settings
 * under test, the fault and throughput parameters, the configurations compared, and the row
 * each configuration fills in.
 */
import { checkInstalled } from '../local/install';

export const HEARTBEAT_S = 5;
/** Proxy idle timeout of the rmq-ha configs: 2 × heartbeat, the smallest recommended value. */
export const IDLE_TIMEOUT_S = 10;
/** The spec's defaults (spec/load-balancer.ts). */
export const HEALTH_CHECK = { interSeconds: 1, fastInterSeconds: 1, fall: 2, rise: 2, timeoutSeconds: 1 };
/** inter + fall × timeout check + (fall − 1) × fastinter: HAProxy's bound for a hung node. */
export const CHECK_WINDOW_MS =
  (HEALTH_CHECK.interSeconds + HEALTH_CHECK.fall * HEALTH_CHECK.timeoutSeconds + (HEALTH_CHECK.fall - 1) * HEALTH_CHECK.fastInterSeconds) * 1000;
export const NEW_CONNECTIONS = 10;
/** New connections after a kill are tried this long after it (publishers have reconnected by then). */
export const KILL_PROBE_DELAY_MS = 500;
export const HANDSHAKE_TIMEOUT_MS = 3000;
/** A hang is kept well below net_ticktime (60 s, detection after 45–75 s), so no partition follows. */
export const HANG_DEADLINE_MS = 25000;
export const KILL_DEADLINE_MS = 20000;
/** Rounds of throughput runs per configuration; each round runs both sides once. */
export const THROUGHPUT_ROUNDS = 6;
/** Length of one run: 6 × 0.5 s = 3 s of publishing per side and configuration. */
export const THROUGHPUT_RUN_MS = 500;
export const QUEUE = 'lb-bench';

/** The configurations compared, in table order. */
export const CONFIGS = [
  { name: 'haproxy', label: 'rmq-ha HAProxy', kind: 'haproxy', seed: false },
  { name: 'nginx', label: 'rmq-ha nginx', kind: 'nginx', seed: false },
  { name: 'seed-haproxy', label: 'seed chapter HAProxy', kind: 'haproxy', seed: true },
  { name: 'seed-nginx', label: 'seed chapter nginx', kind: 'nginx', seed: true },
] as const;
export type ConfigName = (typeof CONFIGS)[number]['name'];

/** One row of the table. */
export interface LbBenchRow {
  readonly label: string;
  /** ms from SIGKILL to the first confirmed publish on a new connection; undefined: none in time. */
  killMs?: number;
  /** ms from SIGSTOP to the first confirmed publish on a new connection; undefined: none in time. */
  hangMs?: number;
  /** New connections (of NEW_CONNECTIONS) that got no AMQP answer: sent to the hung node. */
  onHung?: number;
  /** New connections (of NEW_CONNECTIONS) opened 0.5 s after the kill that got no AMQP answer. */
  failedAfterKill?: number;
  /** Idle connection: undefined = survived, else when and why it closed. */
  idleClosed?: { readonly afterMs: number; readonly reason: string };
  idleChecked: boolean;
  /** Mean confirmed msg/s through the proxy and directly to the same node. */
  lbRate?: number;
  directRate?: number;
  /** Median over the rounds of (through the proxy / direct). */
  throughputRatio?: number;
  /** Why a measurement is missing. */
  notes: string[];
}

/** Result of `runLbBench`. */
export interface LbBenchResult {
  readonly rows: readonly LbBenchRow[];
  /** Markdown: heading, table, notes. */
  readonly table: string;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Progress on stderr (stdout carries the table). */
export const log = (text: string): void => {
  process.stderr.write(`[lb-bench] ${text}\n`);
};

/** Why the load balancer benches cannot run here (a missing Debian package), or undefined. */
export function missingLbPackages(): string | undefined {
  const installed = checkInstalled();
  const missing = (['haproxy', 'nginx', 'libnginx-mod-stream'] as const).filter((p) => installed.versions[p] === undefined);
  return !installed.ok ? installed.hint : missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;
}
