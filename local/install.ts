/**
 * Which Debian packages the local harness (and the load-balancer checks next to it) can use, and
 * the `apt-get` line that installs the missing ones.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { EPMD_BIN, RABBITMQ_BIN_DIR } from './rabbit-env';

/** Packages looked up, in install-command order. Only `rabbitmq-server` is required. */
export const LOCAL_PACKAGES = ['rabbitmq-server', 'haproxy', 'nginx', 'libnginx-mod-stream'] as const;

/** One of `LOCAL_PACKAGES`. */
export type LocalPackage = (typeof LOCAL_PACKAGES)[number];

/** Result of `checkInstalled`. */
export interface InstallCheck {
  /** True when RabbitMQ can be booted: package installed, scripts and epmd present. */
  readonly ok: boolean;
  /** Packages of `LOCAL_PACKAGES` that are not installed. */
  readonly missing: readonly LocalPackage[];
  /** Installed version per package (Debian version string), undefined when missing. */
  readonly versions: Readonly<Record<LocalPackage, string | undefined>>;
  /** What to run to fix it; '' when nothing is missing. */
  readonly hint: string;
}

/** Debian version of an installed package, or undefined (not installed, or no dpkg). */
export function installedPackageVersion(pkg: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Status}\t${Version}', pkg], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10000,
    });
    const [status, version] = out.split('\t');
    return status.endsWith(' installed') && version ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Upstream version of a Debian version string: drops the epoch (`1:`) and the Debian revision
 * (`-1.1+deb12u1`). `3.10.8-1.1+deb12u1` -> `3.10.8`.
 */
export function upstreamVersion(debianVersion: string): string {
  const noEpoch = debianVersion.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  return dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
}

/**
 * RabbitMQ version installed from Debian's package, e.g. `3.10.8` (RabbitMQ rejects unknown
 * `rabbitmq.conf` keys, so renderers pick key sets by this version).
 * @throws Error with the install command when the package is not installed
 */
export function installedRabbitVersion(): string {
  const version = installedPackageVersion('rabbitmq-server');
  if (!version) {
    throw new Error('rabbitmq-server is not installed (Debian package). Install it: apt-get install -y rabbitmq-server');
  }
  return upstreamVersion(version);
}

/**
 * Checks the Debian packages the harness uses. `ok` only needs `rabbitmq-server` (with its
 * unwrapped scripts under /usr/lib/rabbitmq/bin and Erlang's epmd); haproxy, nginx and nginx's
 * stream module are reported so callers can skip load-balancer checks.
 */
export function checkInstalled(): InstallCheck {
  const versions = {} as Record<LocalPackage, string | undefined>;
  for (const pkg of LOCAL_PACKAGES) versions[pkg] = installedPackageVersion(pkg);
  const missing = LOCAL_PACKAGES.filter((pkg) => versions[pkg] === undefined);
  const filesPresent =
    fs.existsSync(`${RABBITMQ_BIN_DIR}/rabbitmq-server`) && fs.existsSync(`${RABBITMQ_BIN_DIR}/rabbitmqctl`) && fs.existsSync(EPMD_BIN);
  const ok = versions['rabbitmq-server'] !== undefined && filesPresent;

  const hints: string[] = [];
  if (missing.length > 0) {
    hints.push(`apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`);
    if (missing.includes('rabbitmq-server')) {
      hints.push(
        'The package starts a system rabbitmq-server service listening on all interfaces; ' +
          'the harness does not need it: systemctl disable --now rabbitmq-server',
      );
    }
  } else if (!filesPresent) {
    hints.push(`${RABBITMQ_BIN_DIR}/rabbitmq-server or ${EPMD_BIN} is missing: apt-get install --reinstall -y rabbitmq-server erlang-base`);
  }
  return { ok, missing, versions, hint: hints.join('\n') };
}
