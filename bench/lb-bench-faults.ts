/** Fault rounds of the load balancer benchmark: a publisher per proxy on the victim node, the fault, the recovery. */
import type { LocalNodeState } from '../local';
import { signal } from '../local/private/proc';
import { amqpHandshake, FailoverPublisher, nodeOfConnection, type AmqpTarget, type ManagementTarget } from './lb-client';
import { HANDSHAKE_TIMEOUT_MS, HANG_DEADLINE_MS, KILL_DEADLINE_MS, log, NEW_CONNECTIONS, QUEUE, type ConfigName, type LbBenchRow } from './lb-bench-settings';

/**
 * Starts a publisher through `target` that ends up connected to `node` (new connections are
 * spread by the proxy, so up to 8 tries), or the last one tried when none landed there.
 */
async function publisherOn(
  target: AmqpTarget,
  node: string,
  name: string,
  api: ManagementTarget,
): Promise<{ publisher: FailoverPublisher; onNode: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const publisher = new FailoverPublisher({ target, queue: QUEUE, name, intervalMs: 50, confirmTimeoutMs: 5000, connectTimeoutMs: 5000, backoffMs: 100 });
    await publisher.start(15000);
    const on = await nodeOfConnection(publisher.current!, api);
    if (on === node || attempt === 8) return { publisher, onNode: on === node };
    await publisher.stop();
  }
}

/** One fault for every proxy at once: steer a publisher per proxy onto `victim`, fault it, time the recovery. */
export async function faultRound(
  fault: 'kill' | 'hang',
  victim: LocalNodeState,
  targets: ReadonlyMap<ConfigName, AmqpTarget>,
  api: ManagementTarget,
  rows: Map<ConfigName, LbBenchRow>,
  during?: (faultAt: number) => Promise<void>,
): Promise<void> {
  const publishers = new Map<ConfigName, FailoverPublisher>();
  try {
    for (const [name, target] of targets) {
      const { publisher, onNode } = await publisherOn(target, victim.nodeName, `${fault}-${name}`, api);
      publishers.set(name, publisher);
      if (!onNode) rows.get(name)!.notes.push(`${fault}: the publisher could not be placed on ${victim.nodeName} in 8 tries`);
    }
    const generations = new Map([...publishers].map(([name, p]) => [name, p.generation] as const));
    const deadline = fault === 'kill' ? KILL_DEADLINE_MS : HANG_DEADLINE_MS;
    const faultAt = Date.now();
    signal(-victim.pid, fault === 'kill' ? 'SIGKILL' : 'SIGSTOP');
    log(`${fault === 'kill' ? 'SIGKILL' : 'SIGSTOP'} ${victim.nodeName}`);
    try {
      const extra = during ? during(faultAt) : Promise.resolve();
      await Promise.all([
        extra,
        ...[...publishers].map(async ([name, p]) => {
          const first = await p.firstConfirmAfterFault(faultAt, generations.get(name)!, deadline);
          const row = rows.get(name)!;
          if (fault === 'kill') row.killMs = first && first.at - faultAt;
          else row.hangMs = first && first.at - faultAt;
          const seen = [...new Set(p.errors.filter((e) => e.at >= faultAt).map((e) => e.message))];
          log(`  ${name}: ${first ? `${first.at - faultAt} ms` : `no confirm within ${deadline} ms`} (client saw: ${seen.join('; ') || 'nothing'})`);
        }),
      ]);
    } finally {
      if (fault === 'hang') signal(-victim.pid, 'SIGCONT');
    }
  } finally {
    await Promise.all([...publishers.values()].map((p) => p.stop()));
  }
}

/** Opens NEW_CONNECTIONS connections through `target` at once; returns how many got no AMQP answer in time. */
export async function unansweredHandshakes(target: AmqpTarget): Promise<number> {
  const tries = await Promise.all(Array.from({ length: NEW_CONNECTIONS }, () => amqpHandshake(target.host, target.port, HANDSHAKE_TIMEOUT_MS)));
  for (const t of tries) t.socket.destroy();
  return tries.filter((t) => !t.answered).length;
}
