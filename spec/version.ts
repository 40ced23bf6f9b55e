/** RabbitMQ versions as numbers we can compare; the version decides which config keys are legal. */
export interface RabbitVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION_RE = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/** The oldest and newest release lines whose config key sets this toolkit knows. */
export const OLDEST_SUPPORTED = '3.10';
export const NEWEST_SUPPORTED = '4.3';

export function parseVersion(text: string): RabbitVersion | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

/** True for a release line written without its patch (`4.3`): as an image tag it follows every patch release. */
export function isReleaseLineOnly(text: string): boolean {
  const m = VERSION_RE.exec(text.trim());
  return m !== null && m[3] === undefined;
}

export function compareVersions(a: RabbitVersion, b: RabbitVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** True when `v` is at least `min` (e.g. `atLeast(v, '4.0')`). */
export function atLeast(v: RabbitVersion, min: string): boolean {
  const m = parseVersion(min);
  if (!m) throw new Error(`bad version literal ${min}`);
  return compareVersions(v, m) >= 0;
}

export function formatVersion(v: RabbitVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** True when the version's release line is one whose keys we render (3.10 .. 4.3). */
export function isSupportedLine(v: RabbitVersion): boolean {
  return atLeast(v, OLDEST_SUPPORTED) && !atLeast(v, nextLine(NEWEST_SUPPORTED));
}

function nextLine(line: string): string {
  const v = parseVersion(line)!;
  return `${v.major}.${v.minor + 1}`;
}
