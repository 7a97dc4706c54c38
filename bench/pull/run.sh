#!/usr/bin/env bash
# The pull benchmark: time to pull and unpack each test image from an empty store, per contender, through the
# shaped testbed (testbed.sh), and the bound max(download-only, unpack-only). Run as root, at a quiet moment: other
# work on the machine (compilations) shows up in the numbers. Writes docs/bench/pull.md and prints a summary table.
#
#   run.sh [--images "debian multi large"] [--bandwidths "10 50 200 unshaped"] [--runs 3] [--full]
#          [--contenders "containerd skopeo-umoci brume-docker ..."] [--brume-rev COMMIT] [--timeout SECONDS]
#          [--doc FILE] [--note TEXT]
#   run.sh --render RESULTS.tsv [--render LATER.tsv ...] [--doc FILE]
#                                               re-render the doc from earlier runs' results; a cell (image × link)
#                                               found in several files is taken from the last one (re-run cells)
#
# Without --images/--bandwidths/--full, the default matrix keeps a run near 20 minutes:
#   debian: unshaped 200 50     multi: unshaped 10     large: unshaped
# --full runs every image at every bandwidth (10 50 200 unshaped; about an hour). --images or --bandwidths alone
# replace that part of the full matrix.
#
# Contenders, each from an empty store, runs interleaved (the order rotates every round), medians reported:
#   containerd      its own containerd daemon (fresh --root/--state/socket each run, overlayfs snapshotter),
#                   timed: ctr images pull --plain-http REF (unpigz on PATH)
#   skopeo-umoci    timed: skopeo copy docker://REF oci:DIR  +  umoci unpack
#   brume-STRATEGY  timed: brume pull --quiet --plain-http --store FRESH --strategy STRATEGY REF, for STRATEGY in
#                   docker sequential pipelined auto, when `brume pull --help` works: a frozen copy of the working
#                   tree's build (if it does not build: of a clean build of HEAD), or with --brume-rev COMMIT a clean
#                   build of that commit (cached per commit). Through the ./brume launcher with its AOT cache
#                   (docs/bench/startup.md), trained by one untimed pull before the first cell, in a cache
#                   directory of the benchmark's own
#   brume-STRATEGY-noaot  the same without the AOT cache (BRUME_AOT=0)
#   download-only   timed: curl of every blob (config, layers) to /dev/null through the shaped link
#   unpack-only     timed: igzip -dc LAYER | tar -x, layer after layer, from warm local files on the same disk
# bound = max(median download-only, median unpack-only).
#
# No timed run follows a large delete (SETTLE seconds, default 360, env): every run writes into a directory of its
# own and the trees (the AOT training pull's included) are deleted when the invocation ends, then sync and fstrim;
# the first cell starts SETTLE seconds after this script's last delete (waiting if needed). Only when the disk runs
# short (< 10 GB free) are trees deleted between cells, with the same wait. See delete_trees and settle (lib.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$BENCH_DIR/testbed.sh"

BRUME_STRATEGIES=(docker sequential pipelined auto)
DEFAULT_MATRIX=("debian:unshaped 200 50" "multi:unshaped 10" "large:unshaped")
FULL_BANDWIDTHS="10 50 200 unshaped"

images=""
bandwidths=""
runs=3
full=0
contenders=""
brume_rev=""
timeout_s=600
doc="$REPO_DIR/docs/bench/pull.md"
note="" # conditions worth a sentence in the doc, e.g. how other work on the machine was kept out of the way
render_only=()
command_line="bench/pull/run.sh${*:+ $*}"

while [ $# -gt 0 ]; do
  case "$1" in
    --images) images="$2"; shift ;;
    --bandwidths) bandwidths="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --full) full=1 ;;
    --contenders) contenders="$2"; shift ;;
    --timeout) timeout_s="$2"; shift ;;
    --brume-rev) brume_rev="$2"; shift ;;
    --doc) doc="$2"; shift ;;
    --note) note="$2"; shift ;;
    --render) render_only+=("$2"); shift ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$1' (see run.sh --help)" ;;
  esac
  shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, got '$runs'"

WORK="$BENCH_OUT/work"

# --- Contenders -------------------------------------------------------------------------------------------------
# Each contender has: prepare DIR (untimed), run DIR REF (timed; output to $LOG, peak RSS in KB to $RSS), finish DIR
# (untimed, may add to $RSS). DIR is new for every run and is removed only at the end (delete_trees).

prepare_containerd() {
  local dir="$1"
  write_containerd_config "$dir"
  containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
  echo $! >"$dir/containerd.pid"
  for _ in $(seq 1 100); do
    ctr -a "$dir/c.sock" version >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "containerd did not start (see $dir/containerd.log)"
}
run_containerd() {
  /usr/bin/time -f %M -o "$RSS.ctr" timeout -k 10 "$timeout_s" \
    ctr -a "$1/c.sock" -n bench images pull --plain-http --snapshotter overlayfs "$2" >"$LOG" 2>&1
}
finish_containerd() {
  local dir="$1" pid hwm
  pid="$(cat "$dir/containerd.pid")"
  # The daemon is fresh for every run, so its high-water mark is this pull's.
  hwm="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
  echo "${hwm:-0}" >"$RSS"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true # reaped: its CPU time joins this shell's children's
  rm -f "$dir/containerd.pid"
  cat "$dir/containerd.log" >>"$LOG"
}

