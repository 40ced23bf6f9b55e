#!/usr/bin/env bash
# Builds the Terraform providers the synthesized stacks pin (required_providers) from source with Go,
# lays them out as a Terraform filesystem mirror, writes a Terraform CLI config that installs them
# from that mirror only, and prints the config's path as the LAST line of stdout:
#
#   export TF_CLI_CONFIG_FILE="$(bash providers/build.sh | tail -1)"
#
# Nothing comes from the Terraform registry. Sources, in order:
#   1. the Go module proxy, at the pseudo-version of the release commit (checked against sum.golang.org);
#   2. a git mirror of the provider repository, $RMQ_HA_PROVIDER_MIRRORS/<owner>+<name>/repo
#      (default /work/.mirror), at the release commit (full hash below), exported with git archive.
# The provider's own go.mod/go.sum pin every dependency (fetched from the Go module proxy).
# Binaries are cached in ${RMQ_HA_CACHE:-/var/cache/rmq-ha}/providers, keyed by version: a provider
# is rebuilt only when its binary is missing. Terraform is the one on PATH when it is
# $TERRAFORM_VERSION, otherwise it is built from the Go module proxy into the cache.
# Progress goes to stderr; stdout is "terraform <path>" then the CLI config path.
set -euo pipefail

TERRAFORM_VERSION=1.11.4
# Its release commit (12 hex): the commit of the nested modules' pseudo-versions whose time is v1.11.4's.
TERRAFORM_COMMIT=35645b8fca68
# type namespace version repository release-commit pseudo-version version-variable(- if none)
# The docker provider is 3.7.0, not 3.6.2: 3.6.2 panics on a container's `cpus` (upstream #759, fixed by #771).
# Each go.mod keeps a module path the v2+/v3+ tags are no valid Go versions for, hence pseudo-versions.
PROVIDERS=(
  "docker kreuzwerker 3.7.0 kreuzwerker/terraform-provider-docker 7d3c0444390d917e64b185374d4e8850304e135d v0.0.0-20250819080526-7d3c0444390d main.version"
  "random hashicorp 3.7.2 hashicorp/terraform-provider-random bc2ddb552b4676d16997987a9bf2875c7b98d342 v1.3.2-0.20250422105519-bc2ddb552b46 -"
  "kubernetes hashicorp 2.38.0 hashicorp/terraform-provider-kubernetes be88f44271050f69d52f410bca388834afedfe71 v1.13.4-0.20250721172020-be88f4427105 -"
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

# fetch_source <repo> <commit> <pseudo-version> <dest>: the provider's source tree at the release commit.
fetch_source() {
  local repo="$1" commit="$2" pseudo="$3" dest="$4" json dir gitdir
  mkdir -p "$dest"
  if json="$(cd "$work" && "$GO" mod download -json "github.com/$repo@$pseudo" 2>/dev/null)"; then
    dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
    if [ -n "$dir" ] && [ -f "$dir/go.mod" ]; then
      log "$repo: source github.com/$repo@$pseudo from the Go module proxy"
      cp -R "$dir/." "$dest" && chmod -R u+w "$dest"
      return 0
    fi
  fi
  log "$repo: the Go module proxy does not serve github.com/$repo@$pseudo: $(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"${json:-}" | sed 's/\\[nt]/ /g' | head -1)"
  gitdir="${RMQ_HA_PROVIDER_MIRRORS:-/work/.mirror}/${repo/\//+}/repo"
  git -C "$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null \
    || die "$repo: no source: the Go module proxy refuses $pseudo and there is no git mirror with commit $commit at $gitdir (set RMQ_HA_PROVIDER_MIRRORS to a folder of <owner>+<name>/repo mirrors)"
  # A mirror may lack large blobs: tolerated for tests, test data and docs only (the build needs no others).
  local excludes=() status path tree="$dest.tree"
  git -C "$gitdir" ls-tree -r "$commit" | awk -F'\t' '{ split($1, a, " "); if (a[2] == "blob") print a[3] "\t" $2 }' >"$tree"
  cut -f1 "$tree" | git -C "$gitdir" cat-file --batch-check='%(objectname)' >"$tree.check"
  while IFS=$'\t' read -r status path; do
    case "$status" in *" missing") ;; *) continue ;; esac
    case "$path" in
      *_test.go | */testdata/* | testdata/* | docs/* | examples/* | *.md) excludes+=(":(exclude,literal)$path") ;;
      *) die "$repo: the git mirror $gitdir lacks $path (blob ${status% missing}) at $commit" ;;
    esac
  done < <(paste "$tree.check" <(cut -f2 "$tree"))
  log "$repo: source commit $commit from the git mirror $gitdir${excludes:+ (without ${#excludes[@]} missing test/doc files)}"
  # (git archive still reports the excluded missing blobs on stderr, and exits 0.)
  git -C "$gitdir" archive --format=tar "$commit" -- . "${excludes[@]}" 2>"$tree.err" | tar -x -C "$dest" \
    || { cat "$tree.err" >&2; die "$repo: git archive $commit from $gitdir failed"; }
}

# build_provider <type> <ns> <version> <repo> <commit> <pseudo> <version-var>
build_provider() {
  local type="$1" ns="$2" version="$3" repo="$4" commit="$5" pseudo="$6" var="$7"
  local dir="$mirror/registry.terraform.io/$ns/$type/$version/$platform"
  local bin="$dir/terraform-provider-${type}_v$version"
  if [ -x "$bin" ]; then
    log "$ns/$type $version: cached ($bin)"
    return 0
  fi
  [ "${pseudo##*-}" = "${commit:0:12}" ] || die "$repo: pseudo-version $pseudo does not name commit $commit"
  local src="$work/$type" ldflags="-s -w" started=$SECONDS logf="$cache/logs/build-$type-$version.log"
  fetch_source "$repo" "$commit" "$pseudo" "$src"
  [ "$var" = - ] || ldflags="$ldflags -X $var=$version"
  log "$ns/$type $version: go build (a few minutes the first time; log in $logf)"
  mkdir -p "$dir"
  if ! (cd "$src" && "$GO" build -trimpath -ldflags "$ldflags" -o "$bin.tmp" .) >"$logf" 2>&1; then
    rm -f "$bin.tmp"
    tail -20 "$logf" >&2
    die "$ns/$type $version: go build failed in $src (GOFLAGS=$GOFLAGS); see $logf"
  fi
  mv "$bin.tmp" "$bin"
  log "$ns/$type $version: built in $((SECONDS - started)) s ($(du -m "$bin" | cut -f1) MB)"
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
terraform="$(terraform_binary)"

config="$cache/terraformrc"
{
  echo "# Written by rmq-ha providers/build.sh: providers from the local filesystem mirror only."
  echo "plugin_cache_dir = \"$plugin_cache\""
  echo "provider_installation {"
  echo "  filesystem_mirror {"
  echo "    path    = \"$mirror\""
  printf '    include = ['; sep=''
  for p in "${PROVIDERS[@]}"; do set -- $p; printf '%s"registry.terraform.io/%s/%s"' "$sep" "$2" "$1"; sep=', '; done
  echo "]"
  echo "  }"
  printf '  direct {\n    exclude = ['; sep=''
  for p in "${PROVIDERS[@]}"; do set -- $p; printf '%s"registry.terraform.io/%s/%s"' "$sep" "$2" "$1"; sep=', '; done
  echo "]"
  echo "  }"
  echo "}"
} >"$work/terraformrc"
mv "$work/terraformrc" "$config"

# Check: terraform installs each pinned version from the mirror (it reads the version folder) and
# every binary answers the plugin handshake (providers schema starts each one). Done again only when
# a binary changed; the schema is kept for reviewers and tests ($cache/schema.json).
stamp="$cache/verified"
sums="$(for p in "${PROVIDERS[@]}"; do set -- $p; sha256sum "$mirror/registry.terraform.io/$2/$1/$3/$platform/terraform-provider-$1_v$3"; done; echo "$terraform")"
if [ "$(cat "$stamp" 2>/dev/null)" != "$sums" ] || [ ! -s "$cache/schema.json" ]; then
  check="$work/check"
  mkdir -p "$check"
  {
    echo 'terraform {'
    echo '  required_providers {'
    for p in "${PROVIDERS[@]}"; do set -- $p; echo "    $1 = { source = \"$2/$1\", version = \"= $3\" }"; done
    echo '  }'
    echo '}'
  } >"$check/main.tf"
  (cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" init -backend=false -input=false -no-color) >"$cache/logs/check.log" 2>&1 \
    || { tail -20 "$cache/logs/check.log" >&2; die "terraform init from the mirror failed; see $cache/logs/check.log"; }
  got="$(cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" version -json)"
  for p in "${PROVIDERS[@]}"; do
    set -- $p
    grep -q "\"registry.terraform.io/$2/$1\": \"$3\"" <<<"$got" || die "terraform selected no $2/$1 $3: $got"
  done
  (cd "$check" && TF_CLI_CONFIG_FILE="$config" "$terraform" providers schema -json) >"$work/schema.json" 2>>"$cache/logs/check.log" \
    || { tail -20 "$cache/logs/check.log" >&2; die "terraform providers schema failed (a provider did not start); see $cache/logs/check.log"; }
  mv "$work/schema.json" "$cache/schema.json"
  echo "$sums" >"$stamp"
  log "checked: terraform installs $(for p in "${PROVIDERS[@]}"; do set -- $p; printf '%s/%s %s, ' "$2" "$1" "$3"; done)and each answers the plugin handshake"
fi

echo "terraform $terraform"
echo "$config"
