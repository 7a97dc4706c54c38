#!/usr/bin/env bash
# The CRI benchmark: time of kubelet's image pull (CRI runtime.v1.ImageService/PullImage on containerd's socket, until
# it returns) through Debian's containerd 1.6 with (a) its default overlayfs snapshotter — containerd downloads,
# decompresses and unpacks — and (b) `brume snapshotter` (started and idle before the timed pull). Same testbed as
# bench/pull (registry in its own network namespace behind a tc-tbf-shaped veth; images from bench/pull/images.sh),
# under its own names so both benchmarks can share a machine. Every run starts from an empty containerd (fresh root,
# state and socket) and, for (b), an empty snapshotter root; contenders alternate within each round, medians of
# --runs. The CRI client (a fresh JVM per pull) connects with an untimed no-op call first, as kubelet's connection is
# long established (before 2026-12-06 16:01 UTC the timing included that, ~0.3 s, in every contender). Also records
# the snapshotter's RSS when idle and its peak RSS (VmHWM) over a pull. Run as root.
# The bound (issue 10), measured in the same rounds: "download" = every blob of the image fetched at once with curl to
# /dev/null over the same link, "extract" = `igzip -dc | tar -x` of every layer at once from local files (no fsync);
# bound = the larger of the two medians. --contenders can add JIT variants of brume (the launcher runs the snapshotter
# with C1 only, -XX:TieredStopAtLevel=1): "brume-tiered" (the JVM's default, C1 then C2) and "brume-c2" (C2 only);
# --variant NAME=OPTIONS defines a contender "brume-NAME" that adds OPTIONS to the launcher's (BRUME_JAVA_OPTS).
# "brume-warm" is a snapshotter that has served one pull before the timed one (the other image, untimed, through a
# containerd of its own): the daemon's steady state, where "brume" measures its first pull after start.
# Brume's RSS is read three times: idle --settle seconds after start, peak over the pull (VmHWM) and idle again
# --settle seconds after the pull returned (the launcher's native heap trimming and heap shrinking have run by then).
# --no-build reuses the CLI jar and the CRI client's classes as they are (build them first, outside the bench lock).
# No timed run follows a large delete (bench/pull's delete_trees and settle, lib.sh): every run writes its trees
# (containerd's root, the snapshotter's root, the extracted layers) into a new directory, $CRI_OUT/runs/CELL/RUN,
# kept until the invocation ends; the first timed run starts SETTLE (360) seconds after the last delete of run trees
# by this script or bench/pull (bench/out/last-delete). Only with < 10 GB free are trees deleted between cells.
#
#   run.sh [--runs 3] [--cells "debian:unshaped debian:200 debian:50 multi:unshaped"] [--doc docs/bench/cri.md]
#          [--contenders "overlayfs brume download extract"] [--variant NAME=OPTIONS]... [--settle 10] [--no-build]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../pull/testbed.sh"
# Own testbed names (bench/pull uses brume-bench-reg / brbench* / 10.231.0.0/30).
NETNS="brume-cri-reg"
VETH_HOST="brcri0"
VETH_NS="brcri1"
HOST_ADDR="10.233.0.1"
NS_ADDR="10.233.0.2"
REG="$NS_ADDR:$REG_PORT"
BENCH_IMAGES=(debian multi)
TESTBED_STATE="$BENCH_OUT/cri-testbed"
CRI_OUT="$BENCH_OUT/cri"

runs=3
cells="debian:unshaped debian:200 debian:50 multi:unshaped"
doc="$REPO_DIR/docs/bench/cri.md"
contenders="overlayfs brume download extract"
settle=10
build=1
declare -A variants=()
command_line="bench/cri/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --cells) cells="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    --contenders) contenders="$2"; shift ;;
    --variant)
      [[ "$2" =~ ^[a-z0-9]+=. ]] || die "--variant takes NAME=OPTIONS (NAME in [a-z0-9]), not $2"
      variants["brume-${2%%=*}"]="${2#*=}"
      shift
      ;;
    --settle) settle="$2"; shift ;;
    --no-build) build=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
  shift
done

for contender in $contenders; do
  case "$contender" in
    overlayfs | brume | brume-tiered | brume-c2 | brume-warm | download | extract) ;;
    brume-*) [ -n "${variants[$contender]:-}" ] || die "contender $contender needs --variant ${contender#brume-}=OPTIONS" ;;
    *) die "unknown contender $contender (overlayfs, brume, brume-tiered, brume-c2, brume-warm, brume-NAME of --variant, download, extract)" ;;
  esac
done
need_root
need_tools containerd ctr runc mvn curl jq ip tc igzip tar
mkdir -p "$CRI_OUT"

if [ "$build" = 1 ] || [ ! -f "$CRI_OUT/classpath" ]; then
  log "building brume (CLI and the CRI client)"
  (cd "$REPO_DIR" && ./brume --version >/dev/null)
  (cd "$REPO_DIR" && mvn -q -B -pl brume-snapshotter -am -DskipTests -Dspotless.check.skip=true test-compile \
    dependency:build-classpath -Dmdep.outputFile="$CRI_OUT/classpath" -Dmdep.includeScope=test >&2)
