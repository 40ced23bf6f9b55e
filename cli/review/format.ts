import pc from 'picocolors';
import type { ClassifiedChange } from './changes';
import type { StackDiff } from './diff';
import type { RollingProcedure } from './rolling';
import type { ReviewSummary } from './summary';

/** The review as text for a terminal or a pull-request comment (colours only on a TTY). */
export function formatReview(env: string, r: ReviewSummary, diff?: StackDiff, rolling?: RollingProcedure, changes?: readonly ClassifiedChange[]): string {
  const c = r.cluster;
  const out: string[] = [];
  out.push(pc.bold(`Review of ${env}: cluster ${c.name} on ${c.target}`));
  out.push(`  RabbitMQ ${c.version} (${c.image}), ${c.nodes} node(s), survives ${c.toleratedFailures} node failure(s)`);
  out.push(`  per node ${r.resources.memoryPerNode}, ${r.resources.cpusPerNode} CPU; total ${r.resources.totalMemory}, ${r.resources.totalCpus} CPU`);
  out.push(`  load balancer: ${r.loadBalancer}`);
  for (const e of r.endpoints) out.push(`    ${e.name}: ${e.url}`);
  out.push('', pc.bold('Nodes'));
  for (const n of r.nodes) out.push(`  ${n.node.padEnd(40)} ${n.amqp.padEnd(28)} ${n.management}`);
  const t = r.topology;
  out.push('', pc.bold('Topology (definitions.json, loaded at boot)'));
  out.push(`  ${t.vhosts} vhost(s); users: ${t.users.join(', ')}`);
  const queues = Object.entries(t.queuesByType).map(([k, v]) => `${v} ${k}`).join(', ');
  out.push(`  queues: ${queues || 'none declared'}`);
  out.push(`  policies: ${t.policies.join(', ') || 'none'}`);
  for (const q of t.queues) {
    const applied = [q.policy ? `policy ${q.policy}` : undefined, q.operatorPolicy ? `operator policy ${q.operatorPolicy}` : undefined].filter(Boolean);
    out.push(`    ${q.type} queue ${q.name} (vhost ${q.vhost}): ${applied.join(', ') || 'no policy'}`);
  }
  if (t.parameters.length > 0) out.push(`  runtime parameters: ${t.parameters.join(', ')}`);
  out.push('', pc.bold('Terraform resources'));
  for (const [type, n] of Object.entries(r.terraformResources).sort()) out.push(`  ${String(n).padStart(3)} ${type}`);
  if (r.requiredVariables.length > 0) out.push(`  set before apply: ${r.requiredVariables.join(', ')}`);
  out.push(`  sensitive outputs: ${r.sensitiveOutputs.join(', ')}`);
  if (diff) {
    out.push('', pc.bold('Changes against the last synthesis'));
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) out.push('  none');
    for (const a of diff.added) out.push(pc.green(`  + ${a}`));
    for (const a of diff.changed) out.push(pc.yellow(`  ~ ${a}`));
    for (const a of diff.removed) out.push(pc.red(`  - ${a}${a.startsWith('docker_volume.') || a.includes('persistent_volume') ? '  (DATA IS DESTROYED)' : ''}`));
  }
  if (changes && changes.length > 0) out.push('', ...formatChanges(changes));
  if (rolling) out.push('', ...formatRolling(rolling));
  out.push('', pc.bold(`Warnings (${r.warnings.length})`));
  if (r.warnings.length === 0) out.push('  none');
  for (const w of r.warnings) out.push(w.acknowledged !== undefined ? `  ~ ${w.path}: ${w.message} [${w.id}] (acknowledged: ${w.acknowledged})` : pc.yellow(`  ! ${w.path}: ${w.message} [${w.id}]`));
  return `${out.join('\n')}\n`;
}

const KIND_LABEL = { safe: 'SAFE', rolling: 'ROLLING', manual: 'MANUAL STEP', refused: 'REFUSED' } as const;

/** Each change with its class (safe, rolling, manual step, refused), why, and its commands. */
export function formatChanges(changes: readonly ClassifiedChange[]): string[] {
  const out = [pc.bold('What each change means')];
  for (const c of changes) {
    const label = KIND_LABEL[c.kind];
    const head = `  [${label}] ${c.subject}: ${c.why}`;
    out.push(c.kind === 'refused' ? pc.red(pc.bold(head)) : c.kind === 'manual' ? pc.yellow(head) : head);
    for (const step of c.steps) out.push(`      ${step}`);
  }
  return out;
}

/** The rolling procedure: ordered steps with their checks, then refusals (loud) and notes. */
export function formatRolling(p: RollingProcedure): string[] {
  const out: string[] = [];
  if (p.target === 'kubernetes') {
    out.push(pc.bold('Rolling change (Kubernetes)'));
  } else {
    out.push(pc.bold(`Rolling procedure: ${p.steps.length} node(s), one at a time, instead of one terraform apply`));
    for (const c of p.prepare) out.push(`  first:   ${c}`);
    for (const s of p.steps) {
      out.push(`  ${s.order}. ${s.action} ${s.node} (${s.address}): ${s.reason}`);
      for (const c of s.before) out.push(`       check: ${c}`);
      out.push(`       apply: ${s.apply}`);
      for (const c of s.after) out.push(`       wait:  ${c}`);
    }
    if (p.finish) out.push(`  then:    ${p.finish}`);
  }
  for (const r of p.refusals) out.push(pc.red(pc.bold(`  !! ${r}`)));
  for (const n of p.notes) out.push(`  note: ${n}`);
  return out;
}
