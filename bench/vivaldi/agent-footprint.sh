#!/usr/bin/env bash
# Footprint of `brume agent` on a small node: 4 agents on loopback probing each other every 200 ms, each JVM with
# -Xmx32m; reports start-up time (process start → /healthz answers) and RSS after SECONDS (default 60) of probing.
#
#   bench/vivaldi/agent-footprint.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-60}"
out="$root/bench/out/vivaldi/footprint"
mkdir -p "$out"
# Small-node JVM settings: 32 MB heap, serial GC, interpreter only (an agent handles a few datagrams per second;
# the JIT's compiler arenas alone cost ~15 MB of RSS), small thread stacks, two malloc arenas.
export BRUME_JAVA_OPTS="${BRUME_JAVA_OPTS:--Xmx32m -Xms8m -XX:+UseSerialGC -Xint -XX:MaxMetaspaceSize=64m -Xss256k -XX:-UsePerfData}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
"$root/brume" --version >/dev/null # builds the CLI once, outside the measurement

n=4
base_udp=47946
base_http=48946
for i in $(seq 0 $((n - 1))); do
  peers=""
  for j in $(seq 0 $((n - 1))); do
    [ "$i" = "$j" ] && continue
    peers="$peers${peers:+,}{\"name\":\"n$j\",\"address\":\"127.0.0.1:$((base_udp + j))\"}"
  done
  cat > "$out/n$i.json" <<JSON
{"node":"n$i","listen":"127.0.0.1:$((base_udp + i))","http":"127.0.0.1:$((base_http + i))",
 "peers":[$peers],"probe_interval_ms":200,"probe_timeout_ms":500}
JSON
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
starts=()
for i in $(seq 0 $((n - 1))); do
  t0=$(date +%s%N)
  "$root/brume" agent --config "$out/n$i.json" > "$out/n$i.log" 2>&1 &
  pids+=($!)
  until curl -fsS "http://127.0.0.1:$((base_http + i))/healthz" >/dev/null 2>&1; do
    sleep 0.02
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "agent n$i died:"; cat "$out/n$i.log"; exit 1; }
  done
  starts+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
sleep "$seconds"
echo "JVM options: $BRUME_JAVA_OPTS (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX); $n agents, probe every 200 ms, ${seconds} s"
for i in $(seq 0 $((n - 1))); do
  # The launcher execs java, so the PID is the JVM's.
  rss=$(awk '/VmRSS/ {print $2}' "/proc/${pids[$i]}/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/${pids[$i]}/status")
  ticks=$(awk '{print $14 + $15}' "/proc/${pids[$i]}/stat")
  echo "n$i: start-up ${starts[$i]} ms (process start to /healthz), RSS $((rss / 1024)) MB, peak RSS $((hwm / 1024)) MB, CPU $((ticks * 10)) ms; $(grep '^brume agent' "$out/n$i.log")"
done
curl -fsS "http://127.0.0.1:$base_http/metrics" | grep -E '^brume_(probes_(sent|answered|timeouts)_total|vivaldi_error|peers_known) '
curl -fsS "http://127.0.0.1:$base_http/v1/rtt?node=n1"; echo
