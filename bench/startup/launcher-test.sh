#!/usr/bin/env bash
# Checks the launcher's AOT cache handling (docs/bench/startup.md): a command's first run trains silently and
# leaves a cache, later runs use it, and a broken, empty or foreign cache never changes a command's output, exit
# status or stderr. Needs a built CLI (./brume --version). Prints "ok" or the first failure; exit status 0 or 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
./brume --version >/dev/null
XDG_CACHE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/brume-aot-test.XXXXXX")
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
aot="$XDG_CACHE_HOME/brume/aot"
fail() { echo "launcher-test: $*" >&2; exit 1; }
expected=$(BRUME_AOT=0 ./brume --help)
[ ! -e "$aot" ] || fail "BRUME_AOT=0 created $aot"

check() { # check WHAT: --help prints what it prints without a cache, nothing on stderr, exit status 0
  local out err
  err=$(mktemp)
  out=$(./brume --help 2>"$err") || fail "$1: exit status $?"
  [ "$out" = "$expected" ] || fail "$1: --help output differs"
  [ ! -s "$err" ] || fail "$1: stderr: $(cat "$err")"
  rm -f "$err"
}

check "training run"
for _ in $(seq 240); do compgen -G "$aot/help-*.aot" >/dev/null && break; sleep 0.5; done
cache=$(compgen -G "$aot/help-*.aot") || fail "no cache after the training run: $(ls -la "$aot")"
check "run with the cache"
./brume --version >/dev/null 2>&1 # same cache as --help (options are not commands)
[ "$(compgen -G "$aot/help-*.aot")" = "$cache" ] || fail "--version trained another cache"

head -c 100000 /dev/urandom >"$cache"
check "corrupt cache"
: >"$cache"
check "empty cache"
cp "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /bin/sh)")")/../lib/server/classes.jsa" "$cache" 2>/dev/null ||
  head -c 4096 /dev/zero >"$cache"
check "a cache of something else"
chmod 000 "$cache"
check "unreadable cache"
echo ok
