/** The load balancer benchmark's Markdown table: one row per configuration, the targets, the settings, the notes. */
import {
  CHECK_WINDOW_MS,
  HANG_DEADLINE_MS,
  HEALTH_CHECK,
  HEARTBEAT_S,
  IDLE_TIMEOUT_S,
  KILL_DEADLINE_MS,
  KILL_PROBE_DELAY_MS,
  NEW_CONNECTIONS,
  type LbBenchRow,
} from './lb-bench-settings';

function fmtMs(ms: number | undefined, deadline: number): string {
  if (ms === undefined) return `none in ${deadline / 1000} s`;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Markdown: heading, table, targets and settings, then the notes of each row. */
export function renderTable(rows: readonly LbBenchRow[], date: string, control?: number): string {
  const header = [
    'configuration',
    'kill → confirmed publish',
    `new conns failing ${KILL_PROBE_DELAY_MS / 1000} s after kill`,
    'hang → confirmed publish',
    `new conns on hung node (${CHECK_WINDOW_MS / 1000} s after hang)`,
    `idle ${3 * HEARTBEAT_S} s (3 × heartbeat)`,
    'confirmed msg/s via LB / direct (median ratio)',
  ];
  const body = rows.map((r) => [
    r.label,
    fmtMs(r.killMs, KILL_DEADLINE_MS),
    r.failedAfterKill === undefined ? 'n/a' : `${r.failedAfterKill}/${NEW_CONNECTIONS}`,
    fmtMs(r.hangMs, HANG_DEADLINE_MS),
    r.onHung === undefined ? 'n/a' : `${r.onHung}/${NEW_CONNECTIONS}`,
    !r.idleChecked ? 'n/a' : r.idleClosed ? `closed after ${(r.idleClosed.afterMs / 1000).toFixed(1)} s` : 'survives',
    r.throughputRatio !== undefined && r.lbRate !== undefined && r.directRate !== undefined
      ? `${r.throughputRatio.toFixed(2)} (${r.lbRate.toFixed(0)} / ${r.directRate.toFixed(0)})`
      : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const notes = rows.flatMap((r) => r.notes.map((n) => `- ${r.label}: ${n}`));
  return [
    `### Load balancers: failover, idle connections, throughput (${date}, 3 RabbitMQ 3.10.8 nodes on 127.0.0.1)`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    '',
    `Targets: kill < 1 s; after a hang no new connection on the hung node once the check window (${CHECK_WINDOW_MS / 1000} s) has passed (nginx: measured);`,
    'idle connections survive 3 heartbeats; throughput through the LB >= 0.90 of direct.',
    `rmq-ha configs: heartbeat ${HEARTBEAT_S} s, idle timeouts ${IDLE_TIMEOUT_S} s, HAProxy checks inter ${HEALTH_CHECK.interSeconds}s fastinter ${HEALTH_CHECK.fastInterSeconds}s fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise}, timeout check ${HEALTH_CHECK.timeoutSeconds}s.`,
    'Kill times include the client\'s 100 ms pause before reconnecting. Hang times: the publisher drops a connection whose',
    'confirm takes more than 5 s; the seed nginx config cuts every connection silent for 1 s, including one to a hung node.',
    control === undefined ? '' : `Noise floor: the same throughput comparison between two direct connections gave ${control.toFixed(2)}.`,
    ...notes,
  ]
    .filter((l, i, all) => l !== '' || all[i - 1] !== '')
    .join('\n');
}
