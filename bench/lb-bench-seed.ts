/** The seed chapter's load balancer configs (bench/fixtures/seed-*), filled in for the benchmark's nodes and ports. */
import * as fs from 'fs';
import * as path from 'path';
import type { LoadBalancerLaunch, LocalNodeState } from '../local';

/** bench/fixtures, from the sources (ts-node) or from dist/bench (npm run bench). */
export function fixturesDir(): string {
  for (const candidate of [path.join(__dirname, 'fixtures'), path.resolve(__dirname, '../../bench/fixtures')]) {
    if (fs.existsSync(path.join(candidate, 'seed-haproxy.cfg'))) return candidate;
  }
  throw new Error(`bench/fixtures/seed-haproxy.cfg not found next to ${__dirname}`);
}

/** A seed fixture with its `{{...}}` placeholders filled in. */
export function seedLaunch(name: 'seed-haproxy' | 'seed-nginx', dir: string, nodes: readonly LocalNodeState[], ports: { amqp: number; management: number }): LoadBalancerLaunch {
  const kind = name === 'seed-haproxy' ? 'haproxy' : 'nginx';
  const file = kind === 'haproxy' ? 'seed-haproxy.cfg' : 'seed-nginx.conf';
  const runtimeDir = path.join(dir, `lb-${name}`);
  const values: Record<string, string> = { LB_AMQP_PORT: String(ports.amqp), LB_MANAGEMENT_PORT: String(ports.management), RUNTIME_DIR: runtimeDir };
  nodes.forEach((n, i) => {
    values[`NODE_${i + 1}_AMQP_PORT`] = String(n.amqpPort);
    values[`NODE_${i + 1}_MANAGEMENT_PORT`] = String(n.managementPort);
  });
  const config = fs.readFileSync(path.join(fixturesDir(), file), 'utf8').replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${file}: no value for {{${key}}}`);
    return value;
  });
  return { name, kind, config, configPath: path.join(runtimeDir, file), runtimeDir, host: '127.0.0.1', amqpPort: ports.amqp };
}
