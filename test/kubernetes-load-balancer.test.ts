import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { filesChecksum } from '../constructs/kubernetes/private/config-files';
import { LOAD_BALANCER_RESOURCES, PROXY_IMAGES } from '../constructs/kubernetes/private/load-balancer-pod';
import { CONFIG_CHECKSUM_ANNOTATION } from '../constructs/kubernetes/private/metadata';
import { parseHaproxyConfig, parseNginxConfig, PROXY_CONFIG_PATHS, proxyKindOfImage } from '../constructs/kubernetes/private/proxy-config';
import { buildPlan } from '../plan/plan';
import type { ClusterSpecInput } from '../spec/cluster';
import { DEFAULT_HAPROXY_IMAGE, DEFAULT_NGINX_IMAGE } from '../spec/load-balancer';
import { parseClusterSpec } from '../spec/parse';
import { clone, k8sSpec, statefulSet, synthStack, type StackJson } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Kind = 'haproxy' | 'nginx';
const KINDS: readonly Kind[] = ['haproxy', 'nginx'];
const IMAGES = { haproxy: DEFAULT_HAPROXY_IMAGE, nginx: DEFAULT_NGINX_IMAGE } as const;
const CONFIG_KEYS = { haproxy: 'haproxy.cfg', nginx: 'nginx.conf' } as const;

/** A small Kubernetes spec with a load balancer of `kind` (and `lb` settings on top). */
function lbSpec(kind: Kind, lb: Record<string, unknown> = {}, extra: Partial<ClusterSpecInput> = {}): ClusterSpecInput {
  return k8sSpec({ ...extra, loadBalancer: { kind, ...lb } as ClusterSpecInput['loadBalancer'] });
}

const stacks = { haproxy: synthStack(lbSpec('haproxy')), nginx: synthStack(lbSpec('nginx')) };

const deployment = (j: StackJson): any => j.resource.kubernetes_deployment_v1.load_balancer;
const lbPod = (j: StackJson): any => deployment(j).spec.template.spec;
const lbContainer = (j: StackJson): any => lbPod(j).container[0];
const lbService = (j: StackJson): any => j.resource.kubernetes_service_v1.load_balancer;
const lbInternalService = (j: StackJson): any => j.resource.kubernetes_service_v1.load_balancer_internal;
const configData = (j: StackJson): Record<string, string> => j.resource.kubernetes_secret_v1.load_balancer_config.data;
const checksumOf = (j: StackJson): string => deployment(j).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
const labelsSelect = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Applies `edit` to a copy of `base` and returns the checker's problems. */
function problemsAfter(base: StackJson, edit: (j: any) => void): string[] {
  const j = clone(base);
  edit(j);
  return checkKubernetesStack(j);
}

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

describe('proxy config parsing (what the checker reads)', () => {
  test.each(KINDS)('%s: listeners and their server pools', (kind) => {
    const lb = buildPlan(parseClusterSpec(lbSpec(kind, { prometheus: true }), 'test')).loadBalancer!;
    const config = (kind === 'haproxy' ? parseHaproxyConfig : parseNginxConfig)(lb.config.content);
    expect(config.listeners.get(5672)).toEqual(['rabbitmq_amqp']);
    expect(config.listeners.get(15672)).toEqual(['rabbitmq_management']);
    expect(config.listeners.has(8404)).toBe(true);
    expect(config.listeners.get(15692)).toHaveLength(kind === 'haproxy' ? 0 : 3);
    expect(config.pools.get('rabbitmq_amqp')!.map((s) => `${s.host}:${s.port}`)).toEqual([0, 1, 2].map((i) => `rmq-server-${i}.rmq-nodes.rabbitmq.svc.cluster.local:5672`));
    expect(config.pools.get('rabbitmq_prometheus_rmq-server-1')!.map((s) => s.port)).toEqual([15692]);
  });

  test('the image decides the proxy kind', () => {
    expect(proxyKindOfImage('haproxy:3.2.22-alpine')).toBe('haproxy');
    expect(proxyKindOfImage('registry.example.com:5000/mirror/nginx:1.30.4-alpine')).toBe('nginx');
    expect(proxyKindOfImage(`nginx@sha256:${'a'.repeat(64)}`)).toBe('nginx');
    expect(proxyKindOfImage('rabbitmq:4.3.4-management')).toBeUndefined();
  });
});

