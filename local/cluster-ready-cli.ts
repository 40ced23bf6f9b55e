/**
 * `waitForClusterWithCli`: the wait of `local up` for a TLS spec, whose plain management and AMQP
 * listeners may be off, so everything is read with the CLI tools (over the TLS distribution when
 * inter-node TLS is on): every node boots (`waitForNodes`), the first node sees all of them
 * running, every vhost runs on every node, and every queue and binding of the spec exists (the
 * definitions are imported once the whole cluster runs; clients right after `up` would otherwise
 * be refused on the vhost or find nothing bound). Same stages and timeline marks as
 * `waitForCluster` (cluster-ready.ts), one CLI VM per poll, so polls are 1 s apart.
 */
import { clusterStatus, runRabbitCli } from './ctl';
import { missingFrom, type WaitForClusterOptions, type WantedBinding, type WantedQueue } from './cluster-ready';
import { OperationFailure } from './failure';
import { sleep } from './private/run';
import type { LocalClusterState } from './types';
import { cliVhostProbe, waitForVhosts } from './vhosts-ready';
import { waitForNodes } from './wait';

/** Options of `waitForClusterWithCli`: those of `waitForCluster` that do not need the management API, and the node count. */
export interface WaitWithCliOptions extends Pick<WaitForClusterOptions, 'queues' | 'bindings' | 'timeoutMs' | 'timeline' | 'onVhostRestart' | 'restartExited'> {
  /** Nodes the cluster has. */
  readonly expected: number;
}

export async function waitForClusterWithCli(state: LocalClusterState, o: WaitWithCliOptions): Promise<{ quorumQueues?: undefined }> {
  const deadline = Date.now() + o.timeoutMs;
  await waitForNodes(state, { timeoutMs: o.timeoutMs, restartExited: o.restartExited });
  o.timeline?.mark('boot');
  const first = state.nodes[0].nodeName;
  let running: readonly string[] = [];
  for (;;) {
    running = (await clusterStatus(state, first)).runningNodes;
    if (running.length === o.expected) break;
    if (Date.now() > deadline) throw new OperationFailure(`cluster did not form within ${o.timeoutMs / 1000} s: running ${running.join(', ') || 'none'} of ${o.expected}`);
    await sleep(1000);
  }
  o.timeline?.mark('formation');
  await waitForVhosts(cliVhostProbe(state), { deadline, onRestart: o.onVhostRestart });
  o.timeline?.mark('vhosts');
  const vhosts = [...new Set([...o.queues, ...(o.bindings ?? [])].map((x) => x.vhost))];
  for (;;) {
    const have = { queues: [] as WantedQueue[], bindings: [] as WantedBinding[] };
    for (const vhost of vhosts) {
      const q = await runRabbitCli(state, first, ['-q', 'list_queues', '-p', vhost, 'name', '--formatter', 'json'], { timeoutMs: 30000 });
      if (q.code === 0) for (const r of JSON.parse(q.stdout || '[]') as Array<{ name: string }>) have.queues.push({ vhost, name: r.name });
      if (!o.bindings?.some((b) => b.vhost === vhost)) continue;
      const b = await runRabbitCli(state, first, ['-q', 'list_bindings', '-p', vhost, 'source_name', 'destination_name', 'routing_key', '--formatter', 'json'], { timeoutMs: 30000 });
      if (b.code === 0) {
        for (const r of JSON.parse(b.stdout || '[]') as Array<{ source_name: string; destination_name: string; routing_key: string }>) {
          have.bindings.push({ vhost, source: r.source_name, destination: r.destination_name, routingKey: r.routing_key });
        }
      }
    }
    const missing = missingFrom(o, have);
    if (missing.length === 0) break;
    if (Date.now() > deadline) throw new OperationFailure(`definitions not loaded within ${o.timeoutMs / 1000} s: not declared yet: ${missing.join(', ')}`);
    await sleep(1000);
  }
  o.timeline?.mark('definitions');
  return {};
}
