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
 *
 * The import does not fix a quorum queue that exists already with too few members. The node that
 * boots last imports the file during its own boot, while it is not running yet: RabbitMQ 3.10
 * gives the queue members on the running nodes only. Seen on the private engine (1 run in 5 of the
 * TLS stack): `orders [rabbit@rmq-e2e-tls-0, rabbit@rmq-e2e-tls-1]` for good. So after the import
 * each node adds itself to every quorum queue of the spec that has fewer members than its group
 * size (`rabbitmq-queues add_member`), but only when it is among the first missing nodes in node
 * order: the nodes run this at the same time and must not add more members than the size.
 */

import type { QuorumTarget } from '../../plan/quorum-members';

/** Where the marker lives, relative to the node's data directory. */
export const IMPORT_MARKER = '.rmq-ha-definitions.sha256';

/** Attempts (5 s apart) to reach the local node before giving up: 10 minutes. */
export const STARTUP_ATTEMPTS = 120;

/** Attempts of one `rabbitmq-queues add_member` refused while another membership change runs (3 s apart). */
export const ADD_MEMBER_ATTEMPTS = 10;

/** Seconds `await_online_nodes` waits for the whole cluster before giving up: 30 minutes. */
export const WHOLE_CLUSTER_TIMEOUT_SECONDS = 1800;

/** Checks of the node's virtual hosts (`VHOST_PAUSE_SECONDS` apart) before the down ones are restarted. */
export const VHOST_CHECKS = 3;

/** Seconds between two of those checks: a vhost another node has just declared may be starting. */
export const VHOST_PAUSE_SECONDS = 10;

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
  /** The spec's quorum queues and their group sizes before the node count caps them (plan/quorum-members.ts). @default - none */
  readonly quorumQueues?: readonly QuorumTarget[];
  /**
   * The Erlang node name of the node whose index is in shell variable `i`, as the text of a
   * double-quoted shell word (`rabbit@rmq-0` for Docker's `rabbit@rmq-$i`). Required with quorumQueues.
   */
  readonly nodeNameOf?: (indexVar: string) => string;
}

/**
 * The membership step alone, for a node whose cluster is whole: `n=<nodes>; grow ...`. The line
 * runs it after its import; exported so that a test can run it on real nodes.
 */
export function quorumGrowLine(nodes: number, queues: readonly QuorumTarget[], nodeNameOf: (indexVar: string) => string): string {
  return [`n=${nodes}`, ...growLines(queues, nodeNameOf)].join('; ');
}

/**
 * Shell that starts, on this node, every virtual host that does not run here once the cluster is
 * whole. A vhost declared while the cluster forms (by the boot-time import of definitions) starts
 * on the nodes that run at that moment only; a node still booting never starts it, and RabbitMQ
 * before 3.13 does not reconcile it later (rabbitmq-server#11363 added a timer for that). Seen with
 * 3.10.8 in 1 of 4 `local up` runs on this machine (2026-12-04): rmq-dev-2 reported "Server startup
 * complete" at 20:31:44 and its vhost '/' started only when local up restarted it 56 s later;
 * clients of such a node are refused at `connection.open`. `check_virtual_hosts` prints "Some
 * virtual hosts on node N are down:" and then one name per line; each is restarted with
 * `rabbitmqctl restart_vhost` (a vhost that runs is never restarted: that would close its
 * connections). Exported so that a test can run it on real nodes.
 */
export function vhostRepairLine(checks = VHOST_CHECKS, pauseSeconds = VHOST_PAUSE_SECONDS): string {
  return [
    `vhosts() { a=0; while :; do a=$((a+1))`,
    `out=$(rabbitmq-diagnostics -q check_virtual_hosts 2>&1) && return 0`,
    `[ "$a" -ge ${checks} ] && break; sleep ${pauseSeconds}; done`,
    `down=$(printf '%s\\n' "$out" | awk 'f && NF { print } /are down:/ { f = 1 }')`,
    `[ -n "$down" ] || { echo "rmq-ha: rabbitmq-diagnostics check_virtual_hosts failed: $out"; return 0; }`,
    `printf '%s\\n' "$down" | while read -r v; do if r=$(rabbitmqctl -q restart_vhost -p "$v" 2>&1); then echo "rmq-ha: vhost $v did not run on this node with the cluster whole: restarted it"; else echo "rmq-ha: rabbitmqctl restart_vhost -p $v failed: $r"; fi`,
    `done; }; vhosts`,
  ].join('; ');
}

