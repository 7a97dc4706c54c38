# shellcheck shell=bash
# Common settings and helpers of the pull benchmark (bench/pull). Sourced by images.sh, testbed.sh and run.sh.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/../.." && pwd)"
BENCH_OUT="${BENCH_OUT:-$REPO_DIR/bench/out}"

# The testbed: a network namespace holding the registry, joined to the host by a veth pair. These addresses exist only
# on this pair, which the testbed creates and deletes.
NETNS="brume-bench-reg"
VETH_HOST="brbench0"
VETH_NS="brbench1"
HOST_ADDR="10.231.0.1"
NS_ADDR="10.231.0.2"
PREFIX_LEN=30
REG_PORT=5000
REG="$NS_ADDR:$REG_PORT"

# The images of the benchmark: name → repository in the registry (tag v1), built by images.sh.
BENCH_IMAGES=(debian multi large)
image_ref() { echo "$REG/bench/$1:v1"; }

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

need_root() { [ "$(id -u)" = 0 ] || die "run as root (network namespaces, tc, containerd, mounts)"; }

need_tools() { # need_tools CMD... : fails naming every missing command and the Debian package that has it
  local missing=() cmd pkg
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 && continue
    case "$cmd" in
      docker-registry) pkg=docker-registry ;;
      ctr | containerd) pkg=containerd ;;
      igzip) pkg=isal ;;
      unpigz | pigz) pkg=pigz ;;
      tc | ip) pkg=iproute2 ;;
      *) pkg="$cmd" ;;
    esac
    missing+=("$cmd (apt-get install $pkg)")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}"
}

# The OCI layout holding the built images, one tag per image.
oci_dir() { echo "$BENCH_OUT/oci"; }

# Prints "digest size" of each blob of image $1 that a pull downloads (config first, then the layers in order).
image_blobs() {
  local layout manifest
  layout="$(oci_dir)"
  manifest="$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$layout/index.json")"
  [ -n "$manifest" ] || die "image $1 is not in $layout (run bench/pull/images.sh)"
  jq -r '.config, .layers[] | "\(.digest) \(.size)"' "$layout/blobs/sha256/${manifest#sha256:}"
}

# Prints the path of the blob with digest $1 in the OCI layout.
blob_path() { echo "$(oci_dir)/blobs/sha256/${1#sha256:}"; }

# Unmounts everything mounted at or below $1 (deepest first), then removes it.
remove_tree() {
  local dir="$1" m
  [ -e "$dir" ] || return 0
  dir="$(readlink -f "$dir")"
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

# No timed run soon after a large delete (bench/pull and bench/cri). This disk is ext4 without a journal, where
# allocating an inode skips inodes freed recently: in the last 60 s, or 360 s while their inode table block is dirty,
# which a run creating files makes it (recently_deleted() in fs/ext4/ialloc.c). Creating a layer's ~8,000 files soon
# after ~8,000 were deleted then spends most of its time scanning the inode bitmap (docs/bench/unpack.md measured tar
# at 10-50 s instead of 0.5-2 s); the benchmarks used to delete each run's tree just before the next run, so every
# contender and the bound paid for it. So every run writes into a new directory, the trees are deleted when the
# invocation ends (delete_trees), and the first timed run starts SETTLE seconds after the last such delete (settle),
# recorded in $LAST_DELETE, which both benchmarks share.
SETTLE="${SETTLE:-360}"
LAST_DELETE="$BENCH_OUT/last-delete" # epoch seconds of the last delete_trees
delete_trees() { # delete_trees DIR...: removes those that exist (unmounting below them), then sync and fstrim
  local dir any=0 mount_point
  for dir in "$@"; do [ -e "$dir" ] && any=1; done
  [ "$any" = 1 ] || return 0
  for dir in "$@"; do remove_tree "$dir"; done
  sync
  mount_point="$(df -P "$BENCH_OUT" | awk 'NR == 2 { print $6 }')"
  timeout 120 fstrim "$mount_point" >/dev/null 2>&1 || true # may be unsupported (then the wait alone)
  date +%s >"$LAST_DELETE"
}
settle() { # settle: waits until SETTLE seconds have passed since the last delete_trees (of any invocation)
  local last wait_s
  last="$(cat "$LAST_DELETE" 2>/dev/null || echo 0)"
  wait_s=$((last + SETTLE - $(date +%s)))
  if [ "$wait_s" -gt 0 ]; then
    log "waiting ${wait_s}s: no timed run within ${SETTLE}s of a delete of run trees (ext4 recently-deleted inodes)"
    sleep "$wait_s"
  fi
}
short_of_disk() { # short_of_disk: true when less than 10 GB are free for the run trees
  [ "$(df -Pk "$BENCH_OUT" | awk 'NR == 2 { print $4 }')" -lt $((10 * 1024 * 1024)) ]
}

# Writes a containerd 1.6 config for a private daemon rooted at $1 (socket $1/c.sock; CRI and unused snapshotters off).
write_containerd_config() {
  local dir="$1"
  mkdir -p "$dir/root" "$dir/state"
  cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$dir/c.sock"
[ttrpc]
  address = "$dir/c.sock.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
EOF
}

# Writes a docker-registry config to $1: storage under $2, listening on $3 (host:port), quiet.
write_registry_config() {
  cat >"$1" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $2
  cache:
    blobdescriptor: inmemory
http:
  addr: $3
EOF
}
