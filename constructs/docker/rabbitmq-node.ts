import { Container } from '@cdktf/provider-docker/lib/container';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import type { NodePlan } from '../../plan/plan';
import type { SecretName } from '../../plan/files';
import { fileDescriptorLimit, type ClusterSpec } from '../../spec/cluster';
import { publishedRanges } from '../../spec/published-ports';
import { installStagedScript, placeFiles } from './staged-files';
import type { TlsPlacement } from './tls-placement';
import { completeImportLine } from '../../rabbitmq/definitions/complete-import';
import { nodeHostName } from '../../plan/names';
import { quorumTargets } from '../../plan/quorum-members';

/**
 * The health check every node container runs: every virtual host runs on the node, and the node
 * has no local alarm. `check_virtual_hosts` fails on a stopped app as `check_running` does (exit
 * 64 after `rabbitmqctl stop_app`, 3.10.8), and also while a vhost is down: with `check_running`
 * a node was healthy while it closed clients' `connection.open` (project CI at 5f45a3d: amqplib
 * "Expected ConnectionOpenOk; got <ConnectionClose>" on a healthy TLS cluster). Two CLI VMs per
 * run, as before.
 */
export const NODE_HEALTHCHECK = ['CMD-SHELL', 'rabbitmq-diagnostics -q check_virtual_hosts && rabbitmq-diagnostics -q check_local_alarms'];

/**
 * Seconds between two runs of the health check. Docker 20.10 has no start_interval: the first check
 * runs one interval after the start, so the interval also bounds how soon a booted node is healthy
 * (`terraform apply` to a healthy cluster: 30 s made it wait 30 s for a node booted in 15). Each run
 * starts two CLI VMs (about 0.5 s of CPU each), so 5 s costs roughly a fifth of a core per node.
 */
export const NODE_HEALTHCHECK_INTERVAL_SECONDS = 5;

/**
 * Seconds a node gets to stop cleanly (hand over queue leaders, flush to disk) before SIGKILL,
 * both for `docker stop` (stop_timeout) and for Terraform's own stop on destroy or replace
 * (destroy_grace_seconds: the provider's default of 0 SIGKILLs the node at once, seen as exit 137
 * 0.5 s after "SIGTERM received" on a real engine).
 */
export const NODE_STOP_GRACE_SECONDS = 120;

/**
 * A duration as Go's time.Duration prints it (`30s`, `1m0s`, `1h0m0s`). The docker provider reads a
 * container's health check back in that form and the block is ForceNew: `60s` in the config against
 * `1m0s` in the state replaced every node container on every apply (seen on a real engine).
 */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * CPUs as the docker provider reads them back (its nanoInt64ToDecimalString): a whole number with
 * one decimal (`1.0`, `2.0`), a fraction without trailing zeros (`1.5`). `cpus` forces a new
 * container: `1` in the config against `1.0` in the state replaced every node on every apply.
 */
export function cpusText(cpus: number): string {
  const fixed = cpus.toFixed(9);
  if ((fixed.match(/0/g) ?? []).length === 9) return cpus.toFixed(1);
  return fixed.replace(/0+$/, '');
}

/** Data directory of the official image (also the home of the rabbitmq user, uid 999). */
const DATA_DIR = '/var/lib/rabbitmq';

/** Props of RabbitmqNode. */
export interface RabbitmqNodeProps {
  readonly spec: ClusterSpec;
  readonly node: NodePlan;
  /** Image id (docker_image) the container runs. */
  readonly imageId: string;
  /** Name of the cluster network. */
  readonly networkName: string;
  /** Terraform reference of a secret. */
  readonly secretToken: (name: SecretName) => string;
  /** TLS: material to install, VM arguments (inter-node TLS), the shared network alias, published TLS ports. @default - no TLS */
  readonly tls?: NodeTlsProps;
}

/** TLS of one node container. */
export interface NodeTlsProps {
  readonly placement: TlsPlacement;
  /** `-proto_dist inet_tls ...` for the server and the CLI tools, or empty. */
  readonly erlArgs: string;
  /** Extra network alias every node carries (the name shared by all node certificates). */
  readonly alias: string;
  /** Container ports the published node ports map to (the TLS listeners). */
  readonly amqpPort: number;
  readonly managementPort: number;
}

/**
 * One RabbitMQ node: a named volume for its data and a container with a stable host name and
 * network alias, the rendered files uploaded, the shared Erlang cookie, a health check, a restart
 * policy and resource limits. The node joins its peers through classic_config peer discovery.
 */
export class RabbitmqNode extends Construct {
  public readonly container: Container;
  public readonly volume: Volume;

