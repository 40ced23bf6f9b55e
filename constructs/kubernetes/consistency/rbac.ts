/** RBAC of peer discovery: the ServiceAccount, its token, and the Role rules bound to it. */
import { many, nameOf, namespaceOf, one, type Json } from '../private/stack-json';
import { effectiveConf, type Stack, type Workload } from './private/stack';

/** The permissions `rabbitmq_peer_discovery_k8s` uses before 4.1, as `resource:verb`. */
export const PEER_DISCOVERY_PERMISSIONS = ['endpoints:get', 'events:create'] as const;

/** Peer discovery before 4.1 gets exactly endpoints:get and events:create; from 4.1 no RBAC and no token. */
export function checkRbac(stack: Stack, w: Workload): string[] {
  const out: string[] = [];
  const conf = effectiveConf(stack, w);
  const usesApi = /k8s$/.test(conf?.get('cluster_formation.peer_discovery_backend') ?? '') && (w.version === undefined || w.version[0] < 4 || (w.version[0] === 4 && w.version[1] < 1));
  const sa = w.podSpec.service_account_name ?? 'default';
  const automount = w.podSpec.automount_service_account_token !== false;
  const bindings = stack.all.roleBinding.filter(
    (b) => namespaceOf(b) === w.ns && many(b.body.subject).some((s: Json) => s.kind === 'ServiceAccount' && s.name === sa && (s.namespace ?? w.ns) === w.ns),
  );
  const roles = bindings.map((b) => {
    const ref = one(b.body.role_ref) ?? {};
    const role = ref.kind === 'Role' ? stack.all.role.find((r) => nameOf(r) === ref.name && namespaceOf(r) === w.ns) : undefined;
    if (!role) out.push(`${b.address}: binds ${ref.kind ?? '?'} ${ref.name ?? '?'}, which is not a Role of the stack in namespace ${w.ns}`);
    return role;
  });
  const granted = new Set<string>();
  for (const role of roles) {
    for (const rule of many(role?.body.rule)) {
      const core = many(rule.api_groups).includes('');
      for (const res of many(rule.resources)) for (const verb of many(rule.verbs)) granted.add(core ? `${res}:${verb}` : `${many(rule.api_groups).join(',')}/${res}:${verb}`);
    }
  }
  if (usesApi) {
    if (!automount) out.push(`${w.r.address}: peer discovery before 4.1 calls the Kubernetes API, but the ServiceAccount token is not mounted`);
    if (sa !== 'default' && !stack.all.serviceAccount.some((s) => nameOf(s) === sa && namespaceOf(s) === w.ns)) out.push(`${w.r.address}: runs as ServiceAccount ${sa}, which the stack does not create`);
    for (const p of PEER_DISCOVERY_PERMISSIONS) if (!granted.has(p)) out.push(`${w.r.address}: ServiceAccount ${sa} lacks ${p}, which peer discovery before 4.1 calls`);
    const extra = [...granted].filter((p) => !(PEER_DISCOVERY_PERMISSIONS as readonly string[]).includes(p));
    if (extra.length > 0) out.push(`${w.r.address}: ServiceAccount ${sa} is granted more than peer discovery needs: ${extra.join(', ')}`);
  } else {
    if (automount) out.push(`${w.r.address}: mounts a ServiceAccount token nothing uses (peer discovery from 4.1 does not call the API); set automount_service_account_token = false`);
    if (granted.size > 0) out.push(`${w.r.address}: ServiceAccount ${sa} is granted ${[...granted].join(', ')}, which peer discovery from 4.1 does not use`);
  }
  return out;
}
