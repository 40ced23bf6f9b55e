/**
 * `startRabbitNodes`: writes each node's files into the fixed layout, starts the harness's epmd,
 * then every `rabbitmq-server` in parallel (detached, each leading its own process group,
 * stdout/stderr to `log/startup_log` / `log/startup_err`), and records everything in
 * `DIR/state.json`. It does not wait for the nodes to boot: see `waitForNodes`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startEpmd } from './epmd';
import { installedRabbitVersion } from './install';
import { nodePaths, parseNodeName } from './layout';
import { findFreePort } from './ports';
import { isAlive, signal } from './private/proc';
import { RABBITMQ_BIN_DIR, rabbitNodeEnv } from './rabbit-env';
import { readState, writeState } from './state';
import { LocalClusterLaunch, LocalClusterState, LocalNodeLaunch, LocalNodeState } from './types';

/** Options of `startRabbitNodes`. */
export interface StartRabbitNodesOptions {
  /**
   * Port for the harness's epmd.
   * @default - a free port on 127.0.0.1
   */
  readonly epmdPort?: number;
}

/**
 * Starts the cluster described by `launch` and returns (and writes) its state.
 * @throws Error when the launch is invalid, the harness directory already has live processes,
 *   or epmd / a node cannot be spawned (whatever was started is killed again)
 */
export async function startRabbitNodes(launch: LocalClusterLaunch, options: StartRabbitNodesOptions = {}): Promise<LocalClusterState> {
  const dir = path.resolve(launch.dir);
  validateLaunch(launch);
  refuseIfRunning(dir);
  const rabbitmqVersion = installedRabbitVersion();

  fs.mkdirSync(dir, { recursive: true });
  for (const node of launch.nodes) writeNodeFiles(dir, launch.cookie, node);

  const epmd = await startEpmd({ dir, port: options.epmdPort ?? (await findFreePort()) });
  const nodes: LocalNodeState[] = [];
  try {
    for (const node of launch.nodes) nodes.push(spawnNode(dir, epmd.port, node));
    const state: LocalClusterState = {
      version: 1,
      dir,
      startedAt: new Date().toISOString(),
      rabbitmqVersion,
      epmd,
      nodes,
    };
    writeState(state);
    return state;
  } catch (error) {
    for (const node of nodes) signal(-node.pid, 'SIGKILL');
    signal(epmd.pid, 'SIGKILL');
    throw error;
  }
}

/**
 * Starts one node of a harness again after its process exited (or was killed): same files, data
 * directory and ports, the harness's epmd; its new pid goes into `DIR/state.json`. Does not wait
 * for the boot (see `waitForNodes` / `waitForCluster`).
 * @throws Error when the harness has no state, the node is not in it or still runs, or its ports differ
 */
export function restartRabbitNode(dir: string, node: LocalNodeLaunch): LocalNodeState {
  const state = readState(path.resolve(dir));
  if (!state) throw new Error(`${dir} has no state.json: start the cluster first`);
  const index = state.nodes.findIndex((n) => n.nodeName === node.nodeName);
  if (index < 0) throw new Error(`node ${node.nodeName} is not in ${dir}'s state.json`);
  const recorded = state.nodes[index];
  if (isAlive(recorded.pid)) throw new Error(`node ${node.nodeName} still runs (pid ${recorded.pid})`);
  for (const field of ['amqpPort', 'managementPort', 'prometheusPort', 'distPort'] as const) {
    if (recorded[field] !== node[field]) throw new Error(`node ${node.nodeName}: ${field} ${node[field]} differs from the recorded ${recorded[field]}`);
  }
  const started = spawnNode(state.dir, state.epmd.port, node);
  writeState({ ...state, nodes: state.nodes.map((n, i) => (i === index ? started : n)) });
  return started;
}

