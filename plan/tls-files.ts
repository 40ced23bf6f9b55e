/** The per-node TLS files of a plan and the TLS warnings (kept apart from plan.ts). */
import { interNodeTlsErlArgs, renderInterNodeTlsConfig } from '../rabbitmq/tls-inter-node';
import type { ClusterSpec } from '../spec/cluster';
import type { RabbitVersion } from '../spec/version';
import { makeFile, type RenderedFile } from './files';
import type { TlsPlan } from './tls';
import type { PlanWarning } from './warnings';

/** `interNodeTlsConfig` of node `index`, or nothing when inter-node TLS is off. */
export function planNodeTlsFiles(tls: TlsPlan | undefined, version: RabbitVersion, index: number): { interNodeTlsConfig?: RenderedFile } {
  const node = tls?.nodes[index];
  if (!tls?.interNode || !node?.interNodeConfigPath) return {};
  const text = renderInterNodeTlsConfig({ version, paths: node.paths, versions: tls.versions });
  return { interNodeTlsConfig: makeFile('inter_node_tls.config', node.interNodeConfigPath, text) };
}

/** VM arguments a node (and every CLI tool aimed at it) needs; empty without inter-node TLS. */
export function nodeErlArgs(tls: TlsPlan | undefined, index: number): string {
  const path = tls?.interNode ? tls.nodes[index]?.interNodeConfigPath : undefined;
  return path ? interNodeTlsErlArgs(path) : '';
}

/** Best-practice findings about TLS. */
export function tlsWarnings(spec: ClusterSpec): PlanWarning[] {
  const w: PlanWarning[] = [];
  const tls = spec.tls;
  if (!tls.enabled) return w;
  if ('generate' in tls.certificates) {
    w.push({ id: 'tls-generated-keys-in-state', path: 'tls.certificates.generate', message: 'private keys of generated certificates are stored in Terraform state: for non-production; use { files: { caFile, certFile, keyFile } } in production' });
  }
  if (!tls.interNode) {
    w.push({ id: 'inter-node-clear', path: 'tls.interNode', message: 'Erlang distribution (where the cookie grants code execution) stays unencrypted; set tls.interNode: true' });
  }
  if (!tls.required) {
    w.push({ id: 'tls-plain-listeners-open', path: 'tls.required', message: 'plain AMQP/HTTP listeners stay open beside TLS; set tls.required: true once clients use TLS' });
  }
  return w;
}
