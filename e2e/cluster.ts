/**
 * What the end-to-end run asks a deployed cluster, the way an operator would: rabbitmqctl inside a
 * node container, the management API and HAProxy's stats page through their published ports.
 */
import type { DockerCli } from './docker';
import { waitFor } from './run';

/** `rabbitmqctl cluster_status` of one node, as JSON. */
export interface ClusterStatus {
  readonly running_nodes: string[];
  readonly disk_nodes: string[];
  readonly partitions: Record<string, string[]>;
  readonly alarms: unknown[];
}

export async function clusterStatus(docker: DockerCli, container: string): Promise<ClusterStatus> {
  const out = await docker.exec(container, ['rabbitmqctl', '-q', 'cluster_status', '--formatter', 'json'], 60000);
  return JSON.parse(out) as ClusterStatus;
}

/** `rabbitmqctl list_queues` of the default vhost: name -> { type, policy, messages }. */
export async function listQueues(docker: DockerCli, container: string): Promise<Record<string, { type: string; policy: string; messages: number }>> {
  const out = await docker.exec(container, ['rabbitmqctl', '-q', 'list_queues', 'name', 'type', 'policy', 'messages', '--formatter', 'json'], 60000);
  const rows = JSON.parse(out) as Array<{ name: string; type: string; policy: string; messages: number }>;
  return Object.fromEntries(rows.map((r) => [r.name, { type: r.type, policy: r.policy, messages: r.messages }]));
}

/** Members of a quorum queue (`rabbitmq-queues quorum_status`), as node names. */
export async function quorumMembers(docker: DockerCli, container: string, queue: string): Promise<string[]> {
  const out = await docker.exec(container, ['rabbitmq-queues', '-q', 'quorum_status', queue, '--formatter', 'json'], 60000);
  return (JSON.parse(out) as Array<{ 'Node Name': string }>).map((m) => m['Node Name']).sort();
}

/** An Erlang expression evaluated on the node by `rabbitmqctl eval` (bounded; undefined on failure). */
export async function evalOn(docker: DockerCli, container: string, expression: string, timeoutMs = 30000): Promise<string | undefined> {
  const r = await docker.run(['exec', container, 'rabbitmqctl', '-q', 'eval', expression], timeoutMs);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** True when the node's RabbitMQ application runs (false while pause_minority paused it). */
export async function nodeRunning(docker: DockerCli, container: string): Promise<boolean> {
  const r = await docker.run(['exec', container, 'rabbitmq-diagnostics', '-q', 'check_running'], 60000);
  return r.code === 0;
}

/** HTTP basic-auth GET, bounded. */
export async function httpGet(url: string, user: string, password: string, timeoutMs = 5000): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

/** Management API JSON (throws on a non-2xx answer). */
export async function managementJson<T>(baseUrl: string, user: string, password: string, apiPath: string): Promise<T> {
  const r = await httpGet(`${baseUrl.replace(/\/$/, '')}${apiPath}`, user, password);
  if (r.status >= 300) throw new Error(`GET ${apiPath}: ${r.status} ${r.text.slice(0, 200)}`);
  return JSON.parse(r.text) as T;
}

/** HAProxy stats rows of one backend from the stats page's CSV (`/stats;csv`): server -> status. */
export async function haproxyServerStatus(statsUrl: string, user: string, password: string, backend: string): Promise<Record<string, string>> {
  const r = await httpGet(`${statsUrl.replace(/\/$/, '')};csv`, user, password);
  if (r.status !== 200) throw new Error(`stats page: ${r.status}`);
  const [header, ...rows] = r.text.replace(/^# /, '').trim().split('\n').map((l) => l.split(','));
  const px = header.indexOf('pxname');
  const sv = header.indexOf('svname');
  const st = header.indexOf('status');
  return Object.fromEntries(rows.filter((c) => c[px] === backend && c[sv] !== 'FRONTEND' && c[sv] !== 'BACKEND').map((c) => [c[sv], c[st]]));
}

/** Waits until every named container runs and reports healthy; returns the ms it took. */
export async function waitHealthy(docker: DockerCli, names: readonly string[], timeoutMs: number): Promise<number> {
  const r = await waitFor(async () => {
    const states = await Promise.all(names.map((n) => docker.state(n)));
    return states.every((s) => s.running && s.health === 'healthy') ? true : undefined;
  }, timeoutMs, 2000);
  if (!r) throw new Error(`nodes not healthy within ${timeoutMs} ms: ${JSON.stringify(await Promise.all(names.map((n) => docker.state(n).catch((e) => String(e)))))}`);
  return r.ms;
}

/** Waits until `from` sees `count` running nodes and no partition; the ms it took, or undefined. */
export async function waitFormed(docker: DockerCli, from: string, count: number, timeoutMs: number, everyMs = 2000): Promise<number | undefined> {
  const r = await waitFor(async () => {
    const s = await clusterStatus(docker, from);
    return s.running_nodes.length === count && Object.keys(s.partitions ?? {}).length === 0 ? true : undefined;
  }, timeoutMs, everyMs);
  return r?.ms;
}

/** The `rmq-ha:` lines of each container's log (what the background definitions import said), for a failure message. */
export async function importLog(docker: DockerCli, containers: readonly string[]): Promise<string> {
  const lines = await Promise.all(
    containers.map(async (c) => {
      const r = await docker.run(['logs', c], 30000);
      const said = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('rmq-ha:'));
      return `${c}: ${said.join(' | ') || 'no rmq-ha line yet'}`;
    }),
  );
  return lines.join('\n');
}

/**
 * Why nodes may refuse a client's `connection.open`, for a failure message: each node's
 * `check_virtual_hosts` and the last lines of its log that speak of refusals, vhosts or errors
 * (amqplib reports only "Expected ConnectionOpenOk; got <ConnectionClose>", not the reply text).
 */
export async function refusalLog(docker: DockerCli, containers: readonly string[]): Promise<string> {
  const lines = await Promise.all(
    containers.map(async (c) => {
      const vhosts = await docker.run(['exec', c, 'rabbitmq-diagnostics', '-q', 'check_virtual_hosts'], 60000);
      const logs = await docker.run(['logs', '--tail', '400', c], 30000);
      const said = `${logs.stdout}\n${logs.stderr}`.split('\n').filter((l) => /refused|vhost|\[error\]/i.test(l)).slice(-12);
      return `${c}: check_virtual_hosts exit ${vhosts.code}: ${(vhosts.stdout + vhosts.stderr).trim().split('\n').slice(-3).join(' ')}\n  ${said.join('\n  ') || 'no such log line'}`;
    }),
  );
  return lines.join('\n');
}
