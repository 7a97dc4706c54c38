#!/usr/bin/env bash
# Vivaldi accuracy and convergence, brume vs hashicorp/serf's own coordinate package, side by side on the
# same RTT matrix, the same probe schedule and the same seed.
#
#   bench/vivaldi/run.sh [ROUNDS] [SEED...]        (defaults: 1000 1)
#
# For each seed and each data set of shared/data/rtt (found beside the repository or in any parent folder;
# BRUME_RTT_DATA=DIR overrides) it runs `brume vivaldi eval` with Serf's configuration and with brume's
# (--config serf|robust), writes each run's replay file (matrix, schedule, trials), and replays both schedules
# through Serf's code (bench/vivaldi/serfreplay, built from Debian's golang-github-hashicorp-serf-dev in GOPATH
# mode: no Go module download). Every run reports its convergence curve: median, p90 and nearest-of-5 after
# 10, 20, 50, 100, 200, 500, 1000, ... rounds. Results: bench/out/vivaldi/results.md (the curves, one row per
# horizon, medians over the seeds) and the JSON lines next to it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-1000}"
shift || true
seeds=("$@")
[ "${#seeds[@]}" -gt 0 ] || seeds=(1)
out="$root/bench/out/vivaldi"
mkdir -p "$out"

data="${BRUME_RTT_DATA:-}"
if [ -z "$data" ]; then
  for d in "$root" "$root"/.. "$root"/../.. "$root"/../../..; do
    [ -d "$d/shared/data/rtt" ] && data="$(cd "$d/shared/data/rtt" && pwd)" && break
  done
fi
[ -n "$data" ] && [ -d "$data" ] || {
  echo "run.sh: shared/data/rtt not found beside the repository or above it (set BRUME_RTT_DATA=DIR)" >&2; exit 1; }

need=()
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/hashicorp/serf/coordinate ] || need+=(golang-github-hashicorp-serf-dev)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "run.sh: install ${need[*]} (Debian packages)" >&2; exit 1
  fi
fi

echo "building serfreplay (Serf $(dpkg-query -W -f='${Version}' golang-github-hashicorp-serf-dev 2>/dev/null || echo '?'))" >&2
(cd "$here/serfreplay" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="$out/gocache" \
  go build -o "$out/serfreplay" .)

results="$out/results.jsonl"
: > "$results"
run() { # seed dataset-name file config
  local seed="$1" name="$2" file="$3" config="$4"
  local replay="$out/$name-$config-$seed.replay"
  local t0 t1 brume serf
  t0=$(date +%s.%N)
  brume=$("$root/brume" vivaldi eval --dataset "$file" --config "$config" --rounds "$rounds" --seed "$seed" \
    --json --curve --replay-out "$replay")
  t1=$(date +%s.%N)
  serf=$("$out/serfreplay" --replay "$replay" --dimensions 8)
  echo "{\"seed\":$seed,\"dataset\":\"$name\",\"schedule\":\"$config\",\"impl\":\"brume-$config\",\"seconds\":$(echo "$t1 - $t0" | bc),\"result\":$brume}" >> "$results"
  echo "{\"seed\":$seed,\"dataset\":\"$name\",\"schedule\":\"$config\",\"impl\":\"serf-go\",\"result\":$serf}" >> "$results"
  rm -f "$replay"
}
for seed in "${seeds[@]}"; do
  for config in serf robust; do
    run "$seed" PlanetLab490 "$data/planetlab490_PlanetLabData_1.tsv" "$config"
    run "$seed" AWS32 "$data/aws_regions32_p50_1y.json" "$config"
  done
done

python3 - "$results" "$out/results.md" "$rounds" "${seeds[*]}" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
out = open(sys.argv[2], "w")
seeds = sys.argv[4].split()
out.write("rounds %s, seeds %s (values: median over the seeds; [min, max] when more than one)\n\n"
          % (sys.argv[3], ", ".join(seeds)))
LABEL = {("serf", "brume-serf"): "brume, `serf` config (uniform schedule)",
         ("serf", "serf-go"): "Serf's Go code (uniform schedule)",
         ("robust", "brume-robust"): "brume, `robust` (near/far schedule)",
         ("robust", "serf-go"): "Serf's Go code (near/far schedule)"}
ORDER = [("robust", "brume-robust"), ("serf", "serf-go"), ("robust", "serf-go"), ("serf", "brume-serf")]

def agg(values, fmt):
    m = statistics.median(values)
    if len(values) == 1:
        return fmt % m
    return (fmt + " [" + fmt + ", " + fmt + "]") % (m, min(values), max(values))

for dataset in sorted({r["dataset"] for r in rows}, reverse=True):
    out.write("### %s: convergence curve\n\n" % dataset)
    out.write("| rounds | implementation | median | p90 | nearest of 5 | median / Serf's (uniform) |\n")
    out.write("|---|---|---|---|---|---|\n")
    by = {}
    for r in rows:
        if r["dataset"] == dataset:
            by.setdefault((r["schedule"], r["impl"]), []).append(r["result"])
    horizons = [c["rounds"] for c in by[ORDER[0]][0]["curve"]]
    for h in horizons:
        def at(key, field):
            return [next(c[field] for c in res["curve"] if c["rounds"] == h) for res in by.get(key, [])]
        serf = {res_seed: v for res_seed, v in enumerate(at(("serf", "serf-go"), "median_relative_error"))}
        for key in ORDER:
            if key not in by:
                continue
            med = at(key, "median_relative_error")
            ratios = [m / serf[i] for i, m in enumerate(med) if i in serf]
            out.write("| %d | %s | %s | %s | %s | %s |\n" % (
                h, LABEL[key], agg(med, "%.4f"), agg(at(key, "p90_relative_error"), "%.3f"),
                agg(at(key, "nearest_of_5_accuracy"), "%.3f"), agg(ratios, "%.2f")))
    out.write("\n| implementation | rounds to 1.2x final | stability ms/round |\n|---|---|---|\n")
    for key in ORDER:
        if key in by:
            out.write("| %s | %s | %s |\n" % (LABEL[key],
                agg([x["rounds_to_1_2x_final_median"] for x in by[key]], "%d"),
                agg([x["stability_ms_per_round"] for x in by[key]], "%.3f")))
    out.write("\n")
PY
cat "$out/results.md"
