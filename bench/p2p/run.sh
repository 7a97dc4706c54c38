#!/usr/bin/env bash
# The peer-to-peer deployment benchmark: a fog of nodes in network namespaces grouped into sites, every node deploying
# the same image at once, then a second wave that adds one layer. Run as root.
#
#   run.sh [--nodes 12] [--sites 3] [--uplink 20] [--lan 200] [--intersite 50] [--json]
#          [--contenders "registry brume-no-peers random-peer nearest-peer"] [--timeout SECONDS] [--keep]
#          [--layout OCI_DIR --image TAG]   (default: bench/pull's debian image, built by bench/pull/images.sh)
#          [--node-disk shared|tmpfs]
#   --node-disk: where each node keeps its store (brume's store, containerd's root), for every contender alike.
#     shared (default): directories on this machine's one disk. Every sync a node makes then writes back what all
#     twelve nodes wrote (brume commits a layer with syncfs(2); containerd 1.6 does not sync extracted layers), so
#     the nodes wait for each other's disk writes, which separate machines would not. tmpfs: a tmpfs per node
#     (2 GB bound, RAM), as if each node had its own disk with no write-back to wait for.
#   BRUME_CMD="java -cp … io.brume.cli.Main" runs brume that way instead of ./brume (the CI test does).
#
# Topology (all links are veth pairs; rates in Mbit/s):
#   registry netns ── core netns ── site router netns (one per site, a bridge) ── node netns (nodes/sites per site)
#   - each site reaches the registry through its uplink: traffic from the registry is shaped to --uplink on the
#     core→site link (htb class), traffic between sites to --intersite (htb class, and tbf on site→core);
#   - nodes of a site share the site bridge; each node's port is shaped to --lan (tbf) in both directions.
# Site proximity: the sites stand for AWS regions eu-west-1, eu-central-1 and us-east-1 (bench/p2p/sites.tsv, median
# RTTs from the AWS inter-region data set). The nodes' Vivaldi coordinates are SEEDED from these RTTs (an exact 2-D
# embedding of the three sites, nodes 0.05 ms apart within a site, height 0.1 ms); they are not measured by agents
# probing through delay relays, and the testbed adds no delay, only bandwidth limits.
#
# Contenders, one after the other in the same run (fresh stores each):
#   registry        every node pulls from the registry with containerd 1.6 (`ctr images pull`, own daemon per node)
#   brume-no-peers  `brume pull` on every node, no peers
#   random-peer     `brume pull --peers … --peer-choice random`: same code, proximity off (one seeder per image for
#                   the whole cluster, peers asked in random order): the Spegel-like baseline
#   nearest-peer    `brume pull --peers …`: nearest peers first, one seeder per site
# Every node of the peer contenders runs `brume agent --peer-listen` serving its store.
#
# Output: a log on stderr (per wave: time until every node is done, median, registry egress, bytes on each site's
# downlink and uplink); with --json, on stdout (wave 1):
#   {"image_mb": …, "nodes": …, "sites": …, "contenders": {NAME: {"all_done_s": …, "median_done_s": …,
#    "registry_egress_mb": …, "intersite_mb": …}}}
# registry_egress_mb = bytes the registry's interface sent; intersite_mb = bytes all sites sent out of their uplinks
# (peer uploads to other sites; requests are a few kB). Every pull's and agent's log is kept in
# $BENCH_OUT/p2p/logs-<prefix>/<contender>/ (printed at the start); bench/p2p/timeline.sh turns one wave's logs into
# per-node timelines (layers, sources, waits on the site's seeder, bodies served, 429s).
set -euo pipefail
P2P_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$P2P_DIR/../pull/lib.sh"

