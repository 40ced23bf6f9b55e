import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { clone, k8sSpec, prodSpec, synthStack, type StackJson } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
const prod = synthStack(prodSpec(), 'prod').json;
const prod5 = synthStack({ ...prodSpec(), nodes: 5 }, 'prod5').json;
const v40 = synthStack(k8sSpec({}, '4.0.9')).json;

/** Applies `edit` to a copy of `base` and returns the checker's problems. */
function problemsAfter(base: StackJson, edit: (j: any) => void): string[] {
  const j = clone(base);
  edit(j);
  return checkKubernetesStack(j);
}

const sts = (j: any): any => j.resource.kubernetes_stateful_set_v1.server;
const pod = (j: any): any => sts(j).spec.template.spec;
const rabbit = (j: any): any => pod(j).container[0];
const env = (j: any, name: string): any => rabbit(j).env.find((e: any) => e.name === name);
const conf = (j: any): any => j.resource.kubernetes_config_map_v1.server_conf.data;

describe('checkKubernetesStack: consistent stacks', () => {
  test.each([
    ['prod', prod],
    ['prod, 5 nodes', prod5],
    ['4.0.9 (RBAC)', v40],
    ['3.10.8', synthStack(k8sSpec({}, '3.10.8')).json],
    ['one node', synthStack(k8sSpec({ nodes: 1 })).json],
  ])('%s: no problems', (_name, json) => {
    expect(checkKubernetesStack(json)).toEqual([]);
  });

  test('accepts the JSON text as well as the object', () => {
    expect(checkKubernetesStack(JSON.stringify(prod))).toEqual([]);
  });

  test('a stack without a StatefulSet (e.g. Docker) is reported, not passed', () => {
    expect(checkKubernetesStack(synthStack({ name: 'rmq', target: 'docker', loadBalancer: { kind: 'none' } }).json)).toEqual([
      expect.stringMatching(/no kubernetes_stateful_set_v1/),
    ]);
  });
});