prepare_skopeo-umoci() { mkdir -p "$1"; }
run_skopeo-umoci() {
  /usr/bin/time -f %M -o "$RSS.skopeo" timeout -k 10 "$timeout_s" \
    skopeo copy --quiet --src-tls-verify=false "docker://$2" "oci:$1/layout:v1" >"$LOG" 2>&1 &&
    /usr/bin/time -f %M -o "$RSS.umoci" timeout -k 10 "$timeout_s" \
      umoci unpack --image "$1/layout:v1" "$1/bundle" >>"$LOG" 2>&1
}
finish_skopeo-umoci() { cat "$RSS.skopeo" "$RSS.umoci" 2>/dev/null | sort -n | tail -n 1 >"$RSS"; }

BRUME=()
# The launcher's AOT caches live here, not in root's ~/.cache: trained once per run.sh invocation (train_brume_aot).
BRUME_AOT_HOME="$WORK/brume-aot-home"
prepare_brume() { mkdir -p "$1"; }
run_brume() { # run_brume STRATEGY DIR REF [AOT 1|0]
  XDG_CACHE_HOME="$BRUME_AOT_HOME" BRUME_AOT="${4:-1}" /usr/bin/time -f %M -o "$RSS" timeout -k 10 "$timeout_s" \
    "${BRUME[@]}" pull --quiet --plain-http --store "$2/store" --strategy "$1" "$3" >"$LOG" 2>&1
}
# train_brume_aot IMAGE: the launcher trains its `pull` AOT cache on the first pull of a jar and writes it in the
# background afterwards; doing that here, untimed, keeps the training run and the cache writer out of the timings.
train_brume_aot() {
  local dir="$WORK/brume-aot-training" cache
  rm -rf "$BRUME_AOT_HOME"
  mkdir -p "$BRUME_AOT_HOME"
  mkdir -p "$dir"
  XDG_CACHE_HOME="$BRUME_AOT_HOME" "${BRUME[@]}" pull --quiet --plain-http --store "$dir/store" --strategy auto \
    "$(image_ref "$1")" >"$WORK/logs/brume-aot-training.log" 2>&1 || die "the AOT training pull failed (see $WORK/logs/brume-aot-training.log)"
  # (its tree is deleted when the invocation ends, by delete_trees, outside every timing)
  for _ in $(seq 1 600); do
    cache="$(find "$BRUME_AOT_HOME/brume/aot" -maxdepth 1 \( -name 'pull-*.aot' -o -name 'pull-*.failed' \) -print -quit 2>/dev/null)"
    [ -n "$cache" ] && break
    sleep 0.2
  done
  case "$cache" in
    *.aot) log "brume: AOT cache trained by a pull of $1: $(du -m "$cache" | cut -f1) MB" ;;
    *) die "brume: the launcher wrote no AOT cache for pull (${cache:-none after 120 s}); see $WORK/logs/brume-aot-training.log" ;;
  esac
  # the cache writer is a detached JVM that exits right after its rename
  sleep 2
}
finish_brume() { :; }

prepare_download-only() { mkdir -p "$1"; }
run_download-only() {
  local image="$3" args=() digest size
  while read -r digest size; do
    args+=(-o /dev/null "http://$REG/v2/bench/$image/blobs/$digest")
  done < <(image_blobs "$image")
  timeout -k 10 "$timeout_s" curl -sSf "${args[@]}" >"$LOG" 2>&1
}
finish_download-only() { :; }

prepare_unpack-only() {
  local digest size
  mkdir -p "$1"
  # Warm files: the layers are read from the page cache, as a puller's own downloaded blobs would be.
  while read -r digest size; do cat "$(blob_path "$digest")" >/dev/null; done < <(image_blobs "$3" | tail -n +2)
}
run_unpack-only() {
  local image="$3" digest size i=0
  while read -r digest size; do
    i=$((i + 1))
    mkdir -p "$1/layer$i"
    igzip -dc "$(blob_path "$digest")" | tar -x --numeric-owner -f - -C "$1/layer$i" || return 1
  done < <(image_blobs "$image" | tail -n +2)
}
finish_unpack-only() { :; }

# Noise: CPU time the rest of the machine used during a run, as a share of all cores. Busy jiffies of the whole
# machine, minus those of this script, its reaped children (every contender, a stopped containerd daemon included),
# live daemons it started (containerd while running, the registry).
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
own_jiffies() {
  local pid total=0 j
  for pid in $$ "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields after "pid (comm) ": utime stime cutime cstime are the 12th to 15th.
    j="$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }')"
    total=$((total + j))
  done
  echo "$total"
}
live_pids() { # the registry and, during a containerd run, its daemon
  cat "$TESTBED_STATE/registry.pid" 2>/dev/null || true
  [ -n "$RUN_DIR" ] && [ -f "$RUN_DIR/containerd.pid" ] && cat "$RUN_DIR/containerd.pid"
  return 0
}

