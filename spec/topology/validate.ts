/**
 * Cross-field rules of the topology: references, duplicates, version limits, and which policy keys
 * reach which queue types. Everything RabbitMQ would reject at import or would silently ignore is
 * reported here, as SpecIssues naming the field, the value and the fix. Both matter at boot: a
 * rejected entry makes RabbitMQ 3.10.8 abandon the rest of the import without logging an error
 * (the node boots without the remaining policies, queues and bindings; measured), and an ignored
 * key leaves a queue without the behaviour the spec promised.
 */
import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';
import { parseVersion } from '../version';
import { resolveTopology } from './resolve';
import { checkBindings, checkExchanges } from './validate/exchanges';
import { checkRemotesAndFederation } from './validate/federation';
import { checkUsers, checkVhosts, uniqueObjects } from './validate/names';
import { checkOperatorPolicies, checkPolicies } from './validate/policies';
import { Issues, type Index } from './validate/private/issues';
import { checkQueues } from './validate/queues';
import { checkShovels } from './validate/shovels';

/** Every topology problem of a parsed spec; [] when it is consistent. */
export function topologyIssues(spec: ClusterSpec): SpecIssue[] {
  const version = parseVersion(spec.rabbitmq.version);
  if (!version) return []; // the version field reports its own error
  const t = spec.topology;
  const issues = new Issues();
  const resolved = resolveTopology(t);
  const vhosts = checkVhosts(t, version, issues);
  const ix: Index = {
    vhosts,
    queues: uniqueObjects(resolved.queues, 'queue', vhosts, issues),
    exchanges: uniqueObjects(resolved.exchanges, 'exchange', vhosts, issues),
  };
  checkUsers(spec, vhosts, issues);
  checkQueues(spec, version, ix, issues);
  checkExchanges(resolved.exchanges, ix, issues);
  checkBindings(resolved.bindings, ix, issues);
  checkPolicies(spec, version, resolved.policies, ix, issues);
  checkOperatorPolicies(spec, version, resolved.operatorPolicies, ix, issues);
  checkRemotesAndFederation(t, ix, issues);
  checkShovels(t, ix, issues);
  return issues.all;
}
