/** References of a workload's pod template: Secret and ConfigMap keys, and volumes of volume mounts. */
import { dataKeys, many, one, type Json } from '../private/stack-json';
import { EXTERNAL_SECRETS_ANNOTATION } from '../private/metadata';
import { lookupIn, type Stack, type Workload } from './private/stack';

/** Secrets the workload declares it expects to exist without the stack creating them. */
function externalSecrets(w: Workload): Set<string> {
  const v = one(w.r.body.metadata)?.annotations?.[EXTERNAL_SECRETS_ANNOTATION];
  return new Set(typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
}

/**
 * Every Secret/ConfigMap key an env var or volume refers to exists; every mount names a volume.
 * A Secret the workload's `rmq-ha/external-secrets` annotation names is expected to exist already.
 */
export function checkWorkloadRefs(stack: Stack, w: Workload): string[] {
  const out: string[] = [];
  const lookup = lookupIn(stack, w.ns);
  const external = externalSecrets(w);
  const need = (what: string, kind: 'configMap' | 'secret', name: string, key: string | undefined, optional: boolean): void => {
    if (optional || (kind === 'secret' && external.has(name))) return;
    const r = lookup(kind, name);
    const type = kind === 'configMap' ? 'ConfigMap' : 'Secret';
    if (!r) out.push(`${w.r.address}: ${what} refers to ${type} ${name}, which the stack does not create in namespace ${w.ns}`);
    else if (key !== undefined && !dataKeys(r).has(key)) out.push(`${w.r.address}: ${what} refers to key ${key} of ${r.address}, which has only ${[...dataKeys(r)].join(', ') || 'no keys'}`);
  };
  const volumeNames = new Set([...many(w.podSpec.volume).map((v: Json) => v.name), ...many(one(w.r.body.spec)?.volume_claim_template).map((t: Json) => one(t.metadata)?.name)]);
  for (const c of [...many(w.podSpec.init_container), ...many(w.podSpec.container)]) {
    for (const e of many(c.env)) {
      const from = one(e.value_from);
      const s = one(from?.secret_key_ref);
      const m = one(from?.config_map_key_ref);
      if (s) need(`env ${e.name} of container ${c.name}`, 'secret', s.name, s.key, s.optional === true);
      if (m) need(`env ${e.name} of container ${c.name}`, 'configMap', m.name, m.key, m.optional === true);
    }
    for (const e of many(c.env_from)) {
      const s = one(e.secret_ref);
      const m = one(e.config_map_ref);
      if (s) need(`envFrom of container ${c.name}`, 'secret', s.name, undefined, s.optional === true);
      if (m) need(`envFrom of container ${c.name}`, 'configMap', m.name, undefined, m.optional === true);
    }
    for (const vm of many(c.volume_mount)) {
      if (!volumeNames.has(vm.name)) out.push(`${w.r.address}: container ${c.name} mounts volume ${vm.name}, which the pod does not define`);
    }
  }
  for (const v of many(w.podSpec.volume)) {
    const items = (x: Json): string[] => many(x?.items).map((i: Json) => String(i.key));
    const sec = one(v.secret);
    const cm = one(v.config_map);
    const refs: Array<[kind: 'configMap' | 'secret', name: string, keys: string[], optional: boolean]> = [];
    if (sec) refs.push(['secret', sec.secret_name, items(sec), sec.optional === true]);
    if (cm) refs.push(['configMap', cm.name, items(cm), cm.optional === true]);
    for (const p of many(v.projected)) {
      for (const src of many(p.sources)) {
        for (const x of many(src.secret)) refs.push(['secret', x.name, items(x), x.optional === true]);
        for (const x of many(src.config_map)) refs.push(['configMap', x.name, items(x), x.optional === true]);
      }
    }
    for (const [kind, name, keys, optional] of refs) {
      if (keys.length === 0) need(`volume ${v.name}`, kind, name, undefined, optional);
      for (const key of keys) need(`volume ${v.name}`, kind, name, key, optional);
    }
  }
  return out;
}
