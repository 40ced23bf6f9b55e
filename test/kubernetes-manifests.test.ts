import {
  apiFieldFor,
  DROPPED_RESOURCE_ATTRIBUTES,
  FIELD_RENAMES,
  OPENAPI_SHAPES,
  placeholderFor,
  RESOURCE_DEFINITIONS,
  stackToAddressedManifests,
  stackToManifests,
  VALUE_CONVERSIONS,
} from '../constructs/kubernetes/manifests';
import { clone, k8sSpec, prodSpec, synthStack } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
const prod = synthStack(prodSpec(), 'prod');

describe('stackToManifests: prod.yaml', () => {
  const manifests = stackToManifests(prod.json) as any[];

  test('one object per kubernetes_* resource, in apply order (namespace first), from the JSON text too', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Namespace/rabbitmq-prod',
      'Secret/rmq-prod-default-user',
      'Secret/rmq-prod-erlang-cookie',
      'Secret/rmq-prod-server-secret-files',
      'ConfigMap/rmq-prod-server-conf',
      'Service/rmq-prod',
      'Service/rmq-prod-nodes',
      'StatefulSet/rmq-prod-server',
      'PodDisruptionBudget/rmq-prod-server-pdb',
    ]);
    expect(stackToManifests(prod.text)).toEqual(manifests);
    expect(manifests.map((m) => m.apiVersion)).toEqual(['v1', 'v1', 'v1', 'v1', 'v1', 'v1', 'v1', 'apps/v1', 'policy/v1']);
  });

  test('no Terraform or provider-only attribute is left', () => {
    const text = JSON.stringify(manifests);
    for (const key of ['"//"', 'depends_on', 'dependsOn', 'wait_for', 'waitFor', '"_', 'timeouts']) expect(text).not.toContain(key);
  });

  test('the StatefulSet: camelCase, plural lists, one-item blocks as objects, integers from the provider strings, octal modes', () => {
    const sts = manifests.find((m) => m.kind === 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } }, storageClassName: 'ssd' });
    const pod = sts.spec.template.spec;
    expect(pod.securityContext.fsGroup).toBe(999);
    expect(pod.containers[0].ports[0]).toEqual({ containerPort: 4369, name: 'epmd', protocol: 'TCP' });
    expect(pod.containers[0].readinessProbe.tcpSocket).toEqual({ port: 'amqp' });
    expect(pod.containers[0].lifecycle.preStop.exec.command[0]).toBe('/bin/sh');
    expect(pod.initContainers[0].volumeMounts[0]).toEqual({ mountPath: '/var/lib/rabbitmq', name: 'rabbitmq-home' });
    const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    expect(volumes['rabbitmq-home']).toEqual({ name: 'rabbitmq-home', emptyDir: {} });
    expect(volumes['erlang-cookie-secret'].secret.defaultMode).toBe(0o400);
    expect(volumes['rabbitmq-config'].projected.defaultMode).toBe(0o444);
    expect(volumes['rabbitmq-config'].projected.sources[1].secret.items[0].mode).toBe(0o400);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
  });

  test('Secret data is base64 (as the provider sends it); a variable becomes a placeholder of the right shape', () => {
    const cookie = manifests.find((m) => m.metadata.name === 'rmq-prod-erlang-cookie');
    expect(Buffer.from(cookie.data['.erlang.cookie'], 'base64').toString()).toBe('tf-var-rmq-prod-erlang-cookie');
    const files = manifests.find((m) => m.metadata.name === 'rmq-prod-server-secret-files');
    const definitions = JSON.parse(Buffer.from(files.data['definitions.json'], 'base64').toString());
    expect(definitions.users[0].password).toBe('tf-var-rmq-prod-admin-password');
  });

  test('PodDisruptionBudget maxUnavailable "1" is sent as the integer 1 (intstr), a named port stays a string', () => {
    expect(manifests.find((m) => m.kind === 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(manifests.find((m) => m.metadata.name === 'rmq-prod').spec.ports[0].targetPort).toBe('amqp');
  });

  test('addresses name the Terraform resources', () => {
    expect(stackToAddressedManifests(prod.json).map((e) => e.address)).toContain('kubernetes_stateful_set_v1.server');
  });
});

