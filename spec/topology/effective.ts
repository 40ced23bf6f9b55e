/**
 * Which policy RabbitMQ applies to an object, computed the way the broker does it
 * (`rabbit_policy:match_all/2`): policies of the object's vhost whose apply-to covers it, whose
 * pattern matches its name (unanchored), and whose every key the queue type supports
 * (`rabbit_queue_type:is_policy_applicable/2`), highest priority first.
 */
import { patternMatches } from './pattern';
import { applyToTargets, queueTakesKey, type PolicyTarget, type QueueType } from './policy-keys';
import type { ResolvedPolicy } from './resolve';

/** A queue or exchange a policy may match. */
export interface PolicySubject {
  readonly vhost: string;
  readonly name: string;
  /** A queue type, or `exchange`. */
  readonly target: PolicyTarget;
}

/** True when the policy's apply-to covers the subject and its pattern matches the name. */
export function policyReaches(policy: Pick<ResolvedPolicy, 'vhost' | 'pattern' | 'applyTo'>, subject: PolicySubject): boolean {
  if (policy.vhost !== subject.vhost) return false;
  if (!applyToTargets(policy.applyTo).includes(subject.target)) return false;
  // Linear time (RE2): a pattern such as ^(a+)+$ cannot hang the toolkit on a long name.
  return patternMatches(policy.pattern, subject.name);
}

/** True when RabbitMQ would apply the policy to the subject if it had the highest priority. */
export function policyApplicable(policy: ResolvedPolicy, subject: PolicySubject): boolean {
  if (!policyReaches(policy, subject)) return false;
  if (subject.target === 'exchange') return true;
  return Object.keys(policy.definition).every((k) => queueTakesKey(subject.target as QueueType, k));
}

/** Applicable policies for the subject, highest priority first (ties keep declaration order). */
export function matchingPolicies(policies: readonly ResolvedPolicy[], subject: PolicySubject): ResolvedPolicy[] {
  return policies
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => policyApplicable(p, subject))
    .sort((a, b) => b.p.priority - a.p.priority || a.i - b.i)
    .map(({ p }) => p);
}

/** The policy RabbitMQ applies to the subject, or undefined. */
export function effectivePolicy(policies: readonly ResolvedPolicy[], subject: PolicySubject): ResolvedPolicy | undefined {
  return matchingPolicies(policies, subject)[0];
}
