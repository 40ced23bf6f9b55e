import { z } from 'zod';
import { DEFAULT_VHOST, labelName, regexPattern, vhostName } from './names';
import { APPLY_TO } from './policy-keys';

const positive = (what: string) => z.number({ error: `must be a whole number of ${what}` }).int({ error: `must be a whole number of ${what}` }).min(1, { error: `must be positive (>= 1 ${what})` });

/**
 * The quorum preset: the policy keys quorum queues honour for redelivery, dead-lettering and length.
 * (`x-queue-type` and the initial group size are queue declarations: `queues[].type` and
 * `queues[].initialGroupSize`.)
 */
export const quorumPreset = z.strictObject({
  /** `delivery-limit`: redeliveries before a message is dead-lettered or dropped. @default - RabbitMQ's (unlimited before 4.0, 20 from 4.0) */
  deliveryLimit: positive('deliveries').optional(),
  /** `dead-letter-exchange`: where rejected, expired and over-limit messages go. @default - none (dropped) */
  deadLetterExchange: z.string().optional(),
  /** `dead-letter-routing-key`. @default - the message's own routing key */
  deadLetterRoutingKey: z.string().optional(),
  /** `dead-letter-strategy`: at-least-once needs overflow reject-publish. @default - at-most-once */
  deadLetterStrategy: z.enum(['at-most-once', 'at-least-once']).optional(),
  /** `max-length` in messages. @default - unlimited */
  maxLength: positive('messages').optional(),
  /** `max-length-bytes`. @default - unlimited */
  maxLengthBytes: positive('bytes').optional(),
  /** `overflow` once a limit is reached. @default - drop-head */
  overflow: z
    .custom<'drop-head' | 'reject-publish'>((v) => v === 'drop-head' || v === 'reject-publish', {
      error: 'must be drop-head or reject-publish (quorum queues do not support reject-publish-dlx)',
    })
    .optional(),
});

/** The mirrored preset (classic queue mirroring, RabbitMQ < 4.0 only). */
export const mirroredPreset = z
  .strictObject({
    /** `ha-mode`: all nodes, exactly `count` replicas, or the listed nodes. */
    mode: z.enum(['all', 'exactly', 'nodes'], { error: 'must be all, exactly or nodes' }),
    /** Replica count (leader included) for mode exactly. @default - required for mode exactly */
    count: z.number().int().min(2, { error: 'must be >= 2 (1 replica is an unmirrored queue)' }).optional(),
    /** Node indexes (0-based) for mode nodes; rendered as each target's node names. @default - required for mode nodes */
    nodes: z.array(z.number().int().min(0)).min(1).optional(),
    /** `ha-sync-mode`: automatic copies existing messages to a new mirror (the queue pauses meanwhile). @default automatic */
    syncMode: z.enum(['manual', 'automatic']).default('automatic'),
  })
  .superRefine((m, ctx) => {
    if (m.mode === 'exactly' && m.count === undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'is required with mode exactly (replicas, leader included)' });
    if (m.mode !== 'exactly' && m.count !== undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: `only applies to mode exactly, not ${m.mode}` });
    if (m.mode === 'nodes' && m.nodes === undefined) ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'is required with mode nodes (0-based node indexes)' });
    if (m.mode !== 'nodes' && m.nodes !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes'], message: `only applies to mode nodes, not ${m.mode}` });
  });

/** The federation preset: the policy keys that attach upstreams to matching exchanges or queues. */
export const federationPreset = z
  .strictObject({
    /** `federation-upstream`: one upstream of `topology.federation.upstreams`. @default - use upstreamSet */
    upstream: z.string().min(1).optional(),
    /** `federation-upstream-set`: a set of `topology.federation.upstreamSets`, or `all`. @default - use upstream */
    upstreamSet: z.string().min(1).optional(),
  })
  .refine((f) => (f.upstream === undefined) !== (f.upstreamSet === undefined), { error: 'must name exactly one of upstream or upstreamSet' });

/**
 * A policy: RabbitMQ applies the highest-priority matching policy to each queue or exchange.
 * Keys come from `definition` (raw RabbitMQ keys) and from the typed presets; all are validated
 * against the queue types the policy can reach.
 */
export const policySpec = z.strictObject({
  /** Policy name (unique per vhost). */
  name: labelName,
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Regular expression over queue/exchange names (unanchored: use ^ and $). */
  pattern: regexPattern,
  /** What the policy can match. classic_queues, quorum_queues and streams need RabbitMQ >= 3.12. @default queues */
  applyTo: z.enum(APPLY_TO, { error: `must be one of ${APPLY_TO.join(', ')}` }).default('queues'),
  /** Highest wins when several policies match one object. @default 0 */
  priority: z.number().int({ error: 'must be a whole number' }).default(0),
  /** Raw policy keys, e.g. { "max-length": 1000 }. @default {} */
  definition: z.record(z.string(), z.unknown()).default({}),
  /** Quorum queue keys (delivery limit, dead-lettering, length). @default - none */
  quorum: quorumPreset.optional(),
  /** Classic mirroring (ha-mode, ha-params, ha-sync-mode); RabbitMQ < 4.0 only. @default - none */
  mirrored: mirroredPreset.optional(),
  /** Federation keys (federation-upstream or federation-upstream-set). @default - none */
  federation: federationPreset.optional(),
});

export type PolicySpec = z.output<typeof policySpec>;
export type PolicySpecInput = z.input<typeof policySpec>;

/** Operator policies cap what user policies and clients set (the lower numeric value wins). */
export const OPERATOR_APPLY_TO = ['queues', 'classic_queues', 'quorum_queues', 'streams'] as const;

export const operatorPolicySpec = z.strictObject({
  /** Operator policy name (unique per vhost). */
  name: labelName,
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Regular expression over queue names. */
  pattern: regexPattern,
  /** classic_queues, quorum_queues and streams need RabbitMQ >= 3.12. @default queues */
  applyTo: z.enum(OPERATOR_APPLY_TO, { error: `must be one of ${OPERATOR_APPLY_TO.join(', ')}` }).default('queues'),
  /** @default 0 */
  priority: z.number().int().default(0),
  /** Keys operator policies accept: expires, message-ttl, max-length, max-length-bytes, delivery-limit (and max-in-memory-* before 4.0). */
  definition: z.record(z.string(), z.unknown()),
});

export type OperatorPolicySpec = z.output<typeof operatorPolicySpec>;

type PresetOptions = Partial<Pick<PolicySpecInput, 'vhost' | 'applyTo' | 'priority'>>;

/** Typed shorthands for the common policies (`QueuePolicy.quorum('orders', '^orders\\.', { deliveryLimit: 5 })`). */
export const QueuePolicy = {
  /** Delivery limit, dead-lettering and length limits for quorum queues. */
  quorum(name: string, pattern: string, quorum: z.input<typeof quorumPreset>, options: PresetOptions = {}): PolicySpecInput {
    return { name, pattern, quorum, ...options };
  },
  /** Classic queue mirroring (RabbitMQ < 4.0). */
  mirrored(name: string, pattern: string, mirrored: z.input<typeof mirroredPreset>, options: PresetOptions = {}): PolicySpecInput {
    return { name, pattern, mirrored, ...options };
  },
  /** Federates matching exchanges (or queues) from an upstream or upstream set. */
  federation(name: string, pattern: string, federation: z.input<typeof federationPreset>, options: PresetOptions = {}): PolicySpecInput {
    return { name, pattern, federation, applyTo: 'exchanges', ...options };
  },
} as const;
