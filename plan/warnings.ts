import { fileDescriptorLimit, type ClusterSpec } from '../spec/cluster';
import { atLeast, type RabbitVersion } from '../spec/version';

/** A best-practice finding about a valid spec: printed by validate/review, fatal with --strict. */
export interface PlanWarning {
  /** Stable id, e.g. `even-node-count`. */
  readonly id: string;
  /** Field the warning is about. */
  readonly path: string;
  readonly message: string;
  /** The reason given in the spec's `acknowledgedWarnings`, when the team accepted it. */
  readonly acknowledged?: string;
}

/** Marks the warnings the spec acknowledges (id match), keeping their order. */
export function acknowledge(warnings: readonly PlanWarning[], accepted: ReadonlyArray<{ readonly id: string; readonly reason: string }>): PlanWarning[] {
  return warnings.map((w) => {
    const a = accepted.find((x) => x.id === w.id);
    return a ? { ...w, acknowledged: a.reason } : w;
  });
}

/** Warnings `--strict` fails on: those not acknowledged. */
export function strictWarnings(warnings: readonly PlanWarning[]): PlanWarning[] {
  return warnings.filter((w) => w.acknowledged === undefined);
}

/** Best-practice checks on a valid spec, in a fixed order. */
export function specWarnings(spec: ClusterSpec, version: RabbitVersion): PlanWarning[] {
  const w: PlanWarning[] = [];
  const n = spec.nodes;
  if (n < 3) {
    w.push({ id: 'no-fault-tolerance', path: 'nodes', message: `${n} node(s) tolerate no node failure; use 3 or 5 nodes for high availability` });
  } else if (n % 2 === 0) {
    w.push({ id: 'even-node-count', path: 'nodes', message: `${n} nodes tolerate as many failures as ${n - 1} and risk a split without majority; use an odd count` });
  }
  if (n > 7) {
    w.push({ id: 'large-cluster', path: 'nodes', message: `${n} nodes: quorum queues should not span more than 7 nodes; consider independent clusters linked by federation or shovels` });
  }
  if (spec.rabbitmq.partitionHandling !== undefined && atLeast(version, '4.3')) {
    w.push({ id: 'partition-handling-ignored', path: 'rabbitmq.partitionHandling', message: 'has no effect from RabbitMQ 4.3 (Khepri/Raft needs a majority); it is not written to rabbitmq.conf, remove it from the spec' });
  }
  const wm = spec.rabbitmq.memoryHighWatermark;
  if ('relative' in wm && (wm.relative < 0.4 || wm.relative > 0.7)) {
    w.push({ id: 'memory-watermark-range', path: 'rabbitmq.memoryHighWatermark.relative', message: `${wm.relative} is outside the recommended 0.4-0.7` });
  }
  const watermarkBytes = 'relative' in wm ? spec.resources.memory * wm.relative : wm.absolute;
  const disk = spec.rabbitmq.diskFreeLimit;
  if ('absolute' in disk && disk.absolute < Math.min(watermarkBytes, 1e9)) {
    w.push({ id: 'disk-free-limit-low', path: 'rabbitmq.diskFreeLimit.absolute', message: `${disk.absolute} bytes is below the memory watermark; keep at least as much disk free as the watermark` });
  }
  // Kubernetes refuses the field: the container runtime's limit applies there.
  const nofile = fileDescriptorLimit(spec);
  if (spec.target !== 'kubernetes' && nofile < 50000) {
    w.push({ id: 'file-descriptors-low', path: 'resources.fileDescriptors', message: `${nofile} is below the 50000 production minimum` });
  }
  if (spec.network.bindAddress === '0.0.0.0') {
    w.push({ id: 'exposed-on-all-interfaces', path: 'network.bindAddress', message: 'published ports listen on every host interface; restrict them with a firewall or bind to one address' });
  }
  if (spec.rabbitmq.heartbeatSeconds > 60) {
    w.push({ id: 'heartbeat-long', path: 'rabbitmq.heartbeatSeconds', message: `${spec.rabbitmq.heartbeatSeconds} s detects dead connections slowly; 10-30 s suits load balancers` });
  }
  return w;
}
