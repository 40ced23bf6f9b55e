/**
 * NetworkPolicies on the RabbitMQ pods, read as an enforcing CNI reads them (ingress rules,
 * peers, numbered and named ports, port ranges): the nodes must still reach each other on epmd
 * and the distribution port, the load balancer must reach every port its config sends traffic
 * and health checks to, and nothing but the nodes may reach the inter-node ports.
 */
import { many, namespaceOf, one, selects, type Json, type Labels } from '../private/stack-json';
import { parseProxyConfig, PROXY_CONFIG_PATHS, proxyKindOfImage } from '../private/proxy-config';
import { fileText, type Stack, type Workload } from './private/stack';

/** Container port names of the inter-node ports (the cluster-operator's names). */
const INTER_NODE_PORT_NAMES = ['epmd', 'cluster-rpc'] as const;

interface Rule {
  readonly peers: Json[];
  readonly ports: Json[];
}

function ingressRules(policy: Json): Rule[] {
  const spec = one(policy.body.spec) ?? {};
  return many(spec.ingress).map((r: Json) => ({ peers: many(r.from), ports: many(r.ports) }));
}

/** A rule port admits `port` of a pod with these named ports: no `port` means every port. */
function portAdmits(p: Json, port: number, named: ReadonlyMap<string, number>): boolean {
  if (p.protocol !== undefined && p.protocol !== 'TCP') return false;
  if (p.port === undefined || p.port === null) return true;
  const n = /^\d+$/.test(String(p.port)) ? Number(p.port) : named.get(String(p.port));
  if (n === undefined) return false;
  return p.end_port !== undefined ? port >= n && port <= Number(p.end_port) : port === n;
}

/** A peer that picks pods of the policy's own namespace by their labels (no namespace selector, no CIDR). */
function peerSelectsLocal(peer: Json, labels: Labels): boolean {
  if (peer.ip_block !== undefined || peer.namespace_selector !== undefined) return false;
  return selects(one(peer.pod_selector)?.match_labels, labels);
}

/** Whether the rules admit pods with `labels` (same namespace) to `port`. */
function admits(rules: readonly Rule[], labels: Labels, port: number, named: ReadonlyMap<string, number>): boolean {
  return rules.some((r) => r.peers.some((peer) => peerSelectsLocal(peer, labels)) && (r.ports.length === 0 || r.ports.some((p) => portAdmits(p, port, named))));
}

/** Ports the load balancer connects to on the nodes: its servers, and HAProxy's check `port N`. */
function proxyTargetPorts(stack: Stack, d: Workload): number[] {
  const kind = proxyKindOfImage(d.container.image);
  if (!kind) return [];
  const file = d.files.find((f) => f.path === PROXY_CONFIG_PATHS[kind]);
  const text = file ? fileText(stack, d, file) : undefined;
  if (text === undefined) return [];
  const servers = [...parseProxyConfig(kind, text).pools.values()].flat();
  const ports = servers.flatMap((s) => [s.port, ...[...s.text.matchAll(/\sport\s+(\d+)/g)].map((m) => Number(m[1]))]);
  return [...new Set(ports.filter((p) => Number.isFinite(p)))].sort((a, b) => a - b);
}

/** Checks every NetworkPolicy that selects RabbitMQ pods. */
export function checkNetworkPolicies(stack: Stack, workloads: readonly Workload[], deployments: readonly Workload[]): string[] {
  const out: string[] = [];
  for (const policy of stack.all.networkPolicy) {
    const spec = one(policy.body.spec) ?? {};
    if (!many(spec.policy_types).includes('Ingress')) continue;
    const rules = ingressRules(policy);
    rules.forEach((r, i) => {
      if (r.peers.length === 0) out.push(`${policy.address}: ingress rule ${i} has no from; it admits every source to ${r.ports.length === 0 ? 'every port' : 'its ports'}`);
    });
    for (const w of workloads) {
      if (namespaceOf(policy) !== w.ns || !selects(one(spec.pod_selector)?.match_labels, w.podLabels)) continue;
      for (const name of INTER_NODE_PORT_NAMES) {
        const port = w.ports.get(name);
        if (port === undefined) continue;
        if (!admits(rules, w.podLabels, port, w.ports)) out.push(`${policy.address}: does not admit ${w.r.address}'s own pods to ${name} (${port}); the nodes could not cluster`);
        rules.forEach((r, i) => {
          const opens = r.ports.length === 0 || r.ports.some((p) => portAdmits(p, port, w.ports));
          const strangers = r.peers.filter((peer) => !peerSelectsLocal(peer, w.podLabels));
          if (opens && strangers.length > 0) out.push(`${policy.address}: ingress rule ${i} admits ${JSON.stringify(strangers)} to ${name} (${port}); only the cluster's own pods may reach the inter-node ports`);
        });
      }
      for (const d of deployments.filter((x) => x.ns === w.ns)) {
        for (const port of proxyTargetPorts(stack, d)) {
          if ([...w.ports.values()].includes(port) && !admits(rules, d.podLabels, port, w.ports)) {
            out.push(`${policy.address}: does not admit ${d.r.address}'s pods to port ${port} of ${w.r.address}, which its config connects to`);
          }
        }
      }
    }
  }
  return out;
}
