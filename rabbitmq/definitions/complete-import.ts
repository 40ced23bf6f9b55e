/**
 * The boot-time import of definitions does not reliably declare queues on a fresh cluster.
 * RabbitMQ imports queues and bindings only when `target_cluster_size_hint` nodes run
 * (`rabbit_nodes:if_reached_target_cluster_size/2`), and with `definitions.skip_if_unchanged` the
 * first node stores the file's hash cluster-wide after importing everything else: every node that
 * joins later finds the hash unchanged and skips the whole file. Whether the queues exist then
 * depends on whether all nodes joined before the first one reached its import step. Seen on the
 * private engine: a `docker-compose up` of the 3.10.8 stand-in formed in 22.5 s and its quorum queue
 * never existed.
 *
 * So each node also runs, in the background of its start script, one import of the same file once
 * every node of the cluster runs (`rabbitmqctl await_online_nodes`), which declares the queues with
 * members on all nodes. A marker in the node's data directory holds the sha256 of the file it
 * imported: a restart with the same file imports nothing (runtime changes are not reverted on every
 * restart), a changed file is imported once the cluster is whole again. Every wait is bounded and
 * every outcome is one `rmq-ha:` line in the container's log.
 */

/** Where the marker lives, relative to the node's data directory. */
export const IMPORT_MARKER = '.rmq-ha-definitions.sha256';

/** Attempts (5 s apart) to reach the local node before giving up: 10 minutes. */
export const STARTUP_ATTEMPTS = 120;

/** Seconds `await_online_nodes` waits for the whole cluster before giving up: 30 minutes. */
export const WHOLE_CLUSTER_TIMEOUT_SECONDS = 1800;

/** What the background import needs to know. */
export interface CompleteImportOptions {
  /** Absolute path of definitions.json inside the node. */
  readonly definitionsPath: string;
  /** The node's data directory (a volume that survives restarts). */
  readonly dataDir: string;
  /** Nodes of the cluster. */
  readonly nodes: number;
  /**
   * Read the node count when the container starts, from `cluster_formation.target_cluster_size_hint`
   * in this rabbitmq.conf, instead of writing it into the line: on Kubernetes the line is in the pod
   * template, and scaling must not restart running pods (the hint is kept out of the restart
   * trigger for the same reason). The line is then written for a single node too.
   * @default - the count is written into the line
   */
  readonly nodesFromConfig?: string;
}

/**
 * One shell line for a node's start script (before it execs the server): starts the import in the
 * background, detached twice so that the container's init process, not the server, reaps it. The
 * CLI finds the node through RABBITMQ_NODENAME and the cookie through HOME, as the health check does.
 * Empty for a single node: its boot-time import already sees the whole cluster.
 */
export function completeImportLine(o: CompleteImportOptions): string {
  if (o.nodes < 2 && !o.nodesFromConfig) return '';
  const marker = `${o.dataDir}/${IMPORT_MARKER}`;
  const count = o.nodesFromConfig
    ? `n=$(sed -n 's/^cluster_formation\\.target_cluster_size_hint *= *//p' '${o.nodesFromConfig}'); if [ -z "$n" ]; then echo "rmq-ha: no cluster_formation.target_cluster_size_hint in ${o.nodesFromConfig}; definitions not imported"; exit 1; fi`
    : `n=${o.nodes}`;
  const body = [
    `defs='${o.definitionsPath}'`,
    `mark='${marker}'`,
    count,
    `sum=$(sha256sum "$defs" | cut -d' ' -f1)`,
    `[ "$(cat "$mark" 2>/dev/null)" = "$sum" ] && exit 0`,
    `i=0`,
    `until rabbitmqctl -q await_startup >/dev/null 2>&1; do i=$((i+1)); if [ $i -ge ${STARTUP_ATTEMPTS} ]; then echo "rmq-ha: the node did not start within ${(STARTUP_ATTEMPTS * 5) / 60} minutes; definitions not imported"; exit 1; fi; sleep 5; done`,
    `if ! rabbitmqctl -q await_online_nodes "$n" --timeout ${WHOLE_CLUSTER_TIMEOUT_SECONDS} >/dev/null 2>&1; then echo "rmq-ha: fewer than $n nodes ran within ${WHOLE_CLUSTER_TIMEOUT_SECONDS / 60} minutes; queues and bindings of $defs not imported (run rabbitmqctl import_definitions $defs once the cluster is whole)"; exit 1; fi`,
    `if out=$(rabbitmqctl -q import_definitions "$defs" 2>&1); then echo "$sum" > "$mark"; echo "rmq-ha: definitions imported with all $n nodes running"; else echo "rmq-ha: rabbitmqctl import_definitions $defs failed: $out"; exit 1; fi`,
  ].join('; ');
  return `( ( ${body} ) & )`;
}
