/**
 * Bridge from a plan to the harness: renders a spec for loopback (only the address table differs
 * from the Docker/Kubernetes files), resolves its secrets locally and builds the launch.
 */
import * as crypto from 'node:crypto';
import { localAddresses, type LocalNodePorts } from '../plan/addresses';
import { resolveSecrets } from '../plan/files';
import { buildPlan, type ClusterPlan } from '../plan/plan';
import { isSafeSecretValue, secretValueRule } from '../plan/secret-values';
import type { ClusterSpec } from '../spec/cluster';
import type { RabbitVersion } from '../spec/version';
import { nodeErlArgs } from '../plan/tls-files';
import { findFreePorts } from './ports';
import type { LocalClusterLaunch } from './types';

/** Secret values of a local run, by plan secret name. */
export type LocalSecrets = Readonly<Record<string, string>>;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random alphanumeric secret (the same alphabet Terraform's random_password uses with special=false). */
export function randomSecret(length: number): string {
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/**
 * Values for every secret of the plan: generated ones are generated here; variable ones are read
 * from `TF_VAR_<name>` (the same variable Terraform reads) and must be set.
 */
export function localSecrets(plan: ClusterPlan, env: NodeJS.ProcessEnv = process.env): LocalSecrets {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const s of plan.secrets) {
    if ('generate' in s.source) out[s.name] = randomSecret(s.source.generate.length);
    else {
      const value = env[`TF_VAR_${s.source.variable}`];
      if (value === undefined || value === '') missing.push(`TF_VAR_${s.source.variable} (${s.description})`);
      else if (!isSafeSecretValue(value)) throw new Error(secretValueRule(s.source.variable));
      else out[s.name] = value;
    }
  }
  if (missing.length > 0) throw new Error(`set ${missing.join(', ')} in the environment`);
  return out;
}

/**
 * Ports for each node: the spec's node ports when it publishes them (node i on base + i) and they
 * are free, otherwise free ports; Prometheus and distribution ports are always free ones.
 */
export async function localPorts(spec: ClusterSpec, isFree: (port: number) => Promise<boolean>): Promise<LocalNodePorts[]> {
  const free = await findFreePorts(spec.nodes * 4);
  const np = spec.network.nodePorts;
  let fromSpec = np !== false;
  if (np !== false) {
    for (let i = 0; i < spec.nodes && fromSpec; i++) {
      fromSpec = (await isFree(np.amqpBase + i)) && (await isFree(np.managementBase + i));
    }
  }
  return Array.from({ length: spec.nodes }, (_, i) => ({
    amqpPort: fromSpec && np !== false ? np.amqpBase + i : free[4 * i],
    managementPort: fromSpec && np !== false ? np.managementBase + i : free[4 * i + 1],
    prometheusPort: free[4 * i + 2],
    distPort: free[4 * i + 3],
  }));
}

/** The plan of a spec rendered for loopback processes under `dir`, for the installed version. */
export function localPlan(spec: ClusterSpec, dir: string, ports: readonly LocalNodePorts[], version: RabbitVersion): ClusterPlan {
  return buildPlan(spec, { addresses: localAddresses(spec, dir, ports), version, loadBalancerDir: `${dir}/load-balancer` });
}

/** The harness launch of a local plan, with every secret placeholder resolved. */
export function launchFromPlan(plan: ClusterPlan, dir: string, secrets: LocalSecrets): LocalClusterLaunch {
  const resolve = (text: string): string =>
    resolveSecrets(text, (name) => {
      const v = secrets[name];
      if (v === undefined) throw new Error(`no value for secret ${name}`);
      return v;
    });
  return {
    dir,
    cookie: secrets.erlang_cookie,
    nodes: plan.nodes.map((n) => ({
      nodeName: n.address.nodeName,
      // The port the node accepts AMQP on (the harness waits for it): AMQPS when plain AMQP is off.
      amqpPort: plan.tls?.required ? n.address.tlsPorts!.amqps : n.address.amqpPort,
      managementPort: n.address.managementPort,
      prometheusPort: n.address.prometheusPort,
      distPort: n.address.distPort,
      files: { rabbitmqConf: resolve(n.config.content), enabledPlugins: n.enabledPlugins.content, definitions: resolve(n.definitions.content) },
      ...(nodeErlArgs(plan.tls, n.address.index) ? { erlArgs: nodeErlArgs(plan.tls, n.address.index) } : {}),
    })),
  };
}

/**
 * The spec with load balancer ports that are free here: the spec's own when all are free, else
 * free ones (a local run must not fail because 5672 is taken by something else).
 */
export async function withFreeLoadBalancerPorts(spec: ClusterSpec, isFree: (port: number) => Promise<boolean>): Promise<ClusterSpec> {
  const lb = spec.loadBalancer;
  if (lb.kind === 'none') return spec;
  const wanted = [lb.ports.amqp, lb.ports.management, lb.ports.stats, lb.ports.prometheus];
  let allFree = true;
  for (const p of wanted) allFree = allFree && (await isFree(p));
  if (allFree) return spec;
  const [amqp, management, stats, prometheus] = await findFreePorts(4);
  return { ...spec, loadBalancer: { ...lb, ports: { amqp, management, stats, prometheus } } };
}
