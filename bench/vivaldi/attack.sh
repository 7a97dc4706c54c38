#!/usr/bin/env bash
# Lying peers against Vivaldi (issue 15), with and without brume's defence (SampleGuard), and the defence's
# cost on honest accuracy.
#
#   bench/vivaldi/attack.sh [SEED]        (default: 1)
#
# 1. `brume vivaldi eval` on PlanetLab490 and AWS32 (1000 rounds), without and with --defended, interleaved.
# 2. `brume vivaldi attack`: k liars among n nodes (AWS32: all 32 nodes, k = 1, 3, 6; PlanetLab490: 100 nodes
#    chosen by the seed, k = 5, 10, 20), 600 honest rounds, 300 rounds of attack, 300 honest rounds (a round is
#    one probe per node, one second at the agent's default interval), for each lie (far = the issue's
#    [1e6, 0, ...], random, inflate) without and with the defence.
# Deterministic for a seed; only the wall times depend on the machine. Results: bench/out/vivaldi/attack.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seed="${1:-1}"
out="$root/bench/out/vivaldi"
mkdir -p "$out"

data=""
for d in ${BRUME_RTT_DATA:+"$BRUME_RTT_DATA"} "$root/../shared/data/rtt" "$root/shared/data/rtt"; do
  [ -d "$d" ] && data="$(cd "$d" && pwd)" && break
done
[ -n "$data" ] || { echo "attack.sh: shared/data/rtt not found beside the repository (or set BRUME_RTT_DATA)" >&2; exit 1; }
pl="$data/planetlab490_PlanetLabData_1.tsv"
aws="$data/aws_regions32_p50_1y.json"

report="$out/attack.md"
{
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD), seed $seed"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
  echo "load before: $(uptime)"
  echo
  echo "## Honest accuracy (brume vivaldi eval --rounds 1000 --seed $seed --json [--defended])"
  echo
  echo "| data set | defence | median | p90 | nearest of 5 | rounds to 1.2x | stability ms/round | seconds |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$report"
for name in AWS32 PlanetLab490; do
  file="$aws"; [ "$name" = PlanetLab490 ] && file="$pl"
  for defended in "" "--defended"; do
    t0=$(date +%s.%N)
    r=$("$root/brume" vivaldi eval --dataset "$file" --rounds 1000 --seed "$seed" --json $defended)
    t1=$(date +%s.%N)
    python3 - "$name" "${defended:-off}" "$r" "$(echo "$t1 - $t0" | bc)" >> "$report" <<'PY'
import json, sys
x = json.loads(sys.argv[3])
print("| %s | %s | %.4f | %.3f | %.3f | %d | %.3f | %.0f |" % (sys.argv[1], "on" if sys.argv[2] != "off" else "off",
    x["median_relative_error"], x["p90_relative_error"], x["nearest_of_5_accuracy"],
    x["rounds_to_1_2x_final_median"], x["stability_ms_per_round"], float(sys.argv[4])))
PY
  done
done
{
  echo
  echo "load: $(uptime)"
  echo
  echo "## Attacks (brume vivaldi attack --before 600 --during 300 --after 300 --seed $seed)"
  echo
  echo '```'
} >> "$report"
"$root/brume" vivaldi attack --dataset "$aws" --liars 1,3,6 --seed "$seed" >> "$report"
echo >> "$report"
"$root/brume" vivaldi attack --dataset "$pl" --nodes 100 --liars 5,10,20 --seed "$seed" >> "$report"
{
  echo '```'
  echo
  echo "load after: $(uptime)"
} >> "$report"
cat "$report"