fi
java_bin=""
for candidate in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  if [ -x "$candidate" ] && "$candidate" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
    java_bin="$candidate"
    break
  fi
done
[ -n "$java_bin" ] || die "no JDK >= 25 found (JAVA_HOME, PATH, /usr/lib/jvm)"
client_cp="$REPO_DIR/brume-snapshotter/target/test-classes:$REPO_DIR/brume-snapshotter/target/classes:$(cat "$CRI_OUT/classpath")"

RUNS_DIR="$CRI_OUT/runs" # the runs' trees, one new directory per run: deleted only by delete_trees
containerd_pid=""
snapshotter_pid=""
cleanup_run() {
  [ -z "$containerd_pid" ] || { kill "$containerd_pid" 2>/dev/null || true; wait "$containerd_pid" 2>/dev/null || true; }
  [ -z "$snapshotter_pid" ] || { kill "$snapshotter_pid" 2>/dev/null || true; wait "$snapshotter_pid" 2>/dev/null || true; }
  containerd_pid=""
  snapshotter_pid=""
  # (no container runs, so containerd started no shims) only sockets, configs and containerd's state: a few files
  remove_tree "$CRI_OUT/run"
}
trap 'cleanup_run || true; delete_trees "$RUNS_DIR" || true; testbed_down' EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for SECONDS CMD...: polls CMD every 0.1 s
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

start_containerd() { # start_containerd overlayfs|brume RUN_DIR: its root (content store, snapshots) in RUN_DIR
  local dir="$CRI_OUT/run/containerd" # short: the sockets' paths must fit in 108 bytes
  mkdir -p "$dir" "$CRI_OUT/run/certs.d/$REG"
  printf 'server = "http://%s"\n\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' "$REG" "$REG" \
    >"$CRI_OUT/run/certs.d/$REG/hosts.toml"
  {
    echo 'version = 2'
    echo "root = \"$2/containerd\""
    echo "state = \"$dir/state\""
    echo "[grpc]"
    echo "  address = \"$dir/containerd.sock\""
    echo "[ttrpc]"
    echo "  address = \"$dir/containerd.sock.ttrpc\""
    if [ "$1" = brume ]; then
      echo '[proxy_plugins]'
      echo '  [proxy_plugins.brume]'
      echo '    type = "snapshot"'
      echo "    address = \"$CRI_OUT/run/brume.sock\""
    fi
    echo '[plugins."io.containerd.grpc.v1.cri"]'
    echo '  stream_server_port = "0"'
    echo '  [plugins."io.containerd.grpc.v1.cri".containerd]'
    if [ "$1" = brume ]; then
      echo '    snapshotter = "brume"'
      echo '    disable_snapshot_annotations = false'
    fi
    echo '  [plugins."io.containerd.grpc.v1.cri".registry]'
    echo "    config_path = \"$CRI_OUT/run/certs.d\""
  } >"$dir/config.toml"
  containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
  containerd_pid=$!
  wait_for 60 ctr -a "$dir/containerd.sock" version || die "containerd did not start ($dir/containerd.log)"
}

start_snapshotter() { # start_snapshotter RUN_DIR [EXTRA_JVM_OPTIONS]: its root in RUN_DIR
  mkdir -p "$CRI_OUT/run"
  (cd "$REPO_DIR" && BRUME_JAVA_OPTS="${BRUME_JAVA_OPTS:-}${2:+ $2}" exec ./brume snapshotter --socket "$CRI_OUT/run/brume.sock" --root "$1/brume" \
    --hosts-dir "$CRI_OUT/run/certs.d") >"$CRI_OUT/snapshotter.log" 2>&1 &
  snapshotter_pid=$!
  wait_for 60 test -S "$CRI_OUT/run/brume.sock" || die "brume snapshotter did not start ($CRI_OUT/snapshotter.log)"
}

rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

cri_pull() { # cri_pull IMAGE: prints seconds
  "$java_bin" --enable-native-access=ALL-UNNAMED -cp "$client_cp" io.brume.snapshotter.CriPullMain "$CRI_OUT/run/containerd/containerd.sock" "$1" |
    tee -a "$CRI_OUT/cri-pulls.log" | awk '{ print $1 }' # the line: seconds, image ref, seconds of the untimed warm-up
}

other_image() { # the image brume-warm pulls before the timed one
  case "$1" in
    debian) echo multi ;;
    *) echo debian ;;
  esac
}

variant_options() { # the JVM options a brume contender adds to the launcher's
  case "$1" in
    brume-tiered) echo "-XX:TieredStopAtLevel=4" ;;
    brume-c2) echo "-XX:TieredStopAtLevel=4 -XX:-TieredCompilation" ;;
    *) echo "${variants[$1]:-}" ;;
  esac
}

