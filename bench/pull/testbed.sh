#!/usr/bin/env bash
# The pull benchmark's testbed: Debian's docker-registry inside its own network namespace (brume-bench-reg), reached
# from the host through a veth pair (host 10.231.0.1/30 <-> registry 10.231.0.2/30), with the registry-to-host
# direction (downloads) shaped by `tc tbf` on the namespace side. Run as root. Everything it creates (namespace, veth,
# registry process) is removed when it exits, however it exits.
#
#   testbed.sh                    bring the testbed up and keep it until Ctrl-C (shape it from another shell)
#   testbed.sh run CMD [ARG...]   bring it up, run CMD with BENCH_REG=10.231.0.2:5000 exported, tear down
#   testbed.sh shape RATE         on a running testbed: RATE in Mbit/s (10, 50, 200...) or "unshaped"
#   testbed.sh check [RATE...]    bring it up, measure the download rate at each RATE (default 10 50 200 unshaped),
#                                 fail unless within -20%/+10% of the tc setting, tear down (a self-test)
#   testbed.sh down               remove what a killed run may have left (namespace, veth, registry)
#
# The images come from images.sh (built first if missing) and are pushed with skopeo into the registry's storage,
# $BENCH_OUT/registry, which is kept between runs: a push happens only when an image changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTBED_STATE="$BENCH_OUT/testbed"

testbed_down() {
  local pid
  if [ -f "$TESTBED_STATE/registry.pid" ]; then
    pid="$(cat "$TESTBED_STATE/registry.pid")"
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = docker-registry ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        [ -d "/proc/$pid" ] || break
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$TESTBED_STATE/registry.pid"
  fi
  if ip netns list | grep -qw "$NETNS"; then
    # Whatever still runs in the namespace was started by this testbed (the registry): end it by pid.
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
      kill "$pid" 2>/dev/null || true
    done
    sleep 0.2
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
      kill -9 "$pid" 2>/dev/null || true
    done
    ip netns del "$NETNS"
  fi
  # (Deleting the namespace deletes the pair, asynchronously: the host end may vanish between these two commands.)
  if ip link show "$VETH_HOST" >/dev/null 2>&1; then
    ip link del "$VETH_HOST" 2>/dev/null || true
  fi
}

testbed_shape() { # testbed_shape RATE_MBIT|unshaped
  local rate="$1" burst
  if [ "$rate" = unshaped ]; then
    ip netns exec "$NETNS" tc qdisc del dev "$VETH_NS" root 2>/dev/null || true
    return 0
  fi
  [[ "$rate" =~ ^[0-9]+$ ]] || die "bandwidth '$rate' is not a number of Mbit/s nor 'unshaped'"
  # burst: 10 ms of traffic, at least 64 KB (one GSO packet); queue: 50 ms.
  burst=$((rate * 1000000 / 8 / 100))
  [ "$burst" -ge 65536 ] || burst=65536
  ip netns exec "$NETNS" tc qdisc replace dev "$VETH_NS" root tbf rate "${rate}mbit" burst "$burst" latency 50ms
}

registry_manifest_digest() { # prints the digest the registry has for image $1, or nothing
  curl -sf -o /dev/null -I -w '%header{docker-content-digest}' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REG/v2/bench/$1/manifests/v1" 2>/dev/null || true
}

