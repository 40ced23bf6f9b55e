/**
 * Local real-process harness: boots N RabbitMQ nodes from Debian's `rabbitmq-server` package as
 * separate Erlang nodes on 127.0.0.1, each with its own directories and ports and a private epmd,
 * waits for them, queries them and stops them by pid. Library only; `rmq-ha local` wires it up.
 *
 * ```ts
 * const state = await startRabbitNodes({ dir, cookie, nodes });
 * try {
 *   await waitForNodes(state, { timeoutMs: 60000 });
 *   const { runningNodes } = await clusterStatus(state, state.nodes[0].nodeName);
 * } finally {
 *   await stopNodes(dir);
 * }
 * ```
 */
export * from './types';
export { nodePaths, parseNodeName, shortNodeName, statePath, STATE_FILE } from './layout';
export type { LocalNodePaths } from './layout';
export { EPMD_BIN, HARNESS_MARKER, LOOPBACK, RABBITMQ_BIN_DIR, rabbitNodeEnv } from './rabbit-env';
export type { RabbitEnvInput } from './rabbit-env';
export { findFreePort, findFreePorts, isPortOpen } from './ports';
export { checkInstalled, installedPackageVersion, installedRabbitVersion, LOCAL_PACKAGES, upstreamVersion } from './install';
export type { InstallCheck, LocalPackage } from './install';
export { findNode, processLiveness, readState, writeState } from './state';
export { isAlive as isProcessAlive } from './private/proc';
export type { LocalProcessLiveness } from './state';
export { startEpmd } from './epmd';
export type { StartEpmdOptions } from './epmd';
export { restartRabbitNode, startRabbitNodes } from './start';
export type { StartRabbitNodesOptions } from './start';
export { LocalNodeStartError, waitForNodes } from './wait';
export type { WaitForNodesOptions } from './wait';
export { clusterStatus, parseClusterStatus, rabbitmqctl, runRabbitCli } from './ctl';
export type { ClusterStatus, RabbitCliOptions, RabbitCliTool } from './ctl';
export { stopNodes } from './stop';
export type { LocalStopReport, StopNodesOptions } from './stop';
export { bootFailureExcerpt, nodeLogTail, tailFile } from './logs';
export { harnessListeningSockets, harnessPids, isLoopbackAddress, listeningSockets, parseSsListening } from './sockets';
export type { ListeningSocket } from './sockets';
export * from './load-balancer-process';