nodes=12
sites=3
uplink=20
lan=200
intersite=50
json=0
keep=0
timeout_s=900
contenders="registry brume-no-peers random-peer nearest-peer"
layout=""
image=debian
node_disk=shared
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift ;;
    --sites) sites="$2"; shift ;;
    --uplink) uplink="$2"; shift ;;
    --lan) lan="$2"; shift ;;
    --intersite) intersite="$2"; shift ;;
    --contenders) contenders="$2"; shift ;;
    --timeout) timeout_s="$2"; shift ;;
    --layout) layout="$2"; shift ;;
    --image) image="$2"; shift ;;
    --json) json=1 ;;
    --keep) keep=1 ;;
    --node-disk) node_disk="$2"; shift ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
for v in nodes sites uplink lan intersite timeout_s; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--${v%_s} must be a positive integer, got '${!v}'"
done
[ "$sites" -le 3 ] || die "--sites: sites.tsv has 3 regions, got $sites"
[ $((nodes % sites)) -eq 0 ] || die "--nodes ($nodes) must be a multiple of --sites ($sites)"
for c in $contenders; do
  case "$c" in registry | brume-no-peers | random-peer | nearest-peer) ;; *) die "unknown contender '$c'" ;; esac
done
per_site=$((nodes / sites))
case "$node_disk" in shared | tmpfs) ;; *) die "--node-disk must be shared or tmpfs, got '$node_disk'" ;; esac

need_root
need_tools ip tc docker-registry skopeo curl jq containerd ctr awk
if [ -z "$layout" ]; then
  [ -f "$(oci_dir)/index.json" ] || "$P2P_DIR/../pull/images.sh"
  layout="$(oci_dir)"
fi
[ -f "$layout/index.json" ] || die "--layout $layout is not an OCI image layout (no index.json)"

# Unique names: other benchmarks and tests run on this machine at the same time.
P="p2p$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')"
W="$BENCH_OUT/p2p/$P"
NET=10.232
REG_IP="$NET.0.2"
REG_ADDR="$REG_IP:5000"
TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
PEER_PORT=7948
read -r -a BRUME <<<"${BRUME_CMD:-$REPO_DIR/brume}"
pids=()
# Every pull's and agent's log (timestamped layer events; DEBUG lines of the peer code: each answer, wait on the
# site's seeder, abandonment, body served and 429) is kept here; timeline.sh turns them into per-node timelines.
LOGS="$BENCH_OUT/p2p/logs-$P"
# The launcher's JDK AOT caches live here, not in ~/.cache (other benchmarks of other builds would replace them);
# warm_up trains them before the first timed wave.
export XDG_CACHE_HOME="${P2P_CACHE_HOME:-$BENCH_OUT/p2p/cache}"
export BRUME_JAVA_OPTS="-Djava.util.logging.config.file=$P2P_DIR/logging.properties"

ns_of_node() { echo "${P}n$1"; } # node index 0..nodes-1
site_of() { echo $(($1 / per_site + 1)); }
ip_of() { echo "$NET.$((100 + $(site_of "$1"))).$((10 + $1 % per_site))"; }
name_of() { echo "s$(site_of "$1")-n$(($1 % per_site))"; }

