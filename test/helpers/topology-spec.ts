/** What the topology spec tests share: the issues of a spec with a given topology, and small fixtures. */
import { SpecError, type SpecIssue } from '../../spec/errors';
import { parseClusterSpec } from '../../spec/parse';
import type { TopologySpecInput } from '../../spec/topology';

export type Input = Partial<TopologySpecInput>;

/** Issues of a 3-node spec with this topology; [] when it is valid. */
export function issuesOf(topology: Input, version = '3.10.8', nodes = 3): SpecIssue[] {
  try {
    parseClusterSpec({ name: 'rmq', nodes, rabbitmq: { version }, topology });
    return [];
  } catch (e) {
    if (!SpecError.isSpecError(e)) throw e;
    return [...e.issues];
  }
}

/** Asserts one issue at `path` with exactly `value` and a message matching `message`. */
export function expectIssue(issues: SpecIssue[], path: string, value: unknown, message: RegExp): void {
  const at = issues.filter((i) => i.path === path);
  if (at.length === 0) throw new Error(`no issue at ${path}; got:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n') || '  (none)'}`);
  expect(at).toContainEqual({ path, value, message: expect.stringMatching(message) });
}

export const quorumQueue = { name: 'orders', type: 'quorum' as const };
export const classicQueue = { name: 'legacy' };
export const dlx = { name: 'dlx', type: 'fanout' as const };
