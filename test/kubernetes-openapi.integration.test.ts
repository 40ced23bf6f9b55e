// test lane: engine (test/run-tests.sh: balances the two lanes; no RabbitMQ node, no timing-sensitive wait)
/**
 * Every Kubernetes object of the synthesized stacks, converted to the manifest the provider
 * creates (stackToManifests), checked by the real validator: kubernetes-validate (PyPI, pinned in
 * test/helpers/kubernetes-validate.sh) with --strict (unknown fields are errors) against the
 * Kubernetes OpenAPI schema it ships. The validator is installed into the cache venv when missing;
 * if it cannot be installed or run, the suite fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OPENAPI_SHAPES, RESOURCE_DEFINITIONS, stackToAddressedManifests, type Manifest } from '../constructs/kubernetes/manifests';
import type { ClusterSpecInput } from '../spec/cluster';
import { definitionsFile, generateShapesSource, KUBERNETES_SCHEMA_VERSION, kubernetesValidateCli, runKubernetesValidate, VALIDATED_KUBERNETES_VERSIONS } from './helpers/kubernetes-openapi';
import { clone, k8sSpec, prodSpec, synthStack } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
jest.setTimeout(600_000);

const SHAPES_FILE = path.join(__dirname, '..', 'constructs', 'kubernetes', 'manifests', 'openapi-shapes.ts');

let cli: string;
let dir: string;

beforeAll(() => {
  cli = kubernetesValidateCli();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-k8s-openapi-'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes manifests as one JSON file each (JSON is YAML) and validates them in one CLI run. */
function validate(entries: ReadonlyArray<{ id: string; manifest: unknown }>, version: string = KUBERNETES_SCHEMA_VERSION): { passed: string[]; failures: string[]; status: number | null } {
  const sub = fs.mkdtempSync(path.join(dir, 'run-'));
  const files = entries.map((e, i) => {
    const file = path.join(sub, `${String(i).padStart(4, '0')}--${e.id.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`);
    fs.writeFileSync(file, JSON.stringify(e.manifest, null, 2));
    return file;
  });
  const { status, lines, output } = runKubernetesValidate(cli, files, version);
  if (status === null || (lines.length === 0 && files.length > 0)) throw new Error(`kubernetes-validate did not run:\n${output}`);
  const passed = new Set(lines.filter((l) => l.level === 'INFO' && /^passed for resource /.test(l.text)).map((l) => l.file));
  const failures = lines.filter((l) => l.level !== 'INFO').map((l) => `${l.level} ${path.basename(l.file)} ${l.text}`);
  for (const f of files) if (!passed.has(f) && !failures.some((x) => x.includes(path.basename(f)))) failures.push(`NOT VALIDATED ${path.basename(f)}`);
  fs.rmSync(sub, { recursive: true, force: true });
  return { passed: [...passed], failures, status };
}

describe('the converter reads the schema the validator checks against', () => {
  test(`openapi-shapes.ts is generated from kubernetes-validate's Kubernetes ${KUBERNETES_SCHEMA_VERSION} schema`, () => {
    const expected = generateShapesSource(fs.readFileSync(definitionsFile(cli), 'utf8'), Object.values(RESOURCE_DEFINITIONS), OPENAPI_SHAPES.source);
    if (process.env.RMQ_HA_WRITE_OPENAPI_SHAPES === '1') fs.writeFileSync(SHAPES_FILE, expected);
    expect(fs.readFileSync(SHAPES_FILE, 'utf8')).toBe(expected);
    expect(OPENAPI_SHAPES.source).toContain(`Kubernetes ${KUBERNETES_SCHEMA_VERSION}`);
  });
});

