/**
 * The review as a pull-request comment (GitHub-flavoured markdown): what the spec creates in
 * tables, the changes against the last synthesis with their meaning and the rolling procedure,
 * then the warnings with why they matter and the fix.
 */
import { adviceFor } from './warning-advice';
import { code, table, text } from './private/markdown';
import type { EnvironmentReview } from './report';
import { changesMarkdown } from './format-markdown-changes';

/** Every environment's review, one `##` section each. */
export function formatMarkdown(reviews: readonly EnvironmentReview[]): string {
  const warnings = reviews.reduce((n, r) => n + r.summary.warnings.length, 0);
  const head = [`# rmq-ha review: ${reviews.map((r) => code(r.env)).join(', ')}`, '', `${reviews.length} environment(s), ${warnings} warning(s).`];
  return `${[...head, ...reviews.flatMap((r) => ['', ...environmentMarkdown(r)])].join('\n')}\n`;
}

function environmentMarkdown(r: EnvironmentReview): string[] {
  const s = r.summary;
  const c = s.cluster;
  const out: string[] = [];
  out.push(`## ${code(r.env)}: cluster ${code(c.name)} on ${c.target}`, '');
  out.push(
    `RabbitMQ **${text(c.version)}** (${code(c.image)}), **${c.nodes} node(s)**, survives **${c.toleratedFailures}** node failure(s). ` +
      `Load balancer: ${text(s.loadBalancer)}.`,
  );
  if (s.warnings.length > 0 || (r.rolling?.refusals.length ?? 0) > 0) {
    const refused = r.rolling?.refusals.length ?? 0;
    out.push('', `> [!WARNING]`, `> ${s.warnings.length} warning(s)${refused > 0 ? `, ${refused} change(s) refused as routine steps` : ''}: see below.`);
  }

  out.push('', '### Nodes', '', table(['node', 'AMQP', 'management'], s.nodes.map((n) => [code(n.node), code(n.amqp), code(n.management)])));
  out.push('', '### Client endpoints', '');
  out.push(
    s.endpoints.length > 0
      ? table(['endpoint', 'URL', 'note'], s.endpoints.map((e) => [text(e.name), code(e.url), text(e.note)]))
      : 'No load balancer: clients list every node (table above) and reconnect to another one on failure.',
  );

  const t = s.topology;
  out.push('', '### Topology (`definitions.json`, loaded at boot)', '');
  out.push(`${t.vhosts} vhost(s); users: ${t.users.map(code).join(', ') || '*none*'}.`);
  out.push('', table(['queue', 'vhost', 'type', 'policy', 'operator policy'], t.queues.map((q) => [code(q.name), code(q.vhost), q.type, q.policy ? code(q.policy) : '—', q.operatorPolicy ? code(q.operatorPolicy) : '—'])));
  if (t.policyDetails.length > 0) {
    out.push(
      '',
      table(
        ['policy', 'vhost', 'pattern', 'apply to', 'priority', 'keys', 'applies to'],
        t.policyDetails.map((p) => [
          `${code(p.name)}${p.kind === 'operator' ? ' (operator)' : ''}`,
          code(p.vhost),
          code(p.pattern),
          p.applyTo,
          String(p.priority),
          Object.entries(p.definition).map(([k, v]) => code(`${k}=${JSON.stringify(v)}`)).join(' '),
          p.appliesTo.length > 0 ? p.appliesTo.map(code).join(', ') : '*no declared queue*',
        ]),
      ),
    );
  }
  if (t.parameters.length > 0) out.push('', `Runtime parameters: ${t.parameters.map(code).join(', ')}.`);

  out.push('', '### Resources', '');
  out.push(
    table(
      ['', 'per node', 'total'],
      [
        ['memory', s.resources.memoryPerNode, s.resources.totalMemory],
        ['CPUs', String(s.resources.cpusPerNode), String(s.resources.totalCpus)],
      ],
      ['l', 'r', 'r'],
    ),
  );
  out.push('', table(['Terraform resource type', 'count'], Object.entries(s.terraformResources).sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => [code(type), String(n)]), ['l', 'r']));
  if (s.requiredVariables.length > 0) out.push('', `Set before \`terraform apply\`: ${s.requiredVariables.map(code).join(', ')}.`);
  out.push('', `Sensitive outputs: ${s.sensitiveOutputs.map(code).join(', ') || '*none*'}.`);

  out.push('', ...changesMarkdown(r));

  out.push('', `### Warnings (${s.warnings.length})`, '');
  out.push(
    table(
      ['warning', 'field', 'found', 'why it matters', 'fix'],
      s.warnings.map((w) => {
        const a = adviceFor(w.id);
        return [code(w.id) + (w.acknowledged !== undefined ? ' (acknowledged)' : ''), code(w.path), text(w.message), text(a.why), w.acknowledged !== undefined ? text(`accepted: ${w.acknowledged}`) : a.fix];
      }),
    ),
  );
  return out;
}