unmount_nodes() { # the nodes' tmpfs (--node-disk tmpfs)
  local m
  for m in $(awk -v w="$W/c/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do umount -l "$m" 2>/dev/null || true; done
}

cleanup() {
  local pid ns
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for ns in $(ip netns list | awk -v p="$P" 'index($1, p) == 1 { print $1 }'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  unmount_nodes
  [ "$keep" = 1 ] || remove_tree "$W"
}
trap cleanup EXIT

shape_tbf() { # shape_tbf NS DEV RATE
  local burst=$(($3 * 1000000 / 8 / 100))
  [ "$burst" -ge 65536 ] || burst=65536
  ip netns exec "$1" tc qdisc replace dev "$2" root tbf rate "${3}mbit" burst "$burst" latency 50ms
}

build_testbed() {
  if ip -o addr show | grep -q " $NET\."; then die "$NET.0.0/16 is in use on this machine"; fi
  mkdir -p "$W"
  ip netns add "${P}r"
  ip netns add "${P}c"
  ip netns exec "${P}c" sysctl -qw net.ipv4.ip_forward=1
  ip link add reg0 netns "${P}c" type veth peer name eth0 netns "${P}r"
  ip -n "${P}c" addr add "$NET.0.1/30" dev reg0
  ip -n "${P}r" addr add "$REG_IP/30" dev eth0
  for ns in "${P}r" "${P}c"; do ip -n "$ns" link set lo up; done
  ip -n "${P}c" link set reg0 up
  ip -n "${P}r" link set eth0 up
  ip -n "${P}r" route add default via "$NET.0.1"
  local s n node burst
  for s in $(seq 1 "$sites"); do
    local site="${P}s$s"
    ip netns add "$site"
    ip netns exec "$site" sysctl -qw net.ipv4.ip_forward=1
    ip link add "up$s" netns "${P}c" type veth peer name wan netns "$site"
    ip -n "${P}c" addr add "$NET.$s.1/30" dev "up$s"
    ip -n "$site" addr add "$NET.$s.2/30" dev wan
    ip -n "${P}c" link set "up$s" up
    ip -n "$site" link set wan up
    ip -n "$site" link set lo up
    ip -n "${P}c" route add "$NET.$((100 + s)).0/24" via "$NET.$s.2"
    ip -n "$site" route add default via "$NET.$s.1"
    ip -n "$site" link add br0 type bridge
    ip -n "$site" addr add "$NET.$((100 + s)).1/24" dev br0
    ip -n "$site" link set br0 up
    # core → site: registry traffic at the uplink rate, traffic from other sites at the inter-site rate.
    burst=$((uplink * 1000000 / 8 / 100)); [ "$burst" -ge 65536 ] || burst=65536
    ip netns exec "${P}c" tc qdisc replace dev "up$s" root handle 1: htb default 20 r2q 100
    ip netns exec "${P}c" tc class add dev "up$s" parent 1: classid 1:10 htb rate "${uplink}mbit" ceil "${uplink}mbit" burst "$burst"
    burst=$((intersite * 1000000 / 8 / 100)); [ "$burst" -ge 65536 ] || burst=65536
    ip netns exec "${P}c" tc class add dev "up$s" parent 1: classid 1:20 htb rate "${intersite}mbit" ceil "${intersite}mbit" burst "$burst"
    ip netns exec "${P}c" tc filter add dev "up$s" parent 1: protocol ip prio 1 u32 match ip src "$REG_IP/32" flowid 1:10
    shape_tbf "$site" wan "$intersite" # site → other sites
  done
  for n in $(seq 0 $((nodes - 1))); do
    s="$(site_of "$n")"
    node="$(ns_of_node "$n")"
    ip netns add "$node"
    ip link add "p$n" netns "${P}s$s" type veth peer name eth0 netns "$node"
    ip -n "${P}s$s" link set "p$n" master br0 up
    ip -n "$node" addr add "$(ip_of "$n")/24" dev eth0
    ip -n "$node" link set eth0 up
    ip -n "$node" link set lo up
    ip -n "$node" route add default via "$NET.$((100 + s)).1"
    shape_tbf "${P}s$s" "p$n" "$lan"
    shape_tbf "$node" eth0 "$lan"
  done
}

start_registry() {
  mkdir -p "$W/registry"
  write_registry_config "$W/registry.yml" "$W/registry" "$REG_ADDR"
  ip netns exec "${P}r" docker-registry serve "$W/registry.yml" >"$W/registry.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    ip netns exec "${P}r" curl -sf -o /dev/null "http://$REG_ADDR/v2/" && return 0
    sleep 0.1
  done
  die "the registry did not start (see $W/registry.log)"
}

# The second wave's image: the debian image plus one layer (this machine's /usr/share/i18n and /usr/share/zoneinfo, else
# /usr/share/doc), built as an OCI layout next to the first.
build_and_push_images() {
  local out="$W/oci" src manifest config layer_tar layer_gz diff_id digest size new_config new_manifest
  mkdir -p "$out/blobs/sha256"
  cp -al "$layout/blobs/sha256/." "$out/blobs/sha256/" 2>/dev/null || cp -a "$layout/blobs/sha256/." "$out/blobs/sha256/"
  manifest="$(jq -r --arg t "$image" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$layout/index.json")"
  [ -n "$manifest" ] || die "image $image is not in $layout"
  config="$(jq -r '.config.digest' "$out/blobs/sha256/${manifest#sha256:}")"
  src=""
  for d in usr/share/i18n usr/share/zoneinfo; do [ -d "/$d" ] && src="$src $d"; done
  [ -n "$src" ] || src=usr/share/doc
  layer_tar="$W/wave2.tar"
  # shellcheck disable=SC2086
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$layer_tar" -C / $src
  diff_id="sha256:$(sha256sum "$layer_tar" | cut -d' ' -f1)"
  pigz -6 -n -c "$layer_tar" >"$layer_tar.gz"
  digest="sha256:$(sha256sum "$layer_tar.gz" | cut -d' ' -f1)"
  size="$(stat -c %s "$layer_tar.gz")"
  mv "$layer_tar.gz" "$out/blobs/sha256/${digest#sha256:}"
  jq -c --arg d "$diff_id" '.rootfs.diff_ids += [$d]' "$out/blobs/sha256/${config#sha256:}" >"$W/config.json"
  new_config="sha256:$(sha256sum "$W/config.json" | cut -d' ' -f1)"
  mv "$W/config.json" "$out/blobs/sha256/${new_config#sha256:}"
  jq -c --arg c "$new_config" --argjson cs "$(stat -c %s "$out/blobs/sha256/${new_config#sha256:}")" \
    --arg d "$digest" --argjson s "$size" \
    '.config.digest = $c | .config.size = $cs | .layers += [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": $d, "size": $s}]' \
    "$out/blobs/sha256/${manifest#sha256:}" >"$W/manifest.json"
  new_manifest="sha256:$(sha256sum "$W/manifest.json" | cut -d' ' -f1)"
  mv "$W/manifest.json" "$out/blobs/sha256/${new_manifest#sha256:}"
  jq -n --arg m1 "$manifest" --argjson s1 "$(stat -c %s "$out/blobs/sha256/${manifest#sha256:}")" \
    --arg m2 "$new_manifest" --argjson s2 "$(stat -c %s "$out/blobs/sha256/${new_manifest#sha256:}")" \
    '{schemaVersion: 2, manifests: [
       {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m1, size: $s1, annotations: {"org.opencontainers.image.ref.name": "wave1"}},
       {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m2, size: $s2, annotations: {"org.opencontainers.image.ref.name": "wave2"}}]}' \
    >"$out/index.json"
  echo '{"imageLayoutVersion": "1.0.0"}' >"$out/oci-layout"
  for tag in wave1 wave2; do
    ip netns exec "${P}r" skopeo copy --quiet --preserve-digests --dest-tls-verify=false \
      "oci:$out:$tag" "docker://$REG_ADDR/bench/app:$tag"
  done
  image_mb="$(jq -r '[.config.size] + [.layers[].size] | add' "$out/blobs/sha256/${manifest#sha256:}" | awk '{ printf "%.1f", $1 / 1e6 }')"
  wave2_mb="$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }')"
  log "images: wave1 = $image ($image_mb MB), wave2 adds one layer of $wave2_mb MB ($src)"
}

# Site coordinates: an exact 2-D embedding of the three sites' RTTs (law of cosines).
coordinates() {
  awk -F'\t' '!/^#/ { for (j = 3; j <= 5; j++) d[$1, j - 2] = $j }
    END {
      a = d[1, 2]; b = d[1, 3]; c = d[2, 3]
      x3 = (b * b + a * a - c * c) / (2 * a); y3 = b * b - x3 * x3; y3 = y3 > 0 ? sqrt(y3) : 0
      printf "1 0 0\n2 %f 0\n3 %f %f\n", a, x3, y3
    }' "$P2P_DIR/sites.tsv"
}

write_peer_files() {
  local n m s coords
  coords="$(coordinates)"
  mkdir -p "$W/conf"
  printf '%s\n' "$TOKEN" >"$W/conf/token"
  chmod 600 "$W/conf/token"
  for n in $(seq 0 $((nodes - 1))); do
    {
      for m in $(seq 0 $((nodes - 1))); do
        s="$(site_of "$m")"
        echo "$(name_of "$m") $(ip_of "$m") $(awk -v s="$s" -v k="$((m % per_site))" '$1 == s { printf "%f %f", $2 + 0.05 * k, $3 }' <<<"$coords")"
      done
    } | jq -R -s --arg self "$(name_of "$n")" --argjson port "$PEER_PORT" '
        [split("\n")[] | select(length > 0) | split(" ") |
          {name: .[0], url: ("http://" + .[1] + ":" + ($port | tostring)),
           coordinate: {vector: [(.[2] | tonumber), (.[3] | tonumber)], height: 0.1, adjustment: 0, error: 0.05}}]
        | {self: {name: $self, coordinate: (.[] | select(.name == $self) | .coordinate)},
           peers: [.[] | select(.name != $self)]}' >"$W/conf/peers-$n.json"
    jq -n --arg name "$(name_of "$n")" '{node: $name, listen: "127.0.0.1:0", http: "127.0.0.1:0", peers: []}' \
      >"$W/conf/agent-$n.json"
  done
}

counter() { # counter NS DEV: bytes the device sent
  ip netns exec "$1" awk -v d="$2:" '$1 == d { print $10 }' /proc/net/dev
}

snapshot_counters() { # prints "registry_tx site1_down site1_up site2_down …"
  local s out
  out="$(counter "${P}r" eth0)"
  for s in $(seq 1 "$sites"); do
    out="$out $(counter "${P}c" "up$s") $(counter "${P}s$s" wan)"
  done
  echo "$out"
}

start_agents() {
  local n
  agent_pids=()
  for n in $(seq 0 $((nodes - 1))); do
    mkdir -p "$W/c/$n/store"
    ip netns exec "$(ns_of_node "$n")" env BRUME_JAVA_OPTS="$BRUME_JAVA_OPTS -Xmixed" "${BRUME[@]}" agent --config "$W/conf/agent-$n.json" \
      --peer-listen "0.0.0.0:$PEER_PORT" --peer-token-file "$W/conf/token" --store "$W/c/$n/store" \
      >"$W/c/$n/agent.log" 2>&1 &
    agent_pids+=($!)
    pids+=($!)
  done
  for n in $(seq 0 $((nodes - 1))); do
    local ok=0
    for _ in $(seq 1 600); do
      if ip netns exec "$(ns_of_node "$n")" curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" \
        "http://$(ip_of "$n"):$PEER_PORT/v2/"; then
        ok=1
        break
      fi
      sleep 0.1
    done
    [ "$ok" = 1 ] || die "the agent of $(name_of "$n") did not start (see $W/c/$n/agent.log)"
  done
}

stop_pids() { # stop_pids PID...
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

start_containerds() {
  local n dir
  ctr_pids=()
  for n in $(seq 0 $((nodes - 1))); do
    dir="$W/c/$n/containerd"
    write_containerd_config "$dir"
    ip netns exec "$(ns_of_node "$n")" containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
    ctr_pids+=($!)
    pids+=($!)
  done
  for n in $(seq 0 $((nodes - 1))); do
    for _ in $(seq 1 200); do
      ctr -a "$W/c/$n/containerd/c.sock" version >/dev/null 2>&1 && continue 2
      sleep 0.1
    done
    die "containerd of $(name_of "$n") did not start"
  done
}

pull_cmd() { # pull_cmd CONTENDER NODE TAG
  local ref="$REG_ADDR/bench/app:$3" n="$2"
  case "$1" in
    registry) echo ctr -a "$W/c/$n/containerd/c.sock" -n bench images pull --plain-http --snapshotter overlayfs "$ref" ;;
    brume-no-peers) echo "${BRUME[@]}" pull --store "$W/c/$n/store" --plain-http "$ref" ;;
    random-peer | nearest-peer)
      echo "${BRUME[@]}" pull --store "$W/c/$n/store" --plain-http --peers "$W/conf/peers-$n.json" \
        --peer-token-file "$W/conf/token" --peer-choice "${1%-peer}" "$ref"
      ;;
  esac
}

# One wave: every node pulls at once; prints "all_done_s median_done_s registry_mb intersite_mb" and logs details.
wave() { # wave CONTENDER TAG
  local c="$1" tag="$2" n before after start wpids=() failed=0
  before="$(snapshot_counters)"
  start="$(date +%s.%N)"
  mkdir -p "$LOGS/$c"
  echo "$start" >"$LOGS/$c/$tag.start"
  for n in $(seq 0 $((nodes - 1))); do
    (
      # shellcheck disable=SC2046
      if timeout -k 10 "$timeout_s" ip netns exec "$(ns_of_node "$n")" $(pull_cmd "$c" "$n" "$tag") \
        >"$W/c/$n/$tag.log" 2>&1; then
        date +%s.%N >"$W/c/$n/$tag.end"
      fi
    ) &
    wpids+=($!)
  done
  for n in "${!wpids[@]}"; do wait "${wpids[$n]}" || true; done
  after="$(snapshot_counters)"
  for n in $(seq 0 $((nodes - 1))); do
    cp "$W/c/$n/$tag.log" "$LOGS/$c/$tag-$(name_of "$n").log" 2>/dev/null || true
    [ -f "$W/c/$n/$tag.end" ] && cp "$W/c/$n/$tag.end" "$LOGS/$c/$tag-$(name_of "$n").end"
  done
  for n in $(seq 0 $((nodes - 1))); do
    if [ ! -f "$W/c/$n/$tag.end" ]; then
      log "$c $tag: $(name_of "$n") failed: $(tail -n 3 "$W/c/$n/$tag.log" | tr '\n' ' ')"
      failed=1
    fi
  done
  [ "$failed" = 0 ] || die "$c: some pulls failed (logs kept under $W with --keep)"
  local times
  times="$(for n in $(seq 0 $((nodes - 1))); do awk -v s="$start" '{ printf "%.3f\n", $1 - s }' "$W/c/$n/$tag.end"; done | sort -n)"
  local all median
  all="$(tail -n 1 <<<"$times")"
  median="$(awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' <<<"$times")"
  read -r -a b <<<"$before"
  read -r -a a <<<"$after"
  local reg_mb inter=0 s detail=""
  reg_mb="$(awk -v x="${a[0]}" -v y="${b[0]}" 'BEGIN { printf "%.1f", (x - y) / 1e6 }')"
  for s in $(seq 1 "$sites"); do
    local down=$((a[2 * s - 1] - b[2 * s - 1])) up=$((a[2 * s] - b[2 * s]))
    inter=$((inter + up))
    detail="$detail site$s down $(awk -v v="$down" 'BEGIN { printf "%.1f", v / 1e6 }') MB up $(awk -v v="$up" 'BEGIN { printf "%.1f", v / 1e6 }') MB;"
  done
  local inter_mb
  inter_mb="$(awk -v v="$inter" 'BEGIN { printf "%.1f", v / 1e6 }')"
  log "$c $tag: all done $all s, median $median s, registry egress $reg_mb MB, inter-site $inter_mb MB;$detail load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$c" != registry ] && [ "$c" != brume-no-peers ]; then
    log "$c $tag: sources: $(cat "$W"/c/*/"$tag".log | grep -o 'from peer [^ ]*\|from registry' | sort | uniq -c | sort -rn | awk '{ printf "%s %s %s %s; ", $1, $2, $3, $4 }')"
  fi
  echo "$all $median $reg_mb $inter_mb"
}

run_contender() { # run_contender NAME: prints the wave-1 result line
  local c="$1" r1 r2
  # The previous contender's stores (thousands of extracted files per node) are set aside, not deleted here: deleting
  # them takes minutes on a loaded disk; the exit trap removes $W.
  [ -d "$W/c" ] && mv "$W/c" "$W/done-$(date +%s%N)"
  mkdir -p "$W/c"
  for n in $(seq 0 $((nodes - 1))); do
    mkdir -p "$W/c/$n"
    [ "$node_disk" = shared ] || mount -t tmpfs -o size=2g,mode=0755 "${P}n$n" "$W/c/$n"
  done
  agent_pids=()
  ctr_pids=()
  case "$c" in
    registry) start_containerds ;;
    random-peer | nearest-peer) start_agents ;;
  esac
  r1="$(wave "$c" wave1)"
  r2="$(wave "$c" wave2)"
  stop_pids "${agent_pids[@]}" "${ctr_pids[@]}"
  for n in $(seq 0 $((nodes - 1))); do
    [ -f "$W/c/$n/agent.log" ] && cp "$W/c/$n/agent.log" "$LOGS/$c/agent-$(name_of "$n").log"
  done
  for n in $(seq 0 $((nodes - 1))); do remove_tree "$W/c/$n/containerd"; done
  unmount_nodes
  echo "$r1"
}