/** The stacks covered: environments/prod.yaml and the Kubernetes variants of the spec (TLS and the NetworkPolicy too). */
function variants(): Array<{ id: string; spec: ClusterSpecInput }> {
  const out: Array<{ id: string; spec: ClusterSpecInput }> = [{ id: 'prod', spec: prodSpec() }];
  const serviceTypes = ['ClusterIP', 'LoadBalancer', 'NodePort'] as const;
  for (const kind of ['none', 'haproxy', 'nginx'] as const) {
    for (const nodes of [1, 3, 5]) {
      for (const version of ['3.13.7', '4.0.9', '4.3.4']) {
        for (const serviceType of serviceTypes) {
          const kubernetes = { serviceType, ...(serviceType === 'LoadBalancer' ? { loadBalancerSourceRanges: ['10.0.0.0/8'], serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' } } : {}) };
          out.push({ id: `${kind}-${nodes}-${version}-${serviceType}`, spec: k8sSpec({ nodes, loadBalancer: { kind }, kubernetes } as Partial<ClusterSpecInput>, version) });
        }
      }
    }
  }
  // Every optional Kubernetes setting at once, on an existing namespace, secrets from variables.
  out.push({
    id: 'everything',
    spec: k8sSpec(
      {
        nodes: 3,
        loadBalancer: { kind: 'haproxy' },
        credentials: { adminUser: 'admin', adminPassword: { variable: 'rmq_admin_password' }, erlangCookie: { variable: 'rmq_cookie' } },
        kubernetes: {
          namespace: 'messaging',
          createNamespace: false,
          livenessProbe: 'ping',
          spread: { hosts: 'preferred', zones: 'none' },
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          podAnnotations: { 'sidecar.istio.io/inject': 'false' },
          annotations: { 'example.com/owner': 'messaging' },
          imagePullSecrets: ['registry-credentials'],
          priorityClassName: 'high',
          storage: { size: '20Gi', storageClass: 'fast' },
          runAsUser: 100,
          runAsGroup: 101,
          dnsResolver: '169.254.20.10',
        },
        // Every plugin listener: container ports and Service ports with their names and appProtocol.
        rabbitmq: { plugins: ['rabbitmq_stream', 'rabbitmq_mqtt', 'rabbitmq_stomp', 'rabbitmq_web_mqtt', 'rabbitmq_web_stomp'] },
      } as Partial<ClusterSpecInput>,
      '4.0.9',
    ),
  });
  // TLS (generated, behind each proxy in each mode; an existing Secret) with the NetworkPolicy.
  const networkPolicy = { enabled: true, clients: [{ namespaces: { 'kubernetes.io/metadata.name': 'apps' } }, { cidr: '203.0.113.0/24' }], metrics: [{ namespaces: { 'kubernetes.io/metadata.name': 'monitoring' }, pods: { app: 'prometheus' } }] };
  for (const kind of ['none', 'haproxy', 'nginx'] as const) {
    for (const mode of ['passthrough', 'terminate'] as const) {
      out.push({ id: `tls-${kind}-${mode}`, spec: k8sSpec({ nodes: 3, loadBalancer: { kind }, tls: { enabled: true, interNode: true, clientCertificates: 'optional', loadBalancer: { mode } }, kubernetes: { networkPolicy } } as Partial<ClusterSpecInput>, '4.3.4') });
    }
  }
  out.push({ id: 'tls-secret', spec: k8sSpec({ nodes: 3, loadBalancer: { kind: 'haproxy' }, tls: { enabled: true, required: false, certificates: { secret: { name: 'rmq-cert' } } }, kubernetes: { networkPolicy } } as Partial<ClusterSpecInput>, '3.13.7') });
  return out;
}

interface Corpus {
  readonly stacks: number;
  readonly objects: number;
  /** Distinct objects (many are the same in several variants: a Secret does not change with the Service type). */
  readonly distinct: Array<{ id: string; manifest: Manifest }>;
  readonly kinds: string[];
  readonly ms: number;
}

let corpus: Corpus | undefined;

/** Synthesizes every variant in-process and converts it, once for the suite. */
function allObjects(): Corpus {
  if (corpus) return corpus;
  const started = Date.now();
  const specs = variants();
  const distinct = new Map<string, { id: string; manifest: Manifest }>();
  const kinds = new Set<string>();
  let objects = 0;
  for (const v of specs) {
    for (const m of stackToAddressedManifests(synthStack(v.spec, v.id.replace(/[^A-Za-z0-9]/g, '')).json)) {
      objects++;
      kinds.add(m.manifest.kind);
      const key = JSON.stringify(m.manifest);
      if (!distinct.has(key)) distinct.set(key, { id: `${v.id}--${m.address}`, manifest: m.manifest });
    }
  }
  corpus = { stacks: specs.length, objects, distinct: [...distinct.values()], kinds: [...kinds].sort(), ms: Date.now() - started };
  return corpus;
}

describe('every Kubernetes object of the stacks validates strictly', () => {
  test('the variants reach every kind the constructs create', () => {
    expect(allObjects().kinds).toEqual(['ConfigMap', 'Deployment', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet']);
  });

  test.each(VALIDATED_KUBERNETES_VERSIONS)('Kubernetes %s: prod.yaml and the variants (load balancer × nodes × version × Service type)', (k8sVersion) => {
    const c = allObjects();
    const started = Date.now();
    const { passed, failures, status } = validate(c.distinct, k8sVersion);
    // eslint-disable-next-line no-console
    console.log(`kubernetes-validate --strict -k ${k8sVersion}: ${passed.length} of ${c.distinct.length} distinct objects passed (${c.objects} objects in ${c.stacks} stacks; synth+convert ${c.ms} ms once, validate ${Date.now() - started} ms)`);
    expect(failures).toEqual([]);
    expect(status).toBe(0);
    expect(passed).toHaveLength(c.distinct.length);
  });
});

describe('the validator reports wrong objects with their path (the check can fail)', () => {
  const prod = stackToAddressedManifests(synthStack(prodSpec(), 'prodwrong').json);
  const sts = (): any => clone(prod.find((m) => m.manifest.kind === 'StatefulSet')!.manifest);

  test('a containerPort given as a string', () => {
    const m = sts();
    m.spec.template.spec.containers[0].ports[0].containerPort = '4369';
    const { failures, status } = validate([{ id: 'port-string', manifest: m }]);
    expect(status).not.toBe(0);
    expect(failures).toEqual([expect.stringMatching(/ERROR .*statefulset\/rmq-prod-server.*: spec\.template\.spec\.containers\.0\.ports\.0\.containerPort: '4369' is not of type 'integer'/)]);
  });

  test('an unknown field (strict)', () => {
    const m = sts();
    m.spec.template.spec.containers[0].readinessProbe.tcpSocket.portt = 5672;
    const { failures } = validate([{ id: 'unknown-field', manifest: m }]);
    expect(failures).toEqual([expect.stringMatching(/spec\.template\.spec\.containers\.0\.readinessProbe\.tcpSocket: Additional properties are not allowed \('portt' was unexpected\)/)]);
  });

  test('a provider attribute the converter does not know is kept, so the validator reports it', () => {
    const json = clone(synthStack(prodSpec(), 'produnknown').json);
    json.resource.kubernetes_stateful_set_v1.server.spec.template.spec.container[0].bogus_setting = true;
    const m = stackToAddressedManifests(json).find((e) => e.manifest.kind === 'StatefulSet')!;
    const { failures } = validate([{ id: 'unknown-attribute', manifest: m.manifest }]);
    expect(failures).toEqual([expect.stringMatching(/spec\.template\.spec\.containers\.0: Additional properties are not allowed \('bogusSetting' was unexpected\)/)]);
  });

  test('a missing required field, and a kind without a schema (a warning, counted as not validated)', () => {
    const svc: any = clone(prod.find((m) => m.manifest.kind === 'Service')!.manifest);
    delete svc.spec.ports[0].port;
    const { failures } = validate([
      { id: 'no-port', manifest: svc },
      { id: 'no-schema', manifest: { apiVersion: 'example.com/v1', kind: 'Bogus', metadata: { name: 'x' } } },
    ]);
    expect(failures).toEqual([
      expect.stringMatching(/ERROR .*service\/rmq-prod.*: spec\.ports\.0: 'port' is a required property/),
      expect.stringMatching(/WARN .*no-schema.*Couldn't find schema for kind Bogus/),
    ]);
  });
});
