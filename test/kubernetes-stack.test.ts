import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { CONFIG_CHECKSUM_ANNOTATION } from '../constructs/kubernetes/private/metadata';
import { SpecError } from '../spec/errors';
import {
  envOf,
  k8sSpec,
  podSpecOf,
  prodSpec,
  rabbitContainer,
  resourcesOfType,
  statefulSet,
  synthStack,
  type StackJson,
} from './helpers/kubernetes';

const prod = synthStack(prodSpec(), 'prod');
const prod5 = synthStack({ ...prodSpec(), nodes: 5 }, 'prod5');

describe('Kubernetes stack snapshots (each beside what matters in it)', () => {
  test('environments/prod.yaml: snapshot', () => {
    expect(prod.json).toMatchSnapshot();
  });

  test('prod.yaml: the ConfigMap carries its relative disk limit as a float (1.0; RabbitMQ rejects 1)', () => {
    const cm = Object.values(resourcesOfType(prod.json, 'kubernetes_config_map_v1'))[0] as { data: Record<string, string> };
    const conf = Object.values(cm.data).find((t) => t.includes('disk_free_limit'))!;
    expect(conf).toMatch(/^disk_free_limit\.relative = 1\.0$/m);
  });

  test('prod with 5 nodes: snapshot', () => {
    expect(prod5.json).toMatchSnapshot();
  });

  test.each([
    ['prod', prod.json, 3],
    ['prod5', prod5.json, 5],
  ] as const)('%s: replicas, Parallel, headless serviceName, consistent', (_n, json, nodes) => {
    const sts = statefulSet(json);
    expect(sts.spec.replicas).toBe(String(nodes));
    expect(sts.spec.pod_management_policy).toBe('Parallel');
    expect(sts.spec.service_name).toBe('rmq-prod-nodes');
    expect(sts.spec.update_strategy).toEqual([{ type: 'RollingUpdate', rolling_update: [{ partition: 0 }] }]);
    expect(sts.spec.persistent_volume_claim_retention_policy).toEqual([{ when_deleted: 'Retain', when_scaled: 'Retain' }]);
    expect(checkKubernetesStack(json)).toEqual([]);
  });

  test.each([
    ['prod', prod.json, 3],
    ['prod5', prod5.json, 5],
  ] as const)('%s: PodDisruptionBudget allows one eviction at a time, selecting the pods', (_n, json, nodes) => {
    const pdb = resourcesOfType(json, 'kubernetes_pod_disruption_budget_v1').server;
    expect(pdb.spec.max_unavailable).toBe('1');
    expect(pdb.spec.min_available).toBeUndefined();
    expect(pdb.spec.selector.match_labels).toEqual(statefulSet(json).spec.selector.match_labels);
    expect(json.resource.kubernetes_config_map_v1.server_conf.data['rabbitmq.conf']).toContain(`cluster_formation.target_cluster_size_hint = ${nodes}\n`);
  });
});

