import * as fs from 'node:fs';
import * as path from 'node:path';
import pc from 'picocolors';
import { loadBalancerEndpoint, nodeEndpoints } from '../../plan/endpoints';
import { repairQuorumMembers } from '../../plan/quorum-members';
import { formatVersion, parseVersion } from '../../spec/version';
import { checkInstalled, installedRabbitVersion } from '../../local/install';
import { launchFromPlan, localPlan, localPorts, localSecrets, withFreeLoadBalancerPorts } from '../../local/plan-launch';
import { isPortOpen } from '../../local/ports';
import { restartRabbitNode, startRabbitNodes } from '../../local/start';
import { processLiveness, readState } from '../../local/state';
import { stopNodes } from '../../local/stop';
import { clusterStatus, runRabbitCli } from '../../local/ctl';
import { waitForAmqp } from '../../local/amqp-probe';
import { waitForCluster } from '../../local/cluster-ready';
import { nodePaths } from '../../local/layout';
import { isHarnessLoadBalancer, loadBalancerLaunch, startLoadBalancer } from '../../local/load-balancer-process';
import { localTlsResult, prepareLocalTls, withFreeTlsLoadBalancerPorts, withLocalTlsPorts, type LocalTlsResult } from '../../local/tls-material';
import type { RestartExited } from '../../local/wait';
import { waitForClusterWithCli } from '../../local/cluster-ready-cli';
import { Timeline, type TimelinePhase } from '../../local/timeline';
import { resolveTopology } from '../../spec/topology/resolve';
import { writeFileAtomically } from '../private/atomic-file';
import { UsageError } from '../private/exit';
import { pluginListeners } from '../../spec/plugin-listeners';
import { selectOne, type SelectOptions } from '../private/select';

/** Options of `rmq-ha local up`. */
export interface LocalUpOptions extends SelectOptions {
  readonly dir: string;
  /** One JSON object on stdout. @default false */
  readonly json?: boolean;
  /** How long to wait for the cluster to form. @default 120 */
  readonly timeout?: string;
}

/** File that holds the admin password of a local run (mode 0600). */
export const PASSWORD_FILE = 'admin-password';

/** The `--json` output of `local up`. */
export interface LocalUpResult {
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly amqpPort: number; readonly managementPort: number }>;
  readonly amqpUris: readonly string[];
  readonly managementUrls: readonly string[];
  readonly username: string;
  readonly passwordFile: string;
  readonly rabbitmqVersion: string;
  /** The load balancer in front of the nodes, when the spec has one. */
  readonly loadBalancer?: { readonly kind: string; readonly amqpUri: string; readonly managementUrl: string };
  /** `DIR/monitoring/prometheus.yml`: scrape config (and alert rules beside it) for the running nodes. */
  readonly prometheusConfig: string;
  /** TLS endpoints and the CA to verify them with, when the spec turns TLS on. */
  readonly tls?: LocalTlsResult;
  /**
   * Where the time went, phase by phase: `render` (spec, ports, files), `spawn`, `boot` (every
   * node answers its management API as admin), `formation` (all nodes in one cluster),
   * `definitions` (the spec's queues exist), `quorum-members`, `load-balancer` (listening) and
   * `traffic` (an AMQP session through it).
   */
  readonly timeline: readonly TimelinePhase[];
}

/**
 * `rmq-ha local up`: renders the spec for loopback, starts every node as a real process under
 * DIR, waits until all have joined one cluster, prints the endpoints. The password is written to
 * DIR/admin-password (0600), never printed.
 */