# Where the runs write: one new directory per run, $RUNS_DIR/IMAGE-BW/CONTENDER-RUN, kept until the script ends.
RUNS_DIR="$WORK/runs"
RUN_DIR=""
# delete_trees and settle (lib.sh): no timed run within SETTLE seconds of a delete of run trees.
trees=("$RUNS_DIR" "$WORK/brume-aot-training") # containerd's content store and snapshots live in its run directory

# run_contender NAME IMAGE RUN : one timed run, appended to $RESULTS
run_contender() {
  local name="$1" image="$2" run="$3" dir kind strategy="" t0 t1 status rss=0 seconds
  dir="$RUNS_DIR/$image-$BW/$name-$run"
  RUN_DIR="$dir"
  LOG="$WORK/logs/$image-$BW-$name-$run.log"
  RSS="$WORK/rss"
  rm -f "$RSS" "$RSS".*
  remove_tree "$dir" # only if a run of that name is left over; normally new
  mkdir -p "$(dirname "$dir")"
  kind="$name"
  case "$name" in brume-*) kind=brume strategy="${name#brume-}" ;; esac
  "prepare_$kind" "$dir" "$(image_ref "$image")" "$image"
  sync
  local b0 b1 o0 o1 others
  # shellcheck disable=SC2046
  o0="$(own_jiffies $(live_pids))"
  b0="$(busy_jiffies)"
  t0=$EPOCHREALTIME
  set +e
  if [ "$kind" = brume ]; then
    case "$strategy" in
      *-noaot) run_brume "${strategy%-noaot}" "$dir" "$(image_ref "$image")" 0 ;;
      *) run_brume "$strategy" "$dir" "$(image_ref "$image")" 1 ;;
    esac
  elif [ "$kind" = download-only ] || [ "$kind" = unpack-only ]; then
    "run_$kind" "$dir" "$(image_ref "$image")" "$image"
  else
    "run_$kind" "$dir" "$(image_ref "$image")"
  fi
  status=$?
  set -e
  t1=$EPOCHREALTIME
  b1="$(busy_jiffies)"
  "finish_$kind" "$dir"
  # shellcheck disable=SC2046
  o1="$(own_jiffies $(live_pids))"
  [ -s "$RSS" ] && rss="$(tail -n 1 "$RSS" | tr -dc 0-9)"
  # A first-run sanity check: what a contender left on disk must hold the image's files.
  if [ "$status" = 0 ] && [ "$run" = 1 ] && [ "$kind" != download-only ]; then
    local on_disk
    on_disk="$(du -sb "$dir" | cut -f1)"
    if [ "$on_disk" -lt $((UNPACKED_BYTES[$image] * 9 / 10)) ]; then
      log "WARNING: $name left $on_disk bytes in its store, less than 90% of the image's ${UNPACKED_BYTES[$image]} unpacked bytes"
      echo "$image $BW $name: only $on_disk bytes on disk after the pull (unpacked image: ${UNPACKED_BYTES[$image]})" >>"$WORK/warnings"
    fi
  fi
  RUN_DIR=""
  seconds="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
  others="$(awk -v b="$((b1 - b0))" -v o="$((o1 - o0))" -v s="$seconds" -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { x = (b - o) / hz / (s * n) * 100; if (x < 0) x = 0; printf "%.0f", x }')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$image" "$BW" "$name" "$run" "$seconds" "$rss" "$status" "$others" >>"$RESULTS"
  if [ "$status" = 0 ]; then
    log "  $name: ${seconds}s$([ "$rss" -gt 0 ] && echo ", peak RSS $((rss / 1024)) MB"), others' CPU ${others}%"
  else
    log "  $name: FAILED (exit $status) after ${seconds}s, see $LOG"
  fi
}

# --- Report -------------------------------------------------------------------------------------------------------

