#!/usr/bin/env bash
# Self-test of the pull benchmark's scripts (root, ~2 minutes): the testbed's shaping is within -20 %/+10 % of its setting,
# a tiny benchmark (multi image, unshaped, 1 run, every available contender) completes and renders a doc, and
# nothing is left behind (namespace, veth, containerd daemon, mounts, work directories). Not part of `mvn verify`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root

passes=0
failures=0
check() { # check DESCRIPTION CMD... : runs CMD, reports
  local what="$1"
  shift
  if "$@"; then
    log "ok: $what"
    passes=$((passes + 1))
  else
    log "FAIL: $what"
    failures=$((failures + 1))
  fi
}
no_netns() { ! ip netns list | grep -qw "$NETNS"; }
no_veth() { ! ip link show "$VETH_HOST" >/dev/null 2>&1; }
no_mounts() { ! awk -v d="$BENCH_OUT/work" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; }
no_daemon() {
  local pid
  for pid in $(pgrep -x containerd || true); do
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$BENCH_OUT/work" && return 1
  done
  return 0
}
no_work_dirs() { ! ls -d "$BENCH_OUT"/work/{runs,containerd,skopeo-umoci,brume-*,download-only,unpack-only} >/dev/null 2>&1; }
doc_has_rows() { grep -q '^| multi | unshaped | containerd | [0-9]' "$doc" && grep -q '^| multi | unshaped | unpack-only | [0-9]' "$doc"; }

"$BENCH_DIR/images.sh"
check "testbed shaping at 50 Mbit/s and unshaped" "$BENCH_DIR/testbed.sh" check 50 unshaped
check "testbed: no namespace left" no_netns
check "testbed: no veth left" no_veth

# Hold mode, ended by TERM: torn down at once.
"$BENCH_DIR/testbed.sh" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  ip netns list | grep -qw "$NETNS" && curl -sf -o /dev/null "http://$REG/v2/" && break
  sleep 0.1
done
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
check "testbed.sh (hold) ended by TERM: no namespace left" no_netns
check "testbed.sh (hold) ended by TERM: no veth left" no_veth

doc="$(mktemp --suffix=.md)"
check "run.sh completes (multi, unshaped, 1 run)" \
  "$BENCH_DIR/run.sh" --images multi --bandwidths unshaped --runs 1 --doc "$doc"
check "the doc has the multi rows" doc_has_rows
check "run.sh: no namespace left" no_netns
check "run.sh: no veth left" no_veth
check "run.sh: no mounts left under $BENCH_OUT/work" no_mounts
check "run.sh: no containerd daemon of the benchmark left" no_daemon
check "run.sh: no contender directories left" no_work_dirs
rm -f "$doc"

# Interrupted run (TERM: a background job of a script ignores INT): the traps clean up too.
"$BENCH_DIR/run.sh" --images multi --bandwidths unshaped --runs 1 --contenders containerd --doc /dev/null \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  no_daemon || break
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
check "interrupted run.sh: no namespace left" no_netns
check "interrupted run.sh: no containerd daemon of the benchmark left" no_daemon
check "interrupted run.sh: no mounts left" no_mounts

echo "$passes passed, $failures failed"
[ "$failures" = 0 ]
