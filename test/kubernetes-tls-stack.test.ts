/**
 * The Kubernetes stack with TLS, asserted on the facts that matter: certificates and their
 * Secrets, per-pod read-only mounts at the paths rabbitmq.conf names, modes, ports (no plain port
 * under tls.required), inter-node TLS env, probes that work with plain listeners off, and the load
 * balancer's TLS files. The consistency checker and the manifest conversion read the same JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { stackToManifests } from '../constructs/kubernetes/manifests';
import { parseConf } from '../rabbitmq/rabbitmq-conf';
import type { ClusterSpecInput } from '../spec/cluster';
import { runCli } from './helpers/cli';
import { envOf, k8sSpec, podSpecOf, rabbitContainer, statefulSet, synthStack, type StackJson } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
const tlsSpec = (tls: Record<string, unknown>, extra: Partial<ClusterSpecInput> = {}, version = '4.3.4'): ClusterSpecInput =>
  k8sSpec({ nodes: 3, ...extra, tls: { enabled: true, ...tls } } as Partial<ClusterSpecInput>, version);
const synth = (spec: ClusterSpecInput): StackJson => synthStack(spec).json;

const PLAIN = [5672, 15672, 15692];
const portNumbers = (ports: any[]): number[] => ports.map((p) => p.container_port ?? p.port);
/** rabbitmq.conf as the pods get it (from the ConfigMap). */
const confIn = (j: StackJson) => parseConf(j.resource.kubernetes_config_map_v1.server_conf.data['rabbitmq.conf']);

