/**
 * `waitForVhosts`: every virtual host runs on every node before `local up` hands the cluster over.
 *
 * Seen on the project's CI machine: right after a 3-node TLS cluster formed, every client was
 * refused on one node with `541 INTERNAL_ERROR - access to vhost '/' refused for user 'admin':
 * vhost '/' is down`, and stayed refused for the rest of the suite. RabbitMQ's default
 * `vhost_restart_strategy` (`continue`) leaves a vhost that failed to start on a node stopped
 * there until someone runs `rabbitmqctl restart_vhost`. So the harness waits a grace period for the
 * vhosts to come up by themselves, then restarts each one still down once on its node (and says
 * so), then waits up to the overall deadline.
 *
 * Two ways to read and restart them: the management HTTP API (`/api/vhosts` `cluster_state`,
 * `POST /api/vhosts/<v>/start/<node>`, milliseconds) and, where the plain management listener is
 * off (TLS), the CLI (`rabbitmq-diagnostics check_virtual_hosts`, `rabbitmqctl restart_vhost`).
 */
import { OperationFailure } from './failure';
import { runRabbitCli } from './ctl';
import { managementGet, managementPost, type ManagementCredentials } from './management-api';
import { sleep } from './private/run';
import type { LocalClusterState } from './types';

/** Reads which vhosts are down where, and restarts one. */
export interface VhostProbe {
  /** Node name -> names of the vhosts not running there (nodes with none may be left out). */
  down(): Promise<{ readonly ok: true; readonly down: Record<string, string[]> } | { readonly ok: false; readonly reason: string }>;
  /** Starts `vhost` on `node`; the reason when that failed. */
  restart(node: string, vhost: string): Promise<string | undefined>;
}

/** Options of `waitForVhosts`. */
export interface WaitForVhostsOptions {
  /** Absolute time (ms since the epoch) after which the wait fails. */
  readonly deadline: number;
  /** How long a vhost may be down before it is restarted. @default 10000 */
  readonly graceMs?: number;
  /** Pause between two reads. @default 500 */
  readonly pollMs?: number;
  /** Told of each restart (node, vhost). */
  readonly onRestart?: (node: string, vhost: string) => void;
}

/** Resolves once no vhost is down on any node; rejects with an OperationFailure naming what is down at the deadline. */
export async function waitForVhosts(probe: VhostProbe, options: WaitForVhostsOptions): Promise<void> {
  const restartAt = Date.now() + (options.graceMs ?? 10000);
  const restarted = new Set<string>();
  for (;;) {
    const r = await probe.down();
    const down = r.ok ? Object.entries(r.down).flatMap(([node, vhosts]) => vhosts.map((vhost) => ({ node, vhost }))) : [];
    if (r.ok && down.length === 0) return;
    let last = r.ok ? `down: ${down.map((d) => `vhost '${d.vhost}' on ${d.node}`).join(', ')}` : r.reason;
    if (Date.now() >= restartAt) {
      for (const d of down.filter((x) => !restarted.has(`${x.node}\0${x.vhost}`))) {
        restarted.add(`${d.node}\0${d.vhost}`);
        options.onRestart?.(d.node, d.vhost);
        const failed = await probe.restart(d.node, d.vhost);
        if (failed) last = `${last}; restarting vhost '${d.vhost}' on ${d.node} failed: ${failed}`;
      }
    }
    if (Date.now() >= options.deadline) throw new OperationFailure(`virtual hosts did not run on every node in time (${last})`);
    await sleep(options.pollMs ?? 500);
  }
}

/** Reads and restarts vhosts through one node's management API (`cluster_state` covers every node). */
export function apiVhostProbe(port: number, creds: ManagementCredentials): VhostProbe {
  return {
    async down() {
      const r = await managementGet<Array<{ name: string; cluster_state?: Record<string, string> }>>(port, '/api/vhosts?columns=name,cluster_state', creds);
      if (!r.ok) return r;
      const down: Record<string, string[]> = {};
      for (const v of r.body) {
        for (const [node, st] of Object.entries(v.cluster_state ?? {})) if (st !== 'running') (down[node] ??= []).push(v.name);
      }
      return { ok: true, down };
    },
    async restart(node, vhost) {
      const r = await managementPost(port, `/api/vhosts/${encodeURIComponent(vhost)}/start/${encodeURIComponent(node)}`, creds, '');
      return r.ok ? undefined : r.reason;
    },
  };
}

/** Reads each node with `rabbitmq-diagnostics check_virtual_hosts` and restarts with `rabbitmqctl restart_vhost` (one CLI VM per call). */
export function cliVhostProbe(state: LocalClusterState): VhostProbe {
  return {
    async down() {
      const down: Record<string, string[]> = {};
      for (const node of state.nodes) {
        const r = await runRabbitCli(state, node.nodeName, ['-q', 'check_virtual_hosts'], { tool: 'rabbitmq-diagnostics', timeoutMs: 30000 });
        if (r.code === 0) continue;
        // "Some virtual hosts on node N are down:" followed by one vhost name per line.
        const out = `${r.stdout}\n${r.stderr}`;
        const at = out.search(/are down:\s*\n/);
        if (at < 0) return { ok: false, reason: `check_virtual_hosts on ${node.nodeName}: ${out.trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`}` };
        down[node.nodeName] = out.slice(at).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
      }
      return { ok: true, down };
    },
    async restart(node, vhost) {
      const r = await runRabbitCli(state, node, ['-q', 'restart_vhost', '-p', vhost], { timeoutMs: 60000 });
      return r.code === 0 ? undefined : (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`;
    },
  };
}
