/**
 * The workload decisions of the Kubernetes target as pure functions of the spec, so each can be
 * tested alone and the consistency checker can recompute them.
 */
import { atLeast, type RabbitVersion } from '../../../spec/version';
import { SKIP_PRESTOP_LABEL } from './metadata';

/** Members a Raft group (quorum queue, stream, Khepri) needs online: floor(n/2) + 1. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * maxUnavailable of the PodDisruptionBudget: 1 for every cluster size. From 3 nodes one pod at a
 * time keeps every quorum queue a majority. A 1- or 2-node cluster has no pod to spare, but a
 * budget of 0 would block every node drain for ever (cluster upgrades, autoscaler scale-downs);
 * 1 lets the drain take the cluster down until the pod is back, and `rmq-ha validate` warns
 * (`drain-takes-cluster-down`) that 3 nodes are the fix.
 *
 * Why maxUnavailable 1 and not minAvailable = majority(n): a quorum queue may have fewer replicas
 * than the cluster has nodes (e.g. 3 replicas on 5 nodes). minAvailable 3 of 5 would allow two
 * evictions at once, which can be two of the same queue's three replicas. One at a time is safe
 * for every replica count >= 3, and an already-unready pod counts as the one disruption.
 */
export function disruptionBudgetMaxUnavailable(_nodes: number): number {
  return 1;
}

/** Nodes below which no node can stop without costing a majority (1 of 1, 1 of 2). */
export const MIN_NODES_TO_SPARE_ONE = 3;

/** The k8s peer discovery plugin calls the Kubernetes API (endpoints, events) only before 4.1. */
export function peerDiscoveryUsesApi(version: RabbitVersion): boolean {
  return !atLeast(version, '4.1');
}

/** How the preStop hook spends the termination grace period. */
export interface PreStopBudget {
  /** `rabbitmq-upgrade await_online_quorum_plus_one -t` (0: skipped, single node). */
  readonly awaitQuorumSeconds: number;
  /** `rabbitmq-upgrade drain -t`: leader transfer and listener suspension. */
  readonly drainSeconds: number;
  /** Left after the hook for RabbitMQ's own shutdown on SIGTERM. */
  readonly shutdownSeconds: number;
}

/** Seconds kept for RabbitMQ's own shutdown after the hook returns (SIGTERM to exit). */
export const SHUTDOWN_RESERVE_SECONDS = 60;
/** Upper bound of the drain step; leader transfers take seconds to minutes. */
export const MAX_DRAIN_SECONDS = 600;

/**
 * Splits the grace period so that the whole hook always ends before the kubelet's SIGKILL:
 * await + drain + shutdown = grace. Drain gets a quarter of what is left after the shutdown
 * reserve (at most 10 minutes); waiting for quorum gets the rest. A cluster of 1 or 2 nodes only
 * drains: `await_online_quorum_plus_one` can never pass there (a 2-member queue needs both online,
 * quorum + 1 is 3), so it would hold every drain and rolling update for the whole grace period.
 */
export function preStopBudget(graceSeconds: number, nodes: number): PreStopBudget {
  const usable = graceSeconds - SHUTDOWN_RESERVE_SECONDS;
  if (usable < 60) throw new Error(`terminationGracePeriodSeconds ${graceSeconds} leaves no time for the preStop hook`);
  const drainSeconds = Math.min(MAX_DRAIN_SECONDS, Math.floor(usable / 4));
  const awaitQuorumSeconds = nodes >= MIN_NODES_TO_SPARE_ONE ? usable - drainSeconds : 0;
  return { awaitQuorumSeconds, drainSeconds, shutdownSeconds: graceSeconds - awaitQuorumSeconds - drainSeconds };
}

/** Mount path of the Downward API volume that exposes the skip marker label. */
export const POD_INFO_DIR = '/etc/pod-info';

/** What the preStop hook does besides waiting for quorum and draining. */
export interface PreStopOptions {
  /**
   * Wait for every classic mirrored queue on this node to have a synchronised mirror online
   * (`await_online_synchronized_mirror`): versions before 4.0, where mirroring policies exist.
   */
  readonly awaitMirrors: boolean;
}