/** Checks names and ports: unique short names, unique ports in range. */
function validateLaunch(launch: LocalClusterLaunch): void {
  if (launch.nodes.length === 0) throw new Error('nodes is empty: at least one node is required');
  if (launch.cookie.length === 0 || /\s/.test(launch.cookie)) {
    throw new Error('cookie is invalid: expected a non-empty string without whitespace');
  }
  const shortNames = new Set<string>();
  const ports = new Map<number, string>();
  for (const node of launch.nodes) {
    const { shortName } = parseNodeName(node.nodeName);
    if (shortNames.has(shortName)) throw new Error(`node name '${node.nodeName}' is invalid: short name '${shortName}' is used twice`);
    shortNames.add(shortName);
    for (const [field, port] of Object.entries({
      amqpPort: node.amqpPort,
      managementPort: node.managementPort,
      prometheusPort: node.prometheusPort,
      distPort: node.distPort,
    })) {
      const where = `${node.nodeName}.${field}`;
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${where} ${port} is invalid: expected a TCP port 1-65535`);
      const other = ports.get(port);
      if (other) throw new Error(`${where} ${port} is invalid: already used by ${other}`);
      ports.set(port, where);
    }
  }
}

/** Refuses to start over a harness whose recorded processes still run. */
function refuseIfRunning(dir: string): void {
  const previous = readState(dir);
  if (!previous) return;
  const live = [previous.epmd.pid, ...previous.nodes.map((n) => n.pid)].filter(isAlive);
  if (live.length > 0) {
    throw new Error(`${dir} already has running processes (pids ${live.join(', ')}): stop them first (stopNodes / rmq-ha local down)`);
  }
}

/** Creates the node's directories and writes config files and cookie. */
function writeNodeFiles(dir: string, cookie: string, node: LocalNodeLaunch): void {
  const paths = nodePaths(dir, node.nodeName);
  for (const d of [paths.etc, paths.home, paths.data, paths.log]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(paths.rabbitmqConf, node.files.rabbitmqConf);
  fs.writeFileSync(paths.enabledPlugins, node.files.enabledPlugins);
  // definitions.json holds resolved user and remote passwords: owner-only, like admin-password.
  if (node.files.definitions !== undefined) {
    fs.rmSync(paths.definitions, { force: true });
    fs.writeFileSync(paths.definitions, node.files.definitions, { mode: 0o600 });
  }
  // Erlang refuses a cookie file readable by group or others; 0400 like Debian's. Remove first:
  // an existing 0400 file cannot be reopened for writing by a non-root user.
  fs.rmSync(paths.cookie, { force: true });
  fs.writeFileSync(paths.cookie, cookie, { mode: 0o400 });
}

/** Spawns one `rabbitmq-server` detached, leading its own process group. */
function spawnNode(dir: string, epmdPort: number, node: LocalNodeLaunch): LocalNodeState {
  const paths = nodePaths(dir, node.nodeName);
  const out = fs.openSync(paths.stdoutLog, 'a');
  const err = fs.openSync(paths.stderrLog, 'a');
  try {
    // The unwrapped script (see rabbit-env.ts). Without RABBITMQ_ALLOW_INPUT it stays as a small
    // `sh` parent that turns SIGTERM into a clean VM stop, with beam.smp as its child in the group.
    const child = spawn(`${RABBITMQ_BIN_DIR}/rabbitmq-server`, [], {
      cwd: paths.root,
      env: rabbitNodeEnv({ dir, nodeName: node.nodeName, paths, distPort: node.distPort, epmdPort, extraErlArgs: node.erlArgs }),
      detached: true,
      stdio: ['ignore', out, err],
    });
    child.once('error', () => undefined); // reported through the missing pid below / the logs
    child.unref();
    if (child.pid === undefined) throw new Error(`could not spawn ${RABBITMQ_BIN_DIR}/rabbitmq-server for ${node.nodeName}`);
    return {
      nodeName: node.nodeName,
      shortName: parseNodeName(node.nodeName).shortName,
      pid: child.pid,
      amqpPort: node.amqpPort,
      managementPort: node.managementPort,
      prometheusPort: node.prometheusPort,
      distPort: node.distPort,
      ...(node.erlArgs ? { erlArgs: node.erlArgs } : {}),
    };
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
}
