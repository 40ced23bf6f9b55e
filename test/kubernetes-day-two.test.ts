/**
 * Day two on Kubernetes (issue 11, items 6 to 8): what breaks a healthy cluster on its first
 * change, each fixed or refused with the field, the value and the way that works. Item 7 (only
 * the entry point faces the outside) is asserted in test/kubernetes-load-balancer.test.ts beside
 * the proxy's Services; the real-process half of the plugins file is
 * test/kubernetes-plugins-file.integration.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { buildPlan } from '../plan/plan';
import type { ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';
import { runCli } from './helpers/cli';
import { clone, envOf, k8sSpec, podSpecOf, prodSpec, rabbitContainer, synthStack } from './helpers/kubernetes';
import { issuesOf } from './helpers/specs';

/* eslint-disable @typescript-eslint/no-explicit-any */
const base = synthStack(k8sSpec()).json;

/** Writes a spec file, runs the CLI on it, removes the file. */
function cliOn(spec: Record<string, unknown>, args: readonly string[]): ReturnType<typeof runCli> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-day-two-'));
  try {
    const file = path.join(dir, 'spec.json');
    fs.writeFileSync(file, JSON.stringify(spec));
    return runCli([...args, '--spec', file]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('item 6: Kubernetes settings that were ignored, fixed or refused', () => {
  test('resources.fileDescriptors is refused on Kubernetes (no per-pod setting), kept on Docker', () => {
    expect(issuesOf({ name: 'r', target: 'kubernetes', resources: { fileDescriptors: 100000 } })).toEqual([
      expect.objectContaining({ path: 'resources.fileDescriptors', value: 100000, message: expect.stringMatching(/has no effect on Kubernetes: a pod has no open-files setting.*containerd: LimitNOFILE.*remove it/) }),
    ]);
    // Unset on Kubernetes, nothing is refused and no nofile warning is printed for a value never applied.
    const k = parseClusterSpec({ name: 'r', target: 'kubernetes' });
    expect(k.resources.fileDescriptors).toBeUndefined();
    expect(buildPlan(k).warnings.map((w) => w.id)).not.toContain('file-descriptors-low');
    // Docker: the default still reaches the container's ulimit.
    const docker = synthStack({ name: 'r', target: 'docker', loadBalancer: { kind: 'none' } }).json;
    expect(Object.values(docker.resource.docker_container).map((c: any) => c.ulimit)).toEqual([0, 1, 2].map(() => [{ name: 'nofile', soft: 65536, hard: 65536 }]));
    const r = cliOn({ name: 'r', target: 'kubernetes', resources: { fileDescriptors: 100000 } }, ['validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resources\.fileDescriptors: got 100000; has no effect on Kubernetes/);
  });

  test('the enabled plugins file is writable: RABBITMQ_ENABLED_PLUGINS_FILE in the home emptyDir, seeded by the init container', () => {
    expect(envOf(base, 'RABBITMQ_ENABLED_PLUGINS_FILE').value).toBe('/var/lib/rabbitmq/enabled_plugins');
    const home = rabbitContainer(base).volume_mount.find((m: any) => m.mount_path === '/var/lib/rabbitmq');
    expect(podSpecOf(base).volume.find((v: any) => v.name === home.name).empty_dir).toBeDefined();
    const init = podSpecOf(base).init_container[0];
    expect(init.command[2]).toContain('cp /etc/rabbitmq/enabled_plugins /var/lib/rabbitmq/enabled_plugins\nchmod 0644 /var/lib/rabbitmq/enabled_plugins');
    expect(init.volume_mount).toContainEqual({ name: 'rabbitmq-config', mount_path: '/etc/rabbitmq', read_only: true });
    expect(checkKubernetesStack(base)).toEqual([]);
    // The checker reports the shape that broke `rabbitmq-plugins enable` (the file on the
    // read-only projected config volume), and a writable file nobody seeds.
    const readOnly = clone(base);
    rabbitContainer(readOnly).env = rabbitContainer(readOnly).env.filter((e: any) => e.name !== 'RABBITMQ_ENABLED_PLUGINS_FILE');
    expect(checkKubernetesStack(readOnly)).toEqual([
      'kubernetes_stateful_set_v1.server: the enabled plugins file /etc/rabbitmq/enabled_plugins is on read-only volume rabbitmq-config: `rabbitmq-plugins enable` fails at run time; point RABBITMQ_ENABLED_PLUGINS_FILE at an emptyDir that an init container seeds from the ConfigMap',
    ]);
    const unseeded = clone(base);
    podSpecOf(unseeded).init_container[0].command[2] = 'sleep 30';
    expect(checkKubernetesStack(unseeded)).toEqual([
      "kubernetes_stateful_set_v1.server: no init container copies the enabled plugins to /var/lib/rabbitmq/enabled_plugins (volume rabbitmq-home): the node starts without the spec's plugins",
    ]);
  });

  test('the pods run as kubernetes.runAsUser / runAsGroup (default 999, the official image), e.g. 100/101 for -alpine', () => {
    expect(podSpecOf(base).security_context).toEqual(expect.objectContaining({ run_as_user: '999', run_as_group: '999', fs_group: '999', run_as_non_root: true }));
    const alpine = synthStack(k8sSpec({ rabbitmq: { image: 'rabbitmq:4.3.4-management-alpine' }, kubernetes: { runAsUser: 100, runAsGroup: 101 } } as Partial<ClusterSpecInput>)).json;
    expect(podSpecOf(alpine).security_context).toEqual(expect.objectContaining({ run_as_user: '100', run_as_group: '101', fs_group: '101' }));
    expect(rabbitContainer(alpine).image).toBe('rabbitmq:4.3.4-management-alpine');
    expect(issuesOf({ name: 'r', target: 'kubernetes', kubernetes: { runAsUser: 0 } })).toEqual([
      expect.objectContaining({ path: 'kubernetes.runAsUser', value: 0, message: expect.stringMatching(/non-root/) }),
    ]);
  });

  test('a version without its patch is refused when it would be the image tag (a moving tag); with rabbitmq.image it is the config line only', () => {
    for (const target of ['kubernetes', 'docker'] as const) {
      expect(issuesOf({ name: 'r', target, rabbitmq: { version: '4.3' } })).toEqual([
        expect.objectContaining({
          path: 'rabbitmq.version',
          value: '4.3',
          message: 'names a release line, so the image would be rabbitmq:4.3-management, a tag that moves with every patch release; write the patch release to run (e.g. 4.3.4), or set rabbitmq.image to a pinned image',
        }),
      ]);
    }
    const pinned = parseClusterSpec({ name: 'r', target: 'kubernetes', rabbitmq: { version: '4.3', image: 'registry.example.com/rabbitmq:4.3.4-management' } });
    expect(buildPlan(pinned).image).toBe('registry.example.com/rabbitmq:4.3.4-management');
    const r = cliOn({ name: 'r', target: 'kubernetes', rabbitmq: { version: '4.3' } }, ['synth', '--out', path.join(os.tmpdir(), 'rmq-day-two-never-written')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rabbitmq\.version: got "4\.3"; names a release line/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'rmq-day-two-never-written'))).toBe(false);
  });

  test("nginx's resolver follows kubernetes.dnsResolver (default kube-dns.kube-system.svc)", () => {
    const conf = (extra: Record<string, unknown>): string =>
      synthStack(k8sSpec({ loadBalancer: { kind: 'nginx' }, ...extra } as Partial<ClusterSpecInput>)).json.resource.kubernetes_secret_v1.load_balancer_config.data['nginx.conf'];
    const resolvers = (text: string): string[] => text.split('\n').filter((l) => /^\s*resolver /.test(l)).map((l) => l.trim());
    expect(resolvers(conf({}))).toEqual(['resolver kube-dns.kube-system.svc valid=10s ipv6=off;', 'resolver kube-dns.kube-system.svc valid=10s ipv6=off;']);
    expect(resolvers(conf({ kubernetes: { dnsResolver: '169.254.20.10' } }))).toEqual(['resolver 169.254.20.10 valid=10s ipv6=off;', 'resolver 169.254.20.10 valid=10s ipv6=off;']);
    // HAProxy reads the pod's resolv.conf: the field does not change its config.
    const haproxy = (extra: Record<string, unknown>): string =>
      synthStack(k8sSpec({ loadBalancer: { kind: 'haproxy' }, ...extra } as Partial<ClusterSpecInput>)).json.resource.kubernetes_secret_v1.load_balancer_config.data['haproxy.cfg'];
    expect(haproxy({ kubernetes: { dnsResolver: '169.254.20.10' } })).toBe(haproxy({}));
  });

  test('the default-user Secret names the entry point (the proxy Service when there is one)', () => {
    const user = (j: any): Record<string, string> => j.resource.kubernetes_secret_v1.default_user.data;
    expect(user(base)).toEqual(expect.objectContaining({ host: 'rmq.rabbitmq.svc', port: '5672' }));
    expect(user(synthStack(k8sSpec({ loadBalancer: { kind: 'haproxy', ports: { amqp: 5673 } } } as Partial<ClusterSpecInput>)).json)).toEqual(
      expect.objectContaining({ host: 'rmq-lb.rabbitmq.svc', port: '5673' }),
    );
  });
});

describe('item 8: drains, prerequisites and destroy', () => {
  test('1-2 nodes: the budget allows one eviction, preStop only drains, validate says the drain takes the cluster down', () => {
    for (const nodes of [1, 2]) {
      const j = synthStack(k8sSpec({ nodes })).json;
      expect(j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable).toBe('1');
      expect(rabbitContainer(j).lifecycle.pre_stop[0].exec.command[2]).not.toContain('await_online_quorum_plus_one');
      const w = buildPlan(parseClusterSpec(k8sSpec({ nodes }))).warnings.find((x) => x.id === 'drain-takes-cluster-down');
      expect(w).toEqual({
        id: 'drain-takes-cluster-down',
        path: 'nodes',
        message: `with ${nodes} node(s) a node drain or rolling update stops a pod the cluster cannot spare: queues (and, from 4.3, the metadata store) are unavailable until it is back; the disruption budget allows it because a budget of 0 blocks node drains for ever; use 3 nodes`,
      });
    }
    // 3 nodes: no such warning, the hook waits for quorum first; Docker never gets it.
    expect(buildPlan(parseClusterSpec(k8sSpec())).warnings.map((w) => w.id)).not.toContain('drain-takes-cluster-down');
    expect(rabbitContainer(base).lifecycle.pre_stop[0].exec.command[2]).toContain('await_online_quorum_plus_one');
    expect(buildPlan(parseClusterSpec({ name: 'r', nodes: 1 })).warnings.map((w) => w.id)).not.toContain('drain-takes-cluster-down');
    // The checker now reports the budget that blocked drains.
    const blocked = clone(synthStack(k8sSpec({ nodes: 2 })).json);
    blocked.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '0';
    expect(checkKubernetesStack(blocked)).toEqual([
      'kubernetes_pod_disruption_budget_v1.server: allows no eviction of the 2 pod(s): every node drain waits for ever; use max_unavailable = "1" (a cluster below 3 nodes goes down during a drain either way)',
    ]);
  });

  test('the PriorityClass, StorageClass and an existing namespace are looked up at plan time, each with a postcondition naming the field and the fix', () => {
    const prod = synthStack(prodSpec(), 'prod').json;
    const lookups = prod.data.kubernetes_resources;
    expect(Object.keys(lookups).sort()).toEqual(['priority_class', 'storage_class']);
    expect(lookups.priority_class).toEqual(expect.objectContaining({ api_version: 'scheduling.k8s.io/v1', kind: 'PriorityClass', field_selector: 'metadata.name=messaging-critical' }));
    expect(lookups.storage_class).toEqual(expect.objectContaining({ api_version: 'storage.k8s.io/v1', kind: 'StorageClass', field_selector: 'metadata.name=ssd' }));
    for (const l of Object.values(lookups) as any[]) {
      expect(l.lifecycle.postcondition).toHaveLength(1);
      expect(l.lifecycle.postcondition[0].condition).toBe('${length(self.objects) == 1}');
      // Read at plan time: nothing the stack creates comes first.
      expect(l.depends_on).toBeUndefined();
    }
    expect(lookups.priority_class.lifecycle.postcondition[0].error_message).toMatch(/^kubernetes\.priorityClassName: PriorityClass messaging-critical does not exist in the cluster; .*kubectl create priorityclass messaging-critical/);
    expect(lookups.storage_class.lifecycle.postcondition[0].error_message).toMatch(/^kubernetes\.storage\.storageClass: StorageClass ssd does not exist in the cluster; the volume claims would stay Pending/);
    // An existing namespace is checked too; a default spec relies on nothing.
    const existing = synthStack(k8sSpec({ kubernetes: { namespace: 'messaging', createNamespace: false } } as Partial<ClusterSpecInput>)).json;
    expect(Object.keys(existing.data.kubernetes_resources)).toEqual(['namespace']);
    expect(existing.data.kubernetes_resources.namespace).toEqual(expect.objectContaining({ api_version: 'v1', kind: 'Namespace', field_selector: 'metadata.name=messaging' }));
    expect(existing.data.kubernetes_resources.namespace.lifecycle.postcondition[0].error_message).toMatch(/^kubernetes\.namespace: namespace messaging does not exist and kubernetes\.createNamespace is false/);
    expect(base.data).toBeUndefined();
  });

  test('a created namespace takes the retained claims with it on destroy: validate and review warn; createNamespace false keeps it out of the stack', () => {
    const message = /^terraform destroy deletes namespace rabbitmq-prod and with it the retained volume claims .* set createNamespace: false \(for a stack already applied, run `terraform state rm kubernetes_namespace_v1\.cluster` before that apply/;
    const prod = buildPlan(parseClusterSpec(prodSpec())).warnings.find((w) => w.id === 'destroy-deletes-claims');
    expect(prod).toEqual({ id: 'destroy-deletes-claims', path: 'kubernetes.createNamespace', message: expect.stringMatching(message), acknowledged: expect.stringContaining('decommission') });
    // The claims are retained by the StatefulSet; the namespace is in the stack.
    const json = synthStack(prodSpec(), 'prod').json;
    expect(json.resource.kubernetes_stateful_set_v1.server.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: 'Retain', when_scaled: 'Retain' }]);
    expect(json.resource.kubernetes_namespace_v1.cluster).toBeDefined();
    const validate = runCli(['validate', '--env', 'prod']);
    expect(validate.code).toBe(0);
    // prod.yaml acknowledges it (acknowledgedWarnings, with the reason): printed, not failing --strict.
    expect(validate.stdout).toMatch(/acknowledged \(the stack owns the prod namespace.*\) kubernetes\.createNamespace: terraform destroy deletes namespace rabbitmq-prod .*\[destroy-deletes-claims\]/);
    expect(runCli(['validate', '--env', 'prod', '--strict']).code).toBe(0);
    const review = runCli(['review', '--env', 'prod']);
    expect(review.code).toBe(0);
    expect(review.stdout).toMatch(/~ kubernetes\.createNamespace: terraform destroy deletes namespace rabbitmq-prod .*\[destroy-deletes-claims\] \(acknowledged: /);
    const unacknowledged = { ...prodSpec(), acknowledgedWarnings: [] } as ClusterSpecInput;
    expect(buildPlan(parseClusterSpec(unacknowledged)).warnings.find((w) => w.id === 'destroy-deletes-claims')!.acknowledged).toBeUndefined();
    // The choice: an existing namespace is not in the stack (destroy leaves it and the claims), no warning.
    const kept = { ...prodSpec(), kubernetes: { ...(prodSpec().kubernetes as object), createNamespace: false } } as ClusterSpecInput;
    expect(buildPlan(parseClusterSpec(kept)).warnings.map((w) => w.id)).not.toContain('destroy-deletes-claims');
    expect(synthStack(kept, 'kept').json.resource.kubernetes_namespace_v1).toBeUndefined();
  });
});

describe('item 7 beside the plugin listeners: the proxy carries AMQP and HTTP only', () => {
  test('external entry point + proxy + listener plugins: the listeners stay internal, and validate says so', () => {
    const spec = k8sSpec({ rabbitmq: { plugins: ['rabbitmq_mqtt'] }, loadBalancer: { kind: 'haproxy' }, kubernetes: { serviceType: 'LoadBalancer' } } as Partial<ClusterSpecInput>);
    const services = synthStack(spec).json.resource.kubernetes_service_v1;
    expect(services.client.spec.type).toBe('ClusterIP');
    expect(services.client.spec.port.map((p: any) => p.name)).toEqual(['amqp', 'management', 'mqtt']);
    expect(services.load_balancer.spec.type).toBe('LoadBalancer');
    expect(buildPlan(parseClusterSpec(spec)).warnings.filter((w) => w.id === 'listeners-inside-only')).toEqual([
      {
        id: 'listeners-inside-only',
        path: 'kubernetes.serviceType',
        message:
          'the haproxy load balancer, the LoadBalancer entry point, forwards AMQP and HTTP only: mqtt 1883 stay on the ClusterIP client Service rmq, reachable inside the cluster only; expose them with a Service of your own, or set loadBalancer.kind: none to make the client Service the entry point',
      },
    ]);
    // Without a proxy the client Service is the entry point and carries them outside.
    const direct = k8sSpec({ rabbitmq: { plugins: ['rabbitmq_mqtt'] }, kubernetes: { serviceType: 'LoadBalancer' } } as Partial<ClusterSpecInput>);
    expect(synthStack(direct).json.resource.kubernetes_service_v1.client.spec.type).toBe('LoadBalancer');
    expect(buildPlan(parseClusterSpec(direct)).warnings.map((w) => w.id)).not.toContain('listeners-inside-only');
  });
});
