/** The load balancer's Kubernetes objects per proxy kind (the checker's load-balancer rules: kubernetes-load-balancer-checks.test.ts). */
import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { filesChecksum } from '../constructs/kubernetes/private/config-files';
import { LOAD_BALANCER_RESOURCES, PROXY_IMAGES } from '../constructs/kubernetes/private/load-balancer-pod';
import { PROXY_CONFIG_PATHS } from '../constructs/kubernetes/private/proxy-config';
import { buildPlan } from '../plan/plan';
import { parseClusterSpec } from '../spec/parse';
import { k8sSpec, statefulSet, synthStack, type StackJson } from './helpers/kubernetes';
import { checksumOf, CONFIG_KEYS, configData, deployment, IMAGES, KINDS, labelsSelect, lbContainer, lbInternalService, lbPod, lbService, lbSpec, stacks } from './helpers/kubernetes-load-balancer';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe.each(KINDS)('Kubernetes load balancer (%s)', (kind) => {
  const { json, text } = stacks[kind];
  const plan = buildPlan(parseClusterSpec(lbSpec(kind), 'test'));
  const lb = plan.loadBalancer!;

  test('defaults: snapshot of the load balancer objects', () => {
    const pick = (type: string, name: string): unknown => json.resource[type][name];
    expect({
      secret: pick('kubernetes_secret_v1', 'load_balancer_config'),
      deployment: pick('kubernetes_deployment_v1', 'load_balancer'),
      budget: pick('kubernetes_pod_disruption_budget_v1', 'load_balancer'),
      service: pick('kubernetes_service_v1', 'load_balancer'),
      internalService: pick('kubernetes_service_v1', 'load_balancer_internal'),
    }).toMatchSnapshot();
  });

  test('a consistent stack, with and without the Prometheus pass-through, for 1 to 5 nodes', () => {
    expect(checkKubernetesStack(json)).toEqual([]);
    expect(checkKubernetesStack(synthStack(lbSpec(kind, { prometheus: true })).json)).toEqual([]);
    expect(checkKubernetesStack(synthStack(lbSpec(kind, {}, { nodes: 1 })).json)).toEqual([]);
    expect(checkKubernetesStack(synthStack(lbSpec(kind, {}, { nodes: 5 })).json)).toEqual([]);
  });

  test('Deployment <cluster>-lb: replicas from the spec (default 2), the pinned image, rolling one at a time', () => {
    const d = deployment(json);
    expect(d.metadata).toEqual(expect.objectContaining({ name: 'rmq-lb', namespace: 'rabbitmq' }));
    expect(d.spec.replicas).toBe('2');
    expect(deployment(synthStack(lbSpec(kind, { replicas: 3 })).json).spec.replicas).toBe('3');
    expect(lbContainer(json).image).toBe(IMAGES[kind]);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rolling_update: { max_surge: '1', max_unavailable: '0' } });
    expect(d.depends_on).toEqual(expect.arrayContaining(['kubernetes_secret_v1.load_balancer_config', 'kubernetes_service_v1.nodes', 'kubernetes_stateful_set_v1.server']));
  });

  test('the config is a Secret key, mounted read-only as one file at the image config path', () => {
    const key = CONFIG_KEYS[kind];
    expect(lb.config.path).toBe(PROXY_CONFIG_PATHS[kind]);
    expect(Object.keys(configData(json))).toEqual([key]);
    expect(json.resource.kubernetes_config_map_v1?.load_balancer_config).toBeUndefined();
    const mount = lbContainer(json).volume_mount.find((m: any) => m.name === 'config');
    expect(mount).toEqual({ name: 'config', mount_path: PROXY_CONFIG_PATHS[kind], sub_path: key, read_only: true });
    const volume = lbPod(json).volume.find((v: any) => v.name === 'config');
    expect(volume.secret).toEqual({ secret_name: 'rmq-lb-config', default_mode: '0440', items: [{ key, path: key }] });
  });

  test('no placeholder and no secret literal in the JSON: the config holds Terraform references only', () => {
    expect(text).not.toContain('{{secret:');
    const config = configData(json)[CONFIG_KEYS[kind]];
    if (kind === 'haproxy') {
      expect(config).toContain('stats auth operator:${random_password.lb_stats_password.result}\n');
      expect(config.match(/stats auth .*/g)).toEqual(['stats auth operator:${random_password.lb_stats_password.result}']);
    } else {
      // nginx's stub_status has no authentication: the config carries no secret at all.
      expect(config).not.toMatch(/\$\{(random_password|var)\./);
    }
    // The rendered text otherwise unchanged (literal ${ would be escaped, none occurs).
    expect(config.split('\n').length).toBe(lb.config.content.split('\n').length);
  });

  test('Services <cluster>-lb (amqp, management) and <cluster>-lb-internal (stats, prometheus) select the proxy pods only, by named ports', () => {
    const svc = lbService(json);
    const internal = lbInternalService(json);
    const podLabels = deployment(json).spec.template.metadata.labels;
    expect(svc.metadata.name).toBe('rmq-lb');
    expect(svc.spec.selector).toEqual(deployment(json).spec.selector.match_labels);
    expect(labelsSelect(svc.spec.selector, podLabels)).toBe(true);
    expect(labelsSelect(svc.spec.selector, statefulSet(json).spec.template.metadata.labels)).toBe(false);
    // ...and no RabbitMQ selector picks a proxy.
    expect(labelsSelect(json.resource.kubernetes_service_v1.client.spec.selector, podLabels)).toBe(false);
    expect(labelsSelect(json.resource.kubernetes_pod_disruption_budget_v1.server.spec.selector.match_labels, podLabels)).toBe(false);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.port.map((p: any) => [p.name, p.port, p.target_port])).toEqual([
      ['amqp', 5672, 'amqp'],
      ['management', 15672, 'management'],
    ]);
    expect(internal.metadata.name).toBe('rmq-lb-internal');
    expect(internal.spec.selector).toEqual(svc.spec.selector);
    expect(internal.spec.type).toBe('ClusterIP');
    expect(internal.spec.port.map((p: any) => [p.name, p.port, p.target_port])).toEqual([['stats', 8404, 'stats']]);
    const withProm = synthStack(lbSpec(kind, { prometheus: true })).json;
    expect(lbService(withProm).spec.port.map((p: any) => p.name)).toEqual(['amqp', 'management']);
    expect(lbInternalService(withProm).spec.port.map((p: any) => p.name)).toEqual(['stats', 'prometheus']);
    // The endpoint the stack outputs is the entry point; the stats page is on the internal Service.
    expect(json.output.amqp_uri.value).toBe('amqp://rmq-lb.rabbitmq.svc:5672');
    if (kind === 'haproxy') expect(json.output.load_balancer_stats_url.value).toBe('http://rmq-lb-internal.rabbitmq.svc:8404/stats');
  });

  test('container ports follow loadBalancer.ports; only the entry point <cluster>-lb gets the spec type, annotations and source ranges', () => {
    const spec = lbSpec(kind, { ports: { amqp: 5673, management: 15673, stats: 9000 }, prometheus: true }, {
      kubernetes: { serviceType: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'], serviceAnnotations: { 'example.com/internal': 'true' } },
    });
    const j = synthStack(spec).json;
    expect(lbContainer(j).port.map((p: any) => [p.name, p.container_port])).toEqual([['amqp', 5673], ['management', 15673], ['stats', 9000], ['prometheus', 15692]]);
    expect(lbService(j).spec).toEqual(expect.objectContaining({ type: 'LoadBalancer', load_balancer_source_ranges: ['10.0.0.0/8'] }));
    expect(lbService(j).metadata.annotations).toEqual({ 'example.com/internal': 'true' });
    // One external load balancer: the status page, the metrics pass-through and the nodes' own
    // client Service (with RabbitMQ's unauthenticated 15692 on the headless Service) stay inside.
    const services = j.resource.kubernetes_service_v1;
    expect(Object.entries(services).filter(([, s]: [string, any]) => (s.spec.type ?? 'ClusterIP') !== 'ClusterIP').map(([name]) => name)).toEqual(['load_balancer']);
    for (const name of ['load_balancer_internal', 'client']) {
      expect(services[name].spec.load_balancer_source_ranges).toBeUndefined();
      expect(services[name].metadata.annotations).toBeUndefined();
    }
    expect(lbInternalService(j).spec.port.map((p: any) => [p.name, p.port])).toEqual([['stats', 9000], ['prometheus', 15692]]);
    expect(services.client.spec.port.map((p: any) => p.name)).toEqual(['amqp', 'management']);
    expect(checkKubernetesStack(j)).toEqual([]);
  });

  test('the default-user Secret names the entry point: the proxy Service and its AMQP port', () => {
    const user = (j: StackJson): any => j.resource.kubernetes_secret_v1.default_user.data;
    expect(user(json)).toEqual(expect.objectContaining({ host: 'rmq-lb.rabbitmq.svc', port: '5672' }));
    expect(user(synthStack(lbSpec(kind, { ports: { amqp: 5673 } })).json)).toEqual(expect.objectContaining({ host: 'rmq-lb.rabbitmq.svc', port: '5673' }));
    // Without a proxy: the client Service.
    expect(user(synthStack(k8sSpec()).json)).toEqual(expect.objectContaining({ host: 'rmq.rabbitmq.svc', port: '5672' }));
  });

  test('config checksum on the pod template: sha256 of the rendered text, changes with the config only', () => {
    const expected = filesChecksum([{ key: lb.config.name, relativePath: lb.config.name, content: lb.config.content, sensitive: lb.config.sensitive }]);
    expect(checksumOf(json)).toBe(expected);
    expect(checksumOf(synthStack(lbSpec(kind)).json)).toBe(expected);
    // Config changes: an idle timeout, the node set.
    expect(checksumOf(synthStack(lbSpec(kind, { clientTimeout: 240, serverTimeout: 240 })).json)).not.toBe(expected);
    expect(checksumOf(synthStack(lbSpec(kind, {}, { nodes: 5 })).json)).not.toBe(expected);
    // Unrelated: RabbitMQ resources, proxy replicas, the Service type.
    expect(checksumOf(synthStack(lbSpec(kind, {}, { resources: { cpus: 4 } })).json)).toBe(expected);
    expect(checksumOf(synthStack(lbSpec(kind, { replicas: 4 })).json)).toBe(expected);
    expect(checksumOf(synthStack(lbSpec(kind, {}, { kubernetes: { serviceType: 'NodePort' } })).json)).toBe(expected);
  });

  test('probes: ready when the AMQP listener accepts, alive while the stats listener accepts (TCP)', () => {
    const c = lbContainer(json);
    expect(c.readiness_probe.tcp_socket).toEqual([{ port: 'amqp' }]);
    expect(c.liveness_probe.tcp_socket).toEqual([{ port: 'stats' }]);
    expect(c.liveness_probe.http_get).toBeUndefined();
    expect(c.lifecycle.pre_stop).toEqual([{ exec: { command: ['sleep', '5'] } }]);
  });

  test('non-root as the image user, read-only root, writable dirs as emptyDirs, small resources', () => {
    const pod = lbPod(json);
    const uid = String(PROXY_IMAGES[kind].uid);
    expect(pod.security_context).toEqual({ run_as_user: uid, run_as_group: uid, run_as_non_root: true, fs_group: uid, seccomp_profile: { type: 'RuntimeDefault' } });
    const c = lbContainer(json);
    expect(c.security_context).toEqual(
      expect.objectContaining({ run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } }),
    );
    const dirs = c.volume_mount.filter((m: any) => m.name !== 'config').map((m: any) => m.mount_path);
    expect(dirs).toEqual(kind === 'haproxy' ? ['/var/lib/haproxy'] : ['/var/cache/nginx', '/var/run']);
    for (const m of c.volume_mount.filter((x: any) => x.name !== 'config')) {
      expect(pod.volume.find((v: any) => v.name === m.name)).toEqual({ name: m.name, empty_dir: {} });
    }
    expect(c.resources).toEqual({ requests: { ...LOAD_BALANCER_RESOURCES.requests }, limits: { ...LOAD_BALANCER_RESOURCES.limits } });
    expect(pod.automount_service_account_token).toBe(false);
  });

  test('spread: preferred anti-affinity over hosts; a budget of one eviction at a time', () => {
    const selector = deployment(json).spec.selector.match_labels;
    expect(lbPod(json).affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution).toEqual([
      { weight: 100, pod_affinity_term: { topology_key: 'kubernetes.io/hostname', label_selector: [{ match_labels: selector }] } },
    ]);
    const pdb = json.resource.kubernetes_pod_disruption_budget_v1.load_balancer;
    expect(pdb.metadata.name).toBe('rmq-lb-pdb');
    expect(pdb.spec).toEqual({ max_unavailable: '1', selector: { match_labels: selector } });
  });

  test('pod settings of the spec apply to the proxies too', () => {
    const j = synthStack(
      lbSpec(kind, {}, { kubernetes: { nodeSelector: { pool: 'messaging' }, priorityClassName: 'high', imagePullSecrets: ['regcred'], podAnnotations: { 'example.com/x': 'y' } } }),
    ).json;
    expect(lbPod(j)).toEqual(expect.objectContaining({ node_selector: { pool: 'messaging' }, priority_class_name: 'high', image_pull_secrets: [{ name: 'regcred' }] }));
    expect(deployment(j).spec.template.metadata.annotations).toEqual(expect.objectContaining({ 'example.com/x': 'y' }));
  });
});

test('no load balancer objects with loadBalancer.kind none', () => {
  const j = synthStack(k8sSpec()).json;
  expect(j.resource.kubernetes_deployment_v1).toBeUndefined();
  expect(j.resource.kubernetes_service_v1.load_balancer).toBeUndefined();
  expect(j.resource.kubernetes_secret_v1.load_balancer_config).toBeUndefined();
});
