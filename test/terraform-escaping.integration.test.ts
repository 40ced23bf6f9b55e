import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { parseClusterSpec } from '../spec/parse';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { testApp } from './helpers/app';

/**
 * The escaping rule against the real consumer: strings of a synthesized stack that carry user
 * payloads are handed to `terraform console` (as locals of a JSON configuration, which Terraform
 * reads as templates exactly like resource arguments) and must come back as the literal text the
 * user wrote, with nothing evaluated. No provider is needed for locals.
 */
const PAYLOAD = '${file("/etc/passwd")}';
const DIRECTIVE = '%{ if true }yes%{ endif }';
const ESCAPED = '$${kept}';

describe('terraform console reads escaped spec strings back literally', () => {
  test('kubeconfig path, annotations, labels keys and values, queue names, descriptions', () => {
    const spec = parseClusterSpec({
      name: 'r',
      target: 'kubernetes',
      kubernetes: { provider: { configPath: `/tmp/${PAYLOAD}`, configContext: DIRECTIVE }, podAnnotations: { 'example.com/a': ESCAPED } },
      topology: { vhosts: [{ name: '/', description: `d ${PAYLOAD} ${DIRECTIVE} ${ESCAPED}` }], queues: [{ name: `q${PAYLOAD}`, type: 'quorum' }] },
    });
    const json = JSON.parse(Testing.synth(new RabbitMqClusterStack(testApp(), 'escape', { spec }))) as unknown;
    const found: string[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        // Strings that also hold the toolkit's own references (a secret token) need a provider: left out here.
        if (/(^|[^$])\$\{(random_password|var|kubernetes_|docker_)/.test(v)) return;
        if (v.includes('file(') || v.includes('endif') || v.includes('kept')) found.push(v);
      } else if (Array.isArray(v)) v.forEach(visit);
      else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) visit(x);
    };
    visit(json);
    expect(found.length).toBeGreaterThanOrEqual(4);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-tf-console-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ locals: { values: found } }));
      const r = spawnSync('terraform', ['console'], { cwd: dir, input: 'jsonencode(local.values)\n', encoding: 'utf8', timeout: 60000, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
      expect(r.status).toBe(0);
      const back = JSON.parse(JSON.parse(r.stdout.trim()) as string) as string[];
      // Terraform undoes exactly the escaping: what it evaluates is the text the user wrote.
      expect(back).toEqual(found.map((s) => s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')));
      const all = back.join('\n');
      expect(all).toContain(`/tmp/${PAYLOAD}`);
      expect(all).toContain(DIRECTIVE);
      expect(all).toContain(ESCAPED);
      expect(all).not.toContain('root:x:0:0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
