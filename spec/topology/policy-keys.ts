/**
 * What RabbitMQ accepts in a policy definition and in queue arguments, and which queue types honour
 * each key. Read from RabbitMQ 3.10.8 itself (`rabbit_policies:validate_policy0/2`, the
 * `capabilities()` of `rabbit_classic_queue`, `rabbit_quorum_queue` and `rabbit_stream_queue`),
 * plus the documented changes of later lines (mirroring and in-memory limits removed in 4.0).
 *
 * RabbitMQ filters a policy out for a queue when the policy holds any key the queue type does not
 * support (`rabbit_queue_type:is_policy_applicable/2`): the whole policy silently does not apply.
 * The validation in `validate.ts` rejects such combinations instead of letting them pass.
 */
import { atLeast, type RabbitVersion } from '../version';

/** The queue types a declared queue can have. */
export const QUEUE_TYPES = ['classic', 'quorum', 'stream'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/** What a policy can be applied to: one queue type or exchanges. */
export type PolicyTarget = QueueType | 'exchange';

/** Why classic mirroring keys are refused from 4.0; shared by every message about ha-* keys. */
export const MIRRORING_REMOVED =
  'classic queue mirroring was removed in RabbitMQ 4.0 (ha-* keys have no effect there); ' +
  'declare the queue with type: quorum (replicated on a Raft majority) and put delivery and length limits ' +
  'in a policy with the quorum preset, or use a stream for replicated logs';

/** One key of a policy definition. */
export interface PolicyKey {
  /** Key as written in the policy definition, e.g. `max-length`. */
  readonly key: string;
  /** The queue argument with the same meaning, e.g. `x-max-length`. @default - none (policy only) */
  readonly argument?: string;
  /** Objects the key has an effect on. */
  readonly targets: readonly PolicyTarget[];
  /** Also accepted in operator policies. @default false */
  readonly operator?: boolean;
  /** First release line that knows the key. @default - every supported line */
  readonly since?: string;
  /** First release line where the key is gone or has no effect. @default - still supported */
  readonly removedIn?: string;
  /** What to do instead, for versions where the key is removed. @default - none */
  readonly removedHint?: string;
  /** Checks a value; returns what is allowed when the value is wrong. */
  check(value: unknown): string | undefined;
  /** Narrows the targets for a particular value (overflow `reject-publish-dlx` is classic only). @default - targets */
  targetsFor?(value: unknown): readonly PolicyTarget[];
  /**
   * True when queue types outside `targets` ignore the key but still take the policy (the key is not
   * in their `unsupported_policies`); otherwise such a queue skips the whole policy.
   * @default false
   */
  readonly unfiltered?: boolean;
}

const CLASSIC_QUORUM: readonly PolicyTarget[] = ['classic', 'quorum'];
const ALL_QUEUES: readonly PolicyTarget[] = ['classic', 'quorum', 'stream'];

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? undefined
    : `must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`;
const oneOf = (...values: readonly (string | number)[]) => (v: unknown): string | undefined =>
  values.includes(v as string | number) ? undefined : `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const name = (v: unknown): string | undefined => (typeof v === 'string' ? undefined : 'must be a string');
const nonEmptyName = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty name');
const bool = (v: unknown): string | undefined => (typeof v === 'boolean' ? undefined : 'must be true or false');
/** Stream retention, as `rabbit_amqqueue:check_max_age/1` reads it: a number and a unit Y M D h m s. */
const maxAge = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d+(Y|M|D|h|m|s)$/.test(v) ? undefined : 'must be a duration such as 7D, 12h or 30m (units Y M D h m s)';
const haParams = (v: unknown): string | undefined =>
  (typeof v === 'number' && Number.isInteger(v) && v >= 1) || (Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string'))
    ? undefined
    : 'must be a replica count (ha-mode exactly) or a list of node names (ha-mode nodes)';

const mirroring = (key: string, check: (v: unknown) => string | undefined): PolicyKey => ({
  key,
  targets: ['classic'],
  removedIn: '4.0',
  removedHint: MIRRORING_REMOVED,
  check,
});

/** Every policy key the toolkit knows, in the order RabbitMQ documents them. */
export const POLICY_KEYS: readonly PolicyKey[] = [
  mirroring('ha-mode', oneOf('all', 'exactly', 'nodes')),
  mirroring('ha-params', haParams),
  mirroring('ha-sync-mode', oneOf('manual', 'automatic')),
  { ...mirroring('ha-sync-batch-size', int(1)), unfiltered: true },
  mirroring('ha-promote-on-shutdown', oneOf('when-synced', 'always')),
  mirroring('ha-promote-on-failure', oneOf('when-synced', 'always')),
  { key: 'queue-master-locator', argument: 'x-queue-master-locator', targets: ['classic'], check: oneOf('min-masters', 'client-local', 'random') },
  { key: 'queue-mode', argument: 'x-queue-mode', targets: ['classic'], check: oneOf('default', 'lazy') },
  { key: 'queue-version', argument: 'x-queue-version', targets: ['classic'], unfiltered: true, check: oneOf(1, 2) },
  { key: 'queue-leader-locator', argument: 'x-queue-leader-locator', targets: ['quorum', 'stream'], check: oneOf('client-local', 'balanced') },
  { key: 'expires', argument: 'x-expires', targets: CLASSIC_QUORUM, operator: true, check: int(1) },
  { key: 'message-ttl', argument: 'x-message-ttl', targets: CLASSIC_QUORUM, operator: true, check: int(0) },
  { key: 'max-length', argument: 'x-max-length', targets: CLASSIC_QUORUM, operator: true, check: int(1) },
  { key: 'max-length-bytes', argument: 'x-max-length-bytes', targets: ALL_QUEUES, operator: true, check: int(1) },
  {
    key: 'overflow',
    argument: 'x-overflow',
    targets: CLASSIC_QUORUM,
    check: oneOf('drop-head', 'reject-publish', 'reject-publish-dlx'),
    targetsFor: (v) => (v === 'reject-publish-dlx' ? ['classic'] : CLASSIC_QUORUM),
  },
  { key: 'dead-letter-exchange', argument: 'x-dead-letter-exchange', targets: CLASSIC_QUORUM, check: name },
  { key: 'dead-letter-routing-key', argument: 'x-dead-letter-routing-key', targets: CLASSIC_QUORUM, check: name },
  { key: 'dead-letter-strategy', argument: 'x-dead-letter-strategy', targets: ['quorum'], check: oneOf('at-most-once', 'at-least-once') },
  { key: 'delivery-limit', argument: 'x-delivery-limit', targets: ['quorum'], operator: true, check: int(1) },
  {
    key: 'max-in-memory-length',
    argument: 'x-max-in-memory-length',
    targets: ['quorum'],
    operator: true,
    removedIn: '4.0',
    removedHint: 'quorum queues keep no messages in memory from 4.0; remove the key',
    check: int(0),
  },
  {
    key: 'max-in-memory-bytes',
    argument: 'x-max-in-memory-bytes',
    targets: ['quorum'],
    operator: true,
    removedIn: '4.0',
    removedHint: 'quorum queues keep no messages in memory from 4.0; remove the key',
    check: int(0),
  },
  { key: 'max-age', argument: 'x-max-age', targets: ['stream'], check: maxAge },
  { key: 'stream-max-segment-size-bytes', argument: 'x-stream-max-segment-size-bytes', targets: ['stream'], check: int(1, 3_000_000_000) },
  { key: 'federation-upstream', targets: ['classic', 'quorum', 'exchange'], unfiltered: true, check: nonEmptyName },
  { key: 'federation-upstream-set', targets: ['classic', 'quorum', 'exchange'], unfiltered: true, check: nonEmptyName },
  { key: 'alternate-exchange', targets: ['exchange'], unfiltered: true, check: nonEmptyName },
];

const BY_KEY = new Map(POLICY_KEYS.map((k) => [k.key, k]));
const BY_ARGUMENT = new Map(POLICY_KEYS.filter((k) => k.argument).map((k) => [k.argument!, k]));

export function policyKey(key: string): PolicyKey | undefined {
  return BY_KEY.get(key);
}

/** True when the key exists in `version` (known and not removed). */
export function keyAvailable(k: Pick<PolicyKey, 'since' | 'removedIn'>, version: RabbitVersion): boolean {
  return (k.since === undefined || atLeast(version, k.since)) && (k.removedIn === undefined || !atLeast(version, k.removedIn));
}

/** The queue types (or exchanges) a key with this value has an effect on. */
export function keyTargets(k: PolicyKey, value: unknown): readonly PolicyTarget[] {
  return k.targetsFor ? k.targetsFor(value) : k.targets;
}

/** True when a queue of `type` takes a policy holding `key` (RabbitMQ's `is_policy_applicable`). */
export function queueTakesKey(type: QueueType, key: string): boolean {
  const k = BY_KEY.get(key);
  return k === undefined || k.unfiltered === true || k.targets.includes(type);
}

/** A queue argument: the policy key it mirrors, or one that only exists as an argument. */
export interface QueueArgument {
  readonly argument: string;
  readonly targets: readonly PolicyTarget[];
  check(value: unknown): string | undefined;
  targetsFor?(value: unknown): readonly PolicyTarget[];
  readonly removedIn?: string;
  readonly removedHint?: string;
}

/** Arguments that are not policy keys (priorities, single active consumer). */
const ARGUMENT_ONLY: readonly QueueArgument[] = [
  { argument: 'x-max-priority', targets: ['classic'], check: int(1, 255) },
  { argument: 'x-single-active-consumer', targets: ['classic', 'quorum'], check: bool },
];

/**
 * Arguments the spec refuses, with the field or policy to use instead. `x-ha-policy` was removed in
 * RabbitMQ 3.0: the broker ignores it, so a queue "mirrored" that way has one copy.
 */
export const REPLACED_ARGUMENTS: Readonly<Record<string, string>> = {
  'x-ha-policy':
    'x-ha-policy was removed in RabbitMQ 3.0 and is ignored (the queue gets no mirrors); replicate with type: quorum, ' +
    'or before 4.0 mirror classic queues with a policy: policies: [{ pattern: "^name$", mirrored: { mode: all } }]',
  'x-ha-nodes': 'x-ha-nodes was removed in RabbitMQ 3.0; use a policy with mirrored: { mode: nodes, nodes: [...] } (before 4.0) or type: quorum',
  'x-queue-type': 'set the queue type with the type field (classic, quorum or stream), not as an argument',
  'x-quorum-initial-group-size': 'set it with the initialGroupSize field of the queue',
  'x-initial-cluster-size': 'set it with the initialGroupSize field of the queue (streams)',
};

/** The declared-queue argument named `argument`, or undefined when RabbitMQ does not know it. */
export function queueArgument(argument: string): QueueArgument | undefined {
  const only = ARGUMENT_ONLY.find((a) => a.argument === argument);
  if (only) return only;
  const k = BY_ARGUMENT.get(argument);
  if (!k) return undefined;
  return { argument, targets: k.targets, check: k.check, targetsFor: k.targetsFor, removedIn: k.removedIn, removedHint: k.removedHint };
}

/** Every argument name a declared queue may carry, for messages. */
export function knownQueueArguments(): string[] {
  return [...ARGUMENT_ONLY.map((a) => a.argument), ...BY_ARGUMENT.keys()].sort();
}

/** What `apply-to` covers. */
export const APPLY_TO = ['queues', 'classic_queues', 'quorum_queues', 'streams', 'exchanges', 'all'] as const;
export type ApplyTo = (typeof APPLY_TO)[number];

/** apply-to values that select one queue type; RabbitMQ accepts them from 3.12. */
export const TYPED_APPLY_TO_SINCE = '3.12';

export function applyToTargets(applyTo: ApplyTo): readonly PolicyTarget[] {
  switch (applyTo) {
    case 'queues':
      return ALL_QUEUES;
    case 'classic_queues':
      return ['classic'];
    case 'quorum_queues':
      return ['quorum'];
    case 'streams':
      return ['stream'];
    case 'exchanges':
      return ['exchange'];
    case 'all':
      return [...ALL_QUEUES, 'exchange'];
  }
}

/** Human names for messages. */
export function describeTargets(targets: readonly PolicyTarget[]): string {
  const words: Record<PolicyTarget, string> = { classic: 'classic queues', quorum: 'quorum queues', stream: 'streams', exchange: 'exchanges' };
  return targets.map((t) => words[t]).join(', ');
}
