/**
 * The environment recipe that runs Debian's `rabbitmq-server` 3.10.8 package as root from an
 * arbitrary directory, on 127.0.0.1 only, without reading or writing `/etc/rabbitmq`,
 * `/var/lib/rabbitmq` or `/var/log/rabbitmq`. Found by experiment on Debian 12 (RabbitMQ 3.10.8,
 * Erlang/OTP 25.2.3) and by reading `rabbit_env:get_context/0` of that release.
 *
 * Binaries: `/usr/sbin/rabbitmq-server` and `/usr/sbin/rabbitmqctl` are wrappers that `cd
 * /var/lib/rabbitmq` and switch to the `rabbitmq` user (`su`/`runuser`) when run as root, which
 * drops our environment and owns nothing of ours. The real scripts live in
 * `/usr/lib/rabbitmq/bin/` and run as the calling user with the environment they are given.
 *
 * The environment is built from scratch, not inherited: a stray `RABBITMQ_*`, `ERL_FLAGS` or
 * `ERL_LIBS` in the caller's shell would otherwise change what boots.
 *
 * With this recipe `rabbit_env:get_context()` still reports `config_base_dir => "/etc/rabbitmq"`
 * and `data_dir => "/var/lib/rabbitmq"`, but those only feed defaults that are all overridden
 * below; the boot log lists our paths only and /var/lib/rabbitmq stays untouched (checked).
 * Plugins are read from the package (`/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/plugins`).
 */
import { LocalNodePaths } from './layout';

/** Directory of Debian's unwrapped RabbitMQ scripts (no user switch). */
export const RABBITMQ_BIN_DIR = '/usr/lib/rabbitmq/bin';

/** Debian's epmd binary. */
export const EPMD_BIN = '/usr/bin/epmd';

/** The only address anything of the harness listens on. */
export const LOOPBACK = '127.0.0.1';

/**
 * Environment variable set on every process the harness starts, valued with the absolute harness
 * directory. `stopNodes` signals a recorded pid only when that process (or a member of its group)
 * carries it, so a stale `state.json` whose pids were reused never kills a stranger.
 */
export const HARNESS_MARKER = 'RMQ_HA_LOCAL_DIR';

/** Erlang term restricting a VM's distribution listener to 127.0.0.1. */
const DIST_ON_LOOPBACK = '-kernel inet_dist_use_interface {127,0,0,1}';

/** Inputs of the node environment. */
export interface RabbitEnvInput {
  /** Absolute harness directory (value of the marker variable). */
  readonly dir: string;
  /** Erlang node name, e.g. `rmq-dev-0@localhost`. */
  readonly nodeName: string;
  /** Paths of that node (see `nodePaths`). */
  readonly paths: LocalNodePaths;
  /** Erlang distribution port of the node. */
  readonly distPort: number;
  /** Port of the harness's own epmd. */
  readonly epmdPort: number;
  /** VM arguments added for the node and its CLI tools (inter-node TLS). @default - none */
  readonly extraErlArgs?: string;
}

/**
 * Environment for `rabbitmq-server` and for every CLI tool (`rabbitmqctl`,
 * `rabbitmq-diagnostics`, ...) aimed at that node. One recipe for both, so node and CLI always
 * agree on HOME (cookie), epmd and node name. Each variable, and why:
 */
