#!/usr/bin/env bash
# Start-up cost of short-lived brume commands with and without the launcher's AOT cache (docs/bench/startup.md):
# `brume --help`, `brume agent` until its first /healthz 200, and `brume pull` of a small image from a local
# docker-registry. hyperfine, rounds interleaved (the order of the contenders alternates), medians of every run.
# Needs: hyperfine, docker-registry, umoci, skopeo, busybox-static, curl, python3. Not root.
# Usage: bench/startup/run.sh [ROUNDS=3] [RUNS_PER_ROUND=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
runs=${2:-5}
for tool in hyperfine docker-registry umoci skopeo busybox curl python3; do
  command -v "$tool" >/dev/null || { echo "startup bench: $tool is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/brume-startup.XXXXXX")
registry_pid=""
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CACHE_HOME="$work/cache" # the AOT caches of this run only
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

./brume --version >/dev/null # builds the CLI if needed, so that no build lands in a timing
rm -rf "$XDG_CACHE_HOME"

# A local registry with a small image (busybox-static in one layer).
port=$(free_port)
cat >"$work/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
umoci init --layout "$work/oci" && umoci new --image "$work/oci:bb"
umoci unpack --rootless --image "$work/oci:bb" "$work/bundle" >/dev/null
mkdir -p "$work/bundle/rootfs/bin"
cp "$(command -v busybox)" "$work/bundle/rootfs/bin/busybox"
umoci repack --image "$work/oci:bb" "$work/bundle" >/dev/null
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$work/oci:bb" "docker://127.0.0.1:$port/bb:1"
image="127.0.0.1:$port/bb:1"

# The agent, timed from its start to its first /healthz 200 (then stopped).
cat >"$work/agent-once.sh" <<'SH'
#!/usr/bin/env bash
# agent-once.sh 'BRUME COMMAND' CONFIG_DIR: starts the agent, waits for /healthz 200, stops it
set -u
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
udp=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '{"node": "bench", "listen": "127.0.0.1:%s", "http": "127.0.0.1:%s", "peers": []}\n' "$udp" "$http" >"$2/agent-$$.json"
$1 agent --config "$2/agent-$$.json" >/dev/null 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$http/healthz"; do
  kill -0 "$pid" 2>/dev/null || { echo "agent exited" >&2; exit 1; }
  sleep 0.005
done
kill "$pid"; wait "$pid" 2>/dev/null
rm -f "$2/agent-$$.json"
SH
chmod +x "$work/agent-once.sh"

# Train every command's cache once (the launcher does it on a command's first run), wait for the caches.
./brume --help >/dev/null
./brume pull --quiet --plain-http --store "$work/train-store" "$image" >/dev/null
"$work/agent-once.sh" "$PWD/brume" "$work"
for _ in $(seq 600); do
  [ "$(find "$XDG_CACHE_HOME/brume/aot" -name '*.aot' 2>/dev/null | wc -l)" -ge 3 ] && break
  sleep 0.5
done
ls -la "$XDG_CACHE_HOME/brume/aot" >&2

on="$PWD/brume"
off="env BRUME_AOT=0 $PWD/brume"
echo "load before: $(cat /proc/loadavg)" >&2
for round in $(seq "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order=("$off" "$on"); else order=("$on" "$off"); fi
  for what in help agent pull; do
    cmds=()
    for b in "${order[@]}"; do
      case "$what" in
        help) cmds+=("$b --help") ;;
        agent) cmds+=("$work/agent-once.sh '$b' $work") ;;
        pull) cmds+=("$b pull --quiet --plain-http --store $work/store $image") ;;
      esac
    done
    prep=true
    [ "$what" = pull ] && prep="rm -rf $work/store"
    hyperfine -w 1 -r "$runs" --prepare "$prep" \
      --export-json "$work/result-$what-$round.json" "${cmds[@]}" >&2
  done
done
echo "load after: $(cat /proc/loadavg)" >&2
mkdir -p bench/out/startup
python3 - "$work" bench/out/startup <<'PY'
import json, glob, statistics, sys
work = sys.argv[1]
if len(sys.argv) > 2:  # keep the raw hyperfine results
    import shutil
    for f in glob.glob(f"{work}/result-*.json"):
        shutil.copy(f, sys.argv[2])
print("| command | AOT cache off: median s | on: median s | on/off | off: CPU s | on: CPU s |")
print("|---|---:|---:|---:|---:|---:|")
for what in ("help", "agent", "pull"):
    times = {}
    cpu = {}  # hyperfine gives user and system time as means over a benchmark's runs
    for f in sorted(glob.glob(f"{work}/result-{what}-*.json")):
        for r in json.load(open(f))["results"]:
            key = "off" if "BRUME_AOT=0" in r["command"] else "on"
            times.setdefault(key, []).extend(r["times"])
            cpu.setdefault(key, []).append(r["user"] + r["system"])
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    print(f"| {what} | {off:.3f} | {on:.3f} | {on / off:.2f} | {statistics.median(cpu['off']):.3f} | "
          f"{statistics.median(cpu['on']):.3f} |")
PY