  constructor(scope: Construct, id: string, props: RabbitmqNodeProps) {
    super(scope, id);
    const { spec, node } = props;
    const a = node.address;
    const logical = `node_${a.index}`;

    this.volume = new Volume(this, 'data', {
      name: `${a.shortName}-data`,
      labels: [
        { label: 'rmq-ha.cluster', value: spec.name },
        { label: 'rmq-ha.node', value: a.nodeName },
      ],
    });
    this.volume.overrideLogicalId(logical);

    const cookie = { name: 'erlang.cookie', path: `${DATA_DIR}/.erlang.cookie`, content: '{{secret:erlang_cookie}}', sensitive: true };
    const tls = props.tls;
    const placed = placeFiles([node.config, node.enabledPlugins, node.definitions, cookie, ...(node.interNodeTlsConfig ? [node.interNodeTlsConfig] : [])], props.secretToken);
    // Runs as root before docker-entrypoint.sh drops to the rabbitmq user: secret files become
    // readable by rabbitmq only. The CLI (health check, docker exec) finds the cookie through the
    // image's HOME=/var/lib/rabbitmq (and its /root/.erlang.cookie symlink).
    const start = [
      'set -e',
      ...installStagedScript(placed.staged, 'rabbitmq'),
      ...(tls?.placement.install ?? []),
      // Queues and bindings once every node runs (rabbitmq/definitions/complete-import.ts).
      ...[
        completeImportLine({
          definitionsPath: node.definitions.path,
          dataDir: DATA_DIR,
          nodes: spec.nodes,
          quorumQueues: quorumTargets(spec),
          // Node names as plan/addresses.ts gives them, with the index a shell variable.
          nodeNameOf: (i) => `rabbit@${nodeHostName(spec.name, i)}`,
        }),
      ].filter(Boolean),
      'exec docker-entrypoint.sh rabbitmq-server',
    ].join('\n');

    this.container = new Container(this, 'container', {
      name: a.shortName,
      hostname: a.shortName,
      image: props.imageId,
      entrypoint: ['/bin/sh', '-c', start],
      env: [
        `RABBITMQ_NODENAME=${a.nodeName}`,
        // Inter-node TLS: the server and every CLI tool in the container (health check, docker exec).
        ...(tls?.erlArgs ? [`RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=${tls.erlArgs}`, `RABBITMQ_CTL_ERL_ARGS=${tls.erlArgs}`] : []),
      ],
      networksAdvanced: [{ name: props.networkName, aliases: [a.shortName, ...(tls ? [tls.alias] : [])] }],
      volumes: [{ volumeName: this.volume.name, containerPath: DATA_DIR }],
      upload: [...placed.uploads, ...(tls?.placement.uploads ?? [])],
      // AMQP, management and every enabled plugin listener, node i at base + i (spec/published-ports.ts).
      // With TLS the AMQP and management ranges lead to the TLS listeners; inter-node ports are never published.
      ports: publishedRanges(spec).map((r) => ({
        internal: r.listener?.port ?? (r.name === 'amqp' ? (tls?.amqpPort ?? a.amqpPort) : (tls?.managementPort ?? a.managementPort)),
        external: r.base + a.index,
        ip: spec.network.bindAddress,
        protocol: 'tcp',
      })),
      healthcheck: { test: NODE_HEALTHCHECK, interval: goDuration(NODE_HEALTHCHECK_INTERVAL_SECONDS), timeout: goDuration(20), retries: 3, startPeriod: goDuration(60) },
      restart: 'unless-stopped',
      stopTimeout: NODE_STOP_GRACE_SECONDS,
      destroyGraceSeconds: NODE_STOP_GRACE_SECONDS,
      // An init process as PID 1 forwards SIGTERM to the server and reaps the CLI tools' children
      // (the health check runs rabbitmq-diagnostics every 30 s).
      init: true,
      memory: Math.floor(spec.resources.memory / 1024 ** 2),
      // No swap (memory + swap = memory): a swapping node stalls every queue it leads. Set
      // explicitly because the engine otherwise reports 2 x memory, which every plan would undo.
      memorySwap: Math.floor(spec.resources.memory / 1024 ** 2),
      cpus: cpusText(spec.resources.cpus),
      ulimit: [{ name: 'nofile', soft: fileDescriptorLimit(spec), hard: fileDescriptorLimit(spec) }],
      labels: [
        { label: 'rmq-ha.cluster', value: spec.name },
        { label: 'rmq-ha.node', value: a.nodeName },
        { label: 'rmq-ha.role', value: 'rabbitmq' },
      ],
      mustRun: true,
    });
    this.container.overrideLogicalId(logical);
  }
}
