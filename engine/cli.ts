/**
 * `npm run e2e:engine -- up|down|status`. `up` prints the engine and its firewall, and as its last
 * line exactly `DOCKER_HOST=unix://<socket>` (the same whether it started the engine or found it).
 */
import { ENGINE_DNS, ENGINE_POOL, engineDown, engineLayout, engineStatus, engineUp } from './index';

async function main(cmd: string | undefined): Promise<number> {
  const l = engineLayout();
  switch (cmd) {
    case 'up': {
      const e = await engineUp(l);
      console.log(`engine: dockerd ${e.version} running (pid ${e.pid}), state in ${l.dir}, log ${l.log}`);
      console.log(`engine: networks from ${ENGINE_POOL}; DOCKER-USER drops ${ENGINE_POOL} -> anything else; DNS ${ENGINE_DNS} rejected`);
      console.log(`DOCKER_HOST=${e.dockerHost}`);
      return 0;
    }
    case 'down':
      await engineDown(l);
      console.log(`engine: stopped; no dockerd, containerd, rule, bridge or mount of ${l.dir} left`);
      return 0;
    case 'status': {
      const s = await engineStatus(l);
      console.log(s.running ? `engine: running (pid ${s.pid}); egress rules ${s.rules ? 'in place' : 'MISSING'}` : `engine: not running${s.rules ? ' (egress rules still in place)' : ''}`);
      if (s.running) console.log(`DOCKER_HOST=${s.dockerHost}`);
      return s.running ? 0 : 3;
    }
    default:
      console.error('usage: npm run e2e:engine -- up|down|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
