#!/usr/bin/env bash
# Delivered rate of `brume pull --limit-rate` (issue 15, item 4): a 32 MiB incompressible single-layer image on a
# loopback docker-registry, pulled into a fresh store at each asked rate; prints asked and delivered MB/s
# (layer bytes / wall time of the pull, so JVM start-up counts against the rate: the ratio is a lower bound).
# The first row pulls without a limit: its time is the overhead (JVM, extraction, sync) the limited rows also pay.
# Usage: bench/pull/limit-rate.sh [RATE...]   (default: none 8M 16M 32M 100M)
set -euo pipefail
cd "$(dirname "$0")/../.."
rates=("$@")
[ $# -gt 0 ] || rates=(none 8M 16M 32M 100M)
for tool in docker-registry umoci skopeo curl; do
  command -v "$tool" >/dev/null || { echo "limit-rate.sh: needs $tool (.ci/install-test-deps.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/brume-limit-rate.XXXXXX)
registry_pid=
cleanup() { [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
# One layer of 32 MiB of random bytes (gzip cannot shrink it).
umoci init --layout "$work/oci" >/dev/null
umoci new --image "$work/oci:v1" >/dev/null
umoci unpack --rootless --image "$work/oci:v1" "$work/bundle" >/dev/null
head -c $((32 << 20)) /dev/urandom >"$work/bundle/rootfs/noise"
umoci repack --image "$work/oci:v1" "$work/bundle" >/dev/null
skopeo copy -q --dest-tls-verify=false "oci:$work/oci:v1" "docker://127.0.0.1:$port/bench/noise:v1"
./brume --help >/dev/null # build first, outside the timing
echo "date $(date -u +%FT%TZ); load: $(uptime | sed 's/.*load average: //')"
printf '%-8s %12s %14s %8s %8s\n' asked "asked MB/s" "delivered MB/s" ratio "time s"
for rate in "${rates[@]}"; do
  store="$work/store-$rate"
  start=$(date +%s.%N)
  limit=()
  [ "$rate" = none ] || limit=(--limit-rate "$rate")
  ./brume pull --quiet --plain-http "${limit[@]}" --store "$store" "127.0.0.1:$port/bench/noise:v1" >/dev/null
  end=$(date +%s.%N)
  bytes=$(find "$store/blobs" -type f -size +1M -printf '%s\n' | sort -n | tail -1)
  python3 - "$rate" "$bytes" "$start" "$end" <<'PY'
import sys
rate, size, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
mult = {"k": 1024, "K": 1024, "M": 1 << 20, "G": 1 << 30}
got = size / (end - start)
if rate == "none":
    print(f"{rate:<8} {'-':>12} {got / 1e6:14.2f} {'-':>8} {end - start:8.2f}")
else:
    asked = float(rate[:-1]) * mult[rate[-1]] if rate[-1] in mult else float(rate)
    print(f"{rate:<8} {asked / 1e6:12.2f} {got / 1e6:14.2f} {got / asked:8.2f} {end - start:8.2f}")
PY
done
