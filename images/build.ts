/**
 * Builds (or reuses) the stand-in images on an engine: debootstrap a minbase rootfs, install the
 * Debian packages in a chroot (recipe.ts), keep it as a tarball under the cache directory, import
 * it once, and commit one image per stand-in with its own config (user, env, entrypoint, cmd,
 * ports, volume, stop signal). Cache key: hash of the recipe plus the Debian package versions.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerApi, dockerCli, must, run } from '../engine/private/sys';
import { APT_SOURCES, DEBIAN_MIRROR, DEBIAN_SUITE, FILES, IMAGE_CONFIGS, type ImageConfig, PACKAGES, type PackageRole, SETUP_SCRIPT } from './recipe';

/** Image names by stand-in. */
export interface StandinImages {
  readonly rabbitmq: string;
  readonly haproxy: string;
  readonly nginx: string;
}

/** Label every stand-in image carries: the cache key it was built from. */
export const RECIPE_LABEL = 'rmq-ha.recipe';
const BUILD_TIMEOUT_MS = 15 * 60 * 1000;

/** Where rootfs tarballs are cached (`$RMQ_HA_CACHE/images`, default /var/cache/rmq-ha/images). */
export function imageCacheDir(): string {
  return path.join(process.env.RMQ_HA_CACHE || '/var/cache/rmq-ha', 'images');
}

/** Versions the host's apt would install now (bookworm, -updates, -security), by role. */
export async function debianVersions(): Promise<Record<PackageRole, string>> {
  const names = Object.values(PACKAGES);
  const out = await must('apt-cache', ['policy', ...names]);
  const found: Record<string, string> = {};
  let current = '';
  for (const line of out.split('\n')) {
    const pkg = /^(\S+):$/.exec(line);
    if (pkg) current = pkg[1];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && cand[1] !== '(none)') found[current] = cand[1];
  }
  const result = {} as Record<PackageRole, string>;
  for (const [role, name] of Object.entries(PACKAGES) as [PackageRole, string][]) {
    if (found[name] === undefined) throw new Error(`images: apt-cache knows no version of ${name}; run apt-get update`);
    result[role] = found[name];
  }
  return result;
}

