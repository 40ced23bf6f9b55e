import { z } from 'zod';
import { sizeSchema } from './size';
import { parseVersion, isReleaseLineOnly, isSupportedLine, OLDEST_SUPPORTED, NEWEST_SUPPORTED } from './version';

/** The image the cluster-operator ships by default at the time of writing. */
export const DEFAULT_RABBITMQ_VERSION = '4.3.4';

/** Plugins every node runs: the UI/HTTP API (health checks, definitions export) and metrics. */
export const BASE_PLUGINS = ['rabbitmq_management', 'rabbitmq_prometheus'] as const;

const version = z
  .string()
  .default(DEFAULT_RABBITMQ_VERSION)
  .refine((v) => parseVersion(v) !== undefined, { error: 'must be a version like 4.3.4 or 3.10' })
  .refine((v) => { const p = parseVersion(v); return p === undefined || isSupportedLine(p); }, {
    error: `must be a release line from ${OLDEST_SUPPORTED} to ${NEWEST_SUPPORTED}; other lines have config keys this toolkit does not know`,
  });

const memoryWatermark = z.union(
  [
    z.strictObject({
      relative: z.number().min(0.2, { error: 'must be between 0.2 and 0.9 (0.4-0.7 recommended)' })
        .max(0.9, { error: 'must be between 0.2 and 0.9 (0.4-0.7 recommended)' }),
    }),
    z.strictObject({ absolute: sizeSchema }),
  ],
  { error: 'must be { relative: 0.6 } or { absolute: "1536MiB" }' },
);

const diskFreeLimit = z.union(
  [
    z.strictObject({ absolute: sizeSchema }),
    z.strictObject({ relative: z.number().min(0.5).max(3) }),
  ],
  { error: 'must be { absolute: "2GB" } or { relative: 1.0 } (a multiple of total memory)' },
);

/** The image the nodes run when `rabbitmq.image` is not set. */
export function defaultRabbitmqImage(version: string): string {
  return `rabbitmq:${version}-management`;
}

/** The RabbitMQ server settings of a cluster spec. Defaults follow the production checklist. */
const rabbitmqFields = z.strictObject({
  /**
   * RabbitMQ version; decides which rabbitmq.conf keys are emitted and, without
   * `rabbitmq.image`, the image tag, so it must name a patch release (`4.3.4`): a release line
   * such as `4.3` would be a moving tag.
   * @default 4.3.4
   */
  version,
  /** Container image. @default `rabbitmq:<version>-management` */
  image: z.string().min(1).optional(),
  /** Extra plugins on top of management and prometheus (e.g. rabbitmq_shovel). @default [] */
  plugins: z.array(z.string().regex(/^\w+$/, { error: 'must be a plugin name such as rabbitmq_shovel' })).default([]),
  /** Memory alarm threshold; relative to the container memory limit. @default { relative: 0.6 } */
  memoryHighWatermark: memoryWatermark.default({ relative: 0.6 }),
  /** Free disk below which publishers are blocked. The 50MB built-in default is for development. @default { absolute: 2GB } */
  diskFreeLimit: diskFreeLimit.default({ absolute: 2e9 }),
  /**
   * Mnesia partition handling; only has an effect before 4.3 (Khepri/Raft from 4.3 needs a majority).
   * @default pause_minority (emitted for versions before 4.3)
   */
  partitionHandling: z.enum(['pause_minority', 'autoheal', 'ignore']).optional(),
  /** Server-suggested AMQP heartbeat; 10-30 s keeps proxies and load balancers from idling connections out. @default 30 */
  heartbeatSeconds: z.number().int().min(5, { error: 'must be >= 5 s; shorter heartbeats give false positives' }).max(600).default(30),
  /**
   * Erlang distribution tick (net_ticktime): a peer that stays silent for 45-75 s at the default
   * of 60 is declared down and a partition begins. Lower detects a dead or cut-off node sooner but
   * risks false partitions on a busy or briefly stalled network (RabbitMQ's networking guide).
   * @default - RabbitMQ's own (60 s; nothing written)
   */
  netTickTimeSeconds: z.number().int().min(10, { error: 'must be >= 10 s; shorter ticks declare busy nodes down (false partitions)' }).max(600).optional(),
  /** Metrics collection interval; 10000 is the production recommendation with Prometheus. @default 10000 */
  collectStatisticsIntervalMs: z.number().int().min(1000).max(600000).default(10000),
  /** Where new queue leaders go. @default balanced */
  queueLeaderLocator: z.enum(['balanced', 'client-local']).default('balanced'),
  /** Console log level. @default info */
  logLevel: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
});

/**
 * The `rabbitmq` section. A version without its patch is refused when it makes the image tag
 * (`rabbitmq:4.3-management` moves to every new 4.3.x release: pods and containers recreated at
 * different times would run different versions, and a restart could upgrade a node by itself).
 */
export const rabbitmqSpec = rabbitmqFields.superRefine((r, ctx) => {
  const v = parseVersion(r.version);
  // An unsupported line is refused already; one message per problem.
  if (r.image === undefined && isReleaseLineOnly(r.version) && v !== undefined && isSupportedLine(v)) {
    ctx.addIssue({
      code: 'custom',
      path: ['version'],
      input: r.version,
      message: `names a release line, so the image would be ${defaultRabbitmqImage(r.version)}, a tag that moves with every patch release; write the patch release to run (e.g. ${DEFAULT_RABBITMQ_VERSION}), or set rabbitmq.image to a pinned image`,
    });
  }
});

export type RabbitmqSpec = z.output<typeof rabbitmqSpec>;
