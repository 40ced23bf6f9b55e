/**
 * The change part of the markdown review: the classified changes (when the classification gives
 * them) with their operational meaning, the rolling procedure step by step with its commands,
 * the refusals, and the resource diff folded away for those who want the addresses.
 */
import { code, fenced, table, text } from './private/markdown';
import type { EnvironmentReview } from './report';
import type { RollingProcedure } from './rolling';

/** Resource types whose removal destroys data. */
const DATA_RESOURCES = [/^docker_volume\./, /persistent_volume/];

export function changesMarkdown(r: EnvironmentReview): string[] {
  const out: string[] = ['### Changes against the last synthesis', ''];
  const d = r.diff;
  if (!d) return [...out, 'Nothing to compare with (no earlier synthesis given with `--against`, and no `cdktf.out`).'];
  const total = d.added.length + d.removed.length + d.changed.length;
  if (total === 0 && !r.changes?.length) return [...out, 'None: `terraform apply` has nothing to do.'];
  const destroyed = d.removed.filter((a) => DATA_RESOURCES.some((p) => p.test(a)));
  out.push(`${d.added.length} to add, ${d.changed.length} to change, ${d.removed.length} to remove.`);
  if (destroyed.length > 0) out.push('', '> [!CAUTION]', `> Data is destroyed: ${destroyed.map(code).join(', ')} would be removed.`);
  if (r.changes && r.changes.length > 0) {
    out.push('', table(['kind', 'change', 'what it means', 'steps'], r.changes.map((c) => [`**${text(c.kind)}**`, text(c.subject), text(c.why), (c.steps ?? []).map(code).join('<br>')])));
  }
  out.push('', '<details><summary>Terraform addresses</summary>', '');
  out.push(fenced('diff', [...d.added.map((a) => `+ ${a}`), ...d.changed.map((a) => `~ ${a}`), ...d.removed.map((a) => `- ${a}`)]));
  out.push('', '</details>');
  if (r.rolling) out.push('', ...rollingMarkdown(r.rolling));
  return out;
}

/** The rolling procedure: refusals first (they stop the change), then the ordered steps. */
export function rollingMarkdown(p: RollingProcedure): string[] {
  const out: string[] = [];
  out.push(p.target === 'kubernetes' ? '### Rolling change (Kubernetes)' : `### Rolling procedure: ${p.steps.length} node(s), one at a time, instead of one \`terraform apply\``);
  for (const refusal of p.refusals) out.push('', '> [!CAUTION]', `> ${text(refusal)}`);
  const lines: string[] = [];
  for (const c of p.prepare) lines.push(c);
  for (const s of p.steps) {
    lines.push('', `# ${s.order}. ${s.action} ${s.node} (${s.address}): ${s.reason}`);
    lines.push(...s.before, s.apply, ...s.after);
  }
  if (p.finish) lines.push('', p.finish);
  if (lines.length > 0) {
    out.push('', 'Run in the stack folder (`cdktf.out/stacks/<env>`), each command only after the one before succeeded:', '');
    out.push(fenced('sh', lines[0] === '' ? lines.slice(1) : lines));
  }
  for (const n of p.notes) out.push('', `- ${text(n)}`);
  return out;
}
