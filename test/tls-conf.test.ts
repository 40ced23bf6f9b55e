/**
 * TLS in the rendered files, checked by their real consumers: rabbitmq.conf by RabbitMQ's own
 * parser (cuttlefish with the installed 3.10.8 schemas), haproxy.cfg by `haproxy -c` and nginx.conf
 * by `nginx -t` (Debian's binaries, with certificate files at the rendered paths); and the spec
 * refusals for certificate files that are missing, unreadable, not PEM, mismatched or expired.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localAddresses } from '../plan/addresses';
import { buildPlan } from '../plan/plan';
import { parseConf } from '../rabbitmq/rabbitmq-conf';
import { TLS_DEFAULTS_RULES } from '../rabbitmq/tls-defaults';
import { parseClusterSpec } from '../spec/parse';
import { loadSpecFile } from '../spec/load';
import { SpecError } from '../spec/errors';
import { createLocalCa, issueLocalCertificate, placeTlsFiles } from '../local/tls-certs';
import { runCli } from './helpers/cli';
import { installedSchemaKeyPatterns, parseWithCuttlefish } from './helpers/cuttlefish';
import { confOf, planFor } from './helpers/specs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-tls-conf-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const ca = createLocalCa(path.join(tmp, 'ca'), 'test CA', 2);
const cert = issueLocalCertificate(ca, path.join(tmp, 'node'), { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, 2);

describe('rabbitmq.conf with TLS', () => {
  test('TLS required: listeners.tcp = none, no plain management/Prometheus keys, AMQPS on 5671, HTTPS on 15671 and 15691', () => {
    const conf = confOf(planFor({ version: '3.10.8', tls: { enabled: true } }));
    expect(conf.get('listeners.tcp')).toBe('none');
    expect([...conf.keys()].filter((k) => /^(listeners\.tcp\.|management\.tcp\.|prometheus\.tcp\.)/.test(k))).toEqual([]);
    expect(conf.get('listeners.ssl.default')).toBe('5671');
    expect(conf.get('management.ssl.port')).toBe('15671');
    expect(conf.get('prometheus.ssl.port')).toBe('15691');
    expect(conf.get('ssl_options.certfile')).toBe('/etc/rabbitmq/tls/tls.crt');
    expect(conf.get('ssl_options.verify')).toBe('verify_none');
  });

  test('tls.required false keeps the plain listeners beside the TLS ones', () => {
    const conf = confOf(planFor({ version: '3.10.8', tls: { enabled: true, required: false } }));
    expect(conf.get('listeners.tcp.default')).toBe('5672');
    expect(conf.has('listeners.tcp')).toBe(false);
    expect(conf.get('listeners.ssl.default')).toBe('5671');
  });

  test('client certificates: required -> verify_peer + fail_if_no_peer_cert; optional -> verify_peer only', () => {
    const req = confOf(planFor({ tls: { enabled: true, clientCertificates: 'required' } }));
    expect([req.get('ssl_options.verify'), req.get('ssl_options.fail_if_no_peer_cert')]).toEqual(['verify_peer', 'true']);
    const opt = confOf(planFor({ tls: { enabled: true, clientCertificates: 'optional' } }));
    expect([opt.get('ssl_options.verify'), opt.get('ssl_options.fail_if_no_peer_cert')]).toEqual(['verify_peer', 'false']);
  });

  test('versions and ciphers: per release line by default (1.3 suites listed, or 1.3 could not be negotiated), the spec\'s when given', () => {
    for (const version of ['3.10.8', '4.3.4']) {
      const conf = confOf(planFor({ version, tls: { enabled: true } }));
      expect([conf.get('ssl_options.versions.1'), conf.get('ssl_options.versions.2'), conf.get('ssl_options.versions.3')]).toEqual(['tlsv1.3', 'tlsv1.2', undefined]);
      expect(conf.get('ssl_options.ciphers.1')).toBe('TLS_AES_256_GCM_SHA384');
    }
    expect(TLS_DEFAULTS_RULES.every((r) => r.reason.length > 40 && !r.ciphers.some((c) => /CBC|SHA$|RC4|3DES/.test(c)))).toBe(true);
    const own = confOf(planFor({ tls: { enabled: true, versions: ['tlsv1.2'], ciphers: ['ECDHE-ECDSA-AES256-GCM-SHA384'] } }));
    expect(own.get('ssl_options.versions.1')).toBe('tlsv1.2');
    expect(own.has('ssl_options.versions.2')).toBe(false);
    expect(own.has('ssl_options.ciphers.2')).toBe(false);
  });

  test('inter-node TLS: the options file authenticates both ways and every node gets its own', () => {
    const plan = planFor({ tls: { enabled: true, interNode: true } });
    const text = plan.nodes[1].interNodeTlsConfig!.content;
    expect(plan.nodes[1].interNodeTlsConfig!.path).toBe('/etc/rabbitmq/inter_node_tls.config');
    expect(text).toMatch(/\{server, \[[^\]]*\{verify, verify_peer\},\s*\{fail_if_no_peer_cert, true\}/);
    expect(text).toMatch(/\{client, \[[^\]]*\{verify, verify_peer\}/);
    expect(text).toContain('{certfile, "/etc/rabbitmq/tls/tls.crt"}');
    expect(planFor({ tls: { enabled: true } }).nodes[0].interNodeTlsConfig).toBeUndefined();
  });

  test('kubernetes: the pod\'s certificate files are under /etc/rabbitmq-tls (beside the read-only config volume), the same for every pod', () => {
    const plan = planFor({ target: 'kubernetes', nodes: 3, tls: { enabled: true, interNode: true } });
    for (const n of [0, 2]) {
      const conf = confOf(plan, n);
      expect([conf.get('ssl_options.cacertfile'), conf.get('ssl_options.certfile'), conf.get('ssl_options.keyfile')]).toEqual(['/etc/rabbitmq-tls/ca.crt', '/etc/rabbitmq-tls/tls.crt', '/etc/rabbitmq-tls/tls.key']);
      expect(conf.get('management.ssl.certfile')).toBe('/etc/rabbitmq-tls/tls.crt');
      expect(plan.nodes[n].interNodeTlsConfig!.content).toContain('{keyfile, "/etc/rabbitmq-tls/tls.key"}');
    }
    expect(plan.nodes[2].interNodeTlsConfig!.content).toBe(plan.nodes[0].interNodeTlsConfig!.content);
  });

  // The real parser: keys of the installed release with file keys pointing at real PEM files.
  const known = installedSchemaKeyPatterns();
  const variants = [
    ['3.10.8 docker, TLS required', { version: '3.10.8', tls: { enabled: true } }],
    ['3.10.8 docker, client certificates required, inter-node', { version: '3.10.8', tls: { enabled: true, clientCertificates: 'required' as const, interNode: true } }],
    ['3.10.8 plain listeners kept', { version: '3.10.8', tls: { enabled: true, required: false } }],
    ['4.3.4 docker, TLS', { version: '4.3.4', tls: { enabled: true } }],
    ['3.10.8 kubernetes, TLS required, inter-node, behind HAProxy', { version: '3.10.8', target: 'kubernetes' as const, loadBalancer: { kind: 'haproxy' as const }, tls: { enabled: true, interNode: true } }],
    ['4.3.4 kubernetes, client certificates optional', { version: '4.3.4', target: 'kubernetes' as const, tls: { enabled: true, clientCertificates: 'optional' as const } }],
  ] as const;
  const texts = variants.map(([, input]) => {
    const conf = parseConf(planFor(input).nodes[0].config.content);
    const lines = [...conf].map(([k, v]) => {
      const file = /cacertfile$/.test(k) ? ca.certFile : /certfile$/.test(k) ? cert.certFile : /keyfile$/.test(k) ? cert.keyFile : undefined;
      return `${k} = ${file ?? v}`;
    });
    return { unknown: lines.filter((l) => /^(listeners\.ssl|ssl_options|management\.ssl|prometheus\.ssl|listeners\.tcp)/.test(l) && !known.some((p) => p.test(l.split(' = ')[0]))), text: `${lines.filter((l) => known.some((p) => p.test(l.split(' = ')[0])) && !l.startsWith('definitions.local.path')).join('\n')}\n` };
  });
  const results = parseWithCuttlefish(texts.map((t) => t.text));
  test.each(variants.map(([name], i) => [name, i] as const))('cuttlefish (3.10.8 schemas) accepts every TLS key: %s', (_n, i) => {
    expect(texts[i].unknown).toEqual([]);
    expect(texts[i].text).toMatch(/ssl_options\.versions\.1 = tlsv1\.3/);
    expect(results[i]).toEqual({ ok: true });
  });
  test('the parser is real: it rejects a bad verify value and a missing certificate file', () => {
    const [badVerify, missing] = parseWithCuttlefish(['ssl_options.verify = verify_always\n', 'ssl_options.certfile = /nonexistent/tls.crt\n']);
    expect(badVerify.ok).toBe(false);
    expect(missing.ok).toBe(false);
  });
});

describe('load balancer configs with TLS, checked by haproxy -c and nginx -t', () => {
  const dir = path.join(tmp, 'lb');
  test.each([
    ['haproxy', 'passthrough'],
    ['haproxy', 'terminate'],
    ['nginx', 'passthrough'],
    ['nginx', 'terminate'],
  ] as const)('%s %s', (kind, mode) => {
    const spec = parseClusterSpec({ name: 'rmq', nodes: 2, loadBalancer: { kind }, tls: { enabled: true, clientCertificates: 'optional', loadBalancer: { mode } } });
    const ports = [0, 1].map((i) => ({ amqpPort: 21000 + i, managementPort: 22000 + i, prometheusPort: 23000 + i, distPort: 24000 + i, tlsPorts: { amqps: 25000 + i, management: 26000 + i, prometheus: 27000 + i } }));
    const lbDir = path.join(dir, `${kind}-${mode}`);
    const plan = buildPlan(spec, { addresses: localAddresses(spec, dir, ports), loadBalancerDir: lbDir });
    const lb = plan.loadBalancer!;
    const tlsLb = plan.tls!.loadBalancer!;
    placeTlsFiles({ ca: ca.certFile, cert: cert.certFile, key: cert.keyFile }, tlsLb.paths);
    fs.writeFileSync(tlsLb.combinedPath, fs.readFileSync(cert.certFile, 'utf8') + fs.readFileSync(cert.keyFile, 'utf8'));
    fs.writeFileSync(lb.config.path, lb.config.content.replace('{{secret:lb_stats_password}}', 'x'));
    const r =
      kind === 'haproxy'
        ? spawnSync('haproxy', ['-c', '-f', lb.config.path], { encoding: 'utf8', timeout: 20000 })
        : spawnSync('nginx', ['-t', '-c', lb.config.path, '-p', `${lbDir}/`, '-e', `${lbDir}/error.log`, '-g', 'daemon off;'], { encoding: 'utf8', timeout: 20000 });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[ALERT\]|emerg/);
    expect(r.status).toBe(0);
    const text = lb.config.content;
    if (mode === 'terminate') expect(text).toMatch(kind === 'haproxy' ? /bind 127\.0\.0\.1:5671 ssl crt .*tls-combined\.pem/ : /listen 127\.0\.0\.1:5671 ssl so_keepalive=on;/);
    else expect(text).not.toMatch(kind === 'haproxy' ? / ssl crt / : /ssl_certificate /);
    // Nodes are reached on their TLS ports only.
    expect(text).toContain(':25000');
    expect(text).not.toContain(':21000');
  });
});

describe('the Kubernetes HAProxy config with TLS, checked by haproxy -c', () => {
  test.each([
    ['passthrough', 'optional'],
    ['terminate', 'none'],
  ] as const)('%s, client certificates %s: valid with its TLS files (paths moved to a temporary folder), no user/group switch', (mode, clientCertificates) => {
    const plan = planFor({ target: 'kubernetes', nodes: 3, loadBalancer: { kind: 'haproxy' }, tls: { enabled: true, clientCertificates, loadBalancer: { mode } } });
    const lbTls = plan.tls!.loadBalancer!;
    const dir = path.join(tmp, `k8s-haproxy-${mode}`);
    const moved = { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'tls.crt'), key: path.join(dir, 'tls.key') };
    placeTlsFiles({ ca: ca.certFile, cert: cert.certFile, key: cert.keyFile }, moved);
    fs.writeFileSync(path.join(dir, 'tls-combined.pem'), fs.readFileSync(cert.certFile, 'utf8') + fs.readFileSync(cert.keyFile, 'utf8'));
    const text = plan.loadBalancer!.config.content;
    expect(text).not.toMatch(/^\s*(user|group) haproxy$/m); // the pod already runs as haproxy (99) and reads its files through fsGroup
    expect(text).toContain(mode === 'terminate' ? `ssl crt ${lbTls.combinedPath}` : `crt ${lbTls.combinedPath}`);
    // Node names do not resolve here: init-addr none, so the check makes no DNS query.
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, text.split(`${path.posix.dirname(lbTls.paths.ca)}/`).join(`${dir}/`).replace(/init-addr \S+/g, 'init-addr none').replace(/\/var\/lib\/haproxy/g, dir).replace('{{secret:lb_stats_password}}', 'x'));
    const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 20000 });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[ALERT\]/);
    expect(r.status).toBe(0);
  });
});

describe('certificate files named in the spec are checked when the spec is loaded', () => {
  const other = createLocalCa(path.join(tmp, 'other'), 'other CA', 2);
  const expired = issueLocalCertificate(ca, path.join(tmp, 'expired'), { dnsNames: ['rmq-0'], ipAddresses: [] }, -1);
  const specWith = (files: Record<string, string>): string => {
    const f = path.join(tmp, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, `name: rmq\ntls:\n  enabled: true\n  certificates:\n    files: ${JSON.stringify(files)}\n`);
    return f;
  };
  const messages = (file: string): string[] => {
    try {
      loadSpecFile(file);
      return [];
    } catch (e) {
      if (!SpecError.isSpecError(e)) throw e;
      return e.issues.map((i) => `${i.path}: ${i.message}`);
    }
  };
  const good = { caFile: ca.certFile, certFile: cert.certFile, keyFile: cert.keyFile };

  test('good files load, relative paths resolve against the spec file', () => {
    expect(messages(specWith(good))).toEqual([]);
    const spec = loadSpecFile(specWith({ caFile: 'ca/ca.crt', certFile: 'node/tls.crt', keyFile: 'node/tls.key' })).spec;
    expect(spec.tls.certificates).toEqual({ files: good });
  });
  test.each([
    ['missing', { ...good, certFile: path.join(tmp, 'nope.crt') }, /certFile: cannot read the file \(no such file\)/],
    ['a directory', { ...good, keyFile: tmp }, /keyFile: cannot read the file \(is a directory\)/],
    ['not PEM', { ...good, caFile: specWith(good) }, /caFile: is not a PEM certificate/],
    ['a key of another certificate', { ...good, keyFile: other.keyFile }, /keyFile: is not the private key of/],
    ['issued by another CA', { ...good, caFile: other.certFile }, /certFile: was not issued by the CA/],
    ['expired', { ...good, certFile: expired.certFile, keyFile: expired.keyFile }, /certFile: expired on /],
  ])('%s is refused with the field and the fix', (_name, files, message) => {
    expect(messages(specWith(files)).join('\n')).toMatch(message);
  });
  test('the CLI refuses it with exit 1 and the message, no stack trace', () => {
    const r = runCli(['validate', '--spec', specWith({ ...good, certFile: path.join(tmp, 'nope.crt') })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tls\.certificates\.files\.certFile: got ".*nope\.crt"; cannot read the file \(no such file\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  test('TLS on the kubernetes target is accepted; a terminating load balancer with an existing Secret is refused with field, value and fix', () => {
    expect(parseClusterSpec({ name: 'rmq', target: 'kubernetes', tls: { enabled: true } }).tls.enabled).toBe(true);
    expect(parseClusterSpec({ name: 'rmq', target: 'kubernetes', tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } } } }).tls.certificates).toEqual({ secret: { name: 'rmq-tls' } });
    expect(() =>
      parseClusterSpec({ name: 'rmq', target: 'kubernetes', loadBalancer: { kind: 'haproxy' }, tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } }, loadBalancer: { mode: 'terminate' } } }),
    ).toThrow(/tls\.loadBalancer\.mode: got "terminate"; a terminating load balancer needs a certificate of its own, which an existing Secret \(rmq-tls\) does not provide; use certificates \{ generate: \{\} \} or \{ files: .*\}, or mode passthrough/);
    expect(() =>
      parseClusterSpec({ name: 'rmq', target: 'kubernetes', loadBalancer: { kind: 'haproxy' }, tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } }, clientCertificates: 'optional' } }),
    ).toThrow(/tls\.clientCertificates: got "optional"; HAProxy's health checks must present a client certificate of their own, .*or clientCertificates: none, or loadBalancer\.kind nginx/);
    // nginx passing TLS through opens no TLS connection of its own.
    expect(parseClusterSpec({ name: 'rmq', target: 'kubernetes', loadBalancer: { kind: 'nginx' }, tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } }, clientCertificates: 'optional' } }).tls.clientCertificates).toBe('optional');
    // Plugin listeners (stream, MQTT, STOMP, Web MQTT/STOMP) have no TLS listener here: refused under tls.required.
    expect(() => parseClusterSpec({ name: 'rmq', target: 'kubernetes', rabbitmq: { plugins: ['rabbitmq_stream', 'rabbitmq_mqtt'] }, tls: { enabled: true } })).toThrow(
      /rabbitmq\.plugins: got \["rabbitmq_stream","rabbitmq_mqtt"\]; rabbitmq_stream \(port 5552\), rabbitmq_mqtt \(port 1883\) open plain listeners that tls does not cover.*set tls\.required: false/,
    );
    expect(parseClusterSpec({ name: 'rmq', rabbitmq: { plugins: ['rabbitmq_stream'] }, tls: { enabled: true, required: false } }).tls.required).toBe(false);
    // Without a load balancer nothing else needs a certificate.
    expect(parseClusterSpec({ name: 'rmq', target: 'kubernetes', loadBalancer: { kind: 'none' }, tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } }, clientCertificates: 'required' } }).tls.clientCertificates).toBe('required');
    expect(() => parseClusterSpec({ name: 'rmq', target: 'docker', tls: { enabled: true, certificates: { secret: { name: 'rmq-tls' } } } })).toThrow(/tls\.certificates\.secret: .*a Secret exists only on Kubernetes/);
  });
});
