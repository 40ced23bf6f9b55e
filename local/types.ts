/**
 * Data shapes of the local real-process harness: what a caller asks for (`*Launch`) and what the
 * harness records in `DIR/state.json` once the processes run (`*State`).
 *
 * The harness does not render configuration: `rabbitmq.conf`, `enabled_plugins` and the optional
 * `definitions.json` arrive already rendered (by `rabbitmq/`), with the AMQP, management and
 * Prometheus ports written into them. The harness only applies what cannot live in those files:
 * node name, directories, cookie, Erlang distribution port and epmd.
 */

/** One RabbitMQ node to boot on 127.0.0.1. */
export interface LocalNodeLaunch {
  /**
   * Erlang node name, `<short>@<host>`, e.g. `rmq-dev-0@localhost`. `<short>` names the node's
   * directory `DIR/nodes/<short>/`; it must match `[A-Za-z0-9_-]+` and be unique in the cluster.
   * Use `localhost` as host part: it resolves to 127.0.0.1 everywhere.
   */
  readonly nodeName: string;
  /** AMQP port; already written into `rabbitmq.conf` (`listeners.tcp.1 = 127.0.0.1:PORT`). */
  readonly amqpPort: number;
  /** Management HTTP port; already in `rabbitmq.conf` (`management.tcp.port`). */
  readonly managementPort: number;
  /** Prometheus exporter port; already in `rabbitmq.conf` (`prometheus.tcp.port`). */
  readonly prometheusPort: number;
  /**
   * Erlang distribution (inter-node and CLI) port. Applied by the harness through
   * `RABBITMQ_DIST_PORT`, bound to 127.0.0.1 through `inet_dist_use_interface`.
   */
  readonly distPort: number;
  /** File contents written verbatim under `DIR/nodes/<short>/etc/`. */
  readonly files: LocalNodeFiles;
  /**
   * Extra VM arguments for the node and every CLI tool aimed at it (inter-node TLS:
   * `-proto_dist inet_tls -ssl_dist_optfile PATH`). @default - none
   */
  readonly erlArgs?: string;
}

/** Rendered configuration files of one node (contents, not paths). */
export interface LocalNodeFiles {
  /** Contents of `etc/rabbitmq.conf` (new-style sysctl format). */
  readonly rabbitmqConf: string;
  /** Contents of `etc/enabled_plugins`, e.g. `[rabbitmq_management,rabbitmq_prometheus].` */
  readonly enabledPlugins: string;
  /**
   * Contents of `etc/definitions.json`; the caller's `rabbitmq.conf` references it
   * (`load_definitions = DIR/nodes/<short>/etc/definitions.json`).
   * @default - no definitions file is written
   */
  readonly definitions?: string;
}

/** A whole local cluster to boot. */
export interface LocalClusterLaunch {
  /** Harness directory (made absolute); holds `state.json` and `nodes/<short>/`. */
  readonly dir: string;
  /** Erlang cookie shared by all nodes and by the CLI tools; written to each node's HOME. */
  readonly cookie: string;
  /** Nodes to boot, in order; all start in parallel. */
  readonly nodes: readonly LocalNodeLaunch[];
}

/** What runs for one node, as recorded in `state.json`. */
export interface LocalNodeState {
  /** Erlang node name, e.g. `rmq-dev-0@localhost`. */
  readonly nodeName: string;
  /** Part of the node name before `@`; names `DIR/nodes/<short>/`. */
  readonly shortName: string;
  /**
   * Pid of the `rabbitmq-server` script, which leads its own process group (the Erlang VM
   * `beam.smp` is its child in the same group). `stopNodes` signals the whole group.
   */
  readonly pid: number;
  /** AMQP port on 127.0.0.1. */
  readonly amqpPort: number;
  /** Management HTTP port on 127.0.0.1. */
  readonly managementPort: number;
  /** Prometheus exporter port on 127.0.0.1. */
  readonly prometheusPort: number;
  /** Erlang distribution port on 127.0.0.1. */
  readonly distPort: number;
  /** Extra VM arguments of the node and its CLI tools (inter-node TLS). @default - none */
  readonly erlArgs?: string;
}

/** The harness's own epmd, as recorded in `state.json`. */
export interface LocalEpmdState {
  /** Port epmd listens on (`ERL_EPMD_PORT` of every node and CLI call of this harness). */
  readonly port: number;
  /** Pid of epmd (runs in the foreground of its own process group). */
  readonly pid: number;
}

/** Contents of `DIR/state.json`: written by `startRabbitNodes`, read by status and `stopNodes`. */
export interface LocalClusterState {
  /** Format version of this file. */
  readonly version: 1;
  /** Absolute harness directory. */
  readonly dir: string;
  /** ISO-8601 time the processes were started. */
  readonly startedAt: string;
  /** RabbitMQ version that was started (from dpkg), e.g. `3.10.8`. */
  readonly rabbitmqVersion: string;
  /** The harness's own epmd. */
  readonly epmd: LocalEpmdState;
  /** One entry per node, in launch order. */
  readonly nodes: readonly LocalNodeState[];
  /**
   * Load balancer processes started by `startLoadBalancer` (load-balancer-process.ts); absent
   * until one is started. `stopNodes` stops them first.
   */
  readonly loadBalancers?: readonly LocalLoadBalancerState[];
}

/** A load balancer process (HAProxy or nginx) of the harness, as recorded in `state.json`. */
export interface LocalLoadBalancerState {
  /** Unique within the harness, e.g. `haproxy`; names it in the stop report. */
  readonly name: string;
  readonly kind: 'haproxy' | 'nginx';
  /** Pid of the proxy (nginx: its master), leading its own process group. */
  readonly pid: number;
  /** Address and port its AMQP listener accepts connections on. */
  readonly host: string;
  readonly amqpPort: number;
  /** Config file it runs from. */
  readonly configPath: string;
  /** Directory of its logs and pid/socket/temp files. */
  readonly runtimeDir: string;
}

/** Result of one CLI tool run. */
export interface CliResult {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Exit code; `-1` when the process was killed (timeout or signal). */
  readonly code: number;
  /** True when the call was killed because it exceeded its time bound. */
  readonly timedOut: boolean;
}