describe('stackToManifests: RBAC, load balancer, generated secrets', () => {
  const json = synthStack(k8sSpec({ loadBalancer: { kind: 'haproxy' } } as any, '4.0.9')).json;
  const byKind = (kind: string): any => (stackToManifests(json) as any[]).find((m) => m.kind === kind);

  test('Role rules, RoleBinding roleRef and subjects, ServiceAccount', () => {
    expect(byKind('Role').rules[0]).toEqual({ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] });
    expect(byKind('RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: byKind('Role').metadata.name });
    expect(byKind('RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: byKind('ServiceAccount').metadata.name, namespace: 'rabbitmq' }]);
  });

  test('the Deployment rolling update takes integers; a random password becomes a placeholder', () => {
    expect(byKind('Deployment').spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const secret = (stackToManifests(json) as any[]).find((m) => m.metadata.name === 'rmq-default-user');
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('tf-random-password-admin-password-result');
  });
});

describe('stackToManifests: interpolations, renames, errors (hand-made stacks)', () => {
  const stack = (resource: any): any => ({ resource: { kubernetes_namespace_v1: { ns: { metadata: { name: 'team-a' } } }, ...resource } });

  test("a reference to another resource's name takes that name; text keeps its literal $${ and gets placeholders", () => {
    const [, cm] = stackToManifests(
      stack({
        kubernetes_config_map_v1: {
          c: {
            metadata: { name: 'c', namespace: '${kubernetes_namespace_v1.ns.metadata[0].name}' },
            data: { a: 'ns=${kubernetes_namespace_v1.ns.metadata.0.name}', b: 'pw=${random_password.p.result} literal=$${HOME}' },
          },
        },
      }),
    ) as any[];
    expect(cm.metadata.namespace).toBe('team-a');
    expect(cm.data.a).toBe('ns=team-a');
    expect(cm.data.b).toBe('pw=tf-random-password-p-result literal=${HOME}');
  });

  test('an interpolated integer becomes an integer placeholder', () => {
    const out = stackToManifests(stack({ kubernetes_stateful_set_v1: { s: { metadata: { name: 's' }, spec: { replicas: '${var.nodes}', service_name: 'x' } } } })) as any[];
    expect(out[1].spec.replicas).toBe(1);
  });

  test('Secret binary_data is already base64 and joins data; data_wo is encoded like data', () => {
    const out = stackToManifests(stack({ kubernetes_secret_v1: { s: { metadata: { name: 's' }, data: { a: 'x' }, binary_data: { b: 'eQ==' }, data_wo: { c: 'z' }, data_wo_revision: 1 } } })) as any[];
    expect(out[1].data).toEqual({ a: 'eA==', b: 'eQ==', c: 'eg==' });
  });

  test('an unknown kubernetes_* type, or two blocks where the API takes one, is an error', () => {
    expect(() => stackToManifests(stack({ kubernetes_cron_job_v1: { j: { metadata: { name: 'j' } } } }))).toThrow(/kubernetes_cron_job_v1: no Kubernetes kind/);
    expect(() => stackToManifests(stack({ kubernetes_service_v1: { s: { metadata: [{ name: 'a' }, { name: 'b' }] } } }))).toThrow(/kubernetes_service_v1\.s\.metadata: 2 blocks/);
  });

  test('non-Kubernetes resources are ignored', () => {
    expect(stackToManifests({ resource: { random_password: { p: { length: 32 } } } })).toEqual([]);
  });

  test('placeholders are DNS labels', () => {
    expect(placeholderFor('var.Admin_Password')).toBe('tf-var-admin-password');
    expect(placeholderFor('x'.repeat(100))).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe('provider rules and the schema table', () => {
  test('names from the schema: camelCase, plural, case (client_ip -> clientIP), and the explicit renames', () => {
    expect(apiFieldFor('io.k8s.api.core.v1.ServiceSpec', 'port')).toBe('ports');
    expect(apiFieldFor('io.k8s.api.core.v1.PodSpec', 'topology_spread_constraint')).toBe('topologySpreadConstraints');
    expect(apiFieldFor('io.k8s.api.core.v1.PodSpec', 'toleration')).toBe('tolerations');
    expect(apiFieldFor('io.k8s.api.core.v1.SessionAffinityConfig', 'client_ip')).toBe('clientIP');
    expect(apiFieldFor('io.k8s.api.core.v1.ServiceSpec', 'external_ips')).toBe('externalIPs');
    expect(apiFieldFor('io.k8s.api.apps.v1.StatefulSetSpec', 'volume_claim_template')).toBe('volumeClaimTemplates');
    expect(apiFieldFor('io.k8s.api.core.v1.Secret', 'binary_data')).toBe('data');
    expect(apiFieldFor('io.k8s.api.core.v1.PodSpec', 'no_such_attribute')).toBeUndefined();
  });

  test('every rule has a reason and names a definition and field of the table', () => {
    for (const reason of Object.values(DROPPED_RESOURCE_ATTRIBUTES)) expect(reason.length).toBeGreaterThan(10);
    for (const [key, rule] of [...Object.entries(FIELD_RENAMES), ...Object.entries(VALUE_CONVERSIONS)]) {
      const definition = key.slice(0, key.lastIndexOf('.'));
      expect(OPENAPI_SHAPES.definitions[definition]).toBeDefined();
      expect(rule.reason.length).toBeGreaterThan(3);
      if ('field' in rule) expect(OPENAPI_SHAPES.definitions[definition].fields[rule.field]).toBeDefined();
    }
    for (const definition of Object.values(RESOURCE_DEFINITIONS)) expect(OPENAPI_SHAPES.definitions[definition]?.gvk).toBeDefined();
  });

  test('the converter does not change its input', () => {
    const before = clone(prod.json);
    stackToManifests(prod.json);
    expect(prod.json).toEqual(before);
  });
});