export async function localUp(opts: LocalUpOptions): Promise<LocalUpResult> {
  const timeline = new Timeline();
  const loaded = selectOne(opts);
  const dir = path.resolve(opts.dir);
  const existing = readState(dir);
  if (existing && Object.values(processLiveness(existing).nodes).some(Boolean)) {
    throw new UsageError(`${dir} already runs a cluster; use 'rmq-ha local status --dir ${opts.dir}' or 'local down' first`);
  }
  const listeners = pluginListeners(loaded.spec.rabbitmq.plugins);
  if (listeners.length > 0) {
    // Every local node shares 127.0.0.1: a plugin listener's fixed port would be taken by node 0.
    throw new UsageError(
      `rabbitmq.plugins: ${listeners.map((l) => `${l.plugin} (port ${l.port})`).join(', ')} open a listener each, and local up runs every node on ` +
        '127.0.0.1 without a port per node for them; leave these plugins out of the environment you run locally',
    );
  }
  const certs = loaded.spec.tls.certificates;
  if (loaded.spec.tls.enabled && 'secret' in certs) {
    throw new UsageError(
      `tls.certificates.secret: got ${JSON.stringify(certs.secret)}; a Kubernetes Secret is mounted by the cluster's pods and cannot be read by local up; ` +
        'run locally with tls.certificates { generate: {} } or { files: { caFile, certFile, keyFile } }',
    );
  }
  const installed = checkInstalled();
  if (!installed.ok) throw new UsageError(`RabbitMQ is not installed here: ${installed.hint}`);
  const lbKind = loaded.spec.loadBalancer.kind;
  const lbPackages = lbKind === 'haproxy' ? (['haproxy'] as const) : lbKind === 'nginx' ? (['nginx', 'libnginx-mod-stream'] as const) : [];
  const lbMissing = lbPackages.filter((p) => installed.versions[p] === undefined);
  if (lbMissing.length > 0) {
    throw new UsageError(`the spec's load balancer needs ${lbMissing.join(', ')}: apt-get install -y ${lbMissing.join(' ')} (or set loadBalancer.kind: none)`);
  }
  const version = parseVersion(installedRabbitVersion())!;
  const isFree = async (p: number): Promise<boolean> => !(await isPortOpen(p));
  const spec = await withFreeTlsLoadBalancerPorts(await withFreeLoadBalancerPorts(loaded.spec, isFree), isFree);
  const note = (text: string): void => {
    process.stderr.write(`${pc.dim(text)}\n`);
  };
  if (formatVersion(version) !== formatVersion(parseVersion(spec.rabbitmq.version)!)) {
    note(`note: rendering for the installed RabbitMQ ${formatVersion(version)}; the spec says ${spec.rabbitmq.version}`);
  }
  const ports = await withLocalTlsPorts(spec, await localPorts(spec, isFree));
  const plan = localPlan(spec, dir, ports, version);
  const secrets = localSecrets(plan);
  fs.mkdirSync(dir, { recursive: true });
  const passwordFile = path.join(dir, PASSWORD_FILE);
  fs.writeFileSync(passwordFile, `${secrets.admin_password}\n`, { mode: 0o600 });
  const caFile = prepareLocalTls(plan, dir);
  timeline.mark('render');
  const launch = launchFromPlan(plan, dir, secrets);
  const state = await startRabbitNodes(launch);
  timeline.mark('spawn');
  const timeoutMs = Number(opts.timeout ?? 120) * 1000;
  const deadline = Date.now() + timeoutMs;
  const credentials = { username: spec.credentials.adminUser, password: secrets.admin_password };
  let lb: LocalUpResult['loadBalancer'];
  const vhostRestarted = (node: string, vhost: string): void => note(`vhost '${vhost}' was still down on ${node} after formation: restarting it there`);
  const restartExited: RestartExited = (node, why) => {
    note(`${node.nodeName} ${why}: starting it once more, as a restart policy would (its log: ${nodePaths(dir, node.nodeName).mainLog})`);
    return restartRabbitNode(dir, launch.nodes.find((n) => n.nodeName === node.nodeName)!);
  };
  try {
    const topology = resolveTopology(spec.topology);
    const queues = topology.queues.map((q) => ({ vhost: q.vhost, name: q.name }));
    // With TLS the plain management and AMQP listeners may be off: readiness and formation are
    // read with the CLI tools (over the TLS distribution when inter-node TLS is on) instead.
    const ready = plan.tls
      ? await waitForClusterWithCli(state, { expected: spec.nodes, queues, bindings: topology.bindings, timeoutMs, timeline, onVhostRestart: vhostRestarted, restartExited })
      : await waitForCluster(state, {
          credentials,
          queues,
          bindings: topology.bindings,
          timeoutMs,
          timeline,
          definitionsFile: nodePaths(dir, state.nodes[0].nodeName).definitions,
          onReimport: (missing) => note(`queues or bindings missing after formation (${missing}): importing the definitions file again`),
          onVhostRestart: vhostRestarted,
          restartExited,
        });
    // Quorum queues declared before the cluster was complete (e.g. by a shovel on the first node)
    // have too few members; add them now that every node runs. Idempotent; the CLI runs only when
    // a member is missing.
    const added = await repairQuorumMembers(
      spec,
      state.nodes.map((n) => n.nodeName),
      (tool, args) => runRabbitCli(state, state.nodes[0].nodeName, args, { tool, timeoutMs: 60000 }),
      ready.quorumQueues,
    );
    if (added.length > 0) note(`added ${added.length} quorum queue member(s) that joined late`);
    timeline.mark('quorum-members');
    if (plan.loadBalancer) {
      const started = await startLoadBalancer(dir, loadBalancerLaunch(plan.loadBalancer, secrets));
      timeline.mark('load-balancer');
      const first = queues[0];
      if (!plan.tls) {
        await waitForAmqp({ host: started.host, port: started.amqpPort, ...credentials, queue: first }, Math.max(5000, deadline - Date.now()));
        timeline.mark('traffic');
      }
      const e = loadBalancerEndpoint(spec, 'local')!;
      lb = plan.tls
        ? { kind: plan.loadBalancer.kind, amqpUri: `amqps://localhost:${spec.tls.loadBalancer.ports.amqps}`, managementUrl: `${plan.tls.management ? 'https' : 'http'}://localhost:${spec.tls.loadBalancer.ports.management}/` }
        : { kind: plan.loadBalancer.kind, amqpUri: e.amqpUri, managementUrl: e.managementUrl };
    }
  } catch (e) {
    await stopNodes(dir);
    throw e;
  }
  // Prometheus config and rules for these loopback ports: `prometheus --config.file DIR/monitoring/prometheus.yml`.
  for (const f of [plan.monitoring.prometheusConfig, plan.monitoring.alertRules]) if (f) writeFileAtomically(f.path, f.content, 0o644);
  const endpoints = nodeEndpoints(spec, plan.addresses);
  const tls = caFile ? localTlsResult(plan, caFile) : undefined;
  // TLS required: the plain listeners do not exist, so the TLS ones are the endpoints.
  const tlsOnly = tls && plan.tls?.required;
  return {
    nodes: plan.nodes.map((n) => ({
      name: n.address.nodeName,
      amqpPort: tlsOnly ? n.address.tlsPorts!.amqps : n.address.amqpPort,
      managementPort: tlsOnly && plan.tls?.management ? n.address.tlsPorts!.management : n.address.managementPort,
    })),
    amqpUris: tlsOnly ? tls.amqpsUris.slice(0, plan.nodes.length) : endpoints.map((e) => e.amqpUri),
    managementUrls: tlsOnly && plan.tls?.management ? tls.managementUrls.slice(0, plan.nodes.length) : endpoints.map((e) => e.managementUrl),
    username: spec.credentials.adminUser,
    passwordFile,
    rabbitmqVersion: formatVersion(version),
    ...(lb ? { loadBalancer: lb } : {}),
    prometheusConfig: plan.monitoring.prometheusConfig.path,
    ...(tls ? { tls } : {}),
    timeline: timeline.phases(),
  };
}

