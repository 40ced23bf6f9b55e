#!/usr/bin/env bash
# Builds the pinned actionlint (the GitHub Actions workflow checker, a Go module) with Go from the
# Go module proxy into the cache directory, once, and prints the path of the binary on stdout.
# Needs Go (the same toolchain npm run providers uses). Any failure exits non-zero with the reason
# on stderr: the test that calls this fails.
set -euo pipefail

ACTIONLINT_VERSION=1.7.7
cache="${RMQ_HA_CACHE:-/var/cache/rmq-ha}"
dir="$cache/actionlint-$ACTIONLINT_VERSION"
bin="$dir/actionlint"

if [ -x "$bin" ] && [ "$("$bin" -version 2>/dev/null | head -1)" = "v$ACTIONLINT_VERSION" ]; then echo "$bin"; exit 0; fi
go="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$go" ] || { echo "error: Go is needed to build actionlint (go on PATH, /usr/local/go/bin/go, or GO=...)" >&2; exit 1; }
if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
  echo "error: cache directory $dir is not writable; set RMQ_HA_CACHE to a writable directory" >&2
  exit 1
fi
exec 9>"$dir.lock"
flock 9
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
log="$dir/build.log"
if ! GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly GOBIN="$dir" "$go" install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >"$log" 2>&1; then
  echo "error: go install github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION failed; see $log" >&2
  tail -20 "$log" >&2
  exit 1
fi
echo "$bin"
