import { z } from 'zod';
import { clusterSpec } from './cluster';

/**
 * JSON Schema (draft 2020-12) of what a user writes in an environment file, for editors
 * (`# yaml-language-server: $schema=../spec/cluster-spec.schema.json`) and other tools. Sizes,
 * which the spec parses from strings like `2GiB`, appear as string-or-number; cross-field rules
 * are only checked by `rmq-ha validate`.
 */
export function clusterSpecJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(clusterSpec, { io: 'input', unrepresentable: 'any' }),
    title: 'rmq-ha cluster spec',
    description: 'One RabbitMQ cluster: nodes, version, load balancer, HA policies and topology. Validate with `rmq-ha validate`.',
  };
}

/** The schema as the text of spec/cluster-spec.schema.json. */
export function clusterSpecJsonSchemaText(): string {
  return `${JSON.stringify(clusterSpecJsonSchema(), null, 2)}\n`;
}
