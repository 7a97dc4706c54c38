#!/usr/bin/env bash
# Proxy overhead, side by side in one run on loopback: wrk against the backend directly, through
# HAProxy (Debian) and through brume's L7 proxy, same connections and duration.
# Usage: bench/proxy/run.sh [DURATION_SECONDS=10] [CONNECTIONS=16] [THREADS=2]
# Needs: haproxy, wrk, curl (Debian packages), Maven and a JDK >= 25.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${1:-10}"
connections="${2:-16}"
threads="${3:-2}"
out="$here/bench/out/proxy"
mkdir -p "$out"

backend_port=18080
haproxy_port=18081
brume_port=18082
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Backend: HAProxy answering 200 itself, a fast server that is the same for all three paths.
cat > "$out/backend.cfg" <<CFG
global
  nbthread 1
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend backend
  bind 127.0.0.1:$backend_port
  http-request return status 200 content-type text/plain string "ok"
CFG
haproxy -f "$out/backend.cfg" -db > "$out/backend.log" 2>&1 & pids+=($!)

# HAProxy as the reverse proxy, keep-alive to the backend, one thread like the backend.
cat > "$out/haproxy.cfg" <<CFG
global
  nbthread 1
defaults
  mode http
  option http-keep-alive
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend fe
  bind 127.0.0.1:$haproxy_port
  default_backend be
backend be
  http-reuse always
  server b1 127.0.0.1:$backend_port
CFG
haproxy -f "$out/haproxy.cfg" -db > "$out/haproxy.log" 2>&1 & pids+=($!)

# brume's proxy: the module jar and its dependencies, started through a single-file launcher
# (bench/proxy/BenchProxy.java) so that the bench only needs brume-proxy to build.
(cd "$here" && mvn -q -pl brume-proxy package -DskipTests -Dspotless.check.skip=true \
  dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt") >&2
java_bin="${BRUME_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
"$java_bin" ${BRUME_PROXY_JAVA_OPTS:-} -cp "$here/brume-proxy/target/brume-proxy-0.1.0-SNAPSHOT.jar:$(cat "$out/classpath.txt")" \
  "$here/bench/proxy/BenchProxy.java" "$brume_port" "127.0.0.1:$backend_port" round-robin \
  > "$out/brume.log" 2>&1 & pids+=($!)

wait_for() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not ready" >&2; exit 1; }
wait_for $backend_port; wait_for $haproxy_port; wait_for $brume_port

run() { # name port
  # Warm-up (JIT for brume, caches for everyone), then the measured run.
  wrk -t "$threads" -c "$connections" -d 3s "http://127.0.0.1:$2/" > /dev/null
  wrk -t "$threads" -c "$connections" -d "${duration}s" --latency "http://127.0.0.1:$2/" > "$out/$1.txt"
}
run direct $backend_port
run haproxy $haproxy_port
run brume $brume_port

ms() { local v="$1"; case "$v" in *us) awk -v x="${v%us}" 'BEGIN{printf "%.3f", x/1000}';; *ms) awk -v x="${v%ms}" 'BEGIN{printf "%.3f", x}';; *s) awk -v x="${v%s}" 'BEGIN{printf "%.3f", x*1000}';; esac; }
rps() { awk '/Requests\/sec/ {print $2}' "$out/$1.txt"; }
pct() { awk -v p="$2%" '$1 == p {print $2}' "$out/$1.txt"; }

printf "%-8s %12s %10s %10s\n" path req/s p50_ms p99_ms
for name in direct haproxy brume; do
  printf "%-8s %12s %10s %10s\n" "$name" "$(rps $name)" "$(ms "$(pct $name 50)")" "$(ms "$(pct $name 99)")"
done
awk -v b="$(ms "$(pct brume 50)")" -v h="$(ms "$(pct haproxy 50)")" -v d="$(ms "$(pct direct 50)")" \
    -v br="$(rps brume)" -v hr="$(rps haproxy)" \
  'BEGIN { printf "brume p50 added vs direct: %.3f ms (haproxy: %.3f ms); throughput brume/haproxy: %.2f\n", b-d, h-d, br/hr }'
for name in direct haproxy brume; do grep -E "Non-2xx|Socket errors" "$out/$name.txt" | sed "s/^/$name: /" || true; done
