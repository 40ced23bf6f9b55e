/**
 * Input rules that refuse what RabbitMQ, Docker or Terraform would reject or misread, one file
 * per concern: ports, resource bounds, image references, plugins (strings are checked on the raw
 * input, see strings.ts).
 */
import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';
import { imageIssues } from './image';
import { pluginIssues } from './plugins';
import { portIssues } from './ports';
import { resourceIssues } from './resources';

export { stringIssues } from './strings';
export { publishedHostPorts } from './ports';
export { pluginsOfLine, linesWithPlugin, PLUGIN_CHANGES } from './plugin-table';
export { unknownPatch, HIGHEST_KNOWN_PATCH } from './releases';

/** Every rule of this folder over a parsed spec, in a fixed order. */
export function inputIssues(spec: ClusterSpec): SpecIssue[] {
  return [...portIssues(spec), ...resourceIssues(spec), ...imageIssues(spec), ...pluginIssues(spec)];
}