# Medians per image × bandwidth × contender, cells in the order they ran, contenders in a fixed order:
# "image bw contender median_s ok_runs runs median_rss_kb median_others_cpu_percent"
medians() {
  awk -F'\t' '
    function median(a, k,    i, j, x) { # sorts a[1..k] (insertion sort: a handful of runs), returns the median
      for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    BEGIN { no = split("containerd skopeo-umoci brume-docker brume-sequential brume-pipelined brume-auto brume-auto-noaot download-only unpack-only", order, " ") }
    {
      cell = $1 "\t" $2
      if (!(cell in seen)) { seen[cell] = 1; cells[++nc] = cell }
      k = cell "\t" $3
      if (!(k in total)) { known[$3] = 1; total[k] = 0; ok[k] = 0; nrss[k] = 0 }
      total[k]++
      if ($7 == 0) { t[k, ++ok[k]] = $5 + 0; if ($6 > 0) r[k, ++nrss[k]] = $6 + 0 }
      if ($8 != "") o[k, ++no_[k]] = $8 + 0
    }
    END {
      for (c in known) { found = 0; for (i = 1; i <= no; i++) if (order[i] == c) found = 1; if (!found) order[++no] = c }
      for (ci = 1; ci <= nc; ci++) for (oi = 1; oi <= no; oi++) {
        k = cells[ci] "\t" order[oi]
        if (!(k in total)) continue
        split("", a); for (i = 1; i <= ok[k]; i++) a[i] = t[k, i]
        m = ok[k] > 0 ? median(a, ok[k]) : "-"
        split("", a); for (i = 1; i <= nrss[k]; i++) a[i] = r[k, i]
        rm = nrss[k] > 0 ? median(a, nrss[k]) : 0
        split("", a); for (i = 1; i <= no_[k]; i++) a[i] = o[k, i]
        om = no_[k] > 0 ? median(a, no_[k]) : ""
        print k "\t" m "\t" ok[k] "\t" total[k] "\t" rm "\t" om
      }
    }' "$1"
}

machine_description() {
  local cpu disk fs
  cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
  fs="$(df -PT "$BENCH_OUT" | awk 'NR == 2 { print $1 " (" $2 ")" }')"
  disk="$(lsblk -dno NAME,SIZE,ROTA "$(df -P "$BENCH_OUT" | awk 'NR == 2 { print $1 }')" 2>/dev/null |
    awk '{ print $2 ", rotational=" $3 }')"
  echo "- CPU: $(nproc) × ${cpu:-unknown}; RAM: $(free -g | awk '/^Mem:/ { print $2 }') GiB; kernel $(uname -r)"
  echo "- Disk of the stores and the registry: $fs${disk:+, $disk}"
  echo "- containerd $(containerd --version | awk '{ print $3 }'), skopeo $(skopeo --version | awk '{ print $3 }'),"\
    "umoci $(umoci --version | awk '{ print $3 }'), docker-registry $(docker-registry --version | awk '{ print $3 }'),"\
    "isal igzip $(igzip --version 2>&1 | awk 'NR == 1 { print $NF }'), pigz $(pigz --version 2>&1 | awk '{ print $2 }')"
}

