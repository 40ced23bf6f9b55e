/**
 * A private Docker engine for end-to-end runs: Debian's dockerd as root with its own data root,
 * exec root, pid file and socket under one state directory, an address pool of its own, published
 * ports on loopback only, and an egress firewall (private/firewall.ts) so no container traffic
 * leaves the machine. `engineDown` stops only the dockerd `engineUp` started (by its pid file) and
 * removes what it left: processes under its exec root, its cgroup, mounts, bridges, iptables rules.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureRules, forwardPolicy, removeDockerChains, removeOurRules, rulesInPlace, setForwardPolicy } from './private/firewall';
import { alive, cmdline, dockerApi, pidsMatching, readPid, run, sleep, terminate } from './private/sys';

/** Private range for every network of the engine (checked against the host's routes at start). */
export const ENGINE_POOL = '10.213.0.0/16';
/** The DNS server containers are given: in the pool, nothing answers there, and the firewall rejects it. */
export const ENGINE_DNS = '10.213.255.53';
/**
 * Parent cgroup of every container of the engine in `dir`, so leftovers of a killed engine can be
 * found; one per state directory, so no engine ever touches another's containers.
 */
function cgroupParent(dir: string): string {
  return `rmq-ha-engine-${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 8)}`;
}
/** Bounds of start and stop. */
const READY_TIMEOUT_MS = 30000;
const STOP_GRACE_MS = 30000;
const CONTAINER_STOP_SECONDS = 10;

/** Where the engine keeps its state. */
export interface EngineLayout {
  readonly dir: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly pidfile: string;
  readonly socket: string;
  readonly log: string;
  readonly stateFile: string;
}

/** What engineUp returns. */
export interface EngineInfo {
  readonly dockerHost: string;
  readonly socket: string;
  readonly pid: number;
  readonly version: string;
}

/** Host settings recorded before the first start, restored by engineDown. */
interface SavedHostState {
  readonly ipForward: string;
  readonly forwardPolicy: string;
  readonly dockerChainsBefore: boolean;
}

/** The layout under `dir` (default `$RMQ_HA_ENGINE_DIR`, else /var/lib/rmq-ha-engine). */
export function engineLayout(dir = process.env.RMQ_HA_ENGINE_DIR || '/var/lib/rmq-ha-engine'): EngineLayout {
  return {
    dir,
    dataRoot: path.join(dir, 'data'),
    execRoot: path.join(dir, 'exec'),
    pidfile: path.join(dir, 'dockerd.pid'),
    socket: path.join(dir, 'docker.sock'),
    log: path.join(dir, 'dockerd.log'),
    stateFile: path.join(dir, 'host-state.json'),
  };
}

/** The pid of the engine's dockerd when it runs (pid file, alive, and its command line is ours). */
export function enginePid(l: EngineLayout = engineLayout()): number | undefined {
  const pid = readPid(l.pidfile);
  if (pid === undefined || !alive(pid)) return undefined;
  const cmd = cmdline(pid);
  return cmd.includes('dockerd') && cmd.includes(`--data-root ${l.dataRoot}`) ? pid : undefined;
}

function dockerdArgs(l: EngineLayout): string[] {
  return [
    '--data-root', l.dataRoot,
    '--exec-root', l.execRoot,
    '--pidfile', l.pidfile,
    '-H', `unix://${l.socket}`,
    '--bridge=none',
    '--default-address-pool', `base=${ENGINE_POOL},size=24`,
    '--ip', '127.0.0.1',
    '--exec-opt', 'native.cgroupdriver=cgroupfs',
    '--cgroup-parent', `/${cgroupParent(l.dir)}`,
    '--iptables=true',
    '--userland-proxy=false',
    '--dns', ENGINE_DNS,
    // The embedded DNS gives no answer at all when its forward is rejected: without these a lookup
    // of an unknown name waits glibc's 2 x 5 s per query type (21 s for `getent hosts`); ~8 s now.
    // Names of containers are answered at once, as before.
    '--dns-opt', 'timeout:2',
    '--dns-opt', 'attempts:2',
  ];
}

