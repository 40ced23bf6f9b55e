/**
 * Rolling changes that keep quorum. A plain `terraform apply` replaces every changed RabbitMQ node
 * container at once: every quorum queue (and, from 4.3, the metadata store) loses its majority
 * and the cluster is down until the containers are back. This module reads the diff against the
 * last synthesis and prints the order that keeps a majority running: one node at a time, checked
 * before (`check_if_node_is_quorum_critical`) and after (`check_running`, rejoin).
 *
 * Pure: Terraform JSON in, procedure out. Docker only needs it; on Kubernetes the StatefulSet's
 * RollingUpdate with the preStop hook does the same.
 */
import type { StackDiff } from './diff';
import type { StackJson } from './summary';

/** One node change, in the order to apply it. */
export interface RollingStep {
  /** 1-based position. */
  readonly order: number;
  /** Erlang node name, e.g. `rabbit@rmq-dev-2`. */
  readonly node: string;
  /** Container name, e.g. `rmq-dev-2`. */
  readonly container: string;
  /** Terraform address, e.g. `docker_container.node_2`. */
  readonly address: string;
  /** `replace`: an existing node's container is recreated (its volume stays); `create`: a new node joins. */
  readonly action: 'replace' | 'create';
  /** Why the container changes. */
  readonly reason: string;
  /** Commands that must succeed before the apply. */
  readonly before: readonly string[];
  readonly apply: string;
  /** Commands to wait on after the apply, before the next step. */
  readonly after: readonly string[];
}

/** What to do instead of a plain `terraform apply`. */
export interface RollingProcedure {
  readonly target: 'docker' | 'kubernetes';
  /** Commands before the first step (e.g. feature flags before an image upgrade). */
  readonly prepare: readonly string[];
  readonly steps: readonly RollingStep[];
  /** The apply for everything else (load balancer, outputs) once every node is done. */
  readonly finish?: string;
  /**
   * Changes the procedure refuses to run as a routine step because data is destroyed (scale-down
   * of a node with a volume, a replaced volume), each with what to do by hand first. Non-empty:
   * do not apply as it is.
   */
  readonly refusals: readonly string[];
  /** Explanations (e.g. how Kubernetes rolls the pods). */
  readonly notes: readonly string[];
}

type Body = Record<string, unknown>;

interface DockerNode {
  readonly address: string;
  /** Erlang node name. */
  readonly nodeName: string;
  readonly name: string;
  readonly container: string;
  readonly index: number;
  readonly volume?: string;
  readonly body: Body;
}

const NODE_ROLE = { label: 'rmq-ha.role', value: 'rabbitmq' };