# render RESULTS META → markdown on stdout. META holds lines "key<TAB>value" written by the run.
render() {
  local results="$1" meta="$2" med
  med="$(mktemp)"
  medians "$results" >"$med"
  meta_get() { awk -F'\t' -v k="$1" '$1 == k { sub(/^[^\t]*\t/, ""); print }' "$meta"; }
  cat <<EOF
# Pull benchmark

Time to pull an image from an empty store and unpack it, through a shaped link, per contender. Produced by
\`bench/pull/run.sh\` (see [the testbed](#the-testbed) below); regenerated by each run, do not edit by hand.

- Date: $(meta_get date); repository at $(meta_get commit)
- Command: \`$(meta_get command)\`
$(meta_get reruns)
$(meta_get machine)
- Load average at the start / end of the run: $(meta_get load_start) / $(meta_get load_end)

$(meta_get noise)

$(awk -F'\t' '$8 != "" { n++; v[n] = $8 + 0 }
  END {
    if (n == 0) exit
    for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
    m = v[int((n + 1) / 2)]
    if (m > 10) printf "**This run is noisy:** in the median run, other work used %d %% of the CPU (see the others'\'' CPU column); its ratios say little.\n", m
    else printf "In the median run, other work used %d %% of the CPU.\n", m
  }' "$results")

## Summary

$(summary_table "$med")

Seconds, median of the runs. × = speed-up over containerd (containerd's time / this time); bound =
max(download-only, unpack-only). "others' CPU": the median share of all cores that processes foreign to the
benchmark used during a contender's runs (in the summary, the largest over the cell's contenders); above ~10 % the
cell competed with other work and its ratios are unreliable.

## All results

| image | link | contender | median s | ok runs | speed-up vs containerd | time / bound | peak RSS MB | others' CPU |
|---|---|---|---:|---:|---:|---:|---:|---:|
EOF
  awk -F'\t' '
    FNR == NR { m[$1 "\t" $2 "\t" $3] = $4; next }
    {
      k = $1 "\t" $2
      c = m[k "\tcontainerd"]; d = m[k "\tdownload-only"]; u = m[k "\tunpack-only"]
      b = (d != "" && d != "-" && u != "" && u != "-") ? (d > u ? d : u) : ""
      sp = ($4 != "-" && c != "" && c != "-" && $3 != "download-only" && $3 != "unpack-only") ? sprintf("%.2f×", c / $4) : ""
      tb = ($4 != "-" && b != "") ? sprintf("%.2f", $4 / b) : ""
      rss = ($7 > 0) ? sprintf("%.0f", $7 / 1024) : ""
      t = ($4 == "-") ? "fail" : sprintf("%.2f", $4)
      link = ($2 == "unshaped") ? "unshaped" : $2 " Mbit/s"
      oc = ($8 != "") ? $8 "%" : ""
      print "| " $1 " | " link " | " $3 " | " t " | " $5 "/" $6 " | " sp " | " tb " | " rss " | " oc " |"
    }' "$med" "$med"
  cat <<EOF

Bounds (download-only, unpack-only → bound, in s) and the load average when each cell started:

$(awk -F'\t' '
    FNR == NR { if ($3 == "download-only") d[$1 " " $2] = $4; if ($3 == "unpack-only") u[$1 " " $2] = $4; next }
    NF < 3 { next }
    { k = $1 " " $2; b = ((k in d) && (k in u) && d[k] != "-" && u[k] != "-") ? sprintf("max(%.2f, %.2f) = %.2f", d[k], u[k], (d[k] > u[k] ? d[k] : u[k])) : "no bound"
      printf "- %s @ %s: %s; load %s\n", $1, $2, b, $3 }' "$med" <(meta_get cell_loads | tr '\036' '\n'))

$(meta_get warnings)

## Images

$(meta_get images)

## Running it

As root, at a quiet moment (the numbers above carry the load they were taken under):

\`\`\`
bench/pull/images.sh            # once: builds the images into bench/out/ (debootstrap from apt's mirror, ~1 min)
bench/pull/testbed.sh check     # optional: the shaping reaches its settings
bench/pull/run.sh               # default matrix, 3 runs, ~20-25 min quiet; rewrites this file
bench/pull/run.sh --full        # every image at 10, 50, 200 Mbit/s and unshaped (about an hour)
bench/pull/run.sh --images debian --bandwidths "200" --runs 1 --contenders "containerd brume-auto" --doc /tmp/x.md
bench/pull/run.sh --brume-rev HEAD   # brume from a clean build of a commit instead of the working tree
bench/pull/selftest.sh          # the scripts work and leave nothing behind (~3 min)
\`\`\`

Raw results (one line per run: image, link, contender, run, seconds, peak RSS KB, exit status, others' CPU %) are in
\`bench/out/results/\`, logs of every run in \`bench/out/work/logs/\`; \`run.sh --render RESULTS.tsv\` rewrites
the doc from them.

## The testbed

- The registry is Debian's \`docker-registry\` in its own network namespace (\`brume-bench-reg\`), reached through a
  veth pair; the registry-to-host direction is shaped with \`tc qdisc … tbf rate R burst max(10 ms of R, 64 KB)
  latency 50ms\` on the namespace side (measured payload rate ≈ 92–96 % of R). No latency is added (this kernel has
  no \`netem\`): the round trip is ~0.05 ms, so TCP ramps up at once, unlike a WAN.
- Every contender starts from an empty store on the same disk; \`sync\` runs before each timed command (not timed).
  No timed run follows a large delete: each run writes into a new directory, all trees are deleted when the run
  ends (\`sync\`, \`fstrim\`), and the first cell starts ${SETTLE} s after the last such delete (this ext4 has no
  journal, so allocating an inode skips those freed in the last 60–360 s: a run right after a delete paid for it,
  see docs/bench/unpack.md).
  Runs are interleaved: round r runs every contender once, in an order rotated by r.
- containerd: a private daemon per run (fresh root, state and socket; CRI plugin disabled), timed around
  \`ctr -n bench images pull --plain-http --snapshotter overlayfs REF\`. containerd 1.6's \`ctr images pull\` fetches
  every blob first, then unpacks the layers one after the other (\`content.Fetch\`, then \`image.Unpack\`), with
  \`unpigz\` for gzip; it has no igzip support (containerd 2.0 added it). Peak RSS is the daemon's VmHWM.
- skopeo-umoci: \`skopeo copy docker://REF oci:DIR\` then \`umoci unpack\` (which also writes an mtree manifest of the
  rootfs, hashing every file). Peak RSS: the larger of the two processes.
- brume: the \`./brume\` launcher beside a copy of \`brume-cli/target/brume.jar\` and its lib/, taken at the start
  (so that no rebuild lands in a timing), \`brume pull --quiet --plain-http --store FRESH --strategy S REF\`, under \`/usr/bin/time\` (peak RSS = maximum
  resident set size). Target: ≤ 150 MB. The launcher uses its JDK 25 AOT cache for \`pull\` (docs/bench/startup.md),
  trained by one untimed pull of the first image before the first cell (in a cache directory of the benchmark's
  own, so the training run and the background cache writer stay out of the timings); \`brume-S-noaot\` runs the
  same with \`BRUME_AOT=0\`.
- download-only: one \`curl\` fetching the config and every layer blob to /dev/null, one after the other, through the
  shaped link. unpack-only: \`igzip -dc LAYER | tar -x\` of each layer in order, into one directory per layer, from
  warm files. The bound is the larger of the two medians; a puller that overlaps download and unpack perfectly,
  with a single-stream unpack, reaches it.
EOF
  rm -f "$med"
}

summary_table() {
  local med="$1"
  awk -F'\t' '
    { m[$1 "\t" $2 "\t" $3] = $4; if (!(($1 "\t" $2) in seen)) { seen[$1 "\t" $2] = 1; cells[++n] = $1 "\t" $2 }
      if ($8 != "" && $8 + 0 >= noise[$1 "\t" $2] + 0) noise[$1 "\t" $2] = $8 + 0
      if ($3 ~ /^brume-/ && !($3 in bs)) { bs[$3] = 1; brumes[++nb] = $3 } }
    END {
      hdr = "| image | link | containerd | skopeo+umoci"
      sep = "|---|---|---:|---:"
      for (i = 1; i <= nb; i++) { hdr = hdr " | " brumes[i]; sep = sep "|---:" }
      print hdr " | bound | others'\'' CPU |"; print sep "|---:|---:|"
      for (i = 1; i <= n; i++) {
        k = cells[i]; split(k, a, "\t"); c = m[k "\tcontainerd"]
        line = "| " a[1] " | " (a[2] == "unshaped" ? "unshaped" : a[2] " Mbit/s")
        line = line " | " fmt(c, "") " | " fmt(m[k "\tskopeo-umoci"], c)
        for (j = 1; j <= nb; j++) line = line " | " fmt(m[k "\t" brumes[j]], c)
        d = m[k "\tdownload-only"]; u = m[k "\tunpack-only"]
        b = (d != "" && d != "-" && u != "" && u != "-") ? sprintf("%.2f", (d > u ? d : u)) : ""
        print line " | " b " | " ((k in noise) ? "≤ " noise[k] "%" : "") " |"
      }
    }
    function fmt(t, c) {
      if (t == "") return ""
      if (t == "-") return "fail"
      if (c == "" || c == "-") return sprintf("%.2f", t)
      return sprintf("%.2f (%.2f×)", t, c / t)
    }' "$med"
}

if [ ${#render_only[@]} -gt 0 ]; then
  for f in "${render_only[@]}"; do
    [ -f "$f" ] && [ -f "${f%.tsv}.meta" ] || die "no results file $f (or its .meta)"
  done
  merged="$(mktemp)"
  merged_meta="$(mktemp)"
  # Each cell's rows from the last file that has the cell, cells in the order they first appeared.
  awk -F'\t' '
    pass == 1 { c = $1 "\t" $2; if (!(c in order)) order[c] = ++n; last[c] = FILENAME; next }
    FILENAME == last[$1 "\t" $2] { print order[$1 "\t" $2] "\t" $0 }
  ' pass=1 "${render_only[@]}" pass=2 "${render_only[@]}" | sort -t$'\t' -k1,1n -s | cut -f2- >"$merged"
  cp "${render_only[0]%.tsv}.meta" "$merged_meta"
  if [ ${#render_only[@]} -gt 1 ]; then
    reruns=""
    for f in "${render_only[@]:1}"; do
      cells="$(awk -F'\t' '!(($1 " @ " $2) in s) { s[$1 " @ " $2] = 1; printf "%s%s @ %s", sep, $1, $2; sep = ", " }' "$f")"
      m="${f%.tsv}.meta"
      reruns+="- Re-run at $(awk -F'\t' '$1 == "date" { print $2 }' "$m") (repository at $(awk -F'\t' '$1 == "commit" { print $2 }' "$m"); load $(awk -F'\t' '$1 == "load_start" { print $2 }' "$m")): $cells, with \`$(awk -F'\t' '$1 == "command" { print $2 }' "$m")\`; these cells come from that run."$'\036'
    done
    # The load average of each cell: the last run's.
    loads="$(for f in "${render_only[@]}"; do
      awk -F'\t' '$1 == "cell_loads" { sub(/^[^\t]*\t/, ""); print }' "${f%.tsv}.meta" | tr '\036' '\n'
    done | awk -F'\t' 'NF >= 3 { c = $1 "\t" $2; if (!(c in v)) o[++n] = c; v[c] = $3 }
      END { for (i = 1; i <= n; i++) printf "%s\t%s\036", o[i], v[o[i]] }')"
    grep -v '^cell_loads'$'\t' "$merged_meta" >"$merged_meta.tmp" || true
    mv "$merged_meta.tmp" "$merged_meta"
    printf 'cell_loads\t%s\n' "$loads" >>"$merged_meta"
    printf 'reruns\t%s\n' "$reruns" >>"$merged_meta"
  fi
  mkdir -p "$(dirname "$doc")"
  render "$merged" "$merged_meta" | tr '\036' '\n' >"$doc"
  rm -f "$merged" "$merged_meta"
  log "wrote $doc"
  exit 0
fi

# --- The run ------------------------------------------------------------------------------------------------------

need_root
need_tools containerd ctr skopeo umoci curl igzip unpigz tar jq awk
[ -x /usr/bin/time ] || die "missing /usr/bin/time (apt-get install time)"

# The matrix: "image:bw bw ..." entries.
matrix=()
if [ "$full" = 1 ] || [ -n "$images" ] || [ -n "$bandwidths" ]; then
  for image in ${images:-${BENCH_IMAGES[*]}}; do
    matrix+=("$image:${bandwidths:-$FULL_BANDWIDTHS}")
  done
else
  matrix=("${DEFAULT_MATRIX[@]}")
fi
for entry in "${matrix[@]}"; do
  image="${entry%%:*}"
  [[ " ${BENCH_IMAGES[*]} " == *" $image "* ]] || die "unknown image '$image' (known: ${BENCH_IMAGES[*]})"
  for bw in ${entry#*:}; do
    [ "$bw" = unshaped ] || [[ "$bw" =~ ^[0-9]+$ ]] || die "bandwidth '$bw' is not a number of Mbit/s nor 'unshaped'"
  done
done

# brume: the launcher beside a copy of the jar and its lib/ (with no sources next to it, it never rebuilds, so no
# build lands in a timing, and it starts the JVM exactly as ./brume does). From the working tree by default (built by
# ./brume if stale; when that fails, a clean build of HEAD), or from a clean build of a commit (--brume-rev), cached
# in $BENCH_OUT/brume-build/ by the content of the build's inputs.
freeze_brume() { # freeze_brume SRC_DIR DEST_DIR
  rm -rf "$2"
  mkdir -p "$2/brume-cli/target"
  cp "$1/brume" "$2/brume"
  cp "$1/brume-cli/target/brume.jar" "$2/brume-cli/target/"
  if [ -d "$1/brume-cli/target/lib" ]; then cp -r "$1/brume-cli/target/lib" "$2/brume-cli/target/"; fi
}
brume_from_rev() { # prints the frozen directory of a clean build of commit $1; fails if it does not build
  local commit key dir src build_log
  commit="$(git -C "$REPO_DIR" rev-parse --verify "$1^{commit}")" || die "--brume-rev $1 is not a commit"
  git -C "$REPO_DIR" grep -q -e '--strategy' "$commit" -- brume-cli/src/main/java ||
    die "commit ${commit:0:12} has no brume pull --strategy"
  # Cached by the content of what the build reads, so that commits touching only other files share a build.
  key="$(git -C "$REPO_DIR" ls-tree "$commit" -- pom.xml brume 'brume-*' | sha256sum | cut -c1-12)"
  dir="$BENCH_OUT/brume-build/$key"
  if [ ! -f "$dir/brume-cli/target/brume.jar" ]; then
    src="$BENCH_OUT/brume-build/src-$key"
    build_log="$BENCH_OUT/brume-build/build-${commit:0:12}.log"
    rm -rf "$src"
    mkdir -p "$src"
    git -C "$REPO_DIR" archive "$commit" | tar -x -C "$src"
    log "building brume at ${commit:0:12} (clean copy; a few minutes)"
    if ! (cd "$src" && mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true -Dspotless.check.skip=true \
      -Denforcer.skip=true -pl brume-cli -am package) >"$build_log" 2>&1; then
      rm -rf "$src"
      log "building brume at ${commit:0:12} failed (see $build_log)"
      return 1
    fi
    freeze_brume "$src" "$dir"
    echo "${commit:0:12}" >"$dir/COMMIT"
    rm -rf "$src"
  fi
  echo "$dir"
}
brume_note=""
brume_source=""
if [ -z "$contenders" ] || [[ " $contenders " == *" brume-"* ]]; then
  frozen="$WORK/brume-frozen"
  if [ -n "$brume_rev" ]; then
    frozen="$(brume_from_rev "$brume_rev")" || die "no brume to benchmark: commit $brume_rev does not build"
    brume_source="clean build of commit $(git -C "$REPO_DIR" rev-parse --short=12 "$brume_rev")"
  # (No --strategy in the working tree's CLI sources: skip without letting the launcher build the CLI.)
  elif grep -rqs -e '--strategy' "$REPO_DIR"/brume-cli/src/main/java &&
    (cd "$REPO_DIR" && ./brume pull --help 2>/dev/null | grep -q -- --strategy); then
    freeze_brume "$REPO_DIR" "$frozen"
    brume_source="working tree at $(git -C "$REPO_DIR" rev-parse --short HEAD)"
    if [ -n "$(git -C "$REPO_DIR" status --porcelain -- 'brume-*' pom.xml)" ]; then
      brume_source+=" with uncommitted changes"
    fi
  elif git -C "$REPO_DIR" grep -q -e '--strategy' HEAD -- brume-cli/src/main/java; then
    log "brume: the working tree does not build a brume pull, taking a clean build of HEAD"
    if frozen="$(brume_from_rev HEAD)"; then
      brume_source="clean build of commit $(git -C "$REPO_DIR" rev-parse --short=12 HEAD) (the working tree did not build)"
    else
      frozen=""
      brume_note="brume: neither the working tree nor commit $(git -C "$REPO_DIR" rev-parse --short HEAD) built (pass --brume-rev with a commit that builds), so no brume contender ran."
      log "$brume_note"
    fi
  else
    frozen=""
    brume_note="brume: \`./brume pull --help\` did not work at commit $(git -C "$REPO_DIR" rev-parse --short HEAD), so no brume contender ran."
    log "$brume_note"
  fi
  if [ -n "$frozen" ]; then
    BRUME=("$frozen/brume")
    "${BRUME[@]}" pull --help >/dev/null 2>&1 || die "the frozen copy of brume ($frozen) does not run"
    log "brume: $brume_source"
  fi
fi
if [ -z "$contenders" ]; then
  contenders="containerd skopeo-umoci"
  if [ ${#BRUME[@]} -gt 0 ]; then
    for s in "${BRUME_STRATEGIES[@]}"; do contenders+=" brume-$s"; done
  fi
  contenders+=" download-only unpack-only"
fi
for c in $contenders; do
  case "$c" in
    containerd | skopeo-umoci | download-only | unpack-only) ;;
    brume-*) [ ${#BRUME[@]} -gt 0 ] || die "contender $c: brume pull is not available" ;;
    *) die "unknown contender '$c'" ;;
  esac
done
read -r -a contender_list <<<"$contenders"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$WORK/logs" "$BENCH_OUT/results"
RESULTS="$BENCH_OUT/results/pull-$stamp.tsv"
META="${RESULTS%.tsv}.meta"
: >"$RESULTS"
rm -f "$WORK/warnings"

cleanup() {
  local pid
  if [ -n "$RUN_DIR" ] && [ -f "$RUN_DIR/containerd.pid" ]; then
    pid="$(cat "$RUN_DIR/containerd.pid")"
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = containerd ] && kill "$pid" 2>/dev/null || true
  fi
  sleep 0.3
  delete_trees "${trees[@]}" # nothing is timed after this: no wait
  testbed_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

testbed_up
if [ ${#BRUME[@]} -gt 0 ] && [[ " $contenders " =~ \ brume-[a-z]+\  ]]; then
  first="${matrix[0]%%:*}"
  log "brume: training the launcher's AOT cache for pull (one untimed pull of $first)"
  train_brume_aot "$first"
fi

declare -A UNPACKED_BYTES
for entry in "${matrix[@]}"; do
  image="${entry%%:*}"
  total=0
  while read -r digest size; do
    total=$((total + $(igzip -dc "$(blob_path "$digest")" | wc -c)))
  done < <(image_blobs "$image" | tail -n +2)
  UNPACKED_BYTES[$image]=$total
done

# Before the first cell: leftovers of an interrupted run deleted (the training pull's tree stays), then settled.
if [ -e "$RUNS_DIR" ]; then delete_trees "${trees[@]}"; fi
settle
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git -C "$REPO_DIR" rev-parse --short HEAD)"
cell_loads=""
log "results: $RESULTS; contenders: ${contender_list[*]}; $runs runs; load average $load_start"
for entry in "${matrix[@]}"; do
  image="${entry%%:*}"
  for BW in ${entry#*:}; do
    if [ -e "$RUNS_DIR" ] && short_of_disk; then
      log "less than 10 GB free: deleting the earlier cells' trees"
      delete_trees "${trees[@]}"
      settle
    fi
    testbed_shape "$BW"
    cell_loads+="$image"$'\t'"$BW"$'\t'"$(cut -d' ' -f1-3 /proc/loadavg)"$'\036'
    log "$image @ $BW$([ "$BW" = unshaped ] || echo " Mbit/s") (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    n=${#contender_list[@]}
    for run in $(seq 1 "$runs"); do
      for i in $(seq 0 $((n - 1))); do
        run_contender "${contender_list[$(((i + run - 1) % n))]}" "$image" "$run"
      done
    done
  done
done
testbed_shape unshaped
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- The doc ------------------------------------------------------------------------------------------------------

{
  printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'commit\t%s\n' "$commit${brume_source:+; brume: $brume_source}"
  printf 'cell_loads\t%s\n' "$cell_loads"
  printf 'command\t%s\n' "$command_line"
  printf 'machine\t%s\n' "$(machine_description | tr '\n' '\036')"
  printf 'load_start\t%s\n' "$load_start"
  printf 'load_end\t%s\n' "$load_end"
  printf 'noise\t%s\n' "Noise: this machine is shared with other engineers' builds; a load average above ~0.5 at the start or end means some runs competed with compilations for the 2 cores. Ratios from one run are indicative; re-run at a quiet moment for the final numbers.${note:+ $note}${brume_note:+ $brume_note}"
  printf 'warnings\t%s\n' "$([ -f "$WORK/warnings" ] && sed 's/^/- WARNING: /' "$WORK/warnings" | tr '\n' '\036')"
  printf 'images\t%s\n' "$(sed 's/^/- /' "$(oci_dir)/PROVENANCE" | tr '\n' '\036')"
} >"$META"
mkdir -p "$(dirname "$doc")"
render "$RESULTS" "$META" | tr '\036' '\n' >"$doc"
log "wrote $doc (raw results: $RESULTS)"
echo
echo "Summary (seconds, median of $runs; × = speed-up over containerd):"
echo
summary_table <(medians "$RESULTS")