/** True when the version still has classic queue mirroring (removed in 4.0). */
export function hasClassicMirroring(version: RabbitVersion): boolean {
  return !atLeast(version, '4.0');
}

/**
 * The preStop command (POSIX `sh -c`: the alpine images have no bash). Exits at once when the pod
 * carries the skip marker label (set it before deleting the whole cluster: with every pod
 * stopping, none could keep quorum). Otherwise:
 * 1. enables every feature flag the whole cluster supports (`enable_feature_flag all`; a flag is
 *    enabled only when every node has it, so this is safe in a mixed-version cluster). This puts
 *    the feature-flag step of an upgrade inside the rollout: the first pod that stops for a new
 *    image enables the running line's flags before any pod runs the new line, which refuses to
 *    boot without them. A failure does not stop the hook (the pod must still stop);
 * 2. waits until every quorum queue and stream has quorum + 1 members online, so stopping this
 *    node leaves a majority (and, before 4.0, until every mirrored queue has a synchronised
 *    mirror), sharing the wait budget;
 * 3. drains it (no new clients, queue leaders moved away).
 */
export function preStopCommand(budget: PreStopBudget, options: PreStopOptions = { awaitMirrors: false }): string {
  const skip = `if [ -n "$(cat ${POD_INFO_DIR}/${SKIP_PRESTOP_LABEL} 2>/dev/null)" ]; then exit 0; fi`;
  const flags = 'rabbitmqctl enable_feature_flag all >/dev/null 2>&1 || true';
  const drain = `rabbitmq-upgrade drain -t ${budget.drainSeconds}`;
  const waits: string[] = [];
  if (budget.awaitQuorumSeconds > 0) {
    const share = options.awaitMirrors ? Math.floor(budget.awaitQuorumSeconds / 2) : budget.awaitQuorumSeconds;
    waits.push(`rabbitmq-upgrade await_online_quorum_plus_one -t ${share}`);
    if (options.awaitMirrors) waits.push(`rabbitmq-upgrade await_online_synchronized_mirror -t ${budget.awaitQuorumSeconds - share}`);
  }
  return `${skip}; ${flags}; ${[...waits, drain].join(' && ')}`;
}

/** Period of the startup probe. */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;

/** The startup probe: HTTP where the node serves the health check, the CLI otherwise. */
export type StartupCheck =
  | { readonly kind: 'http'; readonly path: string }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

/** Health check endpoint that answers (without credentials) once the cluster has its target size. */
export const TARGET_SIZE_HEALTH_PATH = '/api/health/checks/reached-target-cluster-size';

/**
 * "Has this node seen its whole cluster (target_cluster_size_hint)?" as the cluster-operator asks
 * it: the HTTP health check from 4.2.4, which costs nothing; before that, the same function through
 * `rabbitmqctl eval` (what the operator's legacy startup probe runs), which starts a CLI VM per
 * probe but only while the node boots. `httpUsable` false (the management listener demands a
 * client certificate, which the kubelet has none of) takes the CLI on every version.
 */
export function startupCheck(version: RabbitVersion, httpUsable = true): StartupCheck {
  if (httpUsable && atLeast(version, '4.2.4')) return { kind: 'http', path: TARGET_SIZE_HEALTH_PATH };
  return {
    kind: 'exec',
    command: ['/bin/sh', '-c', `[ "$(rabbitmqctl eval 'rabbit_nodes:reached_target_cluster_size().')" = "true" ]`],
  };
}

/** Failure threshold that gives a booting node `timeoutSeconds` (after the probe's initial delay). */
export function startupFailureThreshold(timeoutSeconds: number): number {
  return Math.ceil(timeoutSeconds / STARTUP_PROBE_PERIOD_SECONDS);
}

/** Kubernetes CPU quantity: whole cores as `2`, fractions in millicores (`1500m`). */
export function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}
