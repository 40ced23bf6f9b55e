import type { AddressTable, NodeAddress } from '../plan/addresses';
import type { TlsPlan } from '../plan/tls';
import type { ClusterSpec } from '../spec/cluster';
import type { RabbitVersion } from '../spec/version';
import type { ConfValue } from './conf-value';

/** What a rabbitmq.conf rule may look at: the spec, the version being rendered and the address table. */
export interface ConfContext {
  readonly spec: ClusterSpec;
  /** The RabbitMQ version the file is for (the spec's, or the installed one for `local`). */
  readonly version: RabbitVersion;
  readonly addresses: AddressTable;
  /** The node this file is for. */
  readonly node: NodeAddress;
  /** TLS of the plan; undefined when TLS is off. */
  readonly tls?: TlsPlan;
}

/** One group of rabbitmq.conf keys, with the reason it exists. */
export interface ConfRule {
  /** Stable id, used by tests and in the rendered comment. */
  readonly id: string;
  /** Why the keys are there (rendered as a comment above them). */
  readonly reason: string;
  /**
   * Key/value pairs to emit, each value with the datatype RabbitMQ's schema declares for its key;
   * an empty list emits nothing (rule does not apply to this version/target).
   */
  lines(ctx: ConfContext): ReadonlyArray<readonly [string, ConfValue]>;
}
