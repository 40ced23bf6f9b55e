#!/usr/bin/env bash
# The test command (`npm test`): makes sure the real Debian binaries the tests boot are there,
# builds the CLI the tests spawn, runs jest, and prints "N passed, N failed" as its last line.
set -u
cd "$(dirname "$0")/.."

# The Terraform providers the stacks pin, built from source (providers/README.md, Go): minutes the
# first time on a machine, about a second once cached. The build starts first and nothing waits for
# it: it overlaps the package install, the TypeScript build and the suites that do not need it
# (test/sequencer.js runs the ones that do last in their lane). Its stdout (the terraform binary,
# refused providers and, last, the CLI config) lands in $providers_file once it is complete, and the
# suites reuse it (providers/index.ts ensureProviders); a suite that comes earlier runs the script
# itself, which waits for this build on the cache's lock. On a fresh machine (.ci/run at 13f6a2d
# with the Debian packages purged and every cache empty) jest started about 245 s after npm test
# while it still waited for the build (docker provider 197 s, tls 20 s).
tmp="${TMPDIR:-/tmp}"
providers_file="$tmp/rmq-ha-providers.$$"
providers_log="${RMQ_HA_CACHE:-/var/cache/rmq-ha}/providers-prebuild.log"
providers_pid=
if mkdir -p "$(dirname "$providers_log")" 2>/dev/null; then
  { bash providers/build.sh >"$providers_file.partial" 2>"$providers_log" && mv "$providers_file.partial" "$providers_file"; } &
  providers_pid=$!
fi
export RMQ_HA_PROVIDERS_OUTPUT="$providers_file"
# Whatever way this script ends, the build (and the type check below) it started end first (no
# process outlives npm test), and their output files go.
finish_background() {
  [ -n "$providers_pid" ] && wait "$providers_pid" 2>/dev/null
  [ -n "${typecheck_pid:-}" ] && wait "$typecheck_pid" 2>/dev/null
  rm -f "$providers_file" "$providers_file.partial" "${typecheck_log:-}"
}
trap finish_background EXIT

# prometheus ships promtool (check config/rules, test rules) and the server the operations test runs: 19 MB, ~5 s to install.
# python3-venv: the venv test/helpers/kubernetes-validate.sh installs the pinned Kubernetes schema validator into.
# librsvg2-bin: rsvg-convert renders the review's topology picture (test/review-formats.test.ts).
# docker-compose: reads the Compose export (test/export-deployment.test.ts) and runs it on the private engine.
PACKAGES=(rabbitmq-server haproxy nginx libnginx-mod-stream amqp-tools prometheus python3-venv docker.io debootstrap iptables python3-pika librsvg2-bin docker-compose)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages the tests boot: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # The tests start their own nodes on free loopback ports; the package's own service is not needed.
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/rmq-ha-apt.log 2>&1 || {
      echo "error: apt-get install ${missing[*]} failed; see /tmp/rmq-ha-apt.log" >&2
      tail -20 /tmp/rmq-ha-apt.log >&2
      exit 1
    }
  else
    echo "error: the tests need the Debian packages: ${missing[*]}" >&2
    echo "       install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# The type check of everything (tests included; jest only transpiles) runs beside the suites, like
# the providers build: a type error fails the run at its end, as one failure. The CLI the tests
# spawn is built first, unless dist/ is newer than every source (`npm ci` has just built it through
# `prepare`; .ci/run would otherwise build it twice). About 8 s each on an idle machine, 2026-12-03.
typecheck_log="$tmp/rmq-ha-typecheck.$$"
npx tsc --noEmit -p tsconfig.json >"$typecheck_log" 2>&1 &
typecheck_pid=$!
stale="$(find . \( -path ./node_modules -o -path ./dist -o -path ./.git \) -prune -o \( -name '*.ts' -o -name 'package*.json' -o -name 'tsconfig*.json' -o -name '*.js' \) -newer dist/rmq-ha.js -print -quit 2>/dev/null)"
if [ ! -f dist/rmq-ha.js ] || [ -n "$stale" ]; then
  npm run --silent build || { echo "error: TypeScript build failed" >&2; wait "$typecheck_pid"; rm -f "$typecheck_log"; echo "0 passed, 1 failed"; exit 1; }
fi

# The real-engine proof (`npm run e2e`: terraform apply on a private dockerd, kills, partition,
# rolling change) is test/docker-e2e.integration.test.ts, one of the suites this jest run executes;
# it must be there, since CI only runs this command.
[ -f test/docker-e2e.integration.test.ts ] || { echo "error: the e2e suite (npm run e2e) is missing" >&2; echo "0 passed, 1 failed"; exit 1; }

