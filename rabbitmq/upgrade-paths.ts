/**
 * Which version changes a running cluster can take as a rolling upgrade, as facts per release
 * line with the reason for each (RabbitMQ's "version upgradability" table and the feature-flag
 * guide). Pure data and one function; the review turns the answer into a procedure per target.
 */
import { compareVersions, formatVersion, parseVersion, type RabbitVersion } from '../spec/version';

/** One release line and the line(s) a rolling upgrade to it may start from. */
export interface UpgradeRule {
  /** The release line upgraded to, e.g. `4.3`. */
  readonly to: string;
  /** The release lines a rolling upgrade may start from. */
  readonly from: readonly string[];
  /** Lowest patch of a `from` line that may upgrade (older patches go to it first). */
  readonly minFromPatch?: string;
  /** What must hold before the first node runs the new version, and why. */
  readonly reason: string;
}

/**
 * Rolling upgrades skip no minor line (RabbitMQ's rolling-upgrade guide: "don't support skipping
 * versions, except patch releases"), and every line requires the feature flags of the line before
 * it to be enabled (a node of the new line refuses to start otherwise).
 */
export const UPGRADE_RULES: readonly UpgradeRule[] = [
  { to: '3.11', from: ['3.10'], reason: '3.11 makes every 3.8 feature flag required: clusters created on 3.8.9 or older must enable them first.' },
  {
    to: '3.12',
    from: ['3.11'],
    minFromPatch: '3.11.18',
    reason: '3.12 requires every 3.11 feature flag; classic_queue_type_delivery_support first ships in 3.11.18, so older 3.11 nodes go to 3.11.18 and enable it first.',
  },
  { to: '3.13', from: ['3.12'], reason: '3.13 requires every 3.12 feature flag enabled before the upgrade.' },
  {
    to: '4.0',
    from: ['3.13'],
    reason: '4.0 requires every 3.13 feature flag and removes classic queue mirroring (mirroring policies must be gone); a 3.13 cluster with khepri_db enabled has no in-place path.',
  },
  { to: '4.1', from: ['4.0'], reason: '4.1 requires every 4.0 feature flag enabled before the upgrade.' },
  { to: '4.2', from: ['4.1'], reason: '4.2 requires every feature flag of the line before it enabled before the upgrade.' },
  { to: '4.3', from: ['4.2'], reason: '4.3 upgrades only from 4.2.x and requires every stable 4.2 feature flag enabled first; its first node refuses to boot otherwise.' },
];

/** The verdict for one version change. */
export type UpgradeVerdict =
  | { readonly kind: 'same' }
  | { readonly kind: 'patch'; readonly from: string; readonly to: string }
  | { readonly kind: 'minor'; readonly from: string; readonly to: string; readonly rule: UpgradeRule }
  | { readonly kind: 'refused'; readonly from: string; readonly to: string; readonly why: string; readonly path: readonly string[] };

function line(v: RabbitVersion): string {
  return `${v.major}.${v.minor}`;
}

function ruleTo(l: string): UpgradeRule | undefined {
  return UPGRADE_RULES.find((r) => r.to === l);
}

/**
 * Is `from` -> `to` a rolling upgrade RabbitMQ supports? Refusals carry the path that works: the
 * release lines to pass through, one rolling upgrade each (`x.y.latest` stands for the newest
 * patch of a line, which is the one to pick).
 */
export function upgradeVerdict(fromText: string, toText: string): UpgradeVerdict {
  const from = parseVersion(fromText);
  const to = parseVersion(toText);
  if (!from || !to) throw new Error(`upgradeVerdict: bad version ${fromText} -> ${toText}`);
  const f = formatVersion(from);
  const t = formatVersion(to);
  const cmp = compareVersions(from, to);
  if (cmp === 0) return { kind: 'same' };
  if (cmp > 0) {
    return {
      kind: 'refused',
      from: f,
      to: t,
      why: 'RabbitMQ does not support downgrades: a node cannot read what a newer version wrote (schema, feature flags, quorum queue and stream state)',
      path: [`keep ${f}`, `or build a new ${t} cluster and move the traffic (blue-green)`],
    };
  }
  if (line(from) === line(to)) return { kind: 'patch', from: f, to: t };
  // Walk the rules back from the target line to the running one.
  const chain: UpgradeRule[] = [];
  let cur = line(to);
  for (let guard = 0; guard < 20 && cur !== line(from); guard++) {
    const r = ruleTo(cur);
    if (!r) break;
    chain.unshift(r);
    cur = r.from[0];
  }
  if (cur !== line(from)) {
    return { kind: 'refused', from: f, to: t, why: `no rolling upgrade path from the ${line(from)} line to ${line(to)} is known`, path: ['blue-green: a new cluster, then move the traffic'] };
  }
  const first = chain[0];
  const tooOldPatch = first.minFromPatch && compareVersions(from, parseVersion(first.minFromPatch)!) < 0 ? first.minFromPatch : undefined;
  if (chain.length === 1 && !tooOldPatch) return { kind: 'minor', from: f, to: t, rule: first };
  const path = [
    ...(tooOldPatch ? [tooOldPatch] : []),
    ...chain.slice(0, -1).map((r) => `${r.to}.latest`),
    t,
  ];
  const why = tooOldPatch
    ? `${first.to} upgrades only from ${first.minFromPatch} or later: ${first.reason}`
    : `rolling upgrades skip no release line (${f} -> ${t} skips ${chain.slice(0, -1).map((r) => r.to).join(', ')}); ${chain[chain.length - 1].reason}`;
  return { kind: 'refused', from: f, to: t, why, path };
}
