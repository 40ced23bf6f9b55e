import * as fs from 'node:fs';
import * as path from 'node:path';
import { clusterSpecJsonSchema, clusterSpecJsonSchemaText } from '../spec/json-schema';

describe('JSON Schema of environment files', () => {
  test('the committed spec/cluster-spec.schema.json is what `rmq-ha schema` generates (regenerate with: node dist/rmq-ha.js schema --out spec/cluster-spec.schema.json)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../spec/cluster-spec.schema.json'), 'utf8');
    expect(committed).toBe(clusterSpecJsonSchemaText());
  });

  test('it carries the fields, defaults and closed sets users rely on', () => {
    const s = clusterSpecJsonSchema() as { properties: Record<string, { default?: unknown; enum?: unknown[]; minimum?: number }>; required: string[]; additionalProperties: boolean };
    expect(s.required).toEqual(['name']);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.target.enum).toEqual(['docker', 'kubernetes']);
    expect(s.properties.nodes).toEqual(expect.objectContaining({ default: 3, minimum: 1 }));
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['rabbitmq', 'resources', 'network', 'credentials', 'loadBalancer', 'kubernetes', 'topology']));
  });

  test('every example environment points editors at the schema', () => {
    const dir = path.join(__dirname, '../environments');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      expect(fs.readFileSync(path.join(dir, f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../spec/cluster-spec.schema.json');
    }
  });
});