export function rabbitNodeEnv(input: RabbitEnvInput): NodeJS.ProcessEnv {
  const { paths } = input;
  const extra = input.extraErlArgs ? ` ${input.extraErlArgs}` : '';
  return {
    // Minimal base. UTF-8 locale: the Elixir-based CLI warns and mangles output without one.
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    // Erlang reads the cookie from $HOME/.erlang.cookie, for the node and for CLI tools alike.
    // (RABBITMQ_ERLANG_COOKIE works too but is deprecated and logs a warning at boot.)
    HOME: paths.home,
    // rabbitmq-env sources /etc/rabbitmq/rabbitmq-env.conf unless this names another file, and
    // rabbit_env re-reads it at boot. /dev/null is not a regular file, so the shell skips it and
    // rabbit_env finds nothing in it: no extra layout file needed.
    RABBITMQ_CONF_ENV_FILE: '/dev/null',
    // Short name; the host part `localhost` resolves to 127.0.0.1. CLI tools use it as default -n.
    RABBITMQ_NODENAME: input.nodeName,
    // Full path *with* `.conf`: 3.10 (rabbit_prelaunch_conf) takes an existing regular file and
    // picks the format from its extension; without one it would probe `<path>.config` and
    // `<path>.conf` (default: /etc/rabbitmq/rabbitmq).
    RABBITMQ_CONFIG_FILE: paths.rabbitmqConf,
    // Default is /etc/rabbitmq/conf.d/*.conf, merged after rabbitmq.conf. A glob under our etc/
    // (normally no such directory) keeps the host's conf.d out; the boot log lists the files read.
    RABBITMQ_CONFIG_FILES: paths.confDGlob,
    // Default /etc/rabbitmq/advanced.config; ours is never written, so none is loaded.
    RABBITMQ_ADVANCED_CONFIG_FILE: paths.advancedConfig,
    // Default /etc/rabbitmq/enabled_plugins.
    RABBITMQ_ENABLED_PLUGINS_FILE: paths.enabledPlugins,
    // Default /etc/rabbitmq/motd (only read if present; pinned for hygiene).
    RABBITMQ_MOTD_FILE: `${paths.etc}/motd`,
    // Default /var/lib/rabbitmq/mnesia. Everything per-node derives from it: mnesia dir
    // (data/<node>), quorum and stream dirs, pid file, feature_flags file, plugins-expand dir.
    RABBITMQ_MNESIA_BASE: paths.data,
    // Default /var/log/rabbitmq: main log log/<node>.log and log/<node>_upgrade.log.
    RABBITMQ_LOG_BASE: paths.log,
    // Default is AMQP port + 20000 (25672). rabbit_prelaunch sets inet_dist_listen_min/max to it.
    RABBITMQ_DIST_PORT: String(input.distPort),
    // The node and the CLI register with / look up in epmd on this port. Set per harness so two
    // harnesses (or the host's epmd on 4369) never see each other's nodes.
    ERL_EPMD_PORT: String(input.epmdPort),
    // Only read by an epmd that an Erlang VM would start itself; ERL_FLAGS forbids that below,
    // but should one ever start it stays on loopback (epmd always adds ::1 next to 127.0.0.1).
    ERL_EPMD_ADDRESS: LOOPBACK,
    // The distribution listener of the node binds 0.0.0.0 unless told otherwise.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `${DIST_ON_LOOPBACK}${extra}`,
    // Each CLI call is a hidden Erlang node listening on 35672-35682, on 0.0.0.0 by default
    // (observed with ss). Same restriction.
    RABBITMQ_CTL_ERL_ARGS: `${DIST_ON_LOOPBACK}${extra}`,
    // Read by every `erl` started with this environment, including the throw-away
    // `erl -sname epmd-starter-N` that rabbit_prelaunch_dist (and rabbit_epmd_monitor) spawn via
    // rabbit_nodes_common:ensure_epmd/0 and which gets none of the RABBITMQ_*_ERL_ARGS.
    // `-start_epmd false`: never daemonize a stray epmd (it would escape `stopNodes`); nodes use ours.
    ERL_FLAGS: `${DIST_ON_LOOPBACK} -start_epmd false`,
    // Default is the working directory.
    ERL_CRASH_DUMP: paths.crashDump,
    [HARNESS_MARKER]: input.dir,
  };
}

/** Environment for the harness's epmd (only the marker and a PATH; its address is an argument). */
export function epmdEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    ERL_EPMD_ADDRESS: LOOPBACK,
    [HARNESS_MARKER]: dir,
  };
}