# The JDK AOT caches of `brume pull` and `brume agent` (the launcher trains a cache on a command's first run with a
# jar): trained here, outside the timed waves, as on a node that ran brume before. A pull of the first wave's image
# into a scratch store next to the registry, and an agent that serves for a moment.
warm_up() {
  local aot="$XDG_CACHE_HOME/brume/aot" t
  if ! compgen -G "$aot/pull-*.aot" >/dev/null || [ -n "$(find "$REPO_DIR/brume-cli/target/brume.jar" -newer "$(ls -t "$aot"/pull-*.aot | head -n 1)")" ]; then
    ip netns exec "${P}r" "${BRUME[@]}" pull --store "$W/warm" --plain-http "$REG_ADDR/bench/app:wave1" >"$W/warm-pull.log" 2>&1 ||
      die "the warm-up pull failed (see $W/warm-pull.log)"
    ip netns exec "${P}r" "${BRUME[@]}" agent --config "$W/conf/agent-0.json" --peer-listen 127.0.0.1:0 \
      --peer-token-file "$W/conf/token" --store "$W/warm" >"$W/warm-agent.log" 2>&1 &
    t=$!
    sleep 3
    stop_pids "$t"
    for _ in $(seq 1 600); do # the launcher writes a cache after the training run, in the background
      compgen -G "$aot/pull-*.aot" >/dev/null && compgen -G "$aot/agent-*.aot" >/dev/null && ! compgen -G "$aot/*.aotconf" >/dev/null && break
      sleep 0.2
    done
    remove_tree "$W/warm"
  fi
  log "AOT caches: $(ls "$aot" 2>/dev/null | tr '\n' ' ')"
}

"${BRUME[@]}" --version >/dev/null # builds the CLI once, outside the timed runs
build_testbed
start_registry
build_and_push_images
write_peer_files
[ -n "${BRUME_CMD:-}" ] || warm_up
log "logs of every pull and agent: $LOGS (bench/p2p/timeline.sh $LOGS/nearest-peer wave1)"
log "testbed: $nodes nodes in $sites sites ($per_site per site), uplink $uplink, LAN $lan, inter-site $intersite Mbit/s; node disk $node_disk; prefix $P"
results="{}"
for c in $contenders; do
  read -r all median reg inter < <(run_contender "$c")
  results="$(jq -c --arg c "$c" --argjson a "$all" --argjson m "$median" --argjson r "$reg" --argjson i "$inter" \
    '.[$c] = {all_done_s: $a, median_done_s: $m, registry_egress_mb: $r, intersite_mb: $i}' <<<"$results")"
done
if [ "$json" = 1 ]; then
  jq -n --argjson img "$image_mb" --argjson n "$nodes" --argjson s "$sites" --argjson c "$results" \
    '{image_mb: $img, nodes: $n, sites: $s, contenders: $c}'
fi