async function engineVersion(socket: string): Promise<string | undefined> {
  try {
    const r = await dockerApi(socket, 'GET', '/version', undefined, 3000);
    return r.status === 200 ? (JSON.parse(r.body) as { Version: string }).Version : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the engine, or returns the running one (idempotent). Throws when it cannot start. */
export async function engineUp(l: EngineLayout = engineLayout()): Promise<EngineInfo> {
  if (process.getuid?.() !== 0) throw new Error('engine: dockerd must run as root');
  for (const bin of ['/usr/sbin/dockerd', '/usr/bin/containerd', '/usr/sbin/iptables']) {
    if (!fs.existsSync(bin)) throw new Error(`engine: ${bin} is missing (apt-get install docker.io iptables)`);
  }
  let pid = enginePid(l);
  if (pid === undefined) {
    fs.mkdirSync(l.dir, { recursive: true, mode: 0o700 });
    const others = otherDockerds(l).filter((p) => cmdline(p).includes(`base=${ENGINE_POOL}`));
    if (others.length > 0) {
      throw new Error(`engine: another engine's dockerd (pid ${others.join(', ')}: ${cmdline(others[0]).slice(0, 160)}) uses the pool ${ENGINE_POOL}; stop it with its own RMQ_HA_ENGINE_DIR first`);
    }
    await cleanLeftovers(l); // of a dockerd that died without engineDown
    await checkPoolIsFree();
    if (!fs.existsSync(l.stateFile)) {
      const saved: SavedHostState = {
        ipForward: fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
        forwardPolicy: await forwardPolicy(),
        dockerChainsBefore: (await run('iptables', ['-w', '5', '-S', 'DOCKER'])).code === 0,
      };
      fs.writeFileSync(l.stateFile, JSON.stringify(saved));
    }
    // Rules go in before dockerd starts: containers with a restart policy start with it.
    await ensureRules(ENGINE_POOL, ENGINE_DNS);
    pid = await startDockerd(l);
  }
  const version = await engineVersion(l.socket);
  if (version === undefined) throw new Error(`engine: dockerd (pid ${pid}) runs but ${l.socket} does not answer; see ${l.log}`);
  await ensureRules(ENGINE_POOL, ENGINE_DNS);
  // dockerd re-arranges FORWARD when a network is created: do it once, then check our rules again.
  const probe = await dockerApi(l.socket, 'POST', '/networks/create', { Name: 'rmq-ha-engine-probe', CheckDuplicate: true });
  if (probe.status === 201) await dockerApi(l.socket, 'DELETE', `/networks/${(JSON.parse(probe.body) as { Id: string }).Id}`);
  await ensureRules(ENGINE_POOL, ENGINE_DNS);
  if (!(await rulesInPlace(ENGINE_POOL, ENGINE_DNS))) throw new Error('engine: egress rules are not first in DOCKER-USER');
  return { dockerHost: `unix://${l.socket}`, socket: l.socket, pid, version };
}

async function startDockerd(l: EngineLayout): Promise<number> {
  fs.mkdirSync(l.dataRoot, { recursive: true, mode: 0o711 });
  fs.mkdirSync(l.execRoot, { recursive: true, mode: 0o700 });
  const out = fs.openSync(l.log, 'a');
  // Debian's containerd, runc, docker-init and docker-proxy, never another build on PATH.
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  delete env.DOCKER_HOST;
  // As docker.service does (LimitNOFILE=infinity): containers get ulimits up to dockerd's hard
  // limit only, and ours may be low (nodes ask nofile 65536). Raising a hard limit needs
  // CAP_SYS_RESOURCE, which a sandbox may withhold: each limit is raised only where that works.
  const nrOpen = fs.readFileSync('/proc/sys/fs/nr_open', 'utf8').trim();
  const limits: string[] = [];
  for (const lim of [`--nofile=${nrOpen}:${nrOpen}`, '--nproc=unlimited:unlimited', '--core=unlimited:unlimited']) {
    if ((await run('prlimit', [lim, '--', '/bin/true'])).code === 0) limits.push(lim);
  }
  const child = spawn('prlimit', [...limits, '--', '/usr/sbin/dockerd', ...dockerdArgs(l)], { detached: true, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited ${code ?? signal}`));
  child.unref();
  const pid = child.pid as number;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    if ((await engineVersion(l.socket)) !== undefined) return pid;
    await sleep(200);
  }
  const why = exited ?? `did not answer on ${l.socket} within ${READY_TIMEOUT_MS / 1000} s`;
  // A concurrent engineUp may have won the race for the pid file: use its dockerd.
  const winner = enginePid(l);
  if (winner !== undefined && winner !== pid) {
    for (let i = 0; i < READY_TIMEOUT_MS / 200; i++) {
      if ((await engineVersion(l.socket)) !== undefined) return winner;
      await sleep(200);
    }
  }
  await terminate(pid, 5000);
  await cleanLeftovers(l);
  const tail = fs.readFileSync(l.log, 'utf8').trim().split('\n').slice(-8).join('\n');
  throw new Error(`engine: dockerd ${why}; last lines of ${l.log}:\n${tail}`);
}

/** Refuses a pool that overlaps a route of the host other than the engine's own bridges. */
async function checkPoolIsFree(): Promise<void> {
  const routes = (await run('ip', ['-4', 'route', 'show'])).stdout.split('\n');
  const [pNet, pBits] = parseCidr(ENGINE_POOL);
  for (const r of routes) {
    const dst = r.split(' ')[0];
    if (!dst || dst === 'default' || / dev (br-|docker)/.test(r)) continue;
    const [net, bits] = parseCidr(dst.includes('/') ? dst : `${dst}/32`);
    const m = Math.min(bits, pBits);
    const mask = m === 0 ? 0 : (~0 << (32 - m)) >>> 0;
    if (((net & mask) >>> 0) === ((pNet & mask) >>> 0)) throw new Error(`engine: address pool ${ENGINE_POOL} overlaps the host route "${r.trim()}"`);
  }
}

function parseCidr(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const n = ip.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
  return [n, Number(bits ?? 32)];
}

/** True when `ip` (dotted) is in ENGINE_POOL. */
function inPool(ip: string): boolean {
  const [pNet, pBits] = parseCidr(ENGINE_POOL);
  const [n] = parseCidr(ip);
  const mask = (~0 << (32 - pBits)) >>> 0;
  return ((n & mask) >>> 0) === pNet;
}

/** Stops the engine's dockerd (only it, by its pid file) and removes everything it left. */
export async function engineDown(l: EngineLayout = engineLayout()): Promise<void> {
  const pid = enginePid(l);
  const bridges = new Set<string>();
  if (pid !== undefined) {
    try {
      const nets = JSON.parse((await dockerApi(l.socket, 'GET', '/networks')).body) as { Id: string; Driver: string; Options?: Record<string, string> }[];
      for (const n of nets) if (n.Driver === 'bridge') bridges.add(n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`);
      // dockerd's own shutdown waits for the longest stop timeout (RabbitMQ nodes: 120 s).
      const running = JSON.parse((await dockerApi(l.socket, 'GET', '/containers/json')).body) as { Id: string }[];
      await Promise.all(running.map((c) => dockerApi(l.socket, 'POST', `/containers/${c.Id}/stop?t=${CONTAINER_STOP_SECONDS}`, undefined, (CONTAINER_STOP_SECONDS + 10) * 1000).catch(() => undefined)));
    } catch {
      // an engine that does not answer is still stopped below
    }
    await terminate(pid, STOP_GRACE_MS);
  }
  await cleanLeftovers(l, bridges);
  // The rules are the same for every engine (one pool): they stay while another engine runs.
  if (otherDockerds(l).every((p) => !cmdline(p).includes(`base=${ENGINE_POOL}`))) await removeOurRules();
  const saved = readSaved(l);
  if (saved !== undefined) {
    const others = otherDockerds(l);
    if (!saved.dockerChainsBefore && others.length === 0) {
      await removeDockerChains(ENGINE_POOL);
      await setForwardPolicy(saved.forwardPolicy);
      fs.writeFileSync('/proc/sys/net/ipv4/ip_forward', `${saved.ipForward}\n`);
    }
    // Kept while another dockerd shares the chains, so a later engineDown restores the host.
    if (saved.dockerChainsBefore || others.length === 0) fs.rmSync(l.stateFile, { force: true });
  }
  fs.rmSync(l.pidfile, { force: true });
  fs.rmSync(l.socket, { force: true });
}

function readSaved(l: EngineLayout): SavedHostState | undefined {
  try {
    return JSON.parse(fs.readFileSync(l.stateFile, 'utf8')) as SavedHostState;
  } catch {
    return undefined;
  }
}

/** Live dockerd processes other than the one of layout `l` (by pid file). */
function otherDockerds(l: EngineLayout): number[] {
  const own = enginePid(l);
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === own) continue;
    if (comm(Number(e)) === 'dockerd' && alive(Number(e))) out.push(Number(e));
  }
  return out;
}

