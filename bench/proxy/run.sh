#!/usr/bin/env bash
# Proxy overhead, side by side in one run on loopback: wrk against the backend directly, through
# HAProxy (Debian) and through brume's L7 proxy (one or more JVM configurations), same backend,
# same connections and duration. The contenders run interleaved, ROUNDS times (rotating the order),
# and the summary reports medians over the rounds, because the machine is shared and noisy.
#
# Each round measures every contender at every connection count of CONNECTIONS (wrk is a closed
# loop: with 1 connection p50 is the latency a proxy adds to a request when nothing queues; with
# more, p50 is mostly queueing, Little's law, and throughput is what differs).
#
# Usage: bench/proxy/run.sh [DURATION_SECONDS=10] [CONNECTIONS="1 16 64"] [THREADS=2] [ROUNDS=3]
#   THREADS is wrk's -t (at most the connection count).
# Environment:
#   BRUME_CONTENDERS  space-separated brume configurations, NAME=JAVA_OPTS with ',' between options,
#                     default: brume-loop (the event loop, the default: one selector thread, like
#                     HAProxy's nbthread 1), and with -Dbrume.proxy.io=threads: brume-vt1 (virtual
#                     threads on one carrier, -Djdk.virtualThreadScheduler.parallelism=1), brume-vt
#                     (virtual threads, one carrier per core), brume-pt (a platform thread per
#                     connection, -Dbrume.proxy.threads=platform)
#   BRUME_BASELINE_JAR  a brume-proxy jar of an older commit, run as one more contender
#                     "brume-before" (its default data plane), for before/after in the same run
#   BRUME_PROXY_JAVA_OPTS  extra JVM options for every brume contender (after the launcher's own for
#                     `brume proxy`, -XX:+UseSerialGC -Xmx256m, which every brume contender gets)
#   HAPROXY_THREADS   nbthread of the HAProxy proxy (default 1; the backend always has 1)
#   PIN               "1" pins with taskset: wrk on CPU 0, backend on CPU 1, every proxy on CPU 1
#                     (default: no pinning)
#   BRUME_SKIP_BUILD  "1" skips building brume-proxy (build first without the bench lock)
# Needs: haproxy, wrk, curl (Debian packages), Maven and a JDK >= 25.
set -euo pipefail

# shellcheck source=bench/proxy/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${1:-10}"
connections="${2:-1 16 64}"
threads="${3:-2}"
rounds="${4:-3}"
bench_out proxy

backend_port=18080
haproxy_port=18081
first_brume_port=18082

pin_wrk=() pin_backend=() pin_proxy=()
if [[ "${PIN:-0}" == 1 ]]; then
  pin_wrk=(taskset -c 0) pin_backend=(taskset -c 1) pin_proxy=(taskset -c 1)
fi

start_backend "$backend_port" "${pin_backend[@]}"

# HAProxy as the reverse proxy, keep-alive to the backend.
cat > "$out/haproxy.cfg" <<CFG
global
  nbthread ${HAPROXY_THREADS:-1}
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
"${pin_proxy[@]}" haproxy -f "$out/haproxy.cfg" -db > "$out/haproxy.log" 2>&1 & pids+=($!)

