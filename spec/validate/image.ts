import { RE2JS } from 're2js';
import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';

/**
 * The image reference grammar of distribution/reference (`reference/regexp.go`, what Docker and
 * the kubelet parse with), matched with RE2 so that no input can make it backtrack. (The npm port
 * @swimlane/docker-reference was tried first: it took 1.3 s on a 25-character reference with a
 * space, a backtracking regex.)
 */
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = RE2JS.compile(`^(${name})(?::${tag})?(?:@(${digest}))?$`);

/** Docker's limit on the name part (registry and repository). */
const NAME_TOTAL_LENGTH_MAX = 255;

/** Why Docker (and the kubelet) would refuse an image reference, or undefined. */
export function imageReferenceError(image: string): string | undefined {
  const fix = 'write it as name:tag, registry/name:tag or name@sha256:<64 hex digits>, e.g. rabbitmq:4.3.4-management';
  if (image.length > 1024) return `is ${image.length} characters, not an image reference; ${fix}`;
  const m = REFERENCE.exec(image);
  if (m === null) {
    const hint = /[A-Z]/.test(image.split(/[:@]/)[0].split('/').slice(-1)[0]) ? 'the repository name must be lowercase' : /\s/.test(image) ? 'it holds a space' : 'it does not follow the reference grammar';
    return `is not an image reference Docker can pull (${hint}); ${fix}`;
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) return `has a name of ${m[1].length} characters; Docker allows ${NAME_TOTAL_LENGTH_MAX}`;
  if (m[2] !== undefined && m[2].startsWith('sha256:') && m[2].length !== 'sha256:'.length + 64) return `has a sha256 digest that is not 64 hex digits; ${fix}`;
  return undefined;
}

/** The spec's image references (nodes and load balancer). */
export function imageIssues(spec: ClusterSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const refs: Array<[string, string | undefined]> = [
    ['rabbitmq.image', spec.rabbitmq.image],
    ['loadBalancer.image', spec.loadBalancer.kind === 'none' ? undefined : spec.loadBalancer.image],
  ];
  for (const [path, image] of refs) {
    if (image === undefined) continue;
    const err = imageReferenceError(image);
    if (err !== undefined) issues.push({ path, value: image, message: err });
  }
  return issues;
}

