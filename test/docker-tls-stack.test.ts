/**
 * The Docker stack with TLS: what the snapshot of environments/secure.yaml (docker-stack.test.ts)
 * holds, asserted on the facts that matter. Terraform itself checks the same JSON in
 * terraform-validate.integration.test.ts (docker 4.6.0 and tls 4.1.0 built from the Go module proxy).
 */
import { Testing } from 'cdktf';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import type { ClusterSpecInput } from '../spec/cluster';
import { testApp } from './helpers/app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(spec: ClusterSpecInput): Json {
  return JSON.parse(Testing.synth(new RabbitMqClusterStack(testApp(), 'test', { spec }), true)) as Json;
}

const base: ClusterSpecInput = { name: 'rmq', nodes: 3, tls: { enabled: true, interNode: true } };

describe('Docker stack with TLS', () => {
  const s = synth(base);
  const nodes = Object.entries(s.resource.docker_container).filter(([k]) => k.startsWith('node_')).map(([, c]) => c as Json);
  const lb = s.resource.docker_container.load_balancer as Json;

  test('hashicorp/tls 4.1.0 (what @cdktf/provider-tls 11.0.1 names) makes a CA and one certificate per node and for the load balancer', () => {
    expect(s.terraform.required_providers.tls).toEqual({ source: 'hashicorp/tls', version: '4.1.0' });
    expect(Object.keys(s.resource.tls_self_signed_cert)).toEqual(['tls_ca']);
    expect(s.resource.tls_self_signed_cert.tls_ca.is_ca_certificate).toBe(true);
    expect(Object.keys(s.resource.tls_locally_signed_cert).sort()).toEqual(['tls_load_balancer', 'tls_node_0', 'tls_node_1', 'tls_node_2']);
    expect(s.resource.tls_cert_request.tls_node_1.dns_names).toEqual(['rmq-1', 'rmq-nodes', 'localhost']);
    expect(s.resource.tls_cert_request.tls_node_1.ip_addresses).toEqual(['127.0.0.1']);
    expect(s.resource.tls_locally_signed_cert.tls_node_0.allowed_uses).toEqual(expect.arrayContaining(['server_auth', 'client_auth']));
  });

  test('the CA certificate clients verify with is an output (not sensitive); a stack without TLS has none', () => {
    expect(s.output.tls_ca_certificate).toEqual(expect.objectContaining({ value: '${tls_self_signed_cert.tls_ca.cert_pem}' }));
    expect(s.output.tls_ca_certificate.sensitive).toBeUndefined();
    expect(synth({ name: 'rmq', nodes: 3 }).output.tls_ca_certificate).toBeUndefined();
  });

  test('TLS material is uploaded root-only and installed owner-only for rabbitmq', () => {
    for (const c of nodes) {
      const tlsUploads = (c.upload as Json[]).filter((u) => /tls-/.test(u.file));
      expect(tlsUploads.map((u) => u.permissions)).toEqual(['0400', '0400', '0400']);
      expect(tlsUploads.find((u) => u.file.endsWith('tls-tls.key'))!.content).toContain('tls_private_key.tls_node_');
      expect(c.entrypoint[2]).toContain('install -D -o rabbitmq -g rabbitmq -m 0400 /etc/rabbitmq/rmq-ha/tls-tls.key /etc/rabbitmq/tls/tls.key');
    }
    expect((lb.upload as Json[]).filter((u) => u.file.includes('/tls/')).map((u) => u.permissions)).toEqual(['0400']);
    expect(lb.user).toBe('root');
  });

  test('published node ports lead to the TLS listeners; inter-node ports are never published', () => {
    for (const [i, c] of nodes.entries()) {
      expect((c.ports as Json[]).map((p) => [p.internal, p.external])).toEqual([[5671, 5673 + i], [15671, 15673 + i]]);
    }
    const published = [...nodes, lb].flatMap((c) => (c.ports as Json[]).map((p) => p.internal));
    for (const p of [4369, 25672, 35672, 5672, 15672]) expect(published).not.toContain(p);
    expect((lb.ports as Json[]).map((p) => p.internal)).toEqual([5671, 15671, 8404]);
  });

  test('inter-node TLS: the server and the CLI tools get -proto_dist inet_tls; every node carries the shared alias', () => {
    for (const c of nodes) {
      expect(c.env).toContain('RABBITMQ_CTL_ERL_ARGS=-proto_dist inet_tls -ssl_dist_optfile /etc/rabbitmq/inter_node_tls.config');
      expect(c.env).toContain('RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-proto_dist inet_tls -ssl_dist_optfile /etc/rabbitmq/inter_node_tls.config');
      expect(c.networks_advanced[0].aliases).toContain('rmq-nodes');
      expect((c.upload as Json[]).some((u) => u.file === '/etc/rabbitmq/inter_node_tls.config')).toBe(true);
    }
  });

  test('certificates from files: read by Terraform with file(), the key marked sensitive, no tls provider', () => {
    const f = synth({ ...base, tls: { enabled: true, certificates: { files: { caFile: '/pki/ca.crt', certFile: '/pki/tls.crt', keyFile: '/pki/tls.key' } } } });
    expect(f.terraform.required_providers.tls).toBeUndefined();
    const key = (f.resource.docker_container.node_0.upload as Json[]).find((u) => u.file.endsWith('tls-tls.key'))!;
    expect(key.content).toBe('${sensitive(file("/pki/tls.key"))}');
  });

  test('passthrough with client certificates: the proxy gets its own certificate too (HAProxy presents it on its checks)', () => {
    const withClientCerts = synth({ ...base, tls: { enabled: true, clientCertificates: 'optional' } });
    const files = (withClientCerts.resource.docker_container.load_balancer.upload as Json[]).map((u) => u.file).filter((f: string) => f.includes('/tls/'));
    expect(files).toEqual(['/usr/local/etc/haproxy/tls/ca.crt', '/usr/local/etc/haproxy/tls/tls.crt', '/usr/local/etc/haproxy/tls/tls.key', '/usr/local/etc/haproxy/tls/tls-combined.pem']);
    expect(withClientCerts.resource.docker_container.load_balancer.upload.find((u: Json) => u.file.endsWith('tls-combined.pem')).permissions).toBe('0400');
    const cfg = (withClientCerts.resource.docker_container.load_balancer.upload as Json[]).find((u) => u.file.endsWith('haproxy.cfg'))!.content as string;
    expect(cfg).toContain('crt /usr/local/etc/haproxy/tls/tls-combined.pem');
  });

  test('without TLS nothing of it appears', () => {
    const plain = synth({ name: 'rmq', nodes: 3 });
    expect(plain.resource.tls_private_key).toBeUndefined();
    expect(plain.terraform.required_providers.tls).toBeUndefined();
    expect(plain.resource.docker_container.load_balancer.user).toBeUndefined();
  });
});
