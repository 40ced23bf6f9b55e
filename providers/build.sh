#!/usr/bin/env bash
# Builds the Terraform providers the synthesized stacks pin (required_providers) from source with Go,
# lays them out as a Terraform filesystem mirror, writes a Terraform CLI config that installs them
# from that mirror only, and prints the config's path as the LAST line of stdout:
#
#   export TF_CLI_CONFIG_FILE="$(bash providers/build.sh | tail -1)"
#
# Nothing comes from the Terraform registry: every source is a module zip from the Go module proxy
# (hashes checked against sum.golang.org), and nothing else. A provider whose pinned revision the
# proxy does not serve is reported as unavailable (a line "unavailable <ns>/<type> <version>: <why>"
# on stdout) and left out of the CLI config; stacks that need it cannot be initialised here.
# The provider's own go.mod/go.sum pin every dependency (fetched from the Go module proxy).
# Binaries are cached in ${RMQ_HA_CACHE:-/var/cache/rmq-ha}/providers, keyed by version: a provider
# is rebuilt only when its binary is missing. Terraform is the one on PATH when it is
# $TERRAFORM_VERSION, otherwise it is built from the Go module proxy into the cache.
# Progress goes to stderr; stdout is "terraform <path>" then the CLI config path.
set -euo pipefail

TERRAFORM_VERSION=1.11.4
# Its release commit (12 hex): the commit of the nested modules' pseudo-versions whose time is v1.11.4's.
TERRAFORM_COMMIT=35645b8fca68
# type namespace version module pseudo-version version-variable(- if none)
# docker: the proxy serves one revision of kreuzwerker/terraform-provider-docker, commit 96d331c98ff4
# (2026-09-16), whose CHANGELOG tops at v4.6.0 (released 2026-09-01): built and installed as 4.6.0.
# (3.6.2, which the @cdktf/provider-docker bindings name, panics on a container's `cpus`: upstream
# #759, fixed by #771 in 3.7.0; the proxy refuses the 3.7.0 to 4.5.0 release commits.)
# random 3.7.2 and kubernetes 2.38.0: the proxy refuses their release commits (403 "This module
# version is not available"); their go.mod module paths make v2+/v3+ tags no valid Go versions.
# tls 4.1.0 (what @cdktf/provider-tls 11.0.1 names): the proxy serves its release commit eefba144662d
# (2025-04-23) as the pseudo-version below; it refuses v4.1.0 itself (403, no valid Go version) and
# the newest commit d72d90e1b47b (2026-04-28, 403 "This module version is not available").
PROVIDERS=(
  "docker kreuzwerker 4.6.0 github.com/kreuzwerker/terraform-provider-docker v0.0.0-20260916201441-96d331c98ff4 main.version"
  "random hashicorp 3.7.2 github.com/hashicorp/terraform-provider-random v1.3.2-0.20250422105519-bc2ddb552b46 -"
  "kubernetes hashicorp 2.38.0 github.com/hashicorp/terraform-provider-kubernetes v1.13.4-0.20250721172020-be88f4427105 -"
  "tls hashicorp 4.1.0 github.com/hashicorp/terraform-provider-tls v1.2.1-0.20250423195406-eefba144662d -"
)

log() { echo "providers: $*" >&2; }
die() { echo "error: providers: $*" >&2; exit 1; }

GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
[ -x "$GO" ] || die "no Go toolchain (looked on PATH and at /usr/local/go/bin/go); set GO=/path/to/go"
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0
platform="$("$GO" env GOOS)_$("$GO" env GOARCH)"

cache="${RMQ_HA_CACHE:-/var/cache/rmq-ha}/providers"
mirror="$cache/mirror"
plugin_cache="$cache/plugin-cache"
mkdir -p "$mirror" "$plugin_cache" "$cache/logs" "$cache/bin" || die "cannot create $cache (set RMQ_HA_CACHE)"
exec 9>"$cache/.lock"
flock 9
work="$(mktemp -d "$cache/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# fetch_source <module> <pseudo-version> <dest>: the provider's source tree from the Go module proxy;
# on refusal prints the proxy's message on stdout and returns 1.
fetch_source() {
  local module="$1" pseudo="$2" dest="$3" json dir
  local rc=0
  json="$(cd "$work" && timeout 300 "$GO" mod download -json "$module@$pseudo" 2>&1)" || rc=$?
  if [ "$rc" = 124 ]; then echo "no answer from the Go module proxy within 300 s"; return 1; fi
  if [ "$rc" != 0 ]; then
    sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$json" | sed 's/\\[nt]/ /g' | head -1
    return 1
  fi
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
  [ -n "$dir" ] && [ -f "$dir/go.mod" ] || { echo "no module directory in: $json"; return 1; }
  mkdir -p "$dest" && cp -R "$dir/." "$dest" && chmod -R u+w "$dest"
}