describe('generated certificates (hashicorp/tls) in the Secret <cluster>-server-tls', () => {
  const j = synth(tlsSpec({ interNode: true }, { loadBalancer: { kind: 'haproxy' } }));

  test('a CA, one certificate per pod with its names on this target, one for the load balancer', () => {
    expect(j.terraform.required_providers.tls).toEqual({ source: 'hashicorp/tls', version: '4.1.0' });
    expect(Object.keys(j.resource.tls_locally_signed_cert).sort()).toEqual(['tls_load_balancer', 'tls_node_0', 'tls_node_1', 'tls_node_2']);
    expect(j.resource.tls_cert_request.tls_node_1.dns_names).toEqual([
      'rmq-server-1.rmq-nodes.rabbitmq.svc.cluster.local',
      'rmq-server-1.rmq-nodes.rabbitmq',
      'rmq-server-1',
      'rmq-nodes.rabbitmq.svc.cluster.local',
      // The client Service, and the load balancer's (passthrough: clients see the node's certificate).
      'rmq.rabbitmq.svc.cluster.local', 'rmq.rabbitmq.svc', 'rmq.rabbitmq', 'rmq',
      'rmq-lb.rabbitmq.svc.cluster.local', 'rmq-lb.rabbitmq.svc', 'rmq-lb.rabbitmq', 'rmq-lb',
    ]);
    // A node's name in its Erlang node name (inter-node TLS verifies it) is among them.
    expect(envOf(j, 'RABBITMQ_NODENAME').value).toBe('rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)');
  });

  test('the Secret holds the CA once and each pod\'s certificate and key, as Terraform references (no PEM in the JSON)', () => {
    const s = j.resource.kubernetes_secret_v1.server_tls;
    expect(s.metadata.name).toBe('rmq-server-tls');
    expect(Object.keys(s.data).sort()).toEqual(['ca.crt', 'rmq-server-0.tls.crt', 'rmq-server-0.tls.key', 'rmq-server-1.tls.crt', 'rmq-server-1.tls.key', 'rmq-server-2.tls.crt', 'rmq-server-2.tls.key']);
    expect(s.data['rmq-server-2.tls.key']).toBe('${tls_private_key.tls_node_2.private_key_pem}');
    expect(s.data['ca.crt']).toBe('${tls_self_signed_cert.tls_ca.cert_pem}');
    expect(JSON.stringify(j)).not.toMatch(/BEGIN (CERTIFICATE|EC PRIVATE KEY|PRIVATE KEY)/);
    expect(statefulSet(j).depends_on).toContain('kubernetes_secret_v1.server_tls');
  });

  test('each pod mounts the CA and only its own certificate and key, read-only, at the paths rabbitmq.conf names', () => {
    const mounts = rabbitContainer(j).volume_mount.filter((m: any) => m.name === 'rabbitmq-tls');
    const conf = confIn(j);
    expect(mounts).toEqual([
      { name: 'rabbitmq-tls', mount_path: conf.get('ssl_options.cacertfile'), sub_path: 'ca.crt', read_only: true },
      { name: 'rabbitmq-tls', mount_path: conf.get('ssl_options.certfile'), sub_path_expr: '$(MY_POD_NAME).tls.crt', read_only: true },
      { name: 'rabbitmq-tls', mount_path: conf.get('ssl_options.keyfile'), sub_path_expr: '$(MY_POD_NAME).tls.key', read_only: true },
    ]);
    expect(conf.get('ssl_options.keyfile')).toBe('/etc/rabbitmq-tls/tls.key');
    // Not inside the read-only projected config volume (/etc/rabbitmq): nothing to create in it.
    expect(mounts.every((m: any) => !m.mount_path.startsWith('/etc/rabbitmq/'))).toBe(true);
    // The variable subPathExpr uses is the container's own.
    expect(envOf(j, 'MY_POD_NAME').value_from.field_ref.field_path).toBe('metadata.name');
  });

  test('modes: 0400 in the volume, made 0440 for the rabbitmq group by fsGroup and readable by no one else', () => {
    const vol = podSpecOf(j).volume.find((v: any) => v.name === 'rabbitmq-tls');
    expect(vol.secret).toEqual({ secret_name: 'rmq-server-tls', default_mode: '0400' });
    expect(vol.secret.items).toBeUndefined(); // no per-pod list in the template: scaling does not restart pods
    expect(podSpecOf(j).security_context.fs_group).toBe('999');
  });

  test('scaling 3 -> 5 changes the Secret, not the pod template (running pods keep running)', () => {
    const five = synth(tlsSpec({ interNode: true }, { nodes: 5, loadBalancer: { kind: 'haproxy' } }));
    expect(statefulSet(five).spec.template).toEqual(statefulSet(j).spec.template);
    expect(Object.keys(five.resource.kubernetes_secret_v1.server_tls.data)).toHaveLength(11);
  });

  test('a new CA rolls the pods: its checksum is on the pod template', () => {
    expect(statefulSet(j).spec.template.metadata.annotations['rmq-ha/tls-ca-sha256']).toBe('${sha256(tls_self_signed_cert.tls_ca.cert_pem)}');
  });

  test('inter-node TLS: the server and every CLI tool in the container (probes, preStop) get -proto_dist inet_tls; the options file is in the ConfigMap', () => {
    const args = '-proto_dist inet_tls -ssl_dist_optfile /etc/rabbitmq/inter_node_tls.config';
    expect(envOf(j, 'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS').value).toBe(args);
    expect(envOf(j, 'RABBITMQ_CTL_ERL_ARGS').value).toBe(args);
    const cm = j.resource.kubernetes_config_map_v1.server_conf.data['inter_node_tls.config'];
    expect(cm).toContain('{certfile, "/etc/rabbitmq-tls/tls.crt"}');
    const items = podSpecOf(j).volume.find((v: any) => v.name === 'rabbitmq-config').projected[0].sources[0].config_map[0].items;
    expect(items).toContainEqual({ key: 'inter_node_tls.config', path: 'inter_node_tls.config' });
    const noInterNode = synth(tlsSpec({}));
    expect(envOf(noInterNode, 'RABBITMQ_CTL_ERL_ARGS')).toBeUndefined();
    expect(noInterNode.resource.kubernetes_config_map_v1.server_conf.data['inter_node_tls.config']).toBeUndefined();
  });

  test('the consistency checker finds nothing wrong', () => {
    expect(checkKubernetesStack(j)).toEqual([]);
  });
});