/** A shell word holding `text` literally. */
const sq = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Shell that defines `grow VHOST QUEUE SIZE` and calls it for each queue: this node
 * ($RABBITMQ_NODENAME) joins the queue when it has fewer than min(SIZE, $n) members and this node
 * is among the first missing ones in node order. `rabbitmqctl list_queues` prints members as
 * `[rabbit@a, rabbit@b]`.
 */
function growLines(queues: readonly QuorumTarget[], nodeNameOf: (indexVar: string) => string): string[] {
  if (queues.length === 0) return [];
  const isMember = (word: string) => `*"[${word},"*|*"[${word}]"*|*" ${word},"*|*" ${word}]"*`;
  const grow = [
    `grow() { size=$3; [ "$size" -gt "$n" ] && size=$n`,
    `m=$(rabbitmqctl -q list_queues -p "$1" name members --no-table-headers 2>/dev/null | awk -F'\\t' -v q="$2" '$1 == q { print $2; exit }')`,
    `[ -n "$m" ] || return 0`,
    `have=$(printf '%s' "$m" | tr -cd '@' | wc -c)`,
    `need=$((size - have)); [ "$need" -gt 0 ] || return 0`,
    `i=0; k=0`,
    `while [ "$i" -lt "$n" ]; do node="${nodeNameOf('$i')}"; i=$((i+1))`,
    `case "$m" in ${isMember('$node')}) continue;; esac`,
    `k=$((k+1)); [ "$k" -gt "$need" ] && return 0`,
    `[ "$node" = "$RABBITMQ_NODENAME" ] || continue`,
    // Ra takes one membership change at a time: a node that adds itself while another node's add is
    // in flight is refused with cluster_change_not_permitted (seen in the topology suite under
    // load); it tries again, ADD_MEMBER_ATTEMPTS times at most, 3 s apart.
    `a=0; while :; do a=$((a+1))`,
    `if out=$(rabbitmq-queues -q add_member -p "$1" "$2" "$node" 2>&1); then echo "rmq-ha: $node joined quorum queue $2 (vhost $1), which had $have of $size members"; break; fi`,
    `case "$out" in *cluster_change_not_permitted*) if [ "$a" -lt ${ADD_MEMBER_ATTEMPTS} ]; then sleep 3; continue; fi;; esac`,
    `echo "rmq-ha: rabbitmq-queues add_member -p $1 $2 $node failed (attempt $a): $out"; break; done`,
    `return 0; done; }`,
  ].join('; ');
  return [grow, ...queues.map((q) => `grow ${sq(q.vhost)} ${sq(q.name)} ${q.groupSize}`)];
}

/**
 * One shell line for a node's start script (before it execs the server): starts the import in the
 * background, detached twice so that the container's init process, not the server, reaps it. The
 * CLI finds the node through RABBITMQ_NODENAME and the cookie through HOME, as the health check does.
 * Empty for a single node: its boot-time import already sees the whole cluster.
 */
export function completeImportLine(o: CompleteImportOptions): string {
  const missingNodeNames = (): string => {
    throw new Error('completeImportLine: quorumQueues needs nodeNameOf');
  };
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
    vhostRepairLine(),
    `if out=$(rabbitmqctl -q import_definitions "$defs" 2>&1); then echo "$sum" > "$mark"; echo "rmq-ha: definitions imported with all $n nodes running"; else echo "rmq-ha: rabbitmqctl import_definitions $defs failed: $out"; exit 1; fi`,
    ...growLines(o.quorumQueues ?? [], o.nodeNameOf ?? missingNodeNames),
  ].join('; ');
  return `( ( ${body} ) & )`;
}
