/**
 * The recipe of the stand-in images: one Debian bookworm rootfs with rabbitmq-server, haproxy and
 * nginx (+ stream module) from Debian, laid out as the official images are, and one image config
 * per stand-in. Everything that shapes the result is in this file: its text is part of the cache
 * key (with the Debian package versions), so any change here rebuilds.
 */

export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/** Debian packages installed, by role. */
export const PACKAGES = {
  rabbitmq: 'rabbitmq-server',
  haproxy: 'haproxy',
  nginx: 'nginx',
  nginxStream: 'libnginx-mod-stream',
} as const;
export type PackageRole = keyof typeof PACKAGES;

export const APT_SOURCES = [
  `deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE} main`,
  `deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE}-updates main`,
  `deb http://deb.debian.org/debian-security ${DEBIAN_SUITE}-security main`,
].join('\n');

/** Which stand-in the shared entrypoint acts as (set per image). */
const STANDIN_ENV = 'RMQ_HA_STANDIN';

/**
 * /usr/local/bin/docker-entrypoint.sh (also /docker-entrypoint.sh): what the three official
 * entrypoints do that the stack relies on.
 * - rabbitmq: as root with a rabbitmq* command, give /var/lib/rabbitmq to the rabbitmq user
 *   (uid 999) and re-exec itself as that user (setpriv instead of gosu); then exec the command.
 * - haproxy: a first argument starting with `-` means haproxy options; `haproxy ...` becomes
 *   `haproxy -W -db ...` (master-worker, foreground), as the official entrypoint does.
 * - nginx: exec the command (the official /docker-entrypoint.d scripts are not there).
 */
export const ENTRYPOINT_SCRIPT = `#!/bin/sh
# Entrypoint of the rmq-ha stand-in images (images/recipe.ts): ${STANDIN_ENV} says which one.
set -e
case "\${${STANDIN_ENV}:-}" in
rabbitmq)
  case "\$1" in
  rabbitmq*)
    if [ "\$(id -u)" = 0 ]; then
      if [ "\$1" = rabbitmq-server ]; then
        find /var/lib/rabbitmq \\! -user rabbitmq -exec chown rabbitmq:rabbitmq '{}' +
      fi
      exec setpriv --reuid=999 --regid=999 --clear-groups --inh-caps=-all "\$0" "\$@"
    fi
    ;;
  esac
  ;;
haproxy)
  if [ "\${1#-}" != "\$1" ]; then set -- haproxy "\$@"; fi
  if [ "\$1" = haproxy ]; then
    shift
    set -- haproxy -W -db "\$@"
  fi
  ;;
esac
exec "\$@"
`;

/** Files written into the rootfs after the packages are installed (path -> [mode, content]). */
export const FILES: Readonly<Record<string, readonly [number, string]>> = {
  '/usr/local/bin/docker-entrypoint.sh': [0o755, ENTRYPOINT_SCRIPT],
  '/usr/sbin/policy-rc.d': [0o755, '#!/bin/sh\n# No service starts inside the image build or the containers.\nexit 101\n'],
  // The official image's defaults (our node config in conf.d/90-rmq-ha.conf overrides them).
  '/etc/rabbitmq/conf.d/10-defaults.conf': [
    0o644,
    '## Defaults of the official image (rmq-ha stand-in).\nloopback_users.guest = false\nlog.console = true\n',
  ],
  '/etc/rabbitmq/conf.d/20-management_agent.disable_metrics_collector.conf': [0o644, 'management_agent.disable_metrics_collector = true\n'],
  '/etc/rabbitmq/enabled_plugins': [0o644, '[rabbitmq_management,rabbitmq_prometheus].\n'],
};

/**
 * Shell run in the chroot: users with the official images' ids before the packages (Debian's
 * postinst keeps an existing system user), the packages at the pinned versions, then the layout.
 * `@PKGS@` is replaced by `name=version ...`.
 */