results="${JEST_RESULTS:-.jest-results.json}"
rm -f "$results" "$results.leftovers" "$results.step-failures" "$results.files" "$results.engine" "$results.engine.log"
# The suite must leave nothing in the temp directory: what is there after jest and was not before
# counts as one failure (listed in $results.leftovers, which test/summary.js reads).
before="$(ls -A "$tmp" | grep -vxF -e "$(basename "$providers_file")" -e "$(basename "$providers_file").partial" | sort)"
# Two lanes at once on the 2 cores (the default), each one suite at a time: the suites that use the
# private container engine (they import ../engine; they share one engine and start and stop it, so
# they never overlap each other) and all the others; the engine lane's output is printed after the
# other lane's. RMQ_HA_TEST_LANES=1 runs one jest, one suite at a time; so do any jest arguments.
# Measured with .ci/run on a fresh checkout (caches warm): one lane 1250 s (20.8 min), two lanes
# 671 s at 685982c (lanes of 601 s and 619 s of jest). Running two lanes showed what one lane hid:
# a wait bounded below what contention takes (topology, b7eb09b), concurrent quorum add_member
# refused by Ra (824cff0), npm pack emptying dist/ under the other lane (203b016), and both lanes
# picking the same free port (685982c). A docker-e2e failure after a 4 s pause, seen once in an
# earlier session, was not seen again.
# A suite with the line "// test lane: engine" runs in the engine lane too, to balance the lanes:
# CPU-bound suites with no RabbitMQ node and no timing-sensitive wait (.ci/run at c248c38: the
# engine lane took 535 s of jest, the other about 740 s).
engine_suites=()
for f in test/*.test.ts; do grep -qE "from '../engine'|^// test lane: engine( |$)" "$f" && engine_suites+=("$f"); done
if [ $# -gt 0 ] || [ "${RMQ_HA_TEST_LANES:-2}" != 2 ] || [ ${#engine_suites[@]} -eq 0 ]; then
  npx jest --ci --json --outputFile="$results" "$@"
  rc=$?
  result_files=("$results")
else
  rm -f "$results.engine" "$results.engine.log"
  # Each lane picks its loopback ports from its own half of 20000 up to the ephemeral range
  # (local/ports.ts RMQ_HA_PORT_RANGE): a port one lane picked is bound seconds later, when the
  # node gets that far in its boot, and the other lane could pick it meanwhile (.ci/run at
  # 203b016: a topology node's Prometheus listener failed with eaddrinuse).
  ephemeral_low="$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 49152)"
  mid=$(( (20000 + ephemeral_low) / 2 ))
  RMQ_HA_PORT_RANGE="$mid-$(( ephemeral_low - 1 ))" npx jest --ci --json --outputFile="$results.engine" --runTestsByPath "${engine_suites[@]}" >"$results.engine.log" 2>&1 &
  engine_lane=$!
  ignore="$(printf '%s|' "${engine_suites[@]}")"
  RMQ_HA_PORT_RANGE="20000-$(( mid - 1 ))" npx jest --ci --json --outputFile="$results" --testPathIgnorePatterns "/node_modules/" "(${ignore%|})$"
  rc=$?
  wait "$engine_lane" || rc=1
  echo "---- the engine lane (${engine_suites[*]}) ----"
  cat "$results.engine.log"
  result_files=("$results" "$results.engine")
fi
# The providers build and the type check are part of the run: each that failed counts as one
# failure in the closing line (test/summary.js reads $results.step-failures), even when no suite
# reached it.
if [ -n "$providers_pid" ]; then
  if ! wait "$providers_pid"; then
    echo "error: the providers build failed; see $providers_log" >&2
    tail -20 "$providers_log" >&2
    echo "the providers build failed: $(tail -1 "$providers_log")" >> "$results.step-failures"
    rc=1
  fi
  providers_pid=
fi
if ! wait "$typecheck_pid"; then
  echo "error: the type check failed (npx tsc --noEmit -p tsconfig.json):" >&2
  head -40 "$typecheck_log" >&2
  echo "the type check failed: $(grep -m1 'error TS' "$typecheck_log" || tail -1 "$typecheck_log")" >> "$results.step-failures"
  rc=1
fi
typecheck_pid=
rm -f "$typecheck_log"
rm -f "$providers_file" "$providers_file.partial"
# jest's transform cache (jest_<uid>) and v8-compile-cache's are caches that outlive every run by
# design, not leftovers of a test: on a fresh machine the first run creates them.
leftovers="$(comm -13 <(printf '%s\n' "$before") <(ls -A "$tmp" | sort) | sed '/^$/d' | grep -vE '^(jest_[0-9a-z]+|v8-compile-cache-[0-9]+)$')"
if [ -n "$leftovers" ]; then
  printf '%s\n' "$leftovers" > "$results.leftovers"
  echo "error: the tests left $(printf '%s\n' "$leftovers" | wc -l) entries in $tmp:" >&2
  printf '%s\n' "$leftovers" | head -20 >&2
fi
# .ci/run repeats the closing line from the same files.
printf '%s\n' "${result_files[@]}" > "$results.files"
node test/summary.js "${result_files[@]}" || rc=1
exit $rc
