/**
 * Running Debian's RabbitMQ CLI tools against one harness node, with the node's HOME (cookie),
 * the harness's epmd and a loopback-only CLI distribution listener (see `rabbitNodeEnv`).
 * Each call starts a short-lived hidden Erlang node (about 0.3 s here).
 */
import { nodePaths } from './layout';
import { runBounded } from './private/run';
import { RABBITMQ_BIN_DIR, rabbitNodeEnv } from './rabbit-env';
import { findNode } from './state';
import { CliResult, LocalClusterState } from './types';

/** CLI tools shipped in `/usr/lib/rabbitmq/bin`. */
export type RabbitCliTool =
  | 'rabbitmqctl'
  | 'rabbitmq-diagnostics'
  | 'rabbitmq-plugins'
  | 'rabbitmq-queues'
  | 'rabbitmq-streams'
  | 'rabbitmq-upgrade';

/** Options of a CLI call. */
export interface RabbitCliOptions {
  /** Which tool to run. @default 'rabbitmqctl' */
  readonly tool?: RabbitCliTool;
  /** The process is killed (SIGKILL) after this long; the result then has `timedOut`. @default 30000 */
  readonly timeoutMs?: number;
}

/**
 * Runs `<tool> -n <node> <args...>` against a harness node. Never rejects on a failing command:
 * inspect `code` (and `timedOut`).
 * @param nodeName full or short node name of a node in `state`
 */
export function runRabbitCli(
  state: LocalClusterState,
  nodeName: string,
  args: readonly string[],
  options: RabbitCliOptions = {},
): Promise<CliResult> {
  const node = findNode(state, nodeName);
  const paths = nodePaths(state.dir, node.nodeName);
  const env = rabbitNodeEnv({
    dir: state.dir,
    nodeName: node.nodeName,
    paths,
    distPort: node.distPort,
    epmdPort: state.epmd.port,
    extraErlArgs: node.erlArgs,
  });
  return runBounded(`${RABBITMQ_BIN_DIR}/${options.tool ?? 'rabbitmqctl'}`, ['-n', node.nodeName, ...args], {
    env,
    cwd: paths.root,
    timeoutMs: options.timeoutMs ?? 30000,
  });
}

/** `rabbitmqctl -n <node> <args...>` (see `runRabbitCli`). */
export function rabbitmqctl(
  state: LocalClusterState,
  nodeName: string,
  args: readonly string[],
  options: Omit<RabbitCliOptions, 'tool'> = {},
): Promise<CliResult> {
  return runRabbitCli(state, nodeName, args, { ...options, tool: 'rabbitmqctl' });
}

/** The parts of `rabbitmqctl cluster_status --formatter json` the toolkit uses. */
export interface ClusterStatus {
  /** Nodes currently running in the cluster, as seen by the queried node. */
  readonly runningNodes: string[];
  /** Disc nodes that are cluster members (running or not). */
  readonly diskNodes: string[];
  /** Cluster name (3.10 defaults it to the first node's name with the machine's hostname). */
  readonly clusterName: string;
  /** Node -> nodes it is partitioned from; empty when healthy. */
  readonly partitions: Readonly<Record<string, string[]>>;
  /** Node -> RabbitMQ version. */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * Queries cluster membership through `nodeName`.
 * @throws Error with the CLI's output when the command fails or its output is not the expected JSON
 */
export async function clusterStatus(
  state: LocalClusterState,
  nodeName: string,
  options: Omit<RabbitCliOptions, 'tool'> = {},
): Promise<ClusterStatus> {
  const result = await rabbitmqctl(state, nodeName, ['cluster_status', '--formatter', 'json'], options);
  if (result.code !== 0) {
    throw new Error(
      `rabbitmqctl cluster_status against ${nodeName} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}): ${
        result.stderr.trim() || result.stdout.trim()
      }`,
    );
  }
  return parseClusterStatus(result.stdout);
}

/** Parses the JSON printed by `rabbitmqctl cluster_status --formatter json` (3.10 shape). */
export function parseClusterStatus(stdout: string): ClusterStatus {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`cluster_status output is not JSON: ${stdout.slice(0, 500)}`);
  }
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  if (!Array.isArray(json.running_nodes)) throw new Error(`cluster_status output has no running_nodes: ${stdout.slice(0, 500)}`);
  const partitions: Record<string, string[]> = {};
  for (const [node, peers] of Object.entries((json.partitions as Record<string, unknown> | undefined) ?? {})) partitions[node] = strings(peers);
  const versions: Record<string, string> = {};
  for (const [node, info] of Object.entries((json.versions as Record<string, { rabbitmq_version?: unknown }> | undefined) ?? {})) {
    if (typeof info?.rabbitmq_version === 'string') versions[node] = info.rabbitmq_version;
  }
  return {
    runningNodes: strings(json.running_nodes).sort(),
    diskNodes: strings(json.disk_nodes).sort(),
    clusterName: typeof json.cluster_name === 'string' ? json.cluster_name : '',
    partitions,
    versions,
  };
}