# brume's proxy: the module jar and its dependencies, started through a single-file launcher
# (bench/proxy/BenchProxy.java) so that the bench only needs brume-proxy to build.
# BRUME_SKIP_BUILD=1 reuses the previous build (to build before taking the bench lock).
if [[ "${BRUME_SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$here" && nice -n 19 mvn -q -B -o -pl brume-proxy -am package -DskipTests -Dspotless.check.skip=true \
    dependency:build-classpath -Dmdep.outputFile="$out/classpath.cp") >&2
fi
names=(direct haproxy)
declare -A ports=([direct]=$backend_port [haproxy]=$haproxy_port)
port=$first_brume_port
contenders="${BRUME_CONTENDERS:-brume-loop= brume-vt1=-Dbrume.proxy.io=threads,-Djdk.virtualThreadScheduler.parallelism=1 brume-vt=-Dbrume.proxy.io=threads brume-pt=-Dbrume.proxy.io=threads,-Dbrume.proxy.threads=platform}"
jar="$here/brume-proxy/target/brume-proxy-0.1.0-SNAPSHOT.jar"
# What the brume launcher gives `brume proxy` (its collector and heap), so that the bench measures
# the JVM users run; before 2026-12-06 18:40 UTC the bench ran the JVM's defaults (G1, a quarter of RAM).
launcher_opts="-XX:+UseSerialGC -Xmx256m"
[[ -n "${BRUME_BASELINE_JAR:-}" ]] && contenders="brume-before= $contenders"
for contender in $contenders; do
  name="${contender%%=*}"
  opts="${contender#*=}"
  contender_jar="$jar"
  [[ "$name" == brume-before ]] && contender_jar="$BRUME_BASELINE_JAR"
  # shellcheck disable=SC2086 # word splitting of the option lists is intended
  "${pin_proxy[@]}" "$java_bin" $launcher_opts ${opts//,/ } ${BRUME_PROXY_JAVA_OPTS:-} \
    -cp "$contender_jar:$(cat "$out/classpath.cp")" \
    "$here/bench/proxy/BenchProxy.java" "$port" "127.0.0.1:$backend_port" round-robin \
    > "$out/$name.log" 2>&1 & pids+=($!)
  names+=("$name")
  ports[$name]=$port
  port=$((port + 1))
done

for name in "${names[@]}"; do wait_for "${ports[$name]}"; done

# wrk -t N -c C needs N <= C.
wrk_threads() { echo $(($1 < threads ? $1 : threads)); }

# Warm-up (JIT for brume, caches for everyone), at the largest connection count.
max_c=$(printf '%s\n' $connections | sort -n | tail -1)
for name in "${names[@]}"; do
  "${pin_wrk[@]}" wrk -t "$(wrk_threads "$max_c")" -c "$max_c" -d 5s "http://127.0.0.1:${ports[$name]}/" > /dev/null
done

echo "uptime before: $(uptime)" | tee "$out/uptime.log" >&2
count=${#names[@]}
for round in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((count - 1))); do
    name="${names[$(((i + round - 1) % count))]}"
    url="http://127.0.0.1:${ports[$name]}/"
    for c in $connections; do
      "${pin_wrk[@]}" wrk -t "$(wrk_threads "$c")" -c "$c" -d "${duration}s" --latency "$url" > "$out/$name.c$c.$round.txt"
    done
  done
  echo "round $round/$rounds done; $(uptime)" | tee -a "$out/uptime.log" >&2
done

ms() { local v="$1"; case "$v" in *us) awk -v x="${v%us}" 'BEGIN{printf "%.3f", x/1000}';; *ms) awk -v x="${v%ms}" 'BEGIN{printf "%.3f", x}';; *s) awk -v x="${v%s}" 'BEGIN{printf "%.3f", x*1000}';; esac; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { ms "$(awk -v p="$2%" '$1 == p {print $2}' "$1")"; }
# per_round C NAME EXPR: EXPR evaluated per round with r (req/s), p50, p99 of NAME and dp50 (direct's
# p50), hr and hp50 (HAProxy's req/s and p50), all at C connections; prints the median over rounds.
per_round() {
  for round in $(seq 1 "$rounds"); do
    f="$out/$2.c$1.$round.txt" d="$out/direct.c$1.$round.txt" h="$out/haproxy.c$1.$round.txt"
    awk -v r="$(rps "$f")" -v p50="$(pct "$f" 50)" -v p99="$(pct "$f" 99)" -v dp50="$(pct "$d" 50)" \
        -v hr="$(rps "$h")" -v hp50="$(pct "$h" 50)" "BEGIN { printf \"%.3f\\n\", $3 }"
  done | median
}

echo "medians over $rounds rounds of ${duration}s; wrk -t min($threads, C) -c C"
for c in $connections; do
  echo
  echo "C = $c connections"
  printf "%-12s %10s %8s %8s %9s %12s %7s\n" path "req/s" p50_ms p99_ms added_ms "added-hapx" ratio
  for name in "${names[@]}"; do
    printf "%-12s %10s %8s %8s %9s %12s %7s\n" "$name" \
      "$(per_round "$c" "$name" r)" "$(per_round "$c" "$name" p50)" "$(per_round "$c" "$name" p99)" \
      "$(per_round "$c" "$name" p50-dp50)" "$(per_round "$c" "$name" "(p50-dp50)-(hp50-dp50)")" \
      "$(per_round "$c" "$name" r/hr)"
  done
done
echo
echo "ratio = req/s over HAProxy's in the same round; added = p50 minus direct's p50 in the same round;"
echo "added-hapx = added minus HAProxy's added in the same round (target: <= 0)"
for f in "$out"/*.txt; do grep -HE "Non-2xx|Socket errors" "$f" || true; done
