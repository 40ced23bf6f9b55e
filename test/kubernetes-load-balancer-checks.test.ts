/** The proxy config parser and the load-balancer rules of checkKubernetesStack (the stack's objects: kubernetes-load-balancer.test.ts). */
import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { parseHaproxyConfig, parseNginxConfig, proxyKindOfImage } from '../constructs/kubernetes/private/proxy-config';
import { buildPlan } from '../plan/plan';
import type { ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';
import { k8sSpec, synthStack } from './helpers/kubernetes';
import { configData, deployment, KINDS, lbContainer, lbInternalService, lbService, lbSpec, problemsAfter, stacks } from './helpers/kubernetes-load-balancer';

/* eslint-disable @typescript-eslint/no-explicit-any */
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
