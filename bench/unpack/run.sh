#!/usr/bin/env bash
# Times layer extraction side by side, interleaved, on the same disk with a warm page cache:
#   tar        GNU tar -x from the already-decompressed tar
#   igzip|tar  igzip -dc | tar -x
#   brume      LayerExtractor from the decompressed tar (fresh JVM per run, as `brume pull`)
#   brume-igzip LayerExtractor fed by an igzip -dc process
#   brume-seq   the same with no writer threads (everything on the reading thread)
#   brume-old   brume-igzip with the classes in $BASELINE_CLASSES (e.g. a build of an older commit),
#               only when that is set: before/after from the same interleaved runs
#   brume-aot   brume-igzip with a JDK 25 AOT cache (classes and method profiles), trained by one
#               untimed brume-igzip run before the timed runs (-XX:AOTCacheOutput), as the ./brume
#               launcher does for `brume pull` (docs/bench/startup.md); only when CONTENDERS names it
# Each run extracts all layers (each into its own empty directory). Prints every run and the
# medians. Usage: bench/unpack/run.sh [RUNS] [LAYER.tar.gz ...]
# Env: CLASSES (brume-unpack classes to measure, default the module's target/classes),
#      BASELINE_CLASSES (see brume-old), CONTENDERS (subset, e.g. "igzip-tar brume-igzip"),
#      WORK (scratch dir on the disk to measure, default /var/tmp/brume-unpack-bench),
#      BRUME_BENCH_OPTS (extra JVM options, e.g. -XX:StartFlightRecording=...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${1:-5}
shift || true
layers=("$@")
if [ ${#layers[@]} -eq 0 ]; then
  layers=("$repo/bench/out/layers/debian-base.tar.gz" "$repo/bench/out/layers/debian-app.tar.gz")
fi
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=${WORK:-/var/tmp/brume-unpack-bench}
mkdir -p "$work"

# Module classes + dependencies: from Maven when it can resolve them (brume-testing, a test
# dependency, must then be in ~/.m2), else the runtime jars of the CLI build (./brume builds it).
cpfile="$work/cp.txt"
if ! (cd "$repo" && mvn -q -o -pl brume-unpack dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null 2>&1); then
  ls "$repo"/brume-cli/target/lib/*.jar >/dev/null 2>&1 || { echo "no classpath: run ./brume --help to build the CLI" >&2; exit 1; }
  find "$repo/brume-cli/target/lib" -name '*.jar' ! -name 'brume-unpack-*' | paste -sd: >"$cpfile"
fi
cp="${CLASSES:-$repo/brume-unpack/target/classes}:$(cat "$cpfile")"
# Compile the harness once so that no run pays for source-launcher compilation.
mkdir -p "$work/classes"
"${java%/java}/javac" -d "$work/classes" -cp "$cp" "$here/UnpackBench.java"
cp="$work/classes:$cp"
jvm=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx64m -XX:MaxMetaspaceSize=64m
  -XX:ReservedCodeCacheSize=32m ${BRUME_BENCH_OPTS:-})

tars=()
for l in "${layers[@]}"; do
  t="$work/$(basename "${l%.gz}")"
  [ -s "$t" ] || igzip -dc "$l" >"$t"
  tars+=("$t")
  cat "$l" "$t" >/dev/null # warm the page cache
done

# Every run extracts into a new directory and nothing is deleted until the end: ext4 makes inode
# allocation scan past recently deleted inodes (recently_deleted() in the kernel profile), so an
# rm -rf just before a run would make it pay for the previous run's deletion.
if [ -d "$work/out" ]; then
  rm -rf "$work/out"
  sleep "${SETTLE:-30}"
fi
mkdir -p "$work/out"
clean() { mkdir -p "$1"; sync; }
declare -A wall cpu inner
default_contenders="tar igzip-tar brume brume-igzip brume-seq${BASELINE_CLASSES:+ brume-old}"
contenders=(${CONTENDERS:-$default_contenders})
aot_cache="$work/unpack.aot"
if [[ " ${contenders[*]} " == *" brume-aot "* ]]; then
  # An AOT cache only takes classes from jars (a directory on the class path fails the dump).
  "${java%/java}/jar" cf "$work/unpack-bench.jar" -C "$work/classes" .
  "${java%/java}/jar" cf "$work/brume-unpack.jar" -C "${CLASSES:-$repo/brume-unpack/target/classes}" .
  aot_cp="$work/unpack-bench.jar:$work/brume-unpack.jar:$(cat "$cpfile")"
  rm -f "$aot_cache"
  mkdir -p "$work/out/aot-training"
  "$java" "${jvm[@]}" -XX:AOTCacheOutput="$aot_cache" -Xlog:aot*=off,cds*=off -cp "$aot_cp" UnpackBench igzip \
    "$work/out/aot-training" "${layers[@]}" >/dev/null
  [ -s "$aot_cache" ] || { echo "no AOT cache was written" >&2; exit 1; }
fi
run_one() {
  case $1 in
  tar) for i in "${!tars[@]}"; do mkdir "$out/l$i"; tar -x -C "$out/l$i" -f "${tars[$i]}"; done ;;
  igzip-tar) for i in "${!layers[@]}"; do mkdir "$out/l$i"; igzip -dc "${layers[$i]}" | tar -x -C "$out/l$i"; done ;;
  brume) "$java" "${jvm[@]}" -cp "$cp" UnpackBench tar "$out" "${tars[@]}" >"$work/inner" ;;
  brume-igzip) "$java" "${jvm[@]}" -cp "$cp" UnpackBench igzip "$out" "${layers[@]}" >"$work/inner" ;;
  brume-old) "$java" "${jvm[@]}" -cp "$work/classes:$BASELINE_CLASSES:$(cat "$cpfile")" UnpackBench igzip \
    "$out" "${layers[@]}" >"$work/inner" ;;
  brume-aot) "$java" "${jvm[@]}" -XX:AOTCache="$aot_cache" -cp "$aot_cp" UnpackBench igzip "$out" "${layers[@]}" >"$work/inner" ;;
  brume-seq) BRUME_UNPACK_WRITERS=0 "$java" "${jvm[@]}" -cp "$cp" UnpackBench igzip "$out" "${layers[@]}" >"$work/inner" ;;
  esac
}
# bash's `time` keyword reports wall and the user+sys CPU of all children: the machine is shared,
# so CPU seconds are the steadier measure of the work done, wall the one users feel.
TIMEFORMAT='%R %U %S'
for ((r = 1; r <= runs; r++)); do
  for c in "${contenders[@]}"; do
    out="$work/out/$r-$c"
    clean "$out"
    rm -f "$work/inner"
    t=$({ time run_one "$c" 2>&1; } 2>&1 | tail -1)
    read -r real user sys <<<"$t"
    ms=$(echo "$real * 1000 / 1" | bc)
    cms=$(echo "($user + $sys) * 1000 / 1" | bc)
    wall[$c]+="$ms "
    cpu[$c]+="$cms "
    in=""
    if [ -s "$work/inner" ]; then
      inner[$c]+="$(cut -d' ' -f1 "$work/inner") "
      read -r xms entries rss <"$work/inner"
      in=" (extract() $xms ms, $entries entries, peak RSS $rss MB)"
    fi
    printf 'run %d %-12s %6d ms wall %6d ms cpu%s\n' "$r" "$c" "$ms" "$cms" "$in"
  done
done
rm -rf "$work/out"
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (nproc $(nproc))"
echo "medians over $runs interleaved runs (fresh JVM per brume run, JVM start included):"
# Ratios are to igzip-tar, which CONTENDERS must therefore include.
bw=$(echo "${wall[igzip-tar]}" | median)
bc_=$(echo "${cpu[igzip-tar]}" | median)
printf '  %-12s %8s %8s %10s %10s %10s\n' contender wall_ms cpu_ms wall/igzip cpu/igzip extract_ms
for c in "${contenders[@]}"; do
  w=$(echo "${wall[$c]}" | median)
  u=$(echo "${cpu[$c]}" | median)
  x=$(echo "${inner[$c]:-}" | median)
  printf '  %-12s %8d %8d %10.2f %10.2f %10s\n' "$c" "$w" "$u" "$(echo "$w / $bw" | bc -l)" \
    "$(echo "$u / $bc_" | bc -l)" "${x:--}"
done
