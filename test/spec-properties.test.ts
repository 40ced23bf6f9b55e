import fc from 'fast-check';
import { Testing } from 'cdktf';
import { buildPlan } from '../plan/plan';
import { planFiles } from '../plan/plan-files';
import { SpecError } from '../spec/errors';
import { parseSpecText } from '../spec/input/parse-yaml';
import { parseClusterSpec } from '../spec/parse';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { testApp } from './helpers/app';

/**
 * Property-based tests (fast-check, pinned) over the spec parser and the renderers: a random
 * spec either parses, plans, renders and synthesizes, or fails with a SpecError (a validation
 * message with a path), never anything else. Every run is bounded: a fixed seed, a fixed number of
 * runs, and an interrupt after a time budget (jest's timeout is the outer bound).
 */
const SEED = 1212;

/** Strings a user or an attacker writes: names, payloads, control characters, long text. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'orders', 'amq.x', '${file("/etc/passwd")}', '%{ if true }x%{ endif }', '{{secret:admin_password}}', 'a\u0000b', 'é'.repeat(130), '\ud800', '^(a+)+$', '[^]', '(?=x)', 'amqp://u:pw@h', '../..', 'Bad_Name'),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostileNumber = fc.oneof(fc.integer({ min: -10, max: 70000 }), fc.constantFrom(0, -1, 0.5, 1e30, Number.MAX_SAFE_INTEGER, 2.5), fc.double({ noNaN: false }));
const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

/** Mostly a valid value, sometimes a hostile one: so that both outcomes are explored. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>): fc.Arbitrary<T | U> => fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostile, weight: 1 });
const queueName = fc.stringMatching(/^[a-z][a-z0-9.]{0,12}$/).filter((n) => !n.startsWith('amq.'));

/** A spec shaped like the real one (known keys, now and then a wrong value), sometimes with extra keys. */
const specArb = fc.record(
  {
    name: mostly(fc.constantFrom('rmq', 'r-1', 'x'), hostileString),
    target: mostly(fc.constantFrom('docker', 'kubernetes'), fc.constant('swarm')),
    nodes: mostly(fc.integer({ min: 1, max: 7 }), hostileNumber),
    rabbitmq: fc.record(
      {
        version: mostly(fc.constantFrom('3.10.8', '3.13.7', '4.0.9', '4.3.4', '4.3.99'), fc.constantFrom('5.0', 'latest')),
        image: mostly(fc.constantFrom('rabbitmq:4.3.4-management', 'registry.example.com/mq/rabbitmq:4.3.4'), fc.oneof(fc.constantFrom('rabbitmq:${x}', 'Bad Image'), hostileString)),
        plugins: fc.array(mostly(fc.constantFrom('rabbitmq_shovel', 'rabbitmq_mqtt', 'rabbitmq_federation'), fc.oneof(fc.constantFrom('rabbitmq_shovle', 'rabbitmq_shovel_prometheus'), hostileString)), { maxLength: 3 }),
        heartbeatSeconds: mostly(fc.integer({ min: 5, max: 600 }), hostileNumber),
      },
      { requiredKeys: [] },
    ),
    resources: fc.record({ memory: mostly(fc.constantFrom('2GiB', '512MiB', 4294967296), fc.oneof(fc.constantFrom('0', '1MiB', 'lots'), hostileNumber)), cpus: mostly(fc.constantFrom(0.5, 1, 2, 4), hostileNumber) }, { requiredKeys: [] }),
    loadBalancer: fc.record(
      { kind: fc.constantFrom('haproxy', 'nginx', 'none'), ports: fc.record({ amqp: mostly(fc.integer({ min: 1024, max: 5600 }), hostileNumber), stats: mostly(fc.integer({ min: 8000, max: 9000 }), hostileNumber) }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    credentials: fc.record({ adminPassword: mostly(fc.constantFrom({ generate: { length: 32 } }, { variable: 'pw' }), fc.oneof(hostileString, fc.constant(['x']))) }, { requiredKeys: [] }),
    topology: fc.record(
      {
        queues: fc.uniqueArray(fc.record({ name: mostly(queueName, hostileString), type: mostly(fc.constantFrom('quorum', 'classic', 'stream'), fc.constant('bad')) }), { maxLength: 3, selector: (q) => q.name }),
        policies: fc.uniqueArray(fc.record({ name: fc.constantFrom('p', 'q'), pattern: mostly(fc.constantFrom('^orders$', '.*', '^(a+)+$', '^x\\.'), hostileString), definition: fc.constant({ 'max-length': 10 }) }), { maxLength: 2, selector: (p) => p.name }),
        vhosts: fc.constant([{ name: '/' }]).chain((v) => mostly(fc.constant(v), fc.array(fc.record({ name: fc.oneof(fc.constant('/'), hostileString), description: hostileString }), { minLength: 1, maxLength: 2 }))),
      },
      { requiredKeys: [] },
    ),
    extra: mostly(fc.constant({}), fc.dictionary(hostileString, leaf, { maxKeys: 2 })),
  },
  { requiredKeys: ['name'] },
).map(({ extra, ...spec }) => ({ ...spec, ...(extra ?? {}) }));

/** Parses, plans, renders and synthesizes; a SpecError is an accepted outcome, anything else fails the property. */
function roundTrip(input: unknown): 'valid' | 'refused' {
  let spec;
  try {
    spec = parseClusterSpec(input);
  } catch (e) {
    if (SpecError.isSpecError(e)) {
      // A validation error names a field (or the document) and says something for each issue.
      expect(e.issues.length).toBeGreaterThan(0);
      for (const i of e.issues) expect(typeof i.message === 'string' && i.message.length > 0).toBe(true);
      expect(e.message).not.toContain('pw@');
      return 'refused';
    }
    throw e;
  }
  const plan = buildPlan(spec);
  expect(planFiles(plan).length).toBeGreaterThan(0);
  const json = Testing.synth(new RabbitMqClusterStack(testApp(), 'prop', { spec }));
  // Whatever the spec said, none of the generators' payloads reaches Terraform as an interpolation
  // or a directive (the toolkit's own references and checks are the only ones left).
  for (const m of json.matchAll(/(^|[^$])\$\{([^}]*)\}/g)) expect(m[2]).not.toMatch(/file\(|^x$/);
  for (const m of json.matchAll(/(^|[^%])%\{([^}]*)\}/g)) expect(m[2]).not.toMatch(/if true|endif/);
  return 'valid';
}

describe('spec properties (fast-check)', () => {
  test('random specs parse and synthesize, or fail with a validation error, never anything else', () => {
    const seen = { valid: 0, refused: 0 };
    fc.assert(
      fc.property(specArb, (input) => {
        seen[roundTrip(input)]++;
      }),
      { seed: SEED, numRuns: 200, interruptAfterTimeLimit: 60000 },
    );
    // Both outcomes happen: the generator is not only producing garbage or only valid specs.
    expect(seen.valid).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(50);
  }, 120000);

  test('random text as a spec file: plain data or a validation error, within the bounds', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('[', ']', '{', '}', ':', '-', ' ', '\n', '&a', '*a', 'x', '"', "'", '#', '!!'), maxLength: 300 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        let data: unknown;
        try {
          data = parseSpecText(t, 'random.yaml');
        } catch (e) {
          if (SpecError.isSpecError(e)) return;
          throw e;
        }
        roundTrip(data);
      }),
      { seed: SEED, numRuns: 500, interruptAfterTimeLimit: 30000 },
    );
  }, 60000);
});