export const SETUP_SCRIPT = `set -e
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
groupadd --system --gid 999 rabbitmq
useradd --system --uid 999 --gid 999 --home-dir /var/lib/rabbitmq --no-create-home --shell /usr/sbin/nologin rabbitmq
groupadd --system --gid 101 nginx
useradd --system --uid 101 --gid 101 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin nginx
apt-get update -qq
apt-get install -y -qq --no-install-recommends @PKGS@
# haproxy: uid/gid 99 as in the official image (adduser refuses to reuse an id below 100).
groupmod --gid 99 haproxy
usermod --uid 99 --gid 99 haproxy
mkdir -p /var/lib/haproxy /usr/local/etc/haproxy
chown -R haproxy:haproxy /var/lib/haproxy
# rabbitmq: data, config and logs owned by rabbitmq; root's CLI finds the node's cookie.
mkdir -p /var/lib/rabbitmq /etc/rabbitmq/conf.d /var/log/rabbitmq
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq /var/log/rabbitmq
chmod 1777 /var/lib/rabbitmq /etc/rabbitmq /var/log/rabbitmq
ln -sf /var/lib/rabbitmq/.erlang.cookie /root/.erlang.cookie
# nginx: logs to the container's stdout/stderr as in the official image.
ln -sf /dev/stdout /var/log/nginx/access.log
ln -sf /dev/stderr /var/log/nginx/error.log
ln -sf /usr/local/bin/docker-entrypoint.sh /docker-entrypoint.sh
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log /tmp/* /var/tmp/*
: > /etc/resolv.conf
`;

/** The config of one stand-in image (Docker API `ContainerConfig` fields set by commit). */
export interface ImageConfig {
  readonly role: 'rabbitmq' | 'haproxy' | 'nginx';
  /** Repository (the tag comes from the Debian version). */
  readonly repository: string;
  /** Tag from the Debian version: upstream part (`3.10.8-1.1+deb12u1` -> `3.10.8`) plus a suffix. */
  readonly tag: (upstreamVersion: string) => string;
  /** Package whose version makes the tag. */
  readonly versionOf: PackageRole;
  readonly user: string;
  readonly env: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string;
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly string[];
  readonly stopSignal: string;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const IMAGE_CONFIGS: readonly ImageConfig[] = [
  {
    role: 'rabbitmq',
    repository: 'rmq-ha-standin/rabbitmq',
    tag: (v) => `${v}-management`,
    versionOf: 'rabbitmq',
    user: '',
    env: [
      // The real scripts first: Debian's /usr/sbin wrappers `su` to rabbitmq and send the server's
      // output to /var/log/rabbitmq/startup_log.
      `PATH=/usr/lib/rabbitmq/bin:${PATH}`,
      'HOME=/var/lib/rabbitmq',
      'RABBITMQ_DATA_DIR=/var/lib/rabbitmq',
      'RABBITMQ_LOGS=-',
      'LANG=C.UTF-8',
      'LC_ALL=C.UTF-8',
      `${STANDIN_ENV}=rabbitmq`,
    ],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['rabbitmq-server'],
    workingDir: '',
    exposedPorts: ['4369/tcp', '5671/tcp', '5672/tcp', '15671/tcp', '15672/tcp', '15691/tcp', '15692/tcp', '25672/tcp'],
    volumes: ['/var/lib/rabbitmq'],
    stopSignal: 'SIGTERM',
  },
  {
    role: 'haproxy',
    repository: 'rmq-ha-standin/haproxy',
    tag: (v) => v,
    versionOf: 'haproxy',
    user: 'haproxy',
    env: [`PATH=${PATH}`, `${STANDIN_ENV}=haproxy`],
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg'],
    workingDir: '/var/lib/haproxy',
    exposedPorts: [],
    volumes: [],
    stopSignal: 'SIGUSR1',
  },
  {
    role: 'nginx',
    repository: 'rmq-ha-standin/nginx',
    tag: (v) => v,
    versionOf: 'nginx',
    user: '',
    env: [`PATH=${PATH}`, `${STANDIN_ENV}=nginx`],
    entrypoint: ['/docker-entrypoint.sh'],
    // Debian builds the stream module as a dynamic module; the rendered nginx.conf for containers
    // has no load_module (the official build has it compiled in): -g directives are read first.
    cmd: ['nginx', '-g', 'load_module /usr/lib/nginx/modules/ngx_stream_module.so; daemon off;'],
    workingDir: '',
    exposedPorts: ['80/tcp'],
    volumes: [],
    stopSignal: 'SIGQUIT',
  },
];