available=()
unavailable=()

# build_provider <type> <ns> <version> <module> <pseudo> <version-var>
build_provider() {
  local type="$1" ns="$2" version="$3" module="$4" pseudo="$5" var="$6"
  local dir="$mirror/registry.terraform.io/$ns/$type/$version/$platform"
  local bin="$dir/terraform-provider-${type}_v$version"
  if [ -x "$bin" ] && [ "$(cat "$bin.source" 2>/dev/null)" = "$module@$pseudo" ]; then
    log "$ns/$type $version: cached ($bin, from $module@$pseudo)"
    available+=("$type $ns $version")
    return 0
  fi
  local src="$work/$type" ldflags="-s -w" started=$SECONDS logf="$cache/logs/build-$type-$version.log" why
  if ! why="$(fetch_source "$module" "$pseudo" "$src")"; then
    log "$ns/$type $version: unavailable: the Go module proxy refuses $module@$pseudo: $why"
    unavailable+=("$ns/$type $version: the Go module proxy refuses $module@$pseudo ($why)")
    return 0
  fi
  [ "$var" = - ] || ldflags="$ldflags -X $var=$version"
  log "$ns/$type $version: go build of $module@$pseudo (minutes the first time; log in $logf)"
  mkdir -p "$dir"
  if ! (cd "$src" && "$GO" build -trimpath -ldflags "$ldflags" -o "$bin.tmp" .) >"$logf" 2>&1; then
    rm -f "$bin.tmp"
    tail -20 "$logf" >&2
    die "$ns/$type $version: go build failed in $src (GOFLAGS=$GOFLAGS); see $logf"
  fi
  mv "$bin.tmp" "$bin"
  echo "$module@$pseudo" >"$bin.source"
  log "$ns/$type $version: built in $((SECONDS - started)) s ($(du -m "$bin" | cut -f1) MB)"
  available+=("$type $ns $version")
}

# build_terraform <out>: terraform from the Go module proxy. `go install ...terraform@v1.11.4` is
# refused (its go.mod replaces nested modules with local folders, which its module zip leaves out),
# so: the module zip, plus each nested module at the release commit's pseudo-version (same commit
# time, hashes checked against sum.golang.org) copied into its folder, built as the main module.
build_terraform() {
  local out="$1" src="$work/terraform" json dir ts started=$SECONDS logf="$cache/logs/build-terraform-$TERRAFORM_VERSION.log"
  log "terraform $TERRAFORM_VERSION not on PATH: building github.com/hashicorp/terraform@v$TERRAFORM_VERSION (log in $logf)"
  json="$(cd "$work" && "$GO" mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" 2>&1)" || die "terraform v$TERRAFORM_VERSION from the Go module proxy: $json"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
  mkdir -p "$src" && cp -R "$dir/." "$src" && chmod -R u+w "$src"
  # `godebug tlskyber=0` (Go 1.23's draft Kyber key exchange off) is an unknown setting since Go 1.26,
  # where that draft is gone anyway: drop the line or go refuses the go.mod.
  sed -i '/^godebug tlskyber=/d' "$src/go.mod"
  ts="$(cd "$work" && "$GO" list -m -f '{{.Time.UTC.Format "20060102150405"}}' "github.com/hashicorp/terraform@v$TERRAFORM_VERSION")"
  local mod rel ver
  while read -r mod rel; do
    ver="v0.0.0-$ts-$TERRAFORM_COMMIT"
    json="$(cd "$work" && "$GO" mod download -json "$mod@$ver" 2>&1)" || die "$mod@$ver: $json"
    dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
    mkdir -p "$src/$rel" && cp -R "$dir/." "$src/$rel" && chmod -R u+w "$src/$rel"
  done < <(sed -n 's|^replace \(github.com/hashicorp/terraform/[^ ]*\) => \./\(.*\)$|\1 \2|p' "$src/go.mod")
  if ! (cd "$src" && "$GO" build -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$out.tmp" .) >"$logf" 2>&1; then
    rm -f "$out.tmp"
    tail -20 "$logf" >&2
    die "building terraform $TERRAFORM_VERSION failed; see $logf"
  fi
  mv "$out.tmp" "$out"
  log "terraform $TERRAFORM_VERSION: built in $((SECONDS - started)) s"
}

