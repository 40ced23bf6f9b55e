/** Namespaces: every resource names one, and depends on the stack's Namespace resource when it creates it. */
import { many, nameOf, namespaceOf } from '../private/stack-json';
import { T, type Stack } from './private/stack';

/** Every resource has a namespace; one the stack creates is a dependency of the resources in it. */
export function checkNamespaces(stack: Stack): string[] {
  const out: string[] = [];
  const created = new Map(stack.all.namespace.map((n) => [nameOf(n), n.address]));
  for (const key of Object.keys(T) as Array<keyof typeof T>) {
    if (key === 'namespace') continue;
    for (const r of stack.all[key]) {
      const ns = namespaceOf(r);
      if (!ns) out.push(`${r.address}: has no metadata.namespace (it would land in the provider's default namespace)`);
      else if (created.has(ns) && !many(r.body.depends_on).includes(created.get(ns))) {
        out.push(`${r.address}: is in namespace ${ns}, created by ${created.get(ns)}, but does not depend on it (Terraform may create it first and delete the namespace under it)`);
      }
    }
  }
  return out;
}
