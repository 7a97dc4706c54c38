#!/usr/bin/env bash
# Vivaldi accuracy, brume vs hashicorp/serf's own coordinate package, side by side on the same RTT matrix,
# the same probe schedule and the same seed.
#
#   bench/vivaldi/run.sh [ROUNDS] [SEED]        (defaults: 1000 1)
#
# For each data set shipped with brume (planetlab490, aws32) it runs `brume vivaldi eval` with Serf's configuration and with brume's
# (--config serf|robust), writes each run's replay file (matrix, schedule, trials), and replays both schedules
# through Serf's code (bench/vivaldi/serfreplay, built from Debian's golang-github-hashicorp-serf-dev in GOPATH
# mode: no Go module download). Results: bench/out/vivaldi/results.md and the JSON lines next to it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-1000}"
seed="${2:-1}"
out="$root/bench/out/vivaldi"
mkdir -p "$out"

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
run() { # dataset-name --dataset-value config
  local name="$1" file="$2" config="$3"
  local replay="$out/$name-$config.replay"
  local t0 t1 brume serf
  t0=$(date +%s.%N)
  brume=$("$root/brume" vivaldi eval --dataset "$file" --config "$config" --rounds "$rounds" --seed "$seed" \
    --json --replay-out "$replay")
  t1=$(date +%s.%N)
  serf=$("$out/serfreplay" --replay "$replay" --dimensions 8)
  echo "{\"dataset\":\"$name\",\"schedule\":\"$config\",\"impl\":\"brume-$config\",\"seconds\":$(echo "$t1 - $t0" | bc),\"result\":$brume}" >> "$results"
  echo "{\"dataset\":\"$name\",\"schedule\":\"$config\",\"impl\":\"serf-go\",\"result\":$serf}" >> "$results"
  rm -f "$replay"
}
for config in serf robust; do
  run PlanetLab490 planetlab490 "$config"
  run AWS32 aws32 "$config"
done

python3 - "$results" "$out/results.md" "$rounds" "$seed" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
out = open(sys.argv[2], "w")
out.write("rounds %s, seed %s\n\n" % (sys.argv[3], sys.argv[4]))
out.write("| data set | probe schedule | implementation | median | p90 | nearest of 5 | rounds to 1.2x | stability ms/round |\n")
out.write("|---|---|---|---|---|---|---|---|\n")
for r in rows:
    x = r["result"]
    out.write("| %s | %s | %s | %.4f | %.3f | %.3f | %d | %.3f |\n" % (
        r["dataset"], "uniform (Serf)" if r["schedule"] == "serf" else "near/far (brume)", r["impl"],
        x["median_relative_error"], x["p90_relative_error"], x["nearest_of_5_accuracy"],
        x["rounds_to_1_2x_final_median"], x["stability_ms_per_round"]))
PY
cat "$out/results.md"
