import type { RabbitVersion } from '../version';

/**
 * Highest patch of each release line known to the toolkit, from the GitHub releases of
 * rabbitmq/rabbitmq-server. `final`: the line's last open-source release (end of community
 * support); otherwise the newest this table knows (4.2.10 and 4.3.4 are the versions this project
 * runs). Patches are released in sequence from .0. A spec naming a higher patch gets a warning
 * (a typo, or a release newer than this table): the image `rabbitmq:<version>` may not exist.
 */
export const HIGHEST_KNOWN_PATCH: Readonly<Record<string, { readonly patch: number; readonly final: boolean }>> = {
  '3.10': { patch: 25, final: true },
  '3.11': { patch: 28, final: true },
  '3.12': { patch: 14, final: true },
  '3.13': { patch: 7, final: true },
  '4.0': { patch: 9, final: true },
  '4.1': { patch: 4, final: false },
  '4.2': { patch: 10, final: false },
  '4.3': { patch: 4, final: false },
};

/** The nearest known release when `v` names a patch the table does not know, else undefined. */
export function unknownPatch(v: RabbitVersion): { readonly nearest: string; readonly final: boolean } | undefined {
  const top = HIGHEST_KNOWN_PATCH[`${v.major}.${v.minor}`];
  if (top === undefined || v.patch <= top.patch) return undefined;
  return { nearest: `${v.major}.${v.minor}.${top.patch}`, final: top.final };
}