/** RabbitMQ node containers of a Docker stack (label `rmq-ha.role=rabbitmq`), by index. */
function dockerNodes(stack: StackJson): DockerNode[] {
  const out: DockerNode[] = [];
  for (const [name, raw] of Object.entries(stack.resource?.docker_container ?? {})) {
    const body = raw as Body;
    const labels = (body.labels as Array<{ label: string; value: string }> | undefined) ?? [];
    if (!labels.some((l) => l.label === NODE_ROLE.label && l.value === NODE_ROLE.value)) continue;
    const env = (body.env as string[] | undefined) ?? [];
    const nodeName = env.find((e) => e.startsWith('RABBITMQ_NODENAME='))?.slice('RABBITMQ_NODENAME='.length);
    const container = String(body.name ?? name);
    const volumeRef = ((body.volumes as Array<{ volume_name?: string }> | undefined) ?? [])[0]?.volume_name;
    const volume = volumeRef ? /^\$\{(docker_volume\.[A-Za-z0-9_-]+)\.name\}$/.exec(volumeRef)?.[1] : undefined;
    const index = Number(/(\d+)$/.exec(name)?.[1] ?? out.length);
    out.push({ address: `docker_container.${name}`, nodeName: nodeName ?? `rabbit@${container}`, name, container, index, volume, body });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Terraform addresses a resource body refers to (`${type.name.attr}`). */
function referencesOf(body: Body): string[] {
  const refs = new Set<string>();
  for (const m of JSON.stringify(body).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)) refs.add(m[1]);
  return [...refs];
}

/**
 * The procedure for a diff, or undefined when no RabbitMQ node changes.
 * @param previous the last synthesized stack (what Terraform has applied)
 * @param next the stack about to be applied
 * @param diff `diffStacks(previous, next)`
 */
export function rollingProcedure(previous: StackJson, next: StackJson, diff: StackDiff): RollingProcedure | undefined {
  if (next.resource?.kubernetes_stateful_set_v1 || previous.resource?.kubernetes_stateful_set_v1) return kubernetesProcedure(previous, next, diff);
  return dockerProcedure(previous, next, diff);
}

function dockerProcedure(previous: StackJson, next: StackJson, diff: StackDiff): RollingProcedure | undefined {
  const before = dockerNodes(previous);
  const after = dockerNodes(next);
  const replaced = new Set([...diff.changed, ...diff.added, ...diff.removed]);
  const kept = after.filter((n) => before.some((b) => b.address === n.address));
  const added = after.filter((n) => !before.some((b) => b.address === n.address));
  const removed = before.filter((b) => !after.some((n) => n.address === b.address));

  const changedKept = kept
    .map((n) => {
      if (diff.changed.includes(n.address)) return { n, reason: 'its container definition changes (config files, limits, ports or environment)' };
      const dep = referencesOf(n.body).find((r) => replaced.has(r));
      return dep ? { n, reason: `it depends on ${dep}, which changes${dep.startsWith('docker_image.') ? ' (new image: the container is recreated from it)' : ''}` } : undefined;
    })
    .filter((x): x is { n: DockerNode; reason: string } => x !== undefined)
    // The StatefulSet's order: highest index first, so node 0 (first in every peer list) goes last.
    .sort((a, b) => b.n.index - a.n.index);

  const refusals: string[] = [];
  for (const r of [...removed].sort((a, b) => b.index - a.index)) refusals.push(removalRefusal(r, kept[0] ?? after[0]));
  for (const n of kept) {
    if (n.volume && diff.changed.includes(n.volume)) {
      refusals.push(
        `${n.volume} (data of ${n.nodeName}) changes: Terraform replaces a volume, so the node's data is destroyed and it comes back ` +
          `as an empty node with a name the cluster still knows (it cannot rejoin). Revert the change, or remove the node properly ` +
          `first: docker exec ${otherContainer(kept, n)} rabbitmq-queues shrink ${n.nodeName}; docker exec ${n.container} rabbitmqctl stop_app; ` +
          `docker exec ${otherContainer(kept, n)} rabbitmqctl forget_cluster_node ${n.nodeName}; then apply.`,
      );
    }
  }
  // Changes every node must see at the same moment: a rolling change cannot keep them talking.
  const shared: ReadonlyArray<readonly [RegExp, string]> = [
    [/^random_password\..*cookie/, 'the Erlang cookie changes: a node with the new cookie cannot talk to nodes with the old one'],
    [/^docker_network\./, 'the cluster network is replaced: recreated containers cannot reach nodes on the old network'],
  ];
  for (const [pattern, why] of shared) {
    const hit = [...replaced].find((a) => pattern.test(a) && kept.some((n) => referencesOf(n.body).includes(a)));
    if (hit) {
      refusals.push(
        `REFUSED as a rolling change: ${hit} changes and ${why}. There is no order that keeps quorum: revert it, or plan ` +
          'downtime (stop every node, terraform apply, check that all nodes rejoin).',
      );
    }
  }
  if (changedKept.length === 0 && added.length === 0 && refusals.length === 0) return undefined;

  const imageChanged = diff.changed.some((a) => a.startsWith('docker_image.')) && changedKept.length > 0;
  const first = kept[0] ?? after[0];
  const prepare = imageChanged && first
    ? [
        `docker exec ${first.container} rabbitmqctl enable_feature_flag all   # a new minor version needs every feature flag of the running one enabled; upgrade one minor at a time`,
      ]
    : [];

  const steps: RollingStep[] = [];
  const online = kept.length;
  for (const { n, reason } of changedKept) {
    steps.push({
      order: steps.length + 1,
      node: n.nodeName,
      container: n.container,
      address: n.address,
      action: 'replace',
      reason,
      before: [
        `docker exec ${n.container} rabbitmq-diagnostics check_if_node_is_quorum_critical   # must pass: no quorum queue may depend on this node right now`,
        // Maintenance mode: close its client connections (they reconnect through the load balancer
        // to the other nodes), stop its listeners (the proxy marks it DOWN), hand over queue leaders.
        `docker exec ${n.container} rabbitmq-upgrade drain   # clients move to the other nodes now, not when the container stops`,
      ],
      apply: `terraform apply -target=${n.address}`,
      after: waitCommands(n, online),
    });
  }
  added.sort((a, b) => a.index - b.index).forEach((n, i) => {
    steps.push({
      order: steps.length + 1,
      node: n.nodeName,
      container: n.container,
      address: n.address,
      action: 'create',
      reason: 'new node: joins the running cluster through peer discovery',
      before: [],
      apply: `terraform apply -target=${n.address}`,
      after: waitCommands(n, online + i + 1),
    });
  });
  const notes: string[] = [];
  if (added.length > 0) {
    notes.push(
      `new nodes hold no quorum queue members: after the last step, add them with ` +
        added.map((n) => `docker exec ${n.container} rabbitmq-queues grow ${n.nodeName} all`).join('; '),
    );
  }
  if (steps.length > 0) notes.push('a plain `terraform apply` would replace every changed node container at the same time: the cluster loses its majority until they are back');
  return {
    target: 'docker',
    prepare,
    steps,
    finish: steps.length > 0 ? 'terraform apply   # the rest (load balancer, outputs); terraform plan must show no node container left to replace' : undefined,
    refusals,
    notes,
  };
}

function waitCommands(n: DockerNode, expectedOnline: number): string[] {
  return [
    `until docker exec ${n.container} rabbitmq-diagnostics -q check_running; do sleep 2; done   # the node runs`,
    `docker exec ${n.container} rabbitmqctl await_online_nodes ${expectedOnline} --timeout 300   # it rejoined: ${expectedOnline} nodes online`,
  ];
}

function otherContainer(nodes: readonly DockerNode[], not: DockerNode): string {
  return (nodes.find((x) => x.address !== not.address) ?? not).container;
}

function removalRefusal(r: DockerNode, survivor: DockerNode | undefined): string {
  const peer = survivor?.container ?? '<a remaining node>';
  const volume = r.volume ? ` and destroys its volume ${r.volume}` : '';
  return (
    `REFUSED as a routine step: scale-down removes ${r.nodeName} (${r.address})${volume}. Its quorum queue members, classic ` +
    `queues and messages are lost, and the other nodes keep it as a cluster member that is down: it still counts in every ` +
    `majority. Remove it by hand first: (1) docker exec ${peer} rabbitmq-queues shrink ${r.nodeName} (drop its quorum queue ` +
    `members; streams: rabbitmq-streams delete_replica); (2) drain or move classic queues led by it; (3) docker exec ${r.container} ` +
    `rabbitmqctl stop_app; (4) docker exec ${peer} rabbitmqctl forget_cluster_node ${r.nodeName} (removes it from the ` +
    `membership); then terraform apply. One node at a time, highest index first.`
  );
}

function statefulSetOf(stack: StackJson): Body | undefined {
  const all = stack.resource?.kubernetes_stateful_set_v1 as Record<string, Body> | undefined;
  return all ? Object.values(all)[0] : undefined;
}

function kubernetesProcedure(previous: StackJson, next: StackJson, diff: StackDiff): RollingProcedure | undefined {
  const address = Object.keys(next.resource?.kubernetes_stateful_set_v1 ?? previous.resource?.kubernetes_stateful_set_v1 ?? {}).map((k) => `kubernetes_stateful_set_v1.${k}`)[0];
  if (!address || ![...diff.changed, ...diff.added, ...diff.removed].includes(address)) return undefined;
  const before = statefulSetOf(previous);
  const after = statefulSetOf(next);
  const refusals: string[] = [];
  const notes = [
    `${address}: the StatefulSet's RollingUpdate replaces the pods one at a time, highest ordinal first, and waits for each to be ` +
      'Ready; the preStop hook (rabbitmq-upgrade await_online_quorum_plus_one, then drain) keeps quorum, and terraform apply ' +
      'waits for the rollout. What else a change needs by hand is under "What each change means". If terraform plan shows the StatefulSet as replaced (-/+, e.g. a changed ' +
      'volume claim template), all pods stop at once (volumes are retained): plan that as downtime.',
  ];
  if (before && after) {
    const replicas = (b: Body): number => Number((b.spec as Body | undefined)?.replicas ?? 0);
    const from = replicas(before);
    const to = replicas(after);
    if (to < from) {
      const meta = (after.metadata as Body | undefined) ?? {};
      const spec = (after.spec as Body | undefined) ?? {};
      const pod = (i: number): string => `${String(meta.name)}-${i}`;
      const nodeOf = (i: number): string => `rabbit@${pod(i)}.${String(spec.service_name)}.${String(meta.namespace)}`;
      for (let i = from - 1; i >= to; i--) {
        refusals.push(
          `REFUSED as a routine step: scaling ${from} -> ${to} removes pod ${pod(i)} (${nodeOf(i)}). Its volume claim is retained, ` +
            'but its quorum queue members are gone and the other nodes keep it as a member that is down. First: kubectl exec ' +
            `${pod(0)} -- rabbitmq-queues shrink ${nodeOf(i)}; after the pod is gone: kubectl exec ${pod(0)} -- rabbitmqctl ` +
            `forget_cluster_node ${nodeOf(i)}; delete the claim when the data is no longer needed.`,
        );
      }
    }
  }
  return { target: 'kubernetes', prepare: [], steps: [], refusals, notes };
}