describe('Kubernetes stack: the pods', () => {
  const c = rabbitContainer(prod.json);
  const pod = podSpecOf(prod.json);

  test('node names from the pod name through the headless Service, long names, as the operator', () => {
    expect(envOf(prod.json, 'RABBITMQ_NODENAME').value).toBe('rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)');
    expect(envOf(prod.json, 'K8S_SERVICE_NAME').value).toBe('rmq-prod-nodes');
    expect(envOf(prod.json, 'RABBITMQ_USE_LONGNAME').value).toBe('true');
    expect(envOf(prod.json, 'MY_POD_NAME').value_from.field_ref.field_path).toBe('metadata.name');
    expect(prod.json.output.nodes.value.map((n: { node: string }) => n.node)).toEqual([0, 1, 2].map((i) => `rabbit@rmq-prod-server-${i}.rmq-prod-nodes.rabbitmq-prod`));
  });

  test('the server container starts the whole-cluster import of the definitions in the background, then the image entrypoint', () => {
    const [shell, flag, script] = c.command as string[];
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    const [line, exec] = script.split('\n');
    expect(line).toMatch(/^\( \( .* \) & \)$/);
    // The node count is read from the mounted rabbitmq.conf when the pod starts: scaling changes the
    // ConfigMap, not the pod template (no restart of running pods).
    expect(line).toMatch(/n=\$\(sed -n 's\/\^cluster_formation\\\.target_cluster_size_hint .*' '\/etc\/rabbitmq\/[^']+\.conf'\)/);
    expect(line).toContain('await_online_nodes "$n" --timeout 1800');
    expect(line).toContain("mark='/var/lib/rabbitmq/mnesia/.rmq-ha-definitions.sha256'");
    expect(line).toContain('import_definitions "$defs"');
    // A vhost that does not run on the node once the cluster is whole is started there, before the import.
    expect(line).toContain('out=$(rabbitmq-diagnostics -q check_virtual_hosts 2>&1) && return 0');
    expect(line!.indexOf('restart_vhost -p "$v"')).toBeLessThan(line!.indexOf('import_definitions "$defs"'));
    // prod declares no quorum queue: no membership step.
    expect(line).not.toContain('grow');
    // With one, each pod joins it when it was declared short; peers named as RABBITMQ_NODENAME names them.
    const withQueue = rabbitContainer(synthStack({ ...prodSpec(), topology: { queues: [{ name: 'orders', type: 'quorum' }] } }, 'prodq').json).command as string[];
    expect(withQueue[2]).toContain('node="rabbit@rmq-prod-server-$i.$K8S_SERVICE_NAME.$MY_POD_NAMESPACE"');
    expect(withQueue[2].match(/grow '[^']*' '[^']+' \d+/g)).toEqual(["grow '/' 'orders' 3"]);
    expect(exec).toBe('exec docker-entrypoint.sh rabbitmq-server');
    expect(rabbitContainer(prod5.json).command).toEqual(c.command);
  });

  test('readiness is TCP on amqp; startup waits for the target cluster size (HTTP on 4.3); no liveness by default', () => {
    expect(c.readiness_probe.tcp_socket).toEqual([{ port: 'amqp' }]);
    expect(c.readiness_probe).toEqual(expect.objectContaining({ period_seconds: 10, failure_threshold: 3 }));
    expect(c.startup_probe.http_get).toEqual({ path: '/api/health/checks/reached-target-cluster-size', port: 'management', scheme: 'HTTP' });
    // prod: startupTimeoutSeconds 900 at a 10 s period.
    expect(c.startup_probe.failure_threshold).toBe(90);
    expect(c.liveness_probe).toBeUndefined();
  });

  test('before 4.2.4 the startup probe asks the same through rabbitmqctl', () => {
    const old = rabbitContainer(synthStack(k8sSpec({}, '4.0.9')).json);
    expect(old.startup_probe.http_get).toBeUndefined();
    expect(old.startup_probe.exec.command.join(' ')).toContain("rabbitmqctl eval 'rabbit_nodes:reached_target_cluster_size().'");
    expect(old.startup_probe.failure_threshold).toBe(60);
  });

  test('liveness: ping is opt-in, cheap and patient', () => {
    const live = rabbitContainer(synthStack(k8sSpec({ kubernetes: { livenessProbe: 'ping' } })).json);
    expect(live.liveness_probe).toEqual({ exec: { command: ['rabbitmq-diagnostics', '-q', 'ping'] }, period_seconds: 60, timeout_seconds: 30, failure_threshold: 10 });
  });

  test('preStop enables the feature flags, waits for quorum then drains, within the grace period, skippable by label', () => {
    const cmd: string[] = c.lifecycle.pre_stop[0].exec.command;
    expect(cmd.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    // The feature-flag step of an upgrade inside the rollout: the first pod stopped for a new image
    // enables every flag the running cluster supports; a failure never blocks the stop.
    expect(cmd[2]).toBe(
      'if [ -n "$(cat /etc/pod-info/skipPreStopChecks 2>/dev/null)" ]; then exit 0; fi; ' +
        'rabbitmqctl enable_feature_flag all >/dev/null 2>&1 || true; ' +
        'rabbitmq-upgrade await_online_quorum_plus_one -t 604140 && rabbitmq-upgrade drain -t 600',
    );
    expect(cmd[2]).not.toContain('await_online_synchronized_mirror');
    expect(pod.termination_grace_period_seconds).toBe(604800);
    expect(604140 + 600 + 60).toBe(604800);
    const short = rabbitContainer(synthStack(k8sSpec({ kubernetes: { terminationGracePeriodSeconds: 900 } })).json);
    expect(short.lifecycle.pre_stop[0].exec.command[2]).toContain('await_online_quorum_plus_one -t 630 && rabbitmq-upgrade drain -t 210');
  });

  test('before 4.0 (classic mirroring exists) preStop also waits for a synchronised mirror, sharing the wait budget', () => {
    const old = rabbitContainer(synthStack(k8sSpec({ rabbitmq: { version: '3.13.7' }, kubernetes: { terminationGracePeriodSeconds: 900 } })).json);
    expect(old.lifecycle.pre_stop[0].exec.command[2]).toContain(
      'rabbitmq-upgrade await_online_quorum_plus_one -t 315 && rabbitmq-upgrade await_online_synchronized_mirror -t 315 && rabbitmq-upgrade drain -t 210',
    );
  });

  test('resources: memory and CPU request = limit (Guaranteed QoS)', () => {
    expect(c.resources).toEqual({ requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    const frac = rabbitContainer(synthStack(k8sSpec({ resources: { cpus: 1.5, memory: '1536MiB' } })).json);
    expect(frac.resources.limits).toEqual({ cpu: '1500m', memory: '1536Mi' });
  });

  test('non-root: uid 999, fsGroup, drop ALL, no escalation, read-only root, seccomp RuntimeDefault', () => {
    expect(pod.security_context).toEqual({
      run_as_user: '999',
      run_as_group: '999',
      run_as_non_root: true,
      fs_group: '999',
      fs_group_change_policy: 'OnRootMismatch',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    for (const k of [c, pod.init_container[0]]) {
      expect(k.security_context).toEqual({
        allow_privilege_escalation: false,
        privileged: false,
        read_only_root_filesystem: true,
        run_as_non_root: true,
        capabilities: { drop: ['ALL'] },
        seccomp_profile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('the cookie is installed 0400 by the init container, which then waits for DNS', () => {
    const script: string = pod.init_container[0].command[2];
    expect(script).toContain('cp /tmp/erlang-cookie-secret/.erlang.cookie /var/lib/rabbitmq/.erlang.cookie');
    expect(script).toContain('chmod 0400 /var/lib/rabbitmq/.erlang.cookie');
    expect(script).toMatch(/sleep 30$/);
    expect(c.env.map((e: { name: string }) => e.name)).not.toContain('RABBITMQ_ERLANG_COOKIE');
  });

  test('spreading (prod): one pod per host required, zones required with minDomains', () => {
    const term = pod.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution[0];
    expect(term.topology_key).toBe('kubernetes.io/hostname');
    expect(term.label_selector[0].match_labels).toEqual(statefulSet(prod.json).spec.selector.match_labels);
    expect(pod.topology_spread_constraint).toEqual([
      expect.objectContaining({ topology_key: 'topology.kubernetes.io/zone', max_skew: 1, when_unsatisfiable: 'DoNotSchedule', min_domains: 3 }),
    ]);
  });

  test('spreading defaults: hosts required, zones preferred (ScheduleAnyway); none removes them', () => {
    const d = podSpecOf(synthStack(k8sSpec()).json);
    expect(d.affinity.pod_anti_affinity.required_during_scheduling_ignored_during_execution).toHaveLength(1);
    expect(d.topology_spread_constraint).toEqual([expect.objectContaining({ when_unsatisfiable: 'ScheduleAnyway' })]);
    expect(d.topology_spread_constraint[0].min_domains).toBeUndefined();
    const soft = podSpecOf(synthStack(k8sSpec({ kubernetes: { spread: { hosts: 'preferred', zones: 'none' } } })).json);
    expect(soft.affinity.pod_anti_affinity.preferred_during_scheduling_ignored_during_execution[0]).toEqual(
      expect.objectContaining({ weight: 100, pod_affinity_term: expect.objectContaining({ topology_key: 'kubernetes.io/hostname' }) }),
    );
    expect(soft.topology_spread_constraint).toBeUndefined();
    expect(podSpecOf(synthStack(k8sSpec({ kubernetes: { spread: { hosts: 'none', zones: 'none' } } })).json).affinity).toBeUndefined();
  });

  test('volume claim template: size and storage class from the spec; data under the home emptyDir', () => {
    const vct = statefulSet(prod.json).spec.volume_claim_template[0];
    expect(vct.metadata.name).toBe('persistence');
    expect(vct.spec).toEqual({ access_modes: ['ReadWriteOnce'], storage_class_name: 'ssd', resources: { requests: { storage: '100Gi' } } });
    expect(c.volume_mount.map((m: { mount_path: string }) => m.mount_path)).toEqual(['/var/lib/rabbitmq', '/var/lib/rabbitmq/mnesia', '/etc/rabbitmq', '/etc/pod-info']);
    expect(statefulSet(synthStack(k8sSpec()).json).spec.volume_claim_template[0].spec.storage_class_name).toBeUndefined();
  });

  test('no Service env vars, image pinned to the version', () => {
    expect(pod.enable_service_links).toBe(false);
    expect(c.image).toBe('rabbitmq:4.3.4-management');
    expect(pod.priority_class_name).toBe('messaging-critical');
  });
});

describe('Kubernetes stack: config checksum rolls the pods on config changes only', () => {
  const checksum = (j: StackJson): string => statefulSet(j).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];

  test('a sha256 of the rendered files is on the pod template', () => {
    expect(checksum(prod.json)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes when rabbitmq.conf, enabled_plugins or definitions.json change', () => {
    const base = prodSpec();
    expect(checksum(synthStack({ ...base, rabbitmq: { ...base.rabbitmq, heartbeatSeconds: 20 } }).json)).not.toBe(checksum(prod.json));
    expect(checksum(synthStack({ ...base, rabbitmq: { ...base.rabbitmq, plugins: [] } }).json)).not.toBe(checksum(prod.json));
    expect(checksum(synthStack({ ...base, credentials: { ...base.credentials, adminUser: 'ops' } }).json)).not.toBe(checksum(prod.json));
  });

  test('scaling does not restart the running pods: the size hint changes in the ConfigMap, outside the checksum', () => {
    const conf = (j: StackJson): string => j.resource.kubernetes_config_map_v1.server_conf.data['rabbitmq.conf'];
    expect(conf(prod.json)).toContain('cluster_formation.target_cluster_size_hint = 3');
    expect(conf(prod5.json)).toContain('cluster_formation.target_cluster_size_hint = 5');
    expect(checksum(prod5.json)).toBe(checksum(prod.json));
    expect(statefulSet(prod5.json).spec.replicas).toBe('5');
  });

  test('does not change for labels, grace period or the secret source (no restart for those)', () => {
    const base = prodSpec();
    const k = base.kubernetes!;
    expect(checksum(synthStack({ ...base, kubernetes: { ...k, labels: { team: 'x' } } }).json)).toBe(checksum(prod.json));
    expect(checksum(synthStack({ ...base, kubernetes: { ...k, terminationGracePeriodSeconds: 3600 } }).json)).toBe(checksum(prod.json));
    expect(checksum(synthStack({ ...base, credentials: { ...base.credentials, adminPassword: { generate: { length: 40 } } } }).json)).toBe(checksum(prod.json));
  });
});

describe('Kubernetes stack: RBAC only where peer discovery calls the API', () => {
  test.each(['3.10.8', '3.13.7', '4.0.9'])('%s: ServiceAccount, Role (endpoints get, events create), RoleBinding; token mounted', (version) => {
    const { json } = synthStack(k8sSpec({}, version));
    expect(resourcesOfType(json, 'kubernetes_service_account_v1').server.metadata.name).toBe('rmq-server');
    expect(resourcesOfType(json, 'kubernetes_role_v1').peer_discovery.rule).toEqual([
      { api_groups: [''], resources: ['endpoints'], verbs: ['get'] },
      { api_groups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const binding = resourcesOfType(json, 'kubernetes_role_binding_v1').server;
    expect(binding.role_ref).toEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rmq-peer-discovery' });
    expect(binding.subject).toEqual([{ kind: 'ServiceAccount', name: 'rmq-server', namespace: 'rabbitmq' }]);
    expect(podSpecOf(json).service_account_name).toBe('rmq-server');
    expect(podSpecOf(json).automount_service_account_token).toBe(true);
    const conf: string = json.resource.kubernetes_config_map_v1.server_conf.data['rabbitmq.conf'];
    expect(conf).toContain('cluster_formation.k8s.service_name = rmq-nodes\n');
    expect(checkKubernetesStack(json)).toEqual([]);
  });

  test.each(['4.1.0', '4.2.10', '4.3.4'])('%s: no ServiceAccount, Role or RoleBinding; token not mounted', (version) => {
    const { json } = synthStack(k8sSpec({}, version));
    for (const t of ['kubernetes_service_account_v1', 'kubernetes_role_v1', 'kubernetes_role_binding_v1']) expect(json.resource[t]).toBeUndefined();
    expect(podSpecOf(json).service_account_name).toBeUndefined();
    expect(podSpecOf(json).automount_service_account_token).toBe(false);
    expect(checkKubernetesStack(json)).toEqual([]);
  });
});

describe('Kubernetes stack: Services, files, namespace, provider, outputs', () => {
  test('headless Service: clusterIP None, not-ready pods published, epmd/dist/amqp/management/prometheus by name', () => {
    const h = resourcesOfType(prod.json, 'kubernetes_service_v1').nodes;
    expect(h.spec.cluster_ip).toBe('None');
    expect(h.spec.publish_not_ready_addresses).toBe(true);
    expect(h.spec.port.map((p: { name: string; port: number; target_port: string }) => [p.name, p.port, p.target_port])).toEqual([
      ['epmd', 4369, 'epmd'],
      ['cluster-rpc', 25672, 'cluster-rpc'],
      ['amqp', 5672, 'amqp'],
      ['management', 15672, 'management'],
      // Per-node metrics (no authentication): every pod its own endpoint, never outside the cluster.
      ['prometheus', 15692, 'prometheus'],
    ]);
  });

  test('client Service: ClusterIP by default with amqp and management; LoadBalancer with source ranges, metrics stay on the headless Service', () => {
    const cl = resourcesOfType(prod.json, 'kubernetes_service_v1').client;
    expect(cl.metadata.name).toBe('rmq-prod');
    expect(cl.spec.type).toBe('ClusterIP');
    expect(cl.spec.port.map((p: { name: string }) => p.name)).toEqual(['amqp', 'management']);
    const lb = resourcesOfType(
      synthStack(k8sSpec({ kubernetes: { serviceType: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'], serviceAnnotations: { 'example.com/internal': 'true' } } })).json,
      'kubernetes_service_v1',
    ).client;
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.load_balancer_source_ranges).toEqual(['10.0.0.0/8']);
    expect(lb.metadata.annotations).toEqual({ 'example.com/internal': 'true' });
    expect(lb.wait_for_load_balancer).toBe(false);
    expect(lb.spec.port.map((p: { name: string }) => p.name)).toEqual(['amqp', 'management']);
  });

  test('ConfigMap holds rabbitmq.conf and enabled_plugins; definitions.json goes to a Secret; cookie and credentials in their own Secrets', () => {
    expect(Object.keys(prod.json.resource.kubernetes_config_map_v1.server_conf.data).sort()).toEqual(['enabled_plugins', 'rabbitmq.conf']);
    const secrets = resourcesOfType(prod.json, 'kubernetes_secret_v1');
    expect(Object.keys(secrets.server_secret_files.data)).toEqual(['definitions.json']);
    expect(secrets.erlang_cookie.data).toEqual({ '.erlang.cookie': '${var.rmq_prod_erlang_cookie}' });
    expect(secrets.default_user.data).toEqual(expect.objectContaining({ username: 'admin', password: '${var.rmq_prod_admin_password}', host: 'rmq-prod.rabbitmq-prod.svc', port: '5672' }));
    const conf: string = prod.json.resource.kubernetes_config_map_v1.server_conf.data['rabbitmq.conf'];
    expect(conf.split('\n')[0]).toContain('rabbit@rmq-prod-server-<i>.rmq-prod-nodes.rabbitmq-prod');
  });

  test('no secret literal anywhere: secrets are Terraform references, placeholders all resolved', () => {
    const { text, json } = synthStack(k8sSpec());
    expect(text).not.toContain('{{secret:');
    const defs = JSON.parse(json.resource.kubernetes_secret_v1.server_secret_files.data['definitions.json']);
    expect(defs.users).toEqual([expect.objectContaining({ name: 'admin', password: '${random_password.admin_password.result}' })]);
    expect(json.resource.kubernetes_secret_v1.erlang_cookie.data['.erlang.cookie']).toBe('${random_password.erlang_cookie.result}');
    // The only places a secret reference appears: Secrets, sensitive outputs, and inside sha256()
    // (the pod template's secret checksum, the cookie fingerprint and its precondition).
    for (const [type, byName] of Object.entries<Record<string, unknown>>(json.resource)) {
      if (type === 'kubernetes_secret_v1') continue;
      const outsideSha = JSON.stringify(byName).replace(/sha256\((join\([^)]*\)|[^()]*)\)/g, '');
      expect(outsideSha).not.toMatch(/random_password\.(admin_password|erlang_cookie)/);
    }
    expect(statefulSet(json).spec.template.metadata.annotations['rmq-ha/secrets-sha256']).toBe('${sha256(join("\\n", [random_password.admin_password.result]))}');
    expect(json.output.admin_password.sensitive).toBe(true);
  });

  test('namespace: created with the restricted Pod Security Standard, everything depends on it; or an existing one', () => {
    const ns = prod.json.resource.kubernetes_namespace_v1.cluster;
    expect(ns.metadata.name).toBe('rabbitmq-prod');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(statefulSet(prod.json).depends_on).toContain('kubernetes_namespace_v1.cluster');
    const existing = synthStack(k8sSpec({ kubernetes: { namespace: 'apps', createNamespace: false } })).json;
    expect(existing.resource.kubernetes_namespace_v1).toBeUndefined();
    expect(statefulSet(existing).metadata.namespace).toBe('apps');
    expect(statefulSet(existing).depends_on).not.toContain('kubernetes_namespace_v1.cluster');
    expect(checkKubernetesStack(existing)).toEqual([]);
  });

  test('the StatefulSet is created after everything its pods need', () => {
    expect(statefulSet(prod.json).depends_on).toEqual([
      'kubernetes_namespace_v1.cluster',
      'kubernetes_secret_v1.erlang_cookie',
      'kubernetes_secret_v1.server_secret_files',
      'kubernetes_config_map_v1.server_conf',
      'kubernetes_service_v1.nodes',
    ]);
    expect(statefulSet(synthStack(k8sSpec({}, '4.0.9')).json).depends_on).toContain('kubernetes_role_binding_v1.server');
  });

  test('provider: kubeconfig path and context from the spec; ~/.kube/config by default; null leaves it to KUBE_* variables', () => {
    expect(prod.json.provider.kubernetes).toEqual([{ config_path: '~/.kube/config', config_context: 'prod' }]);
    expect(synthStack(k8sSpec()).json.provider.kubernetes).toEqual([{ config_path: '~/.kube/config' }]);
    expect(synthStack(k8sSpec({ kubernetes: { provider: { configPath: null } } })).json.provider.kubernetes).toEqual([{}]);
  });

  test('outputs: per-node pod DNS names and the client Service address', () => {
    expect(prod.json.output.amqp_uris.value[0]).toBe('amqp://rmq-prod-server-0.rmq-prod-nodes.rabbitmq-prod:5672');
    expect(prod.json.output.service_amqp_uri.value).toBe('amqp://rmq-prod.rabbitmq-prod.svc:5672');
    expect(prod.json.output.credentials_secret.value).toBe('rmq-prod-default-user');
  });

  test('labels from the spec on every object; selector labels fixed', () => {
    expect(statefulSet(prod.json).metadata.labels).toEqual(expect.objectContaining({ team: 'messaging', 'app.kubernetes.io/version': '4.3.4' }));
    expect(statefulSet(prod.json).spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'rmq-prod', 'app.kubernetes.io/component': 'rabbitmq' });
    expect(statefulSet(prod.json).spec.volume_claim_template[0].metadata.labels).toEqual(statefulSet(prod.json).spec.selector.match_labels);
  });

  test('small clusters: the budget still allows one eviction (0 blocked drains for ever); the preStop hook only drains', () => {
    for (const nodes of [1, 2]) {
      const { json } = synthStack(k8sSpec({ nodes }));
      expect(json.resource.kubernetes_pod_disruption_budget_v1.server.spec.max_unavailable).toBe('1');
      expect(checkKubernetesStack(json)).toEqual([]);
      const preStop = rabbitContainer(json).lifecycle.pre_stop[0].exec.command[2];
      expect(preStop).not.toContain('await_online_quorum_plus_one');
      expect(preStop).toContain('rabbitmq-upgrade drain -t');
    }
  });

  test('storage that does not exceed the disk free limit is rejected with the field and the fix', () => {
    const bad = k8sSpec({ kubernetes: { storage: { size: '1GiB' } }, rabbitmq: { diskFreeLimit: { absolute: '2GB' } } });
    expect(() => synthStack(bad)).toThrow(SpecError);
    expect(() => synthStack(bad)).toThrow(/kubernetes\.storage\.size: got 1073741824; must exceed the disk free limit \(2000000000 bytes\)/);
  });
});