now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }

bound_download() { # bound_download IMAGE: prints seconds to fetch all its blobs at once to /dev/null
  local args=() digest size start
  while read -r digest size; do
    args+=(-o /dev/null "http://$REG/v2/bench/$1/blobs/$digest")
  done < <(image_blobs "$1")
  start="$(now_ns)"
  curl -sf --no-progress-meter --parallel --parallel-max 32 "${args[@]}" || die "downloading the blobs of $1 failed"
  seconds_since "$start"
}

bound_extract() { # bound_extract IMAGE RUN_DIR: prints seconds of `igzip -dc | tar -x` of all its layers at once
  local dir="$2/extract" digest size n=0 start pids=()
  mkdir -p "$dir"
  start="$(now_ns)"
  while read -r digest size; do
    n=$((n + 1))
    [ "$n" = 1 ] && continue # the config
    mkdir "$dir/$n"
    (igzip -dc <"$(blob_path "$digest")" | tar -x --no-same-owner -C "$dir/$n") &
    pids+=($!)
  done < <(image_blobs "$1")
  for pid in "${pids[@]}"; do wait "$pid" || die "extracting a layer of $1 failed"; done
  seconds_since "$start"
}

results="$CRI_OUT/results-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'image\tlink\tcontender\trun\tseconds\tidle_rss_kb\tpeak_rss_kb\tload1\tafter_rss_kb\n' >"$results"

testbed_up
# Before the first cell: leftovers of an interrupted run deleted, then settled (also after bench/pull's deletes).
if [ -e "$RUNS_DIR" ]; then delete_trees "$RUNS_DIR"; fi
settle
first_cell=1
for cell in $cells; do
  image="${cell%%:*}"
  link="${cell#*:}"
  if [ "$first_cell" = 0 ] && short_of_disk; then
    log "less than 10 GB free: deleting the earlier cells' trees"
    delete_trees "$RUNS_DIR"
    settle
  fi
  first_cell=0
  testbed_shape "$link"
  ref="$(image_ref "$image")"
  for run in $(seq 1 "$runs"); do
    read -r -a order <<<"$contenders"
    [ $((run % 2)) = 0 ] && mapfile -t order < <(printf '%s\n' "${order[@]}" | tac)
    for contender in "${order[@]}"; do
      cleanup_run
      run_dir="$RUNS_DIR/$image-$link/$contender-$run"
      remove_tree "$run_dir" # only if a run of that name is left over; normally new
      mkdir -p "$run_dir"
      idle="" peak="" after=""
      load="$(cut -d' ' -f1 /proc/loadavg)"
      case "$contender" in
        download) seconds="$(bound_download "$image")" ;;
        extract) seconds="$(bound_extract "$image" "$run_dir")" ;;
        overlayfs | brume | brume-*)
          if [ "$contender" != overlayfs ]; then
            start_snapshotter "$run_dir" "$(variant_options "$contender")"
            if [ "$contender" = brume-warm ]; then
              # a snapshotter that has served a pull before: another image, untimed, through its own containerd
              start_containerd brume "$run_dir/warm-up"
              cri_pull "$(image_ref "$(other_image "$image")")" >/dev/null
              kill "$containerd_pid" && wait "$containerd_pid" 2>/dev/null || true
              containerd_pid=""
              remove_tree "$CRI_OUT/run/containerd" # its state (a few files); its root stays in the run's tree
            fi
            sleep "$settle" # idle: JIT, startup and the first native heap trims settled
            idle="$(rss_kb "$snapshotter_pid" VmRSS)" # the launcher execs java: same pid
          fi
          start_containerd "${contender%%-*}" "$run_dir"
          sync
          load="$(cut -d' ' -f1 /proc/loadavg)"
          seconds="$(cri_pull "$ref")"
          if [ "$contender" != overlayfs ]; then
            peak="$(rss_kb "$snapshotter_pid" VmHWM)"
            sleep "$settle" # idle again after the pull
            after="$(rss_kb "$snapshotter_pid" VmRSS)"
            if grep -q "containerd applies its layers itself" "$CRI_OUT/snapshotter.log"; then
              die "brume fell back to containerd's pull: $(cat "$CRI_OUT/snapshotter.log")"
            fi
          fi
          ;;
        *) die "unknown contender $contender (overlayfs, brume, brume-tiered, brume-c2, brume-NAME of --variant, download, extract)" ;;
      esac
      log "$image $link $contender run $run: ${seconds} s (load $load${idle:+, idle RSS ${idle} kB, peak ${peak} kB, after ${after} kB})"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$image" "$link" "$contender" "$run" "$seconds" "$idle" "$peak" "$load" \
        "$after" >>"$results"
    done
  done
done
cleanup_run
log "results: $results"
"$(dirname "${BASH_SOURCE[0]}")/render.sh" "$results" "$command_line" >"$doc"
log "wrote $doc"