describe('ports and probes', () => {
  test('tls.required (default): the container and both Services have AMQPS, HTTPS management and Prometheus, and no plain port', () => {
    const j = synth(tlsSpec({}));
    const c = rabbitContainer(j);
    expect(c.port.map((p: any) => [p.name, p.container_port])).toEqual([['epmd', 4369], ['amqps', 5671], ['management-tls', 15671], ['prometheus-tls', 15691], ['cluster-rpc', 25672]]);
    const headless = j.resource.kubernetes_service_v1.nodes.spec.port;
    const client = j.resource.kubernetes_service_v1.client.spec.port;
    expect(client.map((p: any) => [p.name, p.port, p.target_port, p.app_protocol])).toEqual([['amqps', 5671, 'amqps', 'amqps'], ['management-tls', 15671, 'management-tls', 'https']]);
    expect(portNumbers(headless)).toEqual([4369, 25672, 5671, 15671, 15691]);
    for (const p of PLAIN) expect([...portNumbers(c.port), ...portNumbers(headless), ...portNumbers(client)]).not.toContain(p);
    // Probes: readiness on AMQPS; the startup health check over HTTPS (the kubelet does not verify).
    expect(c.readiness_probe.tcp_socket).toEqual([{ port: 'amqps' }]);
    expect(c.startup_probe.http_get).toEqual({ path: '/api/health/checks/reached-target-cluster-size', port: 'management-tls', scheme: 'HTTPS' });
    // Prometheus annotations point at the HTTPS endpoint.
    expect(statefulSet(j).spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/port': '15691', 'prometheus.io/scheme': 'https' });
    expect(checkKubernetesStack(j)).toEqual([]);
  });

  test('tls.required false: plain and TLS ports side by side; probes stay on the plain ones', () => {
    const both = synth(tlsSpec({ required: false }, { loadBalancer: { kind: 'haproxy' } }));
    expect(checkKubernetesStack(both)).toEqual([]);
    // The checker compares the proxy's servers with the node's TLS or plain port: a wrong one is reported.
    const wrong = JSON.parse(JSON.stringify(both).split('.svc.cluster.local:5671').join('.svc.cluster.local:5999'));
    expect(checkKubernetesStack(wrong)).toContainEqual(expect.stringMatching(/sends pod rmq-server-0 to port 5999, not its amqp port 5672 or amqps port 5671/));
    const c = rabbitContainer(synth(tlsSpec({ required: false })));
    expect(portNumbers(c.port)).toEqual([4369, 5672, 15672, 15692, 5671, 15671, 15691, 25672]);
    expect(c.readiness_probe.tcp_socket).toEqual([{ port: 'amqp' }]);
    expect(c.startup_probe.http_get.scheme).toBe('HTTP');
  });

  test('management and Prometheus without TLS keep their plain ports even with tls.required', () => {
    const j = synth(tlsSpec({ management: false, prometheus: false }));
    expect(rabbitContainer(j).port.map((p: any) => p.name)).toEqual(['epmd', 'management', 'prometheus', 'amqps', 'cluster-rpc']);
    expect(rabbitContainer(j).startup_probe.http_get).toMatchObject({ port: 'management', scheme: 'HTTP' });
  });

  test('client certificates required on HTTPS management: the startup probe is the CLI (the kubelet has no client certificate)', () => {
    const c = rabbitContainer(synth(tlsSpec({ clientCertificates: 'required' })));
    expect(c.startup_probe.http_get).toBeUndefined();
    expect(c.startup_probe.exec.command.join(' ')).toContain("rabbitmqctl eval 'rabbit_nodes:reached_target_cluster_size().'");
    expect(rabbitContainer(synth(tlsSpec({ clientCertificates: 'optional' }))).startup_probe.http_get.scheme).toBe('HTTPS');
  });

  test('before 4.2.4 the startup probe is the CLI (over the distribution, TLS with interNode)', () => {
    const c = rabbitContainer(synth(tlsSpec({ interNode: true }, {}, '3.13.7')));
    expect(c.startup_probe.exec.command.join(' ')).toContain('rabbitmqctl eval');
    expect(c.lifecycle.pre_stop[0].exec.command[2]).toContain('rabbitmq-upgrade drain');
  });
});

describe('the load balancer with TLS', () => {
  test.each(['passthrough', 'terminate'] as const)('%s: its Secret, mount (0440, read-only) and TLS ports', (mode) => {
    const j = synth(tlsSpec({ loadBalancer: { mode } }, { loadBalancer: { kind: 'haproxy' } }));
    const secret = j.resource.kubernetes_secret_v1.load_balancer_tls;
    expect(Object.keys(secret.data).sort()).toEqual(mode === 'terminate' ? ['ca.crt', 'tls-combined.pem', 'tls.crt', 'tls.key'] : ['ca.crt']);
    if (mode === 'terminate') expect(secret.data['tls-combined.pem']).toBe('${tls_locally_signed_cert.tls_load_balancer.cert_pem}\n${tls_private_key.tls_load_balancer.private_key_pem}');
    const pod = j.resource.kubernetes_deployment_v1.load_balancer.spec.template.spec;
    expect(pod.volume.find((v: any) => v.name === 'tls').secret).toEqual({ secret_name: 'rmq-lb-tls', default_mode: '0440' });
    expect(pod.container[0].volume_mount).toContainEqual({ name: 'tls', mount_path: '/usr/local/etc/haproxy/tls', read_only: true });
    expect(j.resource.kubernetes_config_map_v1).toBeDefined();
    const cfg = j.resource.kubernetes_secret_v1.load_balancer_config.data['haproxy.cfg'];
    expect(cfg).toContain('/usr/local/etc/haproxy/tls/ca.crt');
    expect(pod.container[0].port.map((p: any) => [p.name, p.container_port])).toEqual([['amqp', 5671], ['management', 15671], ['stats', 8404]]);
    const svc = j.resource.kubernetes_service_v1.load_balancer.spec.port;
    expect(svc.map((p: any) => [p.port, p.app_protocol])).toEqual([[5671, 'amqps'], [15671, 'https']]);
    expect(j.resource.kubernetes_deployment_v1.load_balancer.depends_on).toContain('kubernetes_secret_v1.load_balancer_tls');
    expect(checkKubernetesStack(j)).toEqual([]);
  });
});

test('passthrough with client certificates: the proxy\'s Secret carries its own certificate (its checks present it)', () => {
  const j = synth(tlsSpec({ clientCertificates: 'required' }, { loadBalancer: { kind: 'haproxy' } }));
  expect(Object.keys(j.resource.kubernetes_secret_v1.load_balancer_tls.data).sort()).toEqual(['ca.crt', 'tls-combined.pem', 'tls.crt', 'tls.key']);
  expect(j.resource.kubernetes_secret_v1.load_balancer_config.data['haproxy.cfg']).toContain('crt /usr/local/etc/haproxy/tls/tls-combined.pem');
  // nginx passing TLS through opens no TLS connection of its own: the CA is all it gets.
  const nginx = synth(tlsSpec({ clientCertificates: 'required' }, { loadBalancer: { kind: 'nginx' } }));
  expect(Object.keys(nginx.resource.kubernetes_secret_v1.load_balancer_tls.data)).toEqual(['ca.crt']);
});

test('outputs and review endpoints name the TLS listeners (amqps, https), through the load balancer and per pod', () => {
  const j = synth(tlsSpec({}, { loadBalancer: { kind: 'haproxy' } }));
  expect(j.output.amqp_uri.value).toBe('amqps://rmq-lb.rabbitmq.svc:5671');
  expect(j.output.management_url.value).toBe('https://rmq-lb.rabbitmq.svc:15671/');
  expect(j.output.amqp_uris.value).toEqual([0, 1, 2].map((i) => `amqps://rmq-server-${i}.rmq-nodes.rabbitmq:5671`));
  expect(j.output.management_urls.value[0]).toBe('https://rmq-server-0.rmq-nodes.rabbitmq:15671/');
  const plainMgmt = synth(tlsSpec({ management: false }));
  expect(plainMgmt.output.management_urls.value[0]).toBe('http://rmq-server-0.rmq-nodes.rabbitmq:15672/');
});

describe('an existing Secret (tls.certificates.secret, cert-manager layout)', () => {
  const j = synth(tlsSpec({ certificates: { secret: { name: 'rmq-cert' } } }, { loadBalancer: { kind: 'nginx' } }));

  test('nothing is generated: no tls_* resource, no tls provider, no Secret of ours', () => {
    expect(Object.keys(j.resource).filter((t) => t.startsWith('tls_'))).toEqual([]);
    expect(j.terraform.required_providers.tls).toBeUndefined();
    expect(j.resource.kubernetes_secret_v1.server_tls).toBeUndefined();
    expect(j.resource.kubernetes_secret_v1.load_balancer_tls).toBeUndefined();
  });

  test('the pods mount it whole (a renewal reaches them) at the TLS directory, 0400 before fsGroup', () => {
    const vol = podSpecOf(j).volume.find((v: any) => v.name === 'rabbitmq-tls');
    expect(vol.secret).toEqual({ secret_name: 'rmq-cert', default_mode: '0400', items: [{ key: 'ca.crt', path: 'ca.crt' }, { key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }] });
    expect(rabbitContainer(j).volume_mount.filter((m: any) => m.name === 'rabbitmq-tls')).toEqual([{ name: 'rabbitmq-tls', mount_path: '/etc/rabbitmq-tls', read_only: true }]);
    expect(statefulSet(j).spec.template.metadata.annotations['rmq-ha/tls-ca-sha256']).toBeUndefined();
  });

  test('the workloads declare it as a Secret they expect to exist (the checker accepts it; it still reports any other missing Secret)', () => {
    expect(statefulSet(j).metadata.annotations).toEqual({ 'rmq-ha/external-secrets': 'rmq-cert' });
    expect(j.resource.kubernetes_deployment_v1.load_balancer.metadata.annotations).toEqual({ 'rmq-ha/external-secrets': 'rmq-cert' });
    const broken = JSON.parse(JSON.stringify(j));
    broken.resource.kubernetes_stateful_set_v1.server.metadata.annotations = {};
    expect(checkKubernetesStack(broken)).toContainEqual('kubernetes_stateful_set_v1.server: volume rabbitmq-tls refers to Secret rmq-cert, which the stack does not create in namespace rabbitmq');
  });

  test('local up refuses it with field, value and fix, before anything starts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-k8s-secret-'));
    try {
      const spec = path.join(dir, 's.json');
      fs.writeFileSync(spec, JSON.stringify(tlsSpec({ certificates: { secret: { name: 'rmq-cert' } } })));
      const r = runCli(['local', 'up', '--spec', spec, '--dir', path.join(dir, 'run')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/tls\.certificates\.secret: got \{"name":"rmq-cert"\}; a Kubernetes Secret .* cannot be read by local up; run locally with tls\.certificates \{ generate: \{\} \}/);
      expect(fs.existsSync(path.join(dir, 'run'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the load balancer (passthrough) gets only the CA from it', () => {
    const pod = j.resource.kubernetes_deployment_v1.load_balancer.spec.template.spec;
    expect(pod.volume.find((v: any) => v.name === 'tls').secret).toEqual({ secret_name: 'rmq-cert', default_mode: '0440', items: [{ key: 'ca.crt', path: 'ca.crt' }] });
    expect(pod.container[0].volume_mount).toContainEqual({ name: 'tls', mount_path: '/etc/nginx/tls', read_only: true });
    expect(checkKubernetesStack(j)).toEqual([]);
  });
});

describe('manifests (stackToManifests) with TLS', () => {
  test('the TLS Secrets and mounts convert: base64 data placeholders, octal modes, subPathExpr', () => {
    const m = stackToManifests(synth(tlsSpec({ interNode: true }, { loadBalancer: { kind: 'haproxy' } }))) as any[];
    const secret = m.find((x) => x.kind === 'Secret' && x.metadata.name === 'rmq-server-tls');
    expect(Object.keys(secret.data)).toContain('rmq-server-0.tls.key');
    const pod = m.find((x) => x.kind === 'StatefulSet').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'rabbitmq-tls').secret).toEqual({ secretName: 'rmq-server-tls', defaultMode: 0o400 });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'rabbitmq-tls', mountPath: '/etc/rabbitmq-tls/tls.key', subPathExpr: '$(MY_POD_NAME).tls.key', readOnly: true });
  });
});

test('without TLS nothing of it appears', () => {
  const j = synth(k8sSpec({ nodes: 3, loadBalancer: { kind: 'haproxy' } } as Partial<ClusterSpecInput>));
  expect(Object.keys(j.resource).filter((t) => t.startsWith('tls_'))).toEqual([]);
  expect(j.resource.kubernetes_secret_v1.server_tls).toBeUndefined();
  expect(podSpecOf(j).volume.find((v: any) => v.name === 'rabbitmq-tls')).toBeUndefined();
  expect(portNumbers(rabbitContainer(j).port)).toEqual([4369, 5672, 15672, 15692, 25672]);
});
