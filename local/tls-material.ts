/**
 * TLS for `rmq-ha local up`: free ports for the TLS listeners, and the certificates at the paths the
 * plan's configs name. Generated certificates come from a CA made for the run (`DIR/tls/ca.crt`);
 * certificates from files are copied. Keys are owner-only (0600), like the cookie.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalNodePorts } from '../plan/addresses';
import type { ClusterPlan } from '../plan/plan';
import type { ClusterSpec } from '../spec/cluster';
import { findFreePorts } from './ports';
import { createLocalCa, issueLocalCertificate, placeTlsFiles } from './tls-certs';

/** What `local up --json` reports about TLS. */
export interface LocalTlsResult {
  /** CA that every node and load balancer certificate chains to. */
  readonly caFile: string;
  readonly amqpsUris: readonly string[];
  readonly managementUrls: readonly string[];
}

/** The node ports with free TLS ports added when the spec turns TLS on. */
export async function withLocalTlsPorts(spec: ClusterSpec, ports: readonly LocalNodePorts[]): Promise<LocalNodePorts[]> {
  if (!spec.tls.enabled) return [...ports];
  const free = await findFreePorts(ports.length * 3);
  return ports.map((p, i) => ({ ...p, tlsPorts: { amqps: free[3 * i], management: free[3 * i + 1], prometheus: free[3 * i + 2] } }));
}

/**
 * Puts the CA, certificates and keys where the plan's configs expect them, and each node's
 * inter-node TLS options file. Returns the CA file, or undefined when TLS is off.
 */
export function prepareLocalTls(plan: ClusterPlan, dir: string): string | undefined {
  const tls = plan.tls;
  if (!tls) return undefined;
  const root = path.join(dir, 'tls');
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  let caFile: string;
  let issue: (names: Parameters<typeof issueLocalCertificate>[2], into: string) => { cert: string; key: string };
  if (tls.source.kind === 'generate') {
    const days = tls.source.validityDays;
    const ca = createLocalCa(root, `rmq-ha local CA ${plan.spec.name}`, days);
    caFile = ca.certFile;
    issue = (names, into) => {
      const c = issueLocalCertificate(ca, into, names, days);
      return { cert: c.certFile, key: c.keyFile };
    };
  } else if (tls.source.kind === 'files') {
    const src = tls.source;
    caFile = path.join(root, 'ca.crt');
    fs.copyFileSync(src.caFile, caFile);
    issue = () => ({ cert: src.certFile, key: src.keyFile });
  } else {
    throw new Error('tls.certificates.secret is a Kubernetes Secret: local runs need { generate: {} } or { files: {...} }');
  }
  for (const n of tls.nodes) {
    const short = plan.nodes[n.index].address.shortName;
    const made = issue(n.names, path.join(root, 'nodes', short));
    placeTlsFiles({ ca: caFile, cert: made.cert, key: made.key }, n.paths);
    const conf = plan.nodes[n.index].interNodeTlsConfig;
    if (conf) fs.writeFileSync(conf.path, conf.content, { mode: 0o644 });
  }
  const lb = tls.loadBalancer;
  if (lb) {
    const made = issue(lb.names, path.join(root, 'load-balancer'));
    placeTlsFiles({ ca: caFile, cert: made.cert, key: made.key }, lb.paths);
    fs.rmSync(lb.combinedPath, { force: true });
    fs.writeFileSync(lb.combinedPath, `${fs.readFileSync(made.cert, 'utf8').trimEnd()}\n${fs.readFileSync(made.key, 'utf8')}`, { mode: 0o600 });
  }
  return caFile;
}

/** Endpoints of the TLS listeners: `localhost`, the name the local certificates carry. */
export function localTlsResult(plan: ClusterPlan, caFile: string): LocalTlsResult {
  const amqpsUris: string[] = [];
  const managementUrls: string[] = [];
  for (const n of plan.nodes) {
    const p = n.address.tlsPorts!;
    amqpsUris.push(`amqps://localhost:${p.amqps}`);
    if (plan.tls?.management) managementUrls.push(`https://localhost:${p.management}/`);
  }
  const lb = plan.loadBalancer;
  if (lb) {
    amqpsUris.push(`amqps://localhost:${lb.input.settings.ports.amqp}`);
    if (plan.tls?.management) managementUrls.push(`https://localhost:${lb.input.settings.ports.management}/`);
  }
  return { caFile, amqpsUris, managementUrls };
}

/** The spec with TLS load balancer ports that are free here (the spec's own when both are free). */
export async function withFreeTlsLoadBalancerPorts(spec: ClusterSpec, isFree: (port: number) => Promise<boolean>): Promise<ClusterSpec> {
  if (!spec.tls.enabled || spec.loadBalancer.kind === 'none') return spec;
  const p = spec.tls.loadBalancer.ports;
  if ((await isFree(p.amqps)) && (await isFree(p.management))) return spec;
  const [amqps, management] = await findFreePorts(2);
  return { ...spec, tls: { ...spec.tls, loadBalancer: { ...spec.tls.loadBalancer, ports: { amqps, management } } } };
}