# The terraform binary: the one on PATH at $TERRAFORM_VERSION, else one built from the Go module proxy.
terraform_binary() {
  local tf
  tf="$(command -v terraform || true)"
  if [ -n "$tf" ] && TF_CLI_CONFIG_FILE=/dev/null "$tf" version -json 2>/dev/null | grep -q "\"terraform_version\": \"$TERRAFORM_VERSION\""; then
    echo "$tf"
    return 0
  fi
  tf="$cache/bin/terraform-$TERRAFORM_VERSION"
  [ -x "$tf" ] || build_terraform "$tf"
  TF_CLI_CONFIG_FILE=/dev/null "$tf" version -json 2>/dev/null | grep -q "\"terraform_version\": \"$TERRAFORM_VERSION\"" \
    || die "$tf does not report terraform $TERRAFORM_VERSION"
  echo "$tf"
}

for p in "${PROVIDERS[@]}"; do
  # shellcheck disable=SC2086
  build_provider $p
done
[ ${#available[@]} -gt 0 ] || die "no provider could be built: ${unavailable[*]}"
terraform="$(terraform_binary)"

config="$cache/terraformrc"
{
  echo "# Written by rmq-ha providers/build.sh: providers from the local filesystem mirror only."
  echo "plugin_cache_dir = \"$plugin_cache\""
  echo "provider_installation {"
  echo "  filesystem_mirror {"
  echo "    path    = \"$mirror\""
  printf '    include = ['; sep=''
  for p in "${available[@]}"; do set -- $p; printf '%s"registry.terraform.io/%s/%s"' "$sep" "$2" "$1"; sep=', '; done
  echo "]"
  echo "  }"
  printf '  direct {\n    exclude = ['; sep=''
  for p in "${available[@]}"; do set -- $p; printf '%s"registry.terraform.io/%s/%s"' "$sep" "$2" "$1"; sep=', '; done
  echo "]"
  echo "  }"
  echo "}"
} >"$work/terraformrc"
mv "$work/terraformrc" "$config"

# Check: terraform installs each pinned version from the mirror (it reads the version folder) and
# every binary answers the plugin handshake (providers schema starts each one). Done again only when
# a binary changed; the schema is kept for reviewers and tests ($cache/schema.json).
stamp="$cache/verified"
sums="$(for p in "${available[@]}"; do set -- $p; sha256sum "$mirror/registry.terraform.io/$2/$1/$3/$platform/terraform-provider-$1_v$3"; done; echo "$terraform")"
if [ "$(cat "$stamp" 2>/dev/null)" != "$sums" ] || [ ! -s "$cache/schema.json" ]; then
  check="$work/check"
  mkdir -p "$check"
  {
    echo 'terraform {'
    echo '  required_providers {'
    for p in "${available[@]}"; do set -- $p; echo "    $1 = { source = \"$2/$1\", version = \"= $3\" }"; done
    echo '  }'
    echo '}'
  } >"$check/main.tf"
  (cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" init -backend=false -input=false -no-color) >"$cache/logs/check.log" 2>&1 \
    || { tail -20 "$cache/logs/check.log" >&2; die "terraform init from the mirror failed; see $cache/logs/check.log"; }
  got="$(cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" version -json)"
  for p in "${available[@]}"; do
    set -- $p
    grep -q "\"registry.terraform.io/$2/$1\": \"$3\"" <<<"$got" || die "terraform selected no $2/$1 $3: $got"
  done
  (cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" providers schema -json) >"$work/schema.json" 2>>"$cache/logs/check.log" \
    || { tail -20 "$cache/logs/check.log" >&2; die "terraform providers schema failed (a provider did not start); see $cache/logs/check.log"; }
  mv "$work/schema.json" "$cache/schema.json"
  echo "$sums" >"$stamp"
  log "checked: terraform installs $(for p in "${available[@]}"; do set -- $p; printf '%s/%s %s, ' "$2" "$1" "$3"; done)and each answers the plugin handshake"
fi

for u in "${unavailable[@]}"; do echo "unavailable $u"; done
echo "terraform $terraform"
echo "$config"
