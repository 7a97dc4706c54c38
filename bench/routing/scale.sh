#!/bin/sh
# Routing simulator at fog scale: `brume route sim --expand 11 --replicas 50 --policy all --json` at several sizes,
# each under a 2 GB heap; prints one markdown row per size (wall s, CPU s, peak heap MB, peak RSS MB, load).
# Needs the CLI jar: ./brume --help (builds it), or mvn -pl brume-cli -am package -DskipTests.
# Usage: bench/routing/scale.sh [DATASET] [SIZES...]     (default sizes 500 1000 2000 5000)
set -eu
cd "$(dirname "$0")/../.."
dataset=${1:-/work/shared/data/rtt/planetlab490_PlanetLabData_1.tsv}
[ $# -gt 0 ] && shift
sizes=${*:-500 1000 2000 5000}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=brume-cli/target/brume.jar
[ -f "$jar" ] || { echo "scale.sh: $jar missing: run ./brume --help first" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/brume-route-scale.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "| nodes | wall s | CPU s (user+sys) | peak heap MB | peak RSS MB | load average before / after | adaptive mean ms | oracle mean ms |"
echo "|---:|---:|---:|---:|---:|---|---:|---:|"
for n in $sizes; do
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" \
    "$java" -Xmx2g -XX:+UseSerialGC "-Xlog:gc:file=$out/gc.log" -jar "$jar" route sim --dataset "$dataset" \
    --expand 11 --nodes "$n" --replicas 50 --policy all --json >"$out/json"
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  read -r wall user sys rss <"$out/time"
  # "Pause Young (Allocation Failure) 512M->100M(1987M)": the largest "before" is the peak heap in use.
  heap=$(sed -n 's/.* \([0-9]*\)M->[0-9]*M(.*/\1/p' "$out/gc.log" | sort -n | tail -n 1)
  adaptive=$(sed -n 's/.*"adaptive": {"mean_latency_ms": \([0-9.]*\).*/\1/p' "$out/json")
  oracle=$(sed -n 's/.*"oracle_mean_latency_ms": \([0-9.]*\)}}}$/\1/p' "$out/json")
  printf '| %s | %.1f | %.1f | %s | %d | %s / %s | %s | %s |\n' "$n" "$wall" "$(awk "BEGIN {print $user + $sys}")" \
    "${heap:-?}" $((rss / 1024)) "$before" "$after" "$adaptive" "$oracle"
done
