#!/usr/bin/env bash
# Installs the pinned kubernetes-validate (PyPI; it bundles the Kubernetes OpenAPI schemas as JSON
# schemas per Kubernetes version) into a venv in the cache directory, once, and prints the path of
# its CLI on stdout. Every Python dependency is pinned too, so a clean CI machine gets the same
# validator. Needs python3 with venv (Debian: python3-venv, installed by test/run-tests.sh) and
# PyPI. Any failure exits non-zero with the reason on stderr: the test that calls this fails.
set -euo pipefail

KUBERNETES_VALIDATE_VERSION=1.37.0
# pip freeze of a venv with kubernetes-validate==1.37.0 (its whole dependency closure).
REQUIREMENTS=(
  "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
  attrs==26.1.0
  importlib_resources==7.1.0
  jsonschema==4.26.0
  jsonschema-specifications==2025.9.1
  packaging==26.4
  PyYAML==6.0.4
  referencing==0.37.0
  rpds-py==2026.9.1
  typing_extensions==4.16.0
)

cache="${RMQ_HA_CACHE:-/var/cache/rmq-ha}"
venv="$cache/venv"
cli="$venv/bin/kubernetes-validate"

if [ -x "$cli" ] && [ "$("$cli" --version 2>/dev/null)" = "$KUBERNETES_VALIDATE_VERSION" ]; then
  echo "$cli"
  exit 0
fi

# Debian's python3 (the pipeline's) rather than a user's pyenv shim, when it is there.
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "error: $python has no venv/ensurepip module; install Debian's python3-venv (test/run-tests.sh does as root)" >&2
  exit 1
fi

if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
  echo "error: cache directory $cache is not writable; set RMQ_HA_CACHE to a writable directory" >&2
  exit 1
fi
lock="$cache/venv.lock"
exec 9>"$lock"
flock 9
# Another test run may have installed it while this one waited for the lock.
if [ -x "$cli" ] && [ "$("$cli" --version 2>/dev/null)" = "$KUBERNETES_VALIDATE_VERSION" ]; then
  echo "$cli"
  exit 0
fi
rm -rf "$venv"
log="$cache/venv-install.log"
if ! { "$python" -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input "${REQUIREMENTS[@]}"; } >"$log" 2>&1; then
  echo "error: installing kubernetes-validate ${KUBERNETES_VALIDATE_VERSION} into $venv failed; see $log" >&2
  tail -20 "$log" >&2
  rm -rf "$venv"
  exit 1
fi
got="$("$cli" --version 2>/dev/null || true)"
if [ "$got" != "$KUBERNETES_VALIDATE_VERSION" ]; then
  echo "error: $cli reports version '$got', expected $KUBERNETES_VALIDATE_VERSION" >&2
  exit 1
fi
echo "$cli"