/** Prints the result of `local up`: one JSON object, or a table. */
export function printUp(r: LocalUpResult, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(`${pc.green('cluster formed')}: ${r.nodes.length} node(s), RabbitMQ ${r.rabbitmqVersion}\n`);
  for (const [i, n] of r.nodes.entries()) process.stdout.write(`  ${n.name.padEnd(28)} ${r.amqpUris[i].padEnd(26)} ${r.managementUrls[i]}\n`);
  if (r.loadBalancer) process.stdout.write(`  ${r.loadBalancer.kind.padEnd(28)} ${r.loadBalancer.amqpUri.padEnd(26)} ${r.loadBalancer.managementUrl}\n`);
  process.stdout.write(`  user ${r.username}, password in ${r.passwordFile}\n`);
  process.stdout.write(`  Prometheus scrape config and alert rules: ${r.prometheusConfig}\n`);
  const total = r.timeline.at(-1)?.atMs ?? 0;
  process.stdout.write(`  ready in ${(total / 1000).toFixed(1)} s: ${r.timeline.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(', ')}\n`);
}

/** `rmq-ha local status --dir DIR [--json]`: what runs under DIR and which nodes are in the cluster. */
export async function localStatus(o: { readonly dir: string; readonly json?: boolean }): Promise<void> {
  const state = readState(path.resolve(o.dir));
  if (!state) throw new UsageError(`nothing was started under ${o.dir}`);
  const alive = processLiveness(state);
  const first = state.nodes.find((n) => alive.nodes[n.nodeName]);
  const running = first ? (await clusterStatus(state, first.nodeName)).runningNodes : [];
  const loadBalancers = (state.loadBalancers ?? []).map((lb) => ({ name: lb.name, kind: lb.kind, pid: lb.pid, alive: isHarnessLoadBalancer(state.dir, lb, lb.pid), amqpPort: lb.amqpPort }));
  const out = { nodes: state.nodes.map((n) => ({ name: n.nodeName, pid: n.pid, alive: alive.nodes[n.nodeName], amqpPort: n.amqpPort })), runningNodes: running, loadBalancers };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const mark = (up: boolean): string => (up ? pc.green('alive') : pc.red('stopped'));
  for (const n of out.nodes) process.stdout.write(`${n.name.padEnd(28)} pid ${n.pid} ${mark(n.alive)} ${running.includes(n.name) ? 'in cluster' : ''}\n`);
  for (const lb of loadBalancers) process.stdout.write(`${lb.kind.padEnd(28)} pid ${lb.pid} ${mark(lb.alive)} AMQP on 127.0.0.1:${lb.amqpPort}\n`);
}

/** `rmq-ha local down --dir DIR`: stops what `up` started there, by pid, and nothing else. */
export async function localDown(o: { readonly dir: string }): Promise<void> {
  if (!readState(path.resolve(o.dir))) throw new UsageError(`nothing was started under ${o.dir}`);
  const r = await stopNodes(path.resolve(o.dir));
  process.stdout.write(`stopped ${r.stopped.length + r.killed.length}, already gone ${r.notRunning.length}, left alone ${r.skipped.length}\n`);
}