/** True when some live dockerd runs with this layout's data root (pid file or not). */
function ownDockerdRuns(l: EngineLayout): boolean {
  return pidsMatching(`--data-root ${l.dataRoot} `).some((p) => comm(p) === 'dockerd' && alive(p));
}

/**
 * What a stopped (or killed) engine may leave: containerd and shims started with our exec root,
 * container processes in our cgroup, mounts under the state directory, bridges with pool addresses.
 */
async function cleanLeftovers(l: EngineLayout, bridges: ReadonlySet<string> = new Set()): Promise<void> {
  if (enginePid(l) !== undefined || ownDockerdRuns(l)) return;
  const othersRun = otherDockerds(l).length > 0;
  // containerd and its shims carry the exec root in their command line (--config, -address).
  const ours = pidsMatching(`${l.execRoot}/`).filter((p) => /^containerd/.test(comm(p)));
  await Promise.all(ours.map((p) => terminate(p, 5000)));
  for (const ctl of safeReaddir('/sys/fs/cgroup')) {
    const base = path.join('/sys/fs/cgroup', ctl, cgroupParent(l.dir));
    if (!fs.existsSync(base)) continue;
    for (const sub of [...safeReaddir(base).filter((d) => fs.statSync(path.join(base, d)).isDirectory()).map((d) => path.join(base, d)), base]) {
      for (const p of readProcs(sub)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
      for (let i = 0; i < 20 && readProcs(sub).length > 0; i++) await sleep(100);
      try {
        fs.rmdirSync(sub);
      } catch {
        // still busy or not empty: left for the next run
      }
    }
  }
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m): m is string => m !== undefined && (m === l.dir || m.startsWith(`${l.dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    if ((await run('umount', [m])).code !== 0) await run('umount', ['-l', m]);
  }
  const addrs = (await run('ip', ['-o', '-4', 'addr', 'show'])).stdout.split('\n');
  const names = new Set(bridges);
  for (const a of addrs) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(a);
    // Bridges found by address only while no other dockerd runs (it could own them).
    if (m && !othersRun && inPool(m[2]) && /^(br-[0-9a-f]{12}|docker0)$/.test(m[1])) names.add(m[1]);
  }
  for (const n of names) {
    if ((await run('ip', ['link', 'show', n])).code === 0) await run('ip', ['link', 'delete', n]);
  }
}

function comm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function readProcs(cgroupDir: string): number[] {
  try {
    return fs.readFileSync(path.join(cgroupDir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Whether the engine runs, with its pid and whether the egress rules are in place. */
export async function engineStatus(l: EngineLayout = engineLayout()): Promise<{ running: boolean; pid?: number; rules: boolean; dockerHost: string }> {
  const pid = enginePid(l);
  return { running: pid !== undefined, pid, rules: await rulesInPlace(ENGINE_POOL, ENGINE_DNS), dockerHost: `unix://${l.socket}` };
}
