# shellcheck shell=bash
# Common parts of the proxy benchmarks (bench/proxy): paths, the output directory, stopping what was started, the
# HAProxy backend every contender talks to, waiting for a port, medians. Sourced by run.sh and rss.sh.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
java_bin="${BRUME_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"

# bench_out NAME: sets $out to bench/out/NAME, created, without the previous run's results.
bench_out() {
  out="$here/bench/out/$1"
  mkdir -p "$out"
  rm -f "$out"/*.txt
}

# Every background process started goes into pids; they are stopped when the script exits.
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for PORT: until http://127.0.0.1:PORT/ answers (60 s at the most).
wait_for() {
  for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 not ready" >&2
  return 1
}

# start_backend PORT [PREFIX...]: HAProxy answering 200 itself on PORT, one thread, a fast server that is the same for
# every path; PREFIX (e.g. taskset -c 1) runs it.
start_backend() {
  local port="$1"
  shift
  cat > "$out/backend.cfg" <<CFG
global
  nbthread 1
  maxconn 8000
defaults
  mode http
  maxconn 8000
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend backend
  bind 127.0.0.1:$port
  http-request return status 200 content-type text/plain string "ok"
CFG
  "$@" haproxy -f "$out/backend.cfg" -db > "$out/backend.log" 2>&1 &
  pids+=($!)
}

# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