testbed_up() {
  need_root
  need_tools ip tc docker-registry skopeo curl jq
  testbed_down
  if ip -o addr show | grep -q " ${NS_ADDR%.*}\."; then
    die "an address in ${NS_ADDR%.*}.0/$PREFIX_LEN is already on this machine; the testbed needs it for its veth pair"
  fi
  [ -f "$(oci_dir)/index.json" ] && [ -f "$(oci_dir)/PROVENANCE" ] || "$BENCH_DIR/images.sh"

  mkdir -p "$TESTBED_STATE" "$BENCH_OUT/registry"
  ip netns add "$NETNS"
  ip link add "$VETH_HOST" type veth peer name "$VETH_NS" netns "$NETNS"
  ip addr add "$HOST_ADDR/$PREFIX_LEN" dev "$VETH_HOST"
  ip link set "$VETH_HOST" up
  ip netns exec "$NETNS" ip addr add "$NS_ADDR/$PREFIX_LEN" dev "$VETH_NS"
  ip netns exec "$NETNS" ip link set "$VETH_NS" up
  ip netns exec "$NETNS" ip link set lo up

  write_registry_config "$TESTBED_STATE/registry.yml" "$BENCH_OUT/registry" "$REG"
  ip netns exec "$NETNS" docker-registry serve "$TESTBED_STATE/registry.yml" >"$TESTBED_STATE/registry.log" 2>&1 &
  echo $! >"$TESTBED_STATE/registry.pid"
  local ok=0
  for _ in $(seq 1 100); do
    if curl -sf -o /dev/null "http://$REG/v2/"; then
      ok=1
      break
    fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || die "the registry did not answer on http://$REG/v2/ (see $TESTBED_STATE/registry.log)"

  local image want have
  for image in "${BENCH_IMAGES[@]}"; do
    want="$(jq -r --arg t "$image" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
      "$(oci_dir)/index.json")"
    have="$(registry_manifest_digest "$image")"
    if [ "$want" != "$have" ]; then
      log "pushing $image into the registry"
      skopeo copy --quiet --preserve-digests --dest-tls-verify=false "oci:$(oci_dir):$image" "docker://$(image_ref "$image")"
      have="$(registry_manifest_digest "$image")"
      [ "$want" = "$have" ] || die "registry has $have for $image after the push, expected $want"
    fi
  done
  log "testbed up: registry http://$REG in netns $NETNS, images: ${BENCH_IMAGES[*]}"
}

# Measures the download rate of the second largest blob of the debian image (~18 MB), in Mbit/s (one decimal).
measure_rate() {
  local digest size
  read -r digest size < <(image_blobs debian | sort -k2 -n | tail -n 2 | head -n 1)
  curl -sf -o /dev/null -w '%{time_total}' "http://$REG/v2/bench/debian/blobs/$digest" |
    awk -v s="$size" '{ printf "%.1f", s * 8 / $1 / 1e6 }'
}

testbed_main() {
  local cmd="${1:-hold}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      ;;
    down)
      need_root
      testbed_down
      ;;
    shape)
      need_root
      [ $# = 1 ] || die "usage: testbed.sh shape RATE|unshaped"
      ip netns list | grep -qw "$NETNS" || die "the testbed is not up"
      testbed_shape "$1"
      ;;
    hold | run | check)
      HOLD_SLEEP=""
      trap '[ -z "$HOLD_SLEEP" ] || kill "$HOLD_SLEEP" 2>/dev/null; testbed_down' EXIT
      trap 'exit 130' INT TERM
      testbed_up
      case "$cmd" in
        hold)
          log "Ctrl-C to tear down; shape with: $0 shape 50"
          while true; do # (wait, unlike a foreground sleep, returns at once when a signal comes)
            sleep 3600 &
            HOLD_SLEEP=$!
            wait "$HOLD_SLEEP" || true
          done
          ;;
        run)
          [ $# -gt 0 ] || die "usage: testbed.sh run CMD [ARG...]"
          BENCH_REG="$REG" "$@"
          ;;
        check)
          local rate measured failed=0
          [ $# -gt 0 ] || set -- 10 50 200 unshaped
          measure_rate >/dev/null # warm the registry's page cache
          for rate in "$@"; do
            testbed_shape "$rate"
            measured="$(measure_rate)"
            if [ "$rate" = unshaped ]; then
              log "unshaped: $measured Mbit/s"
            elif awk -v m="$measured" -v r="$rate" 'BEGIN { exit !(m > 0.8 * r && m < 1.1 * r) }'; then
              log "${rate} Mbit/s: measured $measured Mbit/s, ok"
            else
              log "${rate} Mbit/s: measured $measured Mbit/s, NOT within -20%/+10% of the setting (a loaded CPU slows the receiver)"
              failed=1
            fi
          done
          return "$failed"
          ;;
      esac
      ;;
    *) die "unknown command '$cmd' (see testbed.sh --help)" ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  testbed_main "$@"
fi