describe('checkKubernetesStack: catches each kind of broken stack', () => {
  test('a Service selector that matches no pod', () => {
    const p = problemsAfter(prod, (j) => {
      j.resource.kubernetes_service_v1.client.spec.selector['app.kubernetes.io/name'] = 'rmq-other';
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_service_v1\.client: selector .*rmq-other.* matches no pod/)]);
  });

  test('pod labels that drift from the selectors (every selector notices)', () => {
    const p = problemsAfter(prod, (j) => {
      sts(j).spec.template.metadata.labels['app.kubernetes.io/component'] = 'broker';
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_service_v1\.nodes: selector .* does not select the pods/),
        expect.stringMatching(/^kubernetes_service_v1\.client: selector .* matches no pod/),
        expect.stringMatching(/^kubernetes_stateful_set_v1\.server: no PodDisruptionBudget selects its pods/),
        expect.stringMatching(/^kubernetes_pod_disruption_budget_v1\.server: selector .* matches no pod/),
      ]),
    );
  });

  test('a Service target port that is not a container port (by name or number)', () => {
    expect(
      problemsAfter(prod, (j) => {
        j.resource.kubernetes_service_v1.client.spec.port[0].target_port = 'amqps';
      }),
    ).toEqual([expect.stringMatching(/^kubernetes_service_v1\.client: port amqp targets amqps, which is not a container port/)]);
    expect(
      problemsAfter(prod, (j) => {
        j.resource.kubernetes_service_v1.nodes.spec.port[1].target_port = '25673';
      }),
    ).toEqual([expect.stringMatching(/^kubernetes_service_v1\.nodes: port cluster-rpc targets 25673/)]);
  });

  test('a container port removed under a Service', () => {
    const p = problemsAfter(prod, (j) => {
      rabbit(j).port = rabbit(j).port.filter((x: any) => x.name !== 'cluster-rpc');
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_service_v1\.nodes: port cluster-rpc targets cluster-rpc, which is not a container port/)]);
  });

  test('a Secret key a volume projects is missing', () => {
    const p = problemsAfter(prod, (j) => {
      delete j.resource.kubernetes_secret_v1.erlang_cookie.data['.erlang.cookie'];
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_stateful_set_v1\.server: volume erlang-cookie-secret refers to key \.erlang\.cookie of kubernetes_secret_v1\.erlang_cookie/)]);
  });

  test('a ConfigMap key a volume projects is missing', () => {
    const p = problemsAfter(prod, (j) => {
      delete conf(j).enabled_plugins;
    });
    expect(p).toEqual([expect.stringMatching(/volume rabbitmq-config refers to key enabled_plugins of kubernetes_config_map_v1\.server_conf, which has only rabbitmq\.conf/)]);
  });

  test('an env var that refers to a Secret the stack does not create, or a missing key', () => {
    const p = problemsAfter(prod, (j) => {
      rabbit(j).env.push({ name: 'ADMIN_PASSWORD', value_from: { secret_key_ref: { name: 'rmq-prod-admin', key: 'password' } } });
      rabbit(j).env.push({ name: 'ADMIN_USER', value_from: { secret_key_ref: { name: 'rmq-prod-default-user', key: 'user' } } });
    });
    expect(p).toEqual([
      expect.stringMatching(/env ADMIN_PASSWORD of container rabbitmq refers to Secret rmq-prod-admin, which the stack does not create/),
      expect.stringMatching(/env ADMIN_USER of container rabbitmq refers to key user of kubernetes_secret_v1\.default_user/),
    ]);
  });

  test('a volume mount without a volume', () => {
    const p = problemsAfter(prod, (j) => {
      rabbit(j).volume_mount.push({ name: 'tls', mount_path: '/etc/rabbitmq-tls' });
    });
    expect(p).toEqual([expect.stringMatching(/container rabbitmq mounts volume tls, which the pod does not define/)]);
  });

  test('service_name that is not the headless Service', () => {
    const p = problemsAfter(prod, (j) => {
      sts(j).spec.service_name = 'rmq-prod';
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_service_v1\.client: is the service_name of kubernetes_stateful_set_v1\.server but is not headless/),
        expect.stringMatching(/pod rmq-prod-server-0 is node rabbit@rmq-prod-server-0\.rmq-prod-nodes\.rabbitmq-prod, which does not resolve through headless Service rmq-prod/),
      ]),
    );
    expect(problemsAfter(prod, (j) => (sts(j).spec.service_name = 'rmq-missing'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/service_name rmq-missing is not a Service of the stack in namespace rabbitmq-prod; pods get no DNS names/)]),
    );
  });

  test('a headless Service that hides not-ready pods', () => {
    const p = problemsAfter(prod, (j) => {
      j.resource.kubernetes_service_v1.nodes.spec.publish_not_ready_addresses = false;
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_service_v1\.nodes: must set publish_not_ready_addresses/)]);
  });

  test('node names that do not resolve through the headless Service', () => {
    expect(problemsAfter(prod, (j) => (env(j, 'RABBITMQ_NODENAME').value = 'rabbit@$(MY_POD_NAME)'))).toEqual(
      [0, 1, 2].map((i) => expect.stringMatching(new RegExp(`pod rmq-prod-server-${i} is node rabbit@rmq-prod-server-${i}, which does not resolve.*expected rabbit@rmq-prod-server-${i}\\.rmq-prod-nodes\\.rabbitmq-prod`))),
    );
    const wrongService = problemsAfter(v40, (j) => (env(j, 'K8S_SERVICE_NAME').value = 'rmq'));
    expect(wrongService).toEqual(expect.arrayContaining([expect.stringMatching(/pod rmq-server-0 is node rabbit@rmq-server-0\.rmq\.rabbitmq, which does not resolve/)]));
    expect(problemsAfter(prod, (j) => delete env(j, 'RABBITMQ_NODENAME').value)).toEqual([expect.stringMatching(/no RABBITMQ_NODENAME/)]);
  });

  test('an env reference to a variable defined later stays unexpanded', () => {
    const p = problemsAfter(prod, (j) => {
      const e = rabbit(j).env;
      const i = e.findIndex((x: any) => x.name === 'K8S_SERVICE_NAME');
      e.push(e.splice(i, 1)[0]);
    });
    expect(p).toEqual(expect.arrayContaining([expect.stringMatching(/\$\(K8S_SERVICE_NAME\) in .* is not defined before it/)]));
  });

  test('fully qualified node names without RABBITMQ_USE_LONGNAME', () => {
    const p = problemsAfter(prod, (j) => {
      rabbit(j).env = rabbit(j).env.filter((e: any) => e.name !== 'RABBITMQ_USE_LONGNAME');
    });
    expect(p).toEqual([expect.stringMatching(/node names are fully qualified but RABBITMQ_USE_LONGNAME is not "true"/)]);
  });

  test('pre-4.1 peer discovery settings that would look for other names', () => {
    const edit = (from: string, to: string) => (j: any) => (conf(j)['rabbitmq.conf'] = conf(j)['rabbitmq.conf'].replace(from, to));
    expect(problemsAfter(v40, edit('k8s.hostname_suffix = .rmq-nodes.rabbitmq', 'k8s.hostname_suffix = .rmq-nodes'))).toEqual([
      expect.stringMatching(/hostname_suffix \.rmq-nodes makes names other than the pods'/),
    ]);
    expect(problemsAfter(v40, edit('k8s.address_type = hostname', 'k8s.address_type = ip'))).toEqual([expect.stringMatching(/address_type ip yields rabbit@<ip> names/)]);
    expect(problemsAfter(v40, edit('k8s.service_name = rmq-nodes', 'k8s.service_name = rmq'))).toEqual([expect.stringMatching(/peer discovery looks up Service rmq, not the headless Service rmq-nodes/)]);
  });

  test('a classic_config node list that does not match the pods', () => {
    const p = problemsAfter(prod, (j) => {
      conf(j)['rabbitmq.conf'] = conf(j)['rabbitmq.conf'].replace(
        'cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s',
        ['cluster_formation.peer_discovery_backend = classic_config', 'cluster_formation.classic_config.nodes.1 = rabbit@rmq-prod-0', 'cluster_formation.classic_config.nodes.2 = rabbit@rmq-prod-server-1.rmq-prod-nodes.rabbitmq-prod'].join('\n'),
      );
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/classic_config lists rabbit@rmq-prod-0, which is not the node name of any pod/),
        expect.stringMatching(/classic_config does not list rabbit@rmq-prod-server-0\.rmq-prod-nodes\.rabbitmq-prod/),
        expect.stringMatching(/classic_config does not list rabbit@rmq-prod-server-2/),
      ]),
    );
  });

  test('no peer discovery, a missing plugin, a size hint that disagrees with replicas', () => {
    expect(problemsAfter(prod, (j) => (conf(j)['rabbitmq.conf'] = conf(j)['rabbitmq.conf'].replace(/^cluster_formation\.peer_discovery_backend.*$/m, '')))).toEqual([
      expect.stringMatching(/sets no peer discovery backend: every pod would form its own cluster/),
    ]);
    expect(problemsAfter(prod, (j) => (conf(j).enabled_plugins = '[rabbitmq_management,rabbitmq_prometheus].\n'))).toEqual([expect.stringMatching(/enabled_plugins lacks rabbitmq_peer_discovery_k8s/)]);
    expect(problemsAfter(prod, (j) => (sts(j).spec.replicas = '5'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/target_cluster_size_hint is 3 but replicas is 5/)]),
    );
  });

  test('a definitions file the config names but no volume mounts', () => {
    const p = problemsAfter(prod, (j) => {
      const vol = pod(j).volume.find((v: any) => v.name === 'rabbitmq-config');
      vol.projected[0].sources = vol.projected[0].sources.filter((s: any) => !s.secret);
    });
    expect(p).toEqual([expect.stringMatching(/definitions\.local\.path = \/etc\/rabbitmq\/definitions\.json, but no volume mounts a file there/)]);
  });

  test('pre-4.1: missing permission, extra permission, unmounted token, missing ServiceAccount', () => {
    expect(problemsAfter(v40, (j) => j.resource.kubernetes_role_v1.peer_discovery.rule.pop())).toEqual([
      expect.stringMatching(/ServiceAccount rmq-server lacks events:create, which peer discovery before 4\.1 calls/),
    ]);
    expect(problemsAfter(v40, (j) => j.resource.kubernetes_role_v1.peer_discovery.rule.push({ api_groups: [''], resources: ['secrets'], verbs: ['get', 'list'] }))).toEqual([
      expect.stringMatching(/is granted more than peer discovery needs: secrets:get, secrets:list/),
    ]);
    expect(problemsAfter(v40, (j) => (pod(j).automount_service_account_token = false))).toEqual([expect.stringMatching(/the ServiceAccount token is not mounted/)]);
    expect(problemsAfter(v40, (j) => delete j.resource.kubernetes_service_account_v1)).toEqual([expect.stringMatching(/runs as ServiceAccount rmq-server, which the stack does not create/)]);
    expect(problemsAfter(v40, (j) => (j.resource.kubernetes_role_binding_v1.server.role_ref.name = 'rmq-other'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kubernetes_role_binding_v1\.server: binds Role rmq-other, which is not a Role of the stack/), expect.stringMatching(/lacks endpoints:get/)]),
    );
  });

  test('4.1+: a mounted token or RBAC nothing uses', () => {
    expect(problemsAfter(prod, (j) => (pod(j).automount_service_account_token = true))).toEqual([expect.stringMatching(/mounts a ServiceAccount token nothing uses/)]);
    const withRbac = problemsAfter(prod, (j) => {
      pod(j).service_account_name = 'rmq-server';
      j.resource.kubernetes_role_v1 = clone(v40.resource.kubernetes_role_v1);
      j.resource.kubernetes_role_binding_v1 = clone(v40.resource.kubernetes_role_binding_v1);
      for (const r of [j.resource.kubernetes_role_v1.peer_discovery, j.resource.kubernetes_role_binding_v1.server]) r.metadata.namespace = 'rabbitmq-prod';
      j.resource.kubernetes_role_binding_v1.server.subject[0].namespace = 'rabbitmq-prod';
      j.resource.kubernetes_role_binding_v1.server.role_ref.name = 'rmq-peer-discovery';
    });
    expect(withRbac).toEqual(expect.arrayContaining([expect.stringMatching(/is granted endpoints:get, events:create, which peer discovery from 4\.1 does not use/)]));
  });

  test('a disruption budget that could break quorum, or none at all', () => {
    expect(problemsAfter(prod5, (j) => (j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '2'))).toEqual([
      expect.stringMatching(/^kubernetes_pod_disruption_budget_v1\.server: allows 2 of 5 pods to be evicted at once; at most 1 keeps every quorum queue/),
    ]);
    expect(
      problemsAfter(prod5, (j) => {
        const spec = j.resource.kubernetes_pod_disruption_budget_v1.server.spec;
        delete spec.max_unavailable;
        spec.min_available = '3';
      }),
    ).toEqual([expect.stringMatching(/allows 2 of 5 pods to be evicted at once/)]);
    expect(problemsAfter(prod, (j) => (j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '50%'))).toEqual([expect.stringMatching(/allows 2 of 3 pods/)]);
    expect(problemsAfter(prod, (j) => delete j.resource.kubernetes_pod_disruption_budget_v1)).toEqual([expect.stringMatching(/no PodDisruptionBudget selects its pods/)]);
    const two = synthStack(k8sSpec({ nodes: 2 })).json;
    // Two nodes: one eviction is what the stack allows (0 would block drains for ever), two are too many.
    expect(problemsAfter(two, (j) => (j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '1'))).toEqual([]);
    expect(problemsAfter(two, (j) => (j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '2'))).toEqual([expect.stringMatching(/allows 2 of 2 pods .* at most 1/)]);
    expect(problemsAfter(two, (j) => (j.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable = '0'))).toEqual([expect.stringMatching(/allows no eviction of the 2 pod\(s\): every node drain waits for ever/)]);
  });

  test('a ConfigMap with a secret: placeholder, Terraform reference, literal password, cookie', () => {
    const p = problemsAfter(prod, (j) => {
      conf(j)['definitions.json'] = j.resource.kubernetes_secret_v1.server_secret_files.data['definitions.json'];
      conf(j)['11-default_user.conf'] = 'default_user = admin\ndefault_pass = hunter2\n';
      conf(j)['placeholder.conf'] = 'x = {{secret:admin_password}}\n';
      conf(j)['.erlang.cookie'] = 'abc';
    });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_config_map_v1\.server_conf: key definitions\.json holds a secret reference \(\$\{var\.rmq_prod_admin_password\}\)/),
        expect.stringMatching(/key 11-default_user\.conf sets default_pass in clear/),
        expect.stringMatching(/key placeholder\.conf holds a secret placeholder/),
        expect.stringMatching(/key \.erlang\.cookie holds the Erlang cookie/),
      ]),
    );
    expect(problemsAfter(prod, (j) => (conf(j)['users.json'] = '{"users":[{"name":"a","password":"hunter2"}]}'))).toEqual([expect.stringMatching(/key users\.json holds a password in JSON/)]);
  });

  test('a namespaced object that does not depend on the namespace the stack creates', () => {
    const p = problemsAfter(prod, (j) => {
      j.resource.kubernetes_config_map_v1.server_conf.depends_on = [];
    });
    expect(p).toEqual([expect.stringMatching(/^kubernetes_config_map_v1\.server_conf: is in namespace rabbitmq-prod, created by kubernetes_namespace_v1\.cluster, but does not depend on it/)]);
  });
});
