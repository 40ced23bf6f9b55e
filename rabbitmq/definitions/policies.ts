import type { ResolvedPolicy } from '../../spec/topology';
import type { DefinitionEntry } from './index';

/** Policies with their presets expanded into keys. */
export function policyDefinitions(policies: readonly ResolvedPolicy[]): DefinitionEntry[] {
  return policies.map((p) => ({ vhost: p.vhost, name: p.name, pattern: p.pattern, 'apply-to': p.applyTo, definition: { ...p.definition }, priority: p.priority }));
}

/** Operator policies travel as runtime parameters of component `operator_policy`. */
export function operatorPolicyParameters(policies: readonly ResolvedPolicy[]): DefinitionEntry[] {
  return policies.map((p) => ({
    vhost: p.vhost,
    component: 'operator_policy',
    name: p.name,
    value: { pattern: p.pattern, definition: { ...p.definition }, priority: p.priority, 'apply-to': p.applyTo },
  }));
}
