#!/usr/bin/env bash
# Prepare this machine for the real-server tests (BIND, HAProxy, nftables, Knot), the status page's browser
# test (Debian's Chromium, driven by playwright-core), the alert rules' tests (promtool) and the Node deps.
# Idempotent and fast when everything is present. Debian/Ubuntu only; needs root (or password-less sudo)
# only when a package is missing. See docs/testing.md for what the tests start and why.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO_ROOT=$(pwd)

# g++, make and python3: node-gyp builds the native UDP engine (npm run build:native) with them.
PACKAGES=(bind9 bind9-dnsutils dnsperf haproxy nftables iptables knot knot-dnsutils chromium prometheus g++ make python3)
# Executables the tests call; checked after install so a broken package can't pass silently.
TOOLS=(named dig nsupdate dnsperf haproxy nft iptables knotd knotc kdig chromium promtool timeout node npm g++ make python3)
STAMP_FILE=node_modules/.seedkeeper-setup-stamp
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0

step() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

cleanup() {
  if [[ $CREATED_POLICY == 1 ]]; then
    $SUDO rm -f "$POLICY" || printf 'setup: WARNING: could not remove temporary %s\n' "$POLICY" >&2
  fi
}
trap cleanup EXIT

SUDO=""
if [[ $(id -u) != 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi

# Root's tools live in sbin; a non-login shell may not have them on PATH.
for d in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$d:"*) ;; *) PATH="$PATH:$d" ;; esac
done
export PATH

# 1. Debian packages -------------------------------------------------------------------------------
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

MISSING=()
for p in "${PACKAGES[@]}"; do installed "$p" || MISSING+=("$p"); done

if [[ ${#MISSING[@]} == 0 ]]; then
  step "packages: all ${#PACKAGES[@]} present"
else
  if [[ $(id -u) != 0 && -z $SUDO ]]; then
    die "missing packages (${MISSING[*]}) and not root (no password-less sudo): run this script as root"
  fi
  # Never let the packages' init scripts start system daemons (named on :53, haproxy with /etc/haproxy).
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# temporary, created by seedkeeper scripts/test-env/setup.sh\nexit 101\n' \
      | $SUDO tee "$POLICY" >/dev/null || die "cannot create $POLICY"
    $SUDO chmod 755 "$POLICY" || die "cannot chmod $POLICY"
    CREATED_POLICY=1
    step "policy-rc.d: created a temporary one (daemons will not be started)"
  else
    step "policy-rc.d: present, left as is"
  fi
  step "packages: installing ${MISSING[*]} (apt-get update first)"
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/tmp/seedkeeper-apt-update.log 2>&1 \
    || { tail -n 20 /tmp/seedkeeper-apt-update.log >&2; die "apt-get update failed (log: /tmp/seedkeeper-apt-update.log)"; }
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${MISSING[@]}" \
      >/tmp/seedkeeper-apt-install.log 2>&1 \
    || { tail -n 20 /tmp/seedkeeper-apt-install.log >&2; die "apt-get install failed (log: /tmp/seedkeeper-apt-install.log)"; }
  for p in "${MISSING[@]}"; do installed "$p" || die "package $p still not installed after apt-get install"; done
  step "packages: installed in $((SECONDS - t0)) s"
fi

cleanup
CREATED_POLICY=0

MISSING_TOOLS=()
for t in "${TOOLS[@]}"; do command -v "$t" >/dev/null 2>&1 || MISSING_TOOLS+=("$t"); done
[[ ${#MISSING_TOOLS[@]} == 0 ]] || die "executables not found on PATH after install: ${MISSING_TOOLS[*]}"
step "tools: ${#TOOLS[@]} executables on PATH"

# 2. nftables usable (silent-address tests) + stale tables of crashed runs --------------------------
if [[ $(id -u) == 0 ]]; then
  nft list tables >/dev/null 2>&1 || die "nft cannot list tables (nf_tables missing from the kernel?)"
  stale=0
  # Only our own tables: seedkeeper_test_<pid>_<n>, deleted when <pid> is gone.
  while read -r _ family name; do
    [[ $name =~ ^seedkeeper_test_([0-9]+)_ ]] || continue
    pid=${BASH_REMATCH[1]}
    if ! kill -0 "$pid" 2>/dev/null; then
      nft delete table "$family" "$name" 2>/dev/null && stale=$((stale + 1))
    fi
  done < <(nft list tables 2>/dev/null | head -n 1000)
  step "nftables: usable; removed $stale stale seedkeeper_test_* table(s)"
else
  step "nftables: not root, silent-address tests will be skipped (outside CI) or fail (CI)"
fi

# 3. Node dependencies ----------------------------------------------------------------------------
[[ -f package-lock.json ]] || die "package-lock.json missing in $REPO_ROOT"
lock_hash=$( { sha256sum package-lock.json | cut -d' ' -f1; node --version; } | sha256sum | cut -d' ' -f1)

# node_modules installed by someone else (no stamp yet) is adopted when npm's own record of the
# installed tree (node_modules/.package-lock.json) matches the lock file, so a working tree that others
# are using is not wiped by npm ci for nothing.
matches_lock() {
  [[ -f node_modules/.package-lock.json ]] || return 1
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")).packages ?? {};
    const have = JSON.parse(readFileSync("node_modules/.package-lock.json", "utf8")).packages ?? {};
    for (const [k, v] of Object.entries(lock)) {
      if (k === "" || !k.startsWith("node_modules/") || v.optional || v.link) continue;
      if (have[k]?.version !== v.version) { console.error("differs: " + k); process.exit(1); }
    }' 2>/dev/null
}

if [[ -d node_modules && -f $STAMP_FILE && $(cat "$STAMP_FILE") == "$lock_hash" ]]; then
  step "node_modules: up to date"
elif [[ -d node_modules && ! -f $STAMP_FILE ]] && matches_lock; then
  printf '%s\n' "$lock_hash" >"$STAMP_FILE"
  step "node_modules: matches package-lock.json (stamp written)"
else
  step "node_modules: missing or stale, running npm ci"
  t0=$SECONDS
  npm ci --no-audit --no-fund >/tmp/seedkeeper-npm-ci.log 2>&1 \
    || { tail -n 30 /tmp/seedkeeper-npm-ci.log >&2; die "npm ci failed (log: /tmp/seedkeeper-npm-ci.log)"; }
  printf '%s\n' "$lock_hash" >"$STAMP_FILE"
  step "node_modules: installed in $((SECONDS - t0)) s"
fi

step "ready"
