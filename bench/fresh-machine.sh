#!/usr/bin/env bash
# The two steps of .ci/run on a fresh machine that a run with empty project caches still skips
# (README, "Test run time"), measured without touching this machine's own packages or npm cache:
#
# 1. the Debian packages test/run-tests.sh installs (its PACKAGES list, read from that file), with
#    `apt-get update` first, into a fresh minbase Debian root (debootstrap + chroot). A minbase root
#    has fewer packages than any real machine, so this is an upper bound of that step;
# 2. `npm ci` of this checkout's lock file with an empty npm cache, in a copy of package.json and
#    package-lock.json.
#
# Usage (root, debootstrap installed): bash bench/fresh-machine.sh
# Everything it creates is under one temporary directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "error: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "error: debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }

packages_line="$(grep -E '^PACKAGES=\(' test/run-tests.sh)"
eval "$packages_line"
work="$(mktemp -d /var/tmp/rmq-ha-fresh.XXXXXX)"
root="$work/root"
cleanup() {
  umount -l "$root/proc" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
now() { date +%s%3N; }

t0="$(now)"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
t1="$(now)"
cp /etc/resolv.conf "$root/etc/resolv.conf"
printf 'deb http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' >"$root/etc/apt/sources.list"
# No service starts inside the chroot (docker.io, rabbitmq-server, nginx would try).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
t2="$(now)"
chroot "$root" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends ${PACKAGES[*]}" \
  >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; exit 1; }
t3="$(now)"
downloaded="$(du -sm "$root/var/cache/apt/archives" | awk '{print $1}')"
umount -l "$root/proc"

mkdir -p "$work/npm"
cp package.json package-lock.json "$work/npm/"
npm_ci() { (cd "$work/npm" && rm -rf node_modules && npm ci --no-audit --no-fund --ignore-scripts --cache "$work/npm-cache" >>"$work/npm.log" 2>&1) || { tail -20 "$work/npm.log" >&2; exit 1; }; }
t4="$(now)"
npm_ci
t5="$(now)"
modules="$(du -sm "$work/npm/node_modules" | awk '{print $1}')"
# The same again with the cache it filled: what the empty-caches .ci/run paid for npm ci.
npm_ci
t6="$(now)"

apt_ms=$(( t3 - t2 ))
npm_extra_ms=$(( (t5 - t4) - (t6 - t5) ))
# Noise can make the filled cache's run the slower one: the cold cache then costs nothing extra.
[ "$npm_extra_ms" -gt 0 ] || npm_extra_ms=0
echo "debootstrap of a minbase root (not part of the estimate): $(secs "$t0" "$t1") s"
echo "apt-get update + install of the ${#PACKAGES[@]} packages of test/run-tests.sh (${downloaded} MiB of .deb): $(secs 0 "$apt_ms") s"
echo "npm ci (--ignore-scripts, ${modules} MiB of node_modules): $(secs "$t4" "$t5") s with an empty npm cache, $(secs "$t5" "$t6") s with that cache filled"
echo "fresh-machine steps beyond an empty-caches .ci/run (apt + the cold cache's extra): $(secs 0 $(( apt_ms + npm_extra_ms ))) s"
