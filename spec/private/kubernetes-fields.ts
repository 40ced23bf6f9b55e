/** Kubernetes field formats as zod schemas: label and annotation maps (keys and values checked as the API does), CIDRs. */
import { z } from 'zod';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
/** An IPv4 or IPv6 CIDR (the API checks the address itself). */
export const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

/** True for a Kubernetes label or annotation key: `[prefix/]name`, prefix a DNS subdomain. */
export function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** Reports every key of a label/annotation map that is not a qualified name, at its own path. */
function checkKeys(kind: string) {
  return (map: Record<string, string>, ctx: z.core.$RefinementCtx<Record<string, string>>): void => {
    for (const key of Object.keys(map)) {
      if (!isQualifiedKey(key)) {
        ctx.addIssue({ code: 'custom', path: [key], input: map[key], message: `is not a valid ${kind} key: use [prefix/]name, name of letters, digits, - _ . (at most 63), prefix a DNS subdomain` });
      }
    }
  };
}

const labelValue = z.string().max(63, { error: 'label values are at most 63 characters' }).regex(LABEL_VALUE, { error: 'must be a label value: letters, digits, - _ . (at most 63)' });
/** A label map, e.g. a selector's matchLabels (no default). */
export const labelSelectorMap = z.record(z.string(), labelValue).superRefine(checkKeys('label'));
export const labelMap = labelSelectorMap.default({});
export const annotationMap = z.record(z.string(), z.string()).superRefine(checkKeys('annotation')).default({});

