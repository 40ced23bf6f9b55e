/** What every topology check shares: the issue list, the index of declared objects, reference helpers. */
import type { SpecIssue } from '../../../errors';
import { BUILT_IN_EXCHANGES } from '../../exchanges';
import type { PolicyTarget } from '../../policy-keys';
import type { ResolvedExchange, ResolvedQueue } from '../../resolve';

/** The key of an object named `name` in `vhost` (names are unique per vhost). */
export const key = (vhost: string, name: string): string => `${vhost}\u0000${name}`;
/** `xs` quoted, the first `max` of them and how many more. */
export const list = (xs: readonly string[], max = 3): string =>
  xs.length <= max ? xs.map((x) => `'${x}'`).join(', ') : `${xs.slice(0, max).map((x) => `'${x}'`).join(', ')} and ${xs.length - max} more`;

/** Collects issues; one instance per validation run. */
export class Issues {
  readonly all: SpecIssue[] = [];
  add(path: string, value: unknown, message: string): void {
    this.all.push({ path, value, message });
  }
}

/** Names of the objects each vhost holds, for reference checks. */
export interface Index {
  readonly vhosts: ReadonlySet<string>;
  readonly queues: ReadonlyMap<string, ResolvedQueue>;
  readonly exchanges: ReadonlyMap<string, ResolvedExchange>;
}

/** Whether `name` is an exchange of `vhost`: declared in the topology or built in (amq.*). */
export function exchangeExists(ix: Index, vhost: string, name: string): boolean {
  return ix.exchanges.has(key(vhost, name)) || (BUILT_IN_EXCHANGES as readonly string[]).includes(name);
}

/** Reports `vhost` when topology.vhosts does not declare it. */
export function checkVhostRef(vhosts: ReadonlySet<string>, path: string, vhost: string, issues: Issues): void {
  if (!vhosts.has(vhost)) issues.add(path, vhost, `is not declared in topology.vhosts (${[...vhosts].join(', ')}); add it there or use one of those`);
}

/** A hint for reject-publish-dlx on a quorum queue, which RabbitMQ replaces with drop-head. */
export function quorumOverflowHint(key: string, value: unknown, type: PolicyTarget): string {
  return (key === 'overflow' || key === 'x-overflow') && value === 'reject-publish-dlx' && type === 'quorum'
    ? '; quorum queues support drop-head and reject-publish (RabbitMQ logs "Invalid overflow strategy" and keeps drop-head)'
    : '';
}
