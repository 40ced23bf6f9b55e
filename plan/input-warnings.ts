import type { ClusterSpec } from '../spec/cluster';
import { unknownPatch } from '../spec/validate/releases';
import type { RabbitVersion } from '../spec/version';
import type { PlanWarning } from './warnings';

/** Warnings about what the spec names but the toolkit cannot confirm: versions. (Plugin listeners are published: spec/plugin-listeners.ts.) */
export function inputWarnings(spec: ClusterSpec, version: RabbitVersion): PlanWarning[] {
  const w: PlanWarning[] = [];
  const unknown = unknownPatch(version);
  if (unknown !== undefined && spec.rabbitmq.version.split('.').length === 3) {
    w.push({ id: 'unknown-patch-version', path: 'rabbitmq.version', message: unknown.final
        ? `${spec.rabbitmq.version} was never released: ${unknown.nearest} is the last release of ${version.major}.${version.minor}; use it`
        : `${spec.rabbitmq.version} is newer than the newest release rmq-ha knows (nearest: ${unknown.nearest}); check the version, or the image rabbitmq:${spec.rabbitmq.version}-management may not exist` });
  }
  return w;
}
