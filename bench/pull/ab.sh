#!/usr/bin/env bash
# Interleaved A/B of brume builds or JVM options on one image (docs/bench/startup.md, "Cutting the fixed cost of a
# cold pull"). Run as root inside the testbed, under the bench lock, e.g.:
#
#   flock /work/bench.lock bench/pull/testbed.sh run bench/pull/ab.sh 5 "base|/tmp/b0|" "x8|/tmp/b1|-XX:Foo=1"
#
# Each VARIANT is "NAME|DIR|BRUME_JAVA_OPTS": DIR holds a launcher and its jars (a copy of ./brume and
# brume-cli/target/{brume.jar,lib}, as run.sh freezes them). Every variant first trains its own AOT cache with one
# untimed pull; then ROUNDS rounds pull the image once per variant (order rotated each round), each into a new
# store on a fresh journal-less ext4 on a --direct-io loop device, so that no run follows a delete of many files
# (see lib.sh, delete_trees). Prints one line per run: round, variant, seconds, user and system CPU seconds.
# IMAGE (default debian) picks the image; STRACE=NAME also straces one pull of that variant (syncfs, fsync, execve)
# into $BENCH_OUT/ab-strace-NAME.txt. WRITE_MBPS=N makes the scratch file system a slow disk: every write reaching
# its loop device (fsync, syncfs and the kernel's own flushes alike) goes at most N MB/s, through cgroup v1's blkio
# throttle of the root group on that device only. A Raspberry Pi's SD card writes ~10-20 MB/s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root
need_tools mkfs.ext4 losetup lsblk bc
[ $# -ge 2 ] || die "usage: ab.sh ROUNDS 'NAME|DIR|OPTS' ..."
rounds=$1
shift
[ -n "${BENCH_REG:-}" ] || die "run it inside the testbed: bench/pull/testbed.sh run bench/pull/ab.sh ..."
ref="$BENCH_REG/bench/${IMAGE:-debian}:v1"

scratch="$(mktemp -d "${TMPDIR:-/var/tmp}/brume-ab.XXXXXX")"
loop=""
throttle=/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device
throttled=""
cleanup() {
  if [ -n "$throttled" ]; then echo "$throttled 0" >"$throttle"; fi
  if mountpoint -q "$scratch/mnt"; then umount "$scratch/mnt"; fi
  if [ -n "$loop" ]; then losetup -d "$loop"; fi
  rm -rf "$scratch" # one large file and empty directories: no inode pressure on the disk
}
trap cleanup EXIT
truncate -s 40G "$scratch/fs.img"
mkfs.ext4 -q -O ^has_journal "$scratch/fs.img"
loop="$(losetup --direct-io=on -f --show "$scratch/fs.img")"
mkdir -p "$scratch/mnt"
mount "$loop" "$scratch/mnt"
mnt="$scratch/mnt"
if [ -n "${WRITE_MBPS:-}" ]; then
  [[ "$WRITE_MBPS" =~ ^[1-9][0-9]*$ ]] || die "WRITE_MBPS takes a whole number of MB/s, not $WRITE_MBPS"
  [ -w "$throttle" ] || die "WRITE_MBPS needs cgroup v1's blkio throttle ($throttle)"
  throttled="$(lsblk -no MAJ:MIN "$loop" | tr -d ' ')"
  echo "$throttled $((WRITE_MBPS * 1024 * 1024))" >"$throttle"
fi

pull() { # pull NAME DIR OPTS STORE [wrapper...]
  local name=$1 dir=$2 opts=$3 store=$4
  shift 4
  XDG_CACHE_HOME="$mnt/$name-cache" BRUME_JAVA_OPTS="$opts" "$@" "$dir/brume" pull --quiet --plain-http \
    --store "$store" --strategy auto "$ref" >/dev/null
}

for v in "$@"; do
  IFS='|' read -r name dir opts <<<"$v"
  pull "$name" "$dir" "$opts" "$mnt/train-$name"
  for _ in $(seq 1 600); do
    compgen -G "$mnt/$name-cache/brume/aot/pull-*.aot" >/dev/null && break
    compgen -G "$mnt/$name-cache/brume/aot/pull-*.failed" >/dev/null && die "$name: no AOT cache"
    sleep 0.2
  done
done
sleep 3 # the cache writers are detached JVMs
sync
log "load average $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of $ref${WRITE_MBPS:+, writes at most $WRITE_MBPS MB/s}"
variants=("$@")
n=${#variants[@]}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n - 1))); do
    IFS='|' read -r name dir opts <<<"${variants[$(((k + r) % n))]}"
    sync
    t0=$EPOCHREALTIME
    pull "$name" "$dir" "$opts" "$mnt/$name-$r" /usr/bin/time -f "%U %S" -o "$scratch/cpu"
    t1=$EPOCHREALTIME
    printf '%s\t%s\t%.3f\tcpu %s\n' "$r" "$name" "$(echo "$t1 - $t0" | bc)" "$(cat "$scratch/cpu")"
  done
done
log "load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${STRACE:-}" ]; then
  for v in "$@"; do
    IFS='|' read -r name dir opts <<<"$v"
    [ "$name" = "$STRACE" ] || continue
    sync
    pull "$name" "$dir" "$opts" "$mnt/strace-$name" \
      strace -f --seccomp-bpf -tt -T -e trace=syncfs,fsync,execve,exit_group -o "$BENCH_OUT/ab-strace-$name.txt"
  done
fi
