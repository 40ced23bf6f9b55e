import type { ClusterSpec } from '../spec/cluster';
import { unknownPatch } from '../spec/validate/releases';
import type { RabbitVersion } from '../spec/version';
import type { PlanWarning } from './warnings';

/** Plugins that open listeners of their own, with the port: neither target publishes or routes these. */
const LISTENER_PLUGINS: Readonly<Record<string, number>> = {
  rabbitmq_mqtt: 1883,
  rabbitmq_stomp: 61613,
  rabbitmq_stream: 5552,
  rabbitmq_web_mqtt: 15675,
  rabbitmq_web_stomp: 15674,
};

/** Warnings about what the spec names but the toolkit cannot confirm: versions, plugin listeners. */
export function inputWarnings(spec: ClusterSpec, version: RabbitVersion): PlanWarning[] {
  const w: PlanWarning[] = [];
  const unknown = unknownPatch(version);
  if (unknown !== undefined && spec.rabbitmq.version.split('.').length === 3) {
    w.push({ id: 'unknown-patch-version', path: 'rabbitmq.version', message: unknown.final
        ? `${spec.rabbitmq.version} was never released: ${unknown.nearest} is the last release of ${version.major}.${version.minor}; use it`
        : `${spec.rabbitmq.version} is newer than the newest release rmq-ha knows (nearest: ${unknown.nearest}); check the version, or the image rabbitmq:${spec.rabbitmq.version}-management may not exist` });
  }
  spec.rabbitmq.plugins.forEach((p, i) => {
    const port = LISTENER_PLUGINS[p];
    if (port === undefined) return;
    w.push({ id: 'plugin-listener-not-exposed', path: `rabbitmq.plugins[${i}]`, message: `${p} listens on port ${port}, which the ${spec.target} target neither publishes nor load-balances (only AMQP and management); clients outside the cluster network cannot reach it` });
  });
  return w;
}
