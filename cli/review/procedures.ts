/**
 * The exact commands of the day-two procedures the change classification prints, per target.
 * Pure text from the synthesized stacks (container names, StatefulSet, namespace).
 */
import { fingerprintAddress } from '../../constructs/secrets/secret-guards';
import { SKIP_PRESTOP_LABEL } from '../../constructs/kubernetes/private/metadata';
import type { StackJson } from './summary';

type Body = Record<string, unknown>;

/** How a target's nodes are addressed in commands. */
export interface NodeHandles {
  readonly target: 'docker' | 'kubernetes';
  /** `docker exec <c>` / `kubectl exec -n <ns> <pod> --`, per node index. */
  readonly exec: (index: number) => string;
  readonly nodes: number;
  /** Docker: container names by index. */
  readonly containers: readonly string[];
  /** Kubernetes: StatefulSet name, namespace and pod selector (`k=v,k=v`). */
  readonly statefulSet?: { readonly name: string; readonly namespace: string; readonly selector: string };
}

/** The handles of a synthesized stack. */
export function nodeHandles(stack: StackJson): NodeHandles {
  const sts = Object.values((stack.resource?.kubernetes_stateful_set_v1 ?? {}) as Record<string, Body>)[0];
  if (sts) {
    const meta = (sts.metadata as Body | undefined) ?? {};
    const spec = (sts.spec as Body | undefined) ?? {};
    const labels = (((spec.selector as Body | undefined)?.match_labels ?? {}) as Record<string, string>);
    const name = String(meta.name);
    const namespace = String(meta.namespace);
    const nodes = Number(spec.replicas ?? 0);
    return {
      target: 'kubernetes',
      exec: (i) => `kubectl exec -n ${namespace} ${name}-${i} --`,
      nodes,
      containers: [],
      statefulSet: { name, namespace, selector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') },
    };
  }
  const containers = Object.entries((stack.resource?.docker_container ?? {}) as Record<string, Body>)
    .filter(([, b]) => ((b.labels as Array<{ label: string; value: string }> | undefined) ?? []).some((l) => l.label === 'rmq-ha.role' && l.value === 'rabbitmq'))
    .map(([k, b]) => ({ index: Number(/(\d+)$/.exec(k)?.[1] ?? 0), name: String(b.name) }))
    .sort((a, b) => a.index - b.index)
    .map((c) => c.name);
  return { target: 'docker', exec: (i) => `docker exec ${containers[i] ?? containers[0]}`, nodes: containers.length, containers };
}

/** Enable every stable feature flag of the running version (all nodes must support a flag for it to be enabled). */
export function enableFeatureFlags(h: NodeHandles): string {
  return `${h.exec(0)} rabbitmqctl enable_feature_flag all`;
}

/**
 * Erlang cookie rotation: the one supported way is a full stop. Every node stops, the new cookie
 * is recorded and placed, and the nodes start together (data volumes are kept; the cookie is not
 * part of a node's data).
 */
export function cookieRotationSteps(h: NodeHandles): string[] {
  const fp = fingerprintAddress('erlang_cookie');
  if (h.target === 'kubernetes' && h.statefulSet) {
    const { name, namespace, selector } = h.statefulSet;
    return [
      `kubectl label pods -n ${namespace} -l ${selector} ${SKIP_PRESTOP_LABEL}=true --overwrite   # the preStop hook would wait for a quorum that a full stop cannot keep`,
      `kubectl scale statefulset -n ${namespace} ${name} --replicas=0 && kubectl wait -n ${namespace} --for=delete pod -l ${selector} --timeout=900s`,
      `terraform apply -replace=${fp}   # records the new cookie, updates its Secret and scales the StatefulSet back; the pods start together`,
      `${h.exec(0)} rabbitmqctl await_online_nodes ${h.nodes} --timeout 300`,
    ];
  }
  const stops = [...h.containers].reverse().map((c) => `docker stop --time 120 ${c}`).join(' && ');
  return [
    `${stops}   # every node, highest index first (node 0 stops last and knows the latest membership)`,
    `terraform apply -replace=${fp}   # records the new cookie and recreates every node container with it (volumes kept); they start together`,
    `${h.exec(0)} rabbitmqctl await_online_nodes ${h.nodes} --timeout 300`,
  ];
}

/** First step of a rolling rotation of a secret the node containers hold (Docker). */
export function recordRotationStep(name: string): string {
  const fp = fingerprintAddress(name);
  return `terraform apply -replace=${fp} -target=${fp}   # records the new ${name} (a generated one is generated now); nothing else changes yet`;
}