/** The cache key: the recipe's content and the package versions. */
export function recipeKey(versions: Record<PackageRole, string>): string {
  const recipe = {
    DEBIAN_SUITE,
    APT_SOURCES,
    PACKAGES,
    FILES,
    SETUP_SCRIPT,
    IMAGE_CONFIGS: IMAGE_CONFIGS.map((c) => ({ ...c, tag: c.tag('X') })),
    versions,
  };
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

/** `3.10.8-1.1+deb12u1` -> `3.10.8`; `1:2.3-4` -> `2.3`. */
export function upstreamVersion(debianVersion: string): string {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

export function imageName(c: ImageConfig, versions: Record<PackageRole, string>): string {
  return `${c.repository}:${c.tag(upstreamVersion(versions[c.versionOf]))}`;
}

async function imageLabel(socket: string, name: string): Promise<string | undefined> {
  const r = await dockerApi(socket, 'GET', `/images/${encodeURIComponent(name)}/json`);
  if (r.status !== 200) return undefined;
  return (JSON.parse(r.body) as { Config?: { Labels?: Record<string, string> | null } }).Config?.Labels?.[RECIPE_LABEL];
}

const log = (msg: string) => process.stderr.write(`images: ${msg}\n`);

/**
 * The three stand-in images on the engine at `dockerHost` (unix://...), built when missing or
 * built from another recipe or package version.
 */
export async function ensureImages(dockerHost: string): Promise<StandinImages> {
  if (!dockerHost.startsWith('unix://')) throw new Error(`images: DOCKER_HOST must be unix://<socket> (got ${dockerHost})`);
  const socket = dockerHost.slice('unix://'.length);
  const versions = await debianVersions();
  const key = recipeKey(versions);
  const names = Object.fromEntries(IMAGE_CONFIGS.map((c) => [c.role, imageName(c, versions)])) as unknown as StandinImages;
  const stale: ImageConfig[] = [];
  for (const c of IMAGE_CONFIGS) if ((await imageLabel(socket, names[c.role])) !== key) stale.push(c);
  if (stale.length === 0) return names;

  const base = `rmq-ha-standin/rootfs:${key}`;
  if ((await imageLabel(socket, base)) !== key) {
    const tarball = await ensureRootfs(key, versions);
    const t0 = Date.now();
    const env = { ...process.env, DOCKER_HOST: dockerHost };
    await must(dockerCli(), ['import', '--change', `LABEL ${RECIPE_LABEL}=${key}`, tarball, base], { env, timeoutMs: BUILD_TIMEOUT_MS });
    log(`imported ${base} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  for (const c of stale) {
    const t0 = Date.now();
    await commitImage(socket, base, c, names[c.role], key);
    log(`committed ${names[c.role]} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return names;
}

/** One image: a container of the base rootfs, committed with the stand-in's config. */
async function commitImage(socket: string, base: string, c: ImageConfig, name: string, key: string): Promise<void> {
  const created = await dockerApi(socket, 'POST', '/containers/create', { Image: base, Cmd: ['/bin/true'], Labels: {} });
  if (created.status !== 201) throw new Error(`images: create from ${base}: ${created.body}`);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  try {
    const [repo, tag] = [name.slice(0, name.lastIndexOf(':')), name.slice(name.lastIndexOf(':') + 1)];
    const config = {
      User: c.user,
      Env: c.env,
      Entrypoint: c.entrypoint,
      Cmd: c.cmd,
      WorkingDir: c.workingDir,
      ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p, {}])),
      Volumes: Object.fromEntries(c.volumes.map((v) => [v, {}])),
      StopSignal: c.stopSignal,
      Labels: { [RECIPE_LABEL]: key, 'rmq-ha.standin': c.role, 'rmq-ha.source': 'Debian bookworm packages, see images/README.md' },
    };
    const q = `container=${id}&repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}&comment=${encodeURIComponent('rmq-ha stand-in ' + c.role)}&pause=false`;
    const r = await dockerApi(socket, 'POST', `/commit?${q}`, config, 120000);
    if (r.status !== 201) throw new Error(`images: commit ${name}: ${r.status} ${r.body}`);
  } finally {
    await dockerApi(socket, 'DELETE', `/containers/${id}?force=true`);
  }
}

/** The cached rootfs tarball for `key`, built with debootstrap + chroot when missing. */
async function ensureRootfs(key: string, versions: Record<PackageRole, string>): Promise<string> {
  const dir = imageCacheDir();
  const tarball = path.join(dir, `rootfs-${key}.tar`);
  if (fs.existsSync(tarball)) return tarball;
  if (process.getuid?.() !== 0) throw new Error('images: building the rootfs needs root (debootstrap, chroot)');
  if (!fs.existsSync('/usr/sbin/debootstrap')) throw new Error('images: /usr/sbin/debootstrap is missing (apt-get install debootstrap)');
  fs.mkdirSync(dir, { recursive: true });
  const root = path.join(dir, `build-${key}`);
  const buildLog = path.join(dir, `build-${key}.log`);
  await removeTree(root);
  fs.writeFileSync(buildLog, '');
  try {
    let t0 = Date.now();
    log(`debootstrap ${DEBIAN_SUITE} (minbase) into ${root}; log ${buildLog}`);
    await must('debootstrap', ['--variant=minbase', DEBIAN_SUITE, root, DEBIAN_MIRROR], { logFile: buildLog, timeoutMs: BUILD_TIMEOUT_MS });
    log(`debootstrap done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    fs.writeFileSync(path.join(root, 'etc/apt/sources.list'), `${APT_SOURCES}\n`);
    fs.copyFileSync('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
    writeFiles(root, ['/usr/sbin/policy-rc.d']);
    const pkgs = (Object.entries(PACKAGES) as [PackageRole, string][]).map(([role, name]) => `${name}=${versions[role]}`).join(' ');
    await must('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]);
    try {
      await must('chroot', [root, '/bin/sh', '-c', SETUP_SCRIPT.replace('@PKGS@', pkgs)], { logFile: buildLog, timeoutMs: BUILD_TIMEOUT_MS });
    } finally {
      await run('umount', [path.join(root, 'proc')]);
    }
    // After the packages, so dpkg never meets a file of ours where it installs a conffile.
    writeFiles(root, Object.keys(FILES));
    log(`packages installed in ${((Date.now() - t0) / 1000).toFixed(1)} s (${pkgs})`);
    t0 = Date.now();
    await must('tar', ['-C', root, '--numeric-owner', '--xattrs', '-cf', `${tarball}.partial`, '.'], { timeoutMs: BUILD_TIMEOUT_MS });
    fs.renameSync(`${tarball}.partial`, tarball);
    log(`rootfs tarball ${tarball} (${(fs.statSync(tarball).size / 2 ** 20).toFixed(0)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const f of fs.readdirSync(dir)) if (/^rootfs-.*\.tar$/.test(f) && f !== path.basename(tarball)) fs.rmSync(path.join(dir, f), { force: true });
  } finally {
    await removeTree(root);
    fs.rmSync(`${tarball}.partial`, { force: true });
  }
  return tarball;
}

function writeFiles(root: string, files: readonly string[]): void {
  for (const file of files) {
    const [mode, content] = FILES[file];
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
    fs.chmodSync(path.join(root, file), mode);
  }
}

/** rm -rf that refuses to cross into a mount left inside the tree. */
async function removeTree(root: string): Promise<void> {
  if (!fs.existsSync(root)) return;
  await run('umount', ['-l', path.join(root, 'proc')]);
  await must('rm', ['-rf', '--one-file-system', root], { timeoutMs: 120000 });
}
