#!/usr/bin/env bash
# Memory of `brume proxy` under many connections: peak RSS (VmHWM) of the proxy process while
# `wrk -c CONNECTIONS` runs through it on loopback against an HAProxy backend that answers 200
# itself. Each contender is a fresh proxy process per round; contenders interleave, the order
# rotating per round, and the summary gives medians (the machine is shared).
#
# Usage: bench/proxy/rss.sh [DURATION_SECONDS=20] [CONNECTIONS=1000] [ROUNDS=3]
# Environment:
#   RSS_CONTENDERS  space-separated NAME=HOW[:OPTS] (OPTS comma-separated JVM options), HOW being
#                   "launcher" (./brume proxy, the options the launcher gives; OPTS go to
#                   BRUME_JAVA_OPTS, which come last) or "java" (java OPTS -jar brume.jar proxy).
#                   Default: "unbounded=java:--enable-native-access=ALL-UNNAMED,-XX:+UseSerialGC
#                   launcher=launcher" (the launcher's options for proxy before issue 15, then now).
# Needs: haproxy, wrk, curl (Debian packages), python3, and a built brume-cli/target/brume.jar
# (./brume builds it when missing).
set -euo pipefail

# shellcheck source=bench/proxy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${1:-20}"
connections="${2:-1000}"
rounds="${3:-3}"
bench_out proxy-rss
jar="$here/brume-cli/target/brume.jar"
contenders="${RSS_CONTENDERS:-unbounded=java:--enable-native-access=ALL-UNNAMED,-XX:+UseSerialGC launcher=launcher}"

"$here/brume" --version > /dev/null # builds the jar if needed

backend_port="$(free_port)"
start_backend "$backend_port"
wait_for "$backend_port"

names=()
for contender in $contenders; do names+=("${contender%%=*}"); done
count=${#names[@]}
for round in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((count - 1))); do
    contender="$(echo $contenders | tr ' ' '\n' | sed -n "$(((i + round - 1) % count + 1))p")"
    name="${contender%%=*}"
    spec="${contender#*=}"
    how="${spec%%:*}"
    opts=""
    [[ "$spec" == *:* ]] && opts="${spec#*:}"
    port="$(free_port)"
    args=(proxy --listen "127.0.0.1:$port" --endpoints "127.0.0.1:$backend_port")
    if [[ "$how" == launcher ]]; then
      BRUME_JAVA_OPTS="${opts//,/ }" "$here/brume" "${args[@]}" > "$out/$name.$round.log" 2>&1 &
    else
      # shellcheck disable=SC2086 # word splitting of the option list is intended
      "$java_bin" ${opts//,/ } -jar "$jar" "${args[@]}" > "$out/$name.$round.log" 2>&1 &
    fi
    pid=$!
    pids+=("$pid")
    wait_for "$port"
    wrk -t 2 -c "$connections" -d "${duration}s" --latency "http://127.0.0.1:$port/" > "$out/$name.$round.txt"
    {
      echo "vmhwm_kb $(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
      echo "vmrss_kb $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
      echo "alive $(kill -0 "$pid" 2>/dev/null && echo yes || echo no)"
      echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
    } >> "$out/$name.$round.txt"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
  echo "round $round/$rounds done" >&2
done

field() { for r in $(seq 1 "$rounds"); do awk -v k="$2" '$1 == k {print $2}' "$out/$1.$r.txt"; done; }
rps() { for r in $(seq 1 "$rounds"); do awk '/Requests\/sec/ {print $2}' "$out/$1.$r.txt"; done; }
echo "medians over $rounds rounds; wrk -t 2 -c $connections -d ${duration}s"
printf "%-12s %12s %12s %10s %s\n" contender peak_rss_MB end_rss_MB "req/s" "per-round peak MB / load"
for name in "${names[@]}"; do
  printf "%-12s %12s %12s %10s %s\n" "$name" \
    "$(field "$name" vmhwm_kb | awk '{print $1 / 1024}' | median)" \
    "$(field "$name" vmrss_kb | awk '{print $1 / 1024}' | median)" \
    "$(rps "$name" | median)" \
    "$(for r in $(seq 1 "$rounds"); do printf '%s ' "$(awk '$1 == "vmhwm_kb" {printf "%.0f", $2 / 1024}' "$out/$name.$r.txt")/$(awk '$1 == "load" {print $2}' "$out/$name.$r.txt")"; done)"
done
for f in "$out"/*.txt; do grep -HE "Non-2xx|Socket errors|alive no" "$f" || true; done