describe('checkKubernetesStack: load balancer rules', () => {
  const h = stacks.haproxy.json;
  const n = stacks.nginx.json;
  const haproxyCfg = (j: any): string => configData(j)['haproxy.cfg'];
  const setHaproxyCfg = (j: any, f: (t: string) => string): void => {
    configData(j)['haproxy.cfg'] = f(haproxyCfg(j));
  };
  const setNginxConf = (j: any, f: (t: string) => string): void => {
    configData(j)['nginx.conf'] = f(configData(j)['nginx.conf']);
  };

  test('the LB Service must select the LB pods (not the RabbitMQ pods)', () => {
    const p = problemsAfter(h, (j) => {
      lbService(j).spec.selector['app.kubernetes.io/component'] = 'rabbitmq';
      lbInternalService(j).spec.selector['app.kubernetes.io/component'] = 'rabbitmq';
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: no Service selects its pods .* clients cannot reach the haproxy load balancer$/),
        expect.stringMatching(/^kubernetes_service_v1\.load_balancer_internal: port stats targets stats, which is not a container port of kubernetes_stateful_set_v1\.server/),
      ]),
    );
  });

  test('a Service selecting both the RabbitMQ and the LB pods', () => {
    const p = problemsAfter(h, (j) => {
      delete lbService(j).spec.selector['app.kubernetes.io/component'];
    });
    expect(p).toContainEqual(
      expect.stringMatching(/^kubernetes_service_v1\.load_balancer: selector .* matches the pods of kubernetes_stateful_set_v1\.server and kubernetes_deployment_v1\.load_balancer/),
    );
  });

  test('only one Service faces the outside, and none with an unauthenticated port', () => {
    const external = synthStack(lbSpec('haproxy', { prometheus: true }, { kubernetes: { serviceType: 'LoadBalancer' } })).json;
    expect(checkKubernetesStack(external)).toEqual([]);
    // The shape this toolkit used to synthesize: the client Service external too, the stats and
    // metrics ports on the proxy's external Service.
    const p = problemsAfter(external, (j) => {
      const services = j.resource.kubernetes_service_v1;
      services.client.spec.type = 'LoadBalancer';
      services.load_balancer.spec.port.push(...services.load_balancer_internal.spec.port);
    });
    expect(p).toEqual([
      'kubernetes_service_v1.client, kubernetes_service_v1.load_balancer: 2 Services face the outside; only the entry point clients use should (the others stay ClusterIP)',
      'kubernetes_service_v1.load_balancer: type LoadBalancer exposes port stats (stats, no authentication) outside the cluster; move it to a ClusterIP Service',
      'kubernetes_service_v1.load_balancer: type LoadBalancer exposes port prometheus (prometheus, no authentication) outside the cluster; move it to a ClusterIP Service',
    ]);
    // RabbitMQ's own 15692 by number on a NodePort Service.
    const q = problemsAfter(synthStack(k8sSpec({ kubernetes: { serviceType: 'NodePort' } })).json, (j) => {
      j.resource.kubernetes_service_v1.client.spec.port.push({ name: 'metrics', port: 15692, target_port: '15692', protocol: 'TCP' });
    });
    expect(q).toEqual(['kubernetes_service_v1.client: type NodePort exposes port metrics (prometheus, no authentication) outside the cluster; move it to a ClusterIP Service']);
  });

  test('a Service target port the LB container does not have', () => {
    const p = problemsAfter(h, (j) => {
      lbInternalService(j).spec.port.find((x: any) => x.name === 'stats').target_port = 'status';
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_service_v1\.load_balancer_internal: port stats targets status, which is not a container port of kubernetes_deployment_v1\.load_balancer/)]);
  });

  test('a container port the config does not listen on', () => {
    const p = problemsAfter(n, (j) => {
      lbContainer(j).port.find((x: any) => x.name === 'management').container_port = 15673;
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: container port management \(15673\) has no listener in nginx\.conf/)]);
  });

  test('the mounted Secret key must exist', () => {
    const p = problemsAfter(h, (j) => {
      const data = configData(j);
      data['haproxy.conf'] = data['haproxy.cfg'];
      delete data['haproxy.cfg'];
    });
    expect(p).toEqual([
      expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: volume config refers to key haproxy\.cfg of kubernetes_secret_v1\.load_balancer_config, which has only haproxy\.conf/),
    ]);
  });

  test('the config must be mounted where the image reads it', () => {
    const p = problemsAfter(n, (j) => {
      lbContainer(j).volume_mount.find((m: any) => m.name === 'config').mount_path = '/etc/nginx/conf.d/rabbitmq.conf';
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: container nginx mounts no file at \/etc\/nginx\/nginx\.conf, where the nginx image reads its config/)]);
  });

  test('haproxy: every pod in the AMQP pool', () => {
    const p = problemsAfter(h, (j) => setHaproxyCfg(j, (t) => t.replace(/\n {4}server rmq-server-2 rmq-server-2\.rmq-nodes\.rabbitmq\.svc\.cluster\.local:5672/, '')));
    expect(p).toEqual([
      expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: haproxy\.cfg pool rabbitmq_amqp \(behind the amqp listener :5672\) does not list pod rmq-server-2 \(rmq-server-2\.rmq-nodes\.rabbitmq\.svc\.cluster\.local\)/),
    ]);
  });

  test('haproxy: a server that is no pod (scaled-down node, typo, wrong namespace)', () => {
    const p = problemsAfter(h, (j) =>
      setHaproxyCfg(j, (t) => t.replace('server rmq-server-2 rmq-server-2.rmq-nodes.rabbitmq.svc.cluster.local:15672', 'server rmq-server-2 rmq-server-2.rmq-nodes.default.svc.cluster.local:15672')),
    );
    expect(p).toEqual([
      expect.stringMatching(/haproxy\.cfg pool rabbitmq_management has "server rmq-server-2 rmq-server-2\.rmq-nodes\.default\.svc\.cluster\.local:15672": rmq-server-2\.rmq-nodes\.default\.svc\.cluster\.local is not the DNS name of a RabbitMQ pod/),
      expect.stringMatching(/haproxy\.cfg pool rabbitmq_management \(behind the management listener :15672\) does not list pod rmq-server-2/),
    ]);
  });

  test('haproxy: a pod listed twice, or on the wrong port', () => {
    const twice = problemsAfter(h, (j) =>
      setHaproxyCfg(j, (t) => t.replace('server rmq-server-2 rmq-server-2.rmq-nodes.rabbitmq.svc.cluster.local:5672', 'server rmq-server-2 rmq-server-1.rmq-nodes.rabbitmq.svc.cluster.local:5672')),
    );
    expect(twice).toEqual([expect.stringMatching(/lists pod rmq-server-1 2 times/), expect.stringMatching(/does not list pod rmq-server-2/)]);
    const wrongPort = problemsAfter(h, (j) =>
      setHaproxyCfg(j, (t) => t.replace('rmq-server-0.rmq-nodes.rabbitmq.svc.cluster.local:15672', 'rmq-server-0.rmq-nodes.rabbitmq.svc.cluster.local:5672')),
    );
    expect(wrongPort).toEqual([expect.stringMatching(/pool rabbitmq_management \(behind the management listener :15672\) sends pod rmq-server-0 to port 5672, not its management port 15672/)]);
    const notAPort = problemsAfter(h, (j) => setHaproxyCfg(j, (t) => t.replace('rmq-server-0.rmq-nodes.rabbitmq.svc.cluster.local:5672', 'rmq-server-0.rmq-nodes.rabbitmq.svc.cluster.local:5673')));
    expect(notAPort).toEqual(
      expect.arrayContaining([expect.stringMatching(/pool rabbitmq_amqp has "server rmq-server-0 rmq-server-0\.rmq-nodes\.rabbitmq\.svc\.cluster\.local:5673 port 15692": port 5673 is not a container port of kubernetes_stateful_set_v1\.server/)]),
    );
  });

  test('nginx: upstream servers are exactly the pods', () => {
    const missing = problemsAfter(n, (j) => setNginxConf(j, (t) => t.replace(/\n {8}server rmq-server-1\.rmq-nodes\.rabbitmq\.svc\.cluster\.local:5672 [^\n]*/, '')));
    expect(missing).toEqual([expect.stringMatching(/nginx\.conf pool rabbitmq_amqp \(behind the amqp listener :5672\) does not list pod rmq-server-1/)]);
    const foreign = problemsAfter(n, (j) => setNginxConf(j, (t) => t.replace('server rmq-server-0.rmq-nodes.rabbitmq.svc.cluster.local:15672', 'server rmq-0.rmq-nodes.rabbitmq.svc.cluster.local:15672')));
    expect(foreign).toEqual([
      expect.stringMatching(/nginx\.conf pool rabbitmq_management has "server rmq-0\.rmq-nodes\.rabbitmq\.svc\.cluster\.local:15672 .*": rmq-0\.rmq-nodes\.rabbitmq\.svc\.cluster\.local is not the DNS name of a RabbitMQ pod/),
      expect.stringMatching(/nginx\.conf pool rabbitmq_management \(behind the management listener :15672\) does not list pod rmq-server-0/),
    ]);
  });

  /** `text.replace(from, to)`, failing when `from` is not in the text (an edit that changes nothing proves nothing). */
  const swap = (text: string, from: string | RegExp, to: string): string => {
    expect(text).toMatch(from);
    return text.replace(from, to);
  };

  test('servers are the fully qualified pod names: the relative and .svc forms never resolve in a proxy (no search domains)', () => {
    const fqdn = 'rmq-server-1.rmq-nodes.rabbitmq.svc.cluster.local';
    for (const short of ['rmq-server-1.rmq-nodes.rabbitmq', 'rmq-server-1.rmq-nodes.rabbitmq.svc']) {
      const p = problemsAfter(h, (j) => setHaproxyCfg(j, (t) => swap(t, `server rmq-server-1 ${fqdn}:5672`, `server rmq-server-1 ${short}:5672`)));
      expect(p).toEqual([
        `kubernetes_deployment_v1.load_balancer: haproxy.cfg pool rabbitmq_amqp has "server rmq-server-1 ${short}:5672 port 15692": ${short} is not fully qualified; the proxy resolves it at run time without search domains, so it never resolves: use ${fqdn}`,
      ]);
    }
    // The form the toolkit generated before clusterDomain: every server of the config is reported.
    const allShort = problemsAfter(n, (j) => setNginxConf(j, (t) => swap(t, /\.svc\.cluster\.local:/g, ':')));
    expect(allShort).toHaveLength(6);
    for (const line of allShort) expect(line).toMatch(/^kubernetes_deployment_v1\.load_balancer: nginx\.conf pool rabbitmq_(amqp|management) has "server rmq-server-\d\.rmq-nodes\.rabbitmq:\d+ .*": .* is not fully qualified; .* use rmq-server-\d\.rmq-nodes\.rabbitmq\.svc\.cluster\.local$/);
  });

  test('the cluster domain: any one domain (spec kubernetes.clusterDomain), the same for every server', () => {
    const custom = synthStack(lbSpec('haproxy', {}, { kubernetes: { clusterDomain: 'k8s.example.org' } } as Partial<ClusterSpecInput>)).json;
    expect(configData(custom)['haproxy.cfg']).toContain('server rmq-server-0 rmq-server-0.rmq-nodes.rabbitmq.svc.k8s.example.org:5672');
    expect(checkKubernetesStack(custom)).toEqual([]);
    const odd = problemsAfter(custom, (j) =>
      setHaproxyCfg(j, (t) => swap(t, 'rmq-server-2.rmq-nodes.rabbitmq.svc.k8s.example.org:15672', 'rmq-server-2.rmq-nodes.rabbitmq.svc.cluster.local:15672')),
    );
    expect(odd).toEqual([
      'kubernetes_deployment_v1.load_balancer: haproxy.cfg pool rabbitmq_management has "server rmq-server-2 rmq-server-2.rmq-nodes.rabbitmq.svc.cluster.local:15672": rmq-server-2.rmq-nodes.rabbitmq.svc.cluster.local is in cluster domain cluster.local, the other servers in k8s.example.org; a cluster has one DNS domain: use rmq-server-2.rmq-nodes.rabbitmq.svc.k8s.example.org',
    ]);
  });

  test('a listener that forwards nowhere', () => {
    const p = problemsAfter(h, (j) => setHaproxyCfg(j, (t) => t.replace('default_backend rabbitmq_amqp', '')));
    expect(p).toEqual([expect.stringMatching(/haproxy\.cfg listener :5672 \(amqp\) forwards to no server pool/)]);
  });

  test('the LB pods need a PodDisruptionBudget', () => {
    const p = problemsAfter(h, (j) => {
      delete j.resource.kubernetes_pod_disruption_budget_v1.load_balancer;
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: no PodDisruptionBudget selects its pods/)]);
  });

  test('the Deployment depends on the namespace it is created in', () => {
    const p = problemsAfter(h, (j) => {
      deployment(j).depends_on = ['kubernetes_secret_v1.load_balancer_config'];
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_deployment_v1\.load_balancer: is in namespace rabbitmq, created by kubernetes_namespace_v1\.cluster, but does not depend on it/)]);
  });
});
