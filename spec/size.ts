import { z } from 'zod';

/** Byte sizes as operators write them: `512MiB`, `2GiB`, `2GB`, `10Gi`, or a plain number of bytes. */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1024,
  ki: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/** Parses a size into bytes, or returns undefined when it is not a size. */
export function parseSize(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.floor(input) : undefined;
  const m = SIZE_RE.exec(input);
  if (!m) return undefined;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(m[1]) * unit);
}

/** A size field: accepts the forms above and yields a number of bytes. */
export const sizeSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a size such as 512MiB, 2GiB, 2GB or a number of bytes' });
    return z.NEVER;
  }
  return bytes;
});

/** Kubernetes quantity for a byte count: whole Mi when possible. */
export function toKubernetesQuantity(bytes: number): string {
  const mi = 1024 ** 2;
  const gi = 1024 ** 3;
  if (bytes % gi === 0) return `${bytes / gi}Gi`;
  if (bytes % mi === 0) return `${bytes / mi}Mi`;
  return String(bytes);
}
