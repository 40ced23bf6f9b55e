/**
 * The fixed on-disk layout of a harness directory. Config renderers elsewhere reference these
 * paths (e.g. `load_definitions`), so they must not change:
 *
 * ```
 * DIR/state.json
 * DIR/nodes/<short>/etc/rabbitmq.conf
 * DIR/nodes/<short>/etc/enabled_plugins
 * DIR/nodes/<short>/etc/definitions.json      (optional)
 * DIR/nodes/<short>/home/.erlang.cookie       (mode 0400)
 * DIR/nodes/<short>/data/
 * DIR/nodes/<short>/log/
 * ```
 */
import * as path from 'path';

/** File name of the state file inside the harness directory. */
export const STATE_FILE = 'state.json';

/** Node names the harness accepts: `<short>@<host>` with a path-safe short part. */
const NODE_NAME = /^([A-Za-z0-9_-]+)@([A-Za-z0-9.-]+)$/;

/** Every path of one node inside a harness directory. */
export interface LocalNodePaths {
  /** `DIR/nodes/<short>`; also the working directory of the node's processes. */
  readonly root: string;
  /** `etc/`: rendered configuration. */
  readonly etc: string;
  /** `etc/rabbitmq.conf` (`RABBITMQ_CONFIG_FILE`). */
  readonly rabbitmqConf: string;
  /** `etc/enabled_plugins` (`RABBITMQ_ENABLED_PLUGINS_FILE`). */
  readonly enabledPlugins: string;
  /** `etc/definitions.json` (referenced by the caller's `load_definitions`). */
  readonly definitions: string;
  /** `etc/advanced.config`; never written, named so the default `/etc/rabbitmq/advanced.config` is not read. */
  readonly advancedConfig: string;
  /** `etc/conf.d/*.conf`; normally absent, so the default `/etc/rabbitmq/conf.d/*.conf` is not read. */
  readonly confDGlob: string;
  /** `home/`: `HOME` of the node and of CLI calls against it. */
  readonly home: string;
  /** `home/.erlang.cookie`. */
  readonly cookie: string;
  /** `data/` (`RABBITMQ_MNESIA_BASE`): Mnesia, quorum/stream data, pid and feature-flag files. */
  readonly data: string;
  /** `log/` (`RABBITMQ_LOG_BASE`). */
  readonly log: string;
  /** `log/<nodeName>.log`: RabbitMQ's main log file. */
  readonly mainLog: string;
  /** `log/startup_log`: stdout of the `rabbitmq-server` script (the Debian service's name for it). */
  readonly stdoutLog: string;
  /** `log/startup_err`: stderr of the `rabbitmq-server` script. */
  readonly stderrLog: string;
  /** `log/erl_crash.dump` (`ERL_CRASH_DUMP`) instead of the working directory. */
  readonly crashDump: string;
}

/**
 * Splits `short@host` and checks it is usable as a directory name.
 * @throws Error naming the value and the rule when it is not.
 */
export function parseNodeName(nodeName: string): { readonly shortName: string; readonly host: string } {
  const match = NODE_NAME.exec(nodeName);
  if (!match) {
    throw new Error(
      `node name '${nodeName}' is invalid: expected <short>@<host> with <short> matching [A-Za-z0-9_-]+`,
    );
  }
  return { shortName: match[1], host: match[2] };
}

/** The part of a node name before `@` (`rmq-dev-0@localhost` -> `rmq-dev-0`). */
export function shortNodeName(nodeName: string): string {
  return parseNodeName(nodeName).shortName;
}

/** `DIR/state.json`. */
export function statePath(dir: string): string {
  return path.join(path.resolve(dir), STATE_FILE);
}

/** All paths of node `nodeName` under harness directory `dir`. */
export function nodePaths(dir: string, nodeName: string): LocalNodePaths {
  const root = path.join(path.resolve(dir), 'nodes', shortNodeName(nodeName));
  const etc = path.join(root, 'etc');
  const home = path.join(root, 'home');
  const log = path.join(root, 'log');
  return {
    root,
    etc,
    rabbitmqConf: path.join(etc, 'rabbitmq.conf'),
    enabledPlugins: path.join(etc, 'enabled_plugins'),
    definitions: path.join(etc, 'definitions.json'),
    advancedConfig: path.join(etc, 'advanced.config'),
    confDGlob: path.join(etc, 'conf.d', '*.conf'),
    home,
    cookie: path.join(home, '.erlang.cookie'),
    data: path.join(root, 'data'),
    log,
    mainLog: path.join(log, `${nodeName}.log`),
    stdoutLog: path.join(log, 'startup_log'),
    stderrLog: path.join(log, 'startup_err'),
    crashDump: path.join(log, 'erl_crash.dump'),
  };
}
