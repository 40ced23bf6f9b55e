/**
 * The engine's egress firewall: in DOCKER-USER (the chain dockerd leaves to the admin, jumped to
 * first from FORWARD) every packet from the engine's address pool to anything outside the pool is
 * dropped, and the unreachable DNS address the engine hands its containers is rejected so a lookup
 * of an unknown name fails at once instead of leaving the machine. Rules carry a comment so `down`
 * removes exactly these.
 */
import { must, run } from './sys';

export const RULE_COMMENT = 'rmq-ha-engine';
const USER_CHAIN = 'DOCKER-USER';

const ipt = (args: readonly string[]) => run('iptables', ['-w', '5', ...args], { timeoutMs: 20000 });
const mustIpt = (args: readonly string[]) => must('iptables', ['-w', '5', ...args], { timeoutMs: 20000 });

/** The rules, in the order they must head DOCKER-USER (as `iptables -S` prints them, minus `-A CHAIN`). */
export function egressRules(pool: string, dns: string): string[][] {
  const c = ['-m', 'comment', '--comment', RULE_COMMENT];
  return [
    ['-s', pool, '-d', `${dns}/32`, ...c, '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'],
    ['-s', pool, '!', '-d', pool, ...c, '-j', 'DROP'],
  ];
}

/** `iptables -S CHAIN` lines ([] when the chain does not exist). */
export async function chainRules(chain: string, table = 'filter'): Promise<string[]> {
  const r = await ipt(['-t', table, '-S', chain]);
  return r.code === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('-A ')) : [];
}

export async function chainExists(chain: string, table = 'filter'): Promise<boolean> {
  return (await ipt(['-t', table, '-S', chain])).code === 0;
}

/** True when DOCKER-USER starts with exactly our rules and FORWARD's first rule jumps to it. */
export async function rulesInPlace(pool: string, dns: string): Promise<boolean> {
  const user = await chainRules(USER_CHAIN);
  const forward = await chainRules('FORWARD');
  const want = egressRules(pool, dns);
  if (forward[0] !== `-A FORWARD -j ${USER_CHAIN}`) return false;
  return want.every((rule, i) => user[i] !== undefined && sameRule(user[i], rule));
}

/** iptables prints `-d 10.0.0.1/32` and the comment unquoted: compare loosely on tokens. */
function sameRule(line: string, rule: readonly string[]): boolean {
  const norm = (s: string) => s.replace(/"/g, '').split(/\s+/).filter(Boolean).join(' ');
  return norm(line.replace(/^-A \S+ /, '')) === norm(rule.join(' '));
}

/**
 * Makes DOCKER-USER exist, jumped to first from FORWARD, and headed by our rules (re-inserted
 * when anything moved them). Safe to call before dockerd runs and any number of times after.
 */
export async function ensureRules(pool: string, dns: string): Promise<void> {
  if (await rulesInPlace(pool, dns)) return;
  if (!(await chainExists(USER_CHAIN))) await mustIpt(['-N', USER_CHAIN]);
  await removeOurRules();
  const want = egressRules(pool, dns);
  for (let i = want.length - 1; i >= 0; i--) await mustIpt(['-I', USER_CHAIN, '1', ...want[i]]);
  const forward = await chainRules('FORWARD');
  if (forward[0] !== `-A FORWARD -j ${USER_CHAIN}`) {
    while ((await ipt(['-D', 'FORWARD', '-j', USER_CHAIN])).code === 0) {
      // remove every other jump first, then put one at the top
    }
    await mustIpt(['-I', 'FORWARD', '1', '-j', USER_CHAIN]);
  }
  if (!(await rulesInPlace(pool, dns))) {
    throw new Error(`firewall: could not put the egress rules first in ${USER_CHAIN}:\n${(await chainRules(USER_CHAIN)).join('\n')}`);
  }
}

/** Deletes every rule carrying our comment, in any chain of the filter table. */
export async function removeOurRules(): Promise<void> {
  const all = await ipt(['-S']);
  for (const line of all.stdout.split('\n')) {
    if (!line.startsWith('-A ') || !line.includes(RULE_COMMENT)) continue;
    await ipt(['-D', ...splitRule(line.slice(3))]);
  }
}

/** Splits an `iptables -S` line into arguments (quoted comments stay one argument). */
export function splitRule(line: string): string[] {
  return (line.match(/"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/^"|"$/g, ''));
}

/**
 * Removes what dockerd leaves in iptables after it exits (its DOCKER* chains, the jumps to them,
 * rules for the pool or its bridges) — only called when no other dockerd runs and the chains did
 * not exist before the engine started.
 */
export async function removeDockerChains(pool: string): Promise<void> {
  const prefix = pool.split('.').slice(0, 2).join('.') + '.';
  for (const table of ['filter', 'nat']) {
    const all = await ipt(['-t', table, '-S']);
    const lines = all.stdout.split('\n');
    for (const line of lines) {
      if (!line.startsWith('-A ')) continue;
      const chain = line.split(' ')[1];
      if (chain.startsWith('DOCKER')) continue; // flushed with its chain below
      // Jumps to its chains, NAT for the pool, and the per-network rules of its bridges (br-<id>).
      if (/-j DOCKER/.test(line) || line.includes(` ${prefix}`) || / br-[0-9a-f]{12}( |$)/.test(line)) {
        await ipt(['-t', table, '-D', ...splitRule(line.slice(3))]);
      }
    }
    const chains = lines.filter((l) => l.startsWith('-N DOCKER')).map((l) => l.slice(3).trim());
    for (const ch of chains) await ipt(['-t', table, '-F', ch]);
    for (const ch of chains) await ipt(['-t', table, '-X', ch]);
  }
}

/** The FORWARD chain's policy (ACCEPT/DROP). */
export async function forwardPolicy(): Promise<string> {
  const r = await ipt(['-S', 'FORWARD']);
  return /^-P FORWARD (\S+)/m.exec(r.stdout)?.[1] ?? 'ACCEPT';
}

export async function setForwardPolicy(policy: string): Promise<void> {
  await ipt(['-P', 'FORWARD', policy]);
}
