#!/usr/bin/env bash
# Builds the test images of the pull benchmark once, into an OCI image layout under $BENCH_OUT (default bench/out/,
# git-ignored). Run as root (debootstrap). Idempotent: an image already in the layout is kept; --force rebuilds all.
#
#   debian  2 layers: a Debian bookworm minbase rootfs made by debootstrap (~50 MB gzip, like debian:bookworm)
#           + an application layer, Python 3.11's standard library from this machine (~15 MB gzip)
#   multi   6 layers, ~17 MB gzip: a base of core binaries and /etc from the same rootfs, then perl-base, Perl
#           modules, Node modules, tzdata and a small top layer with a whiteout and an opaque directory
#   large   1 layer, ~125 MB gzip: a JDK 17 tree (without jmods) and /usr/share/locale (many small files)
#
# The Debian mirror is the one apt uses on this machine (read from /etc/apt/sources.list*), or $BENCH_DEBIAN_MIRROR.
# Without debootstrap or a reachable mirror, the rootfs is assembled from the files of this machine's own
# Priority: required packages and apt (what minbase installs) instead, and $BENCH_OUT/oci/PROVENANCE says so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  echo "usage: images.sh [--force]"
}

force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  shift
done

need_root
need_tools tar pigz sha256sum jq
gzip_cmd=(pigz -6 -n)

layout="$(oci_dir)"
rootfs="$BENCH_OUT/rootfs/debian-bookworm-minbase"
layers="$BENCH_OUT/layers"
mkdir -p "$BENCH_OUT" "$layers"

# --- The Debian rootfs --------------------------------------------------------------------------------------------

apt_mirror() { # the URI apt uses for bookworm main, from deb822 .sources files or one-line .list files
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() { if (deb && bookworm && main && uri != "") { print uri; found = 1; exit } deb = bookworm = main = 0; uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { bookworm = ($0 ~ /[[:space:]]bookworm([[:space:]]|$)/) }
      /^Components:/ { main = ($0 ~ /[[:space:]]main([[:space:]]|$)/) }
      END { if (!found) flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }'
  done
}

rootfs_from_host() { # fallback: the files of this machine's Priority: required packages and apt, as minbase has
  local dir="$1" list merged_usr="" d
  log "assembling a rootfs from this machine's required packages (fallback)"
  # On a merged-/usr system, /bin/x is /usr/bin/x: name every file by its /usr path.
  for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then merged_usr+="s#^$d(/|\$)#usr/$d\\1#;"; fi
  done
  merged_usr="${merged_usr:-s#^##}"
  mkdir -p "$dir"
  list="$(mktemp)"
  {
    dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Priority}\n' |
      awk '$1 == "ii" && $3 == "required" { print $2 }' | xargs dpkg -L 2>/dev/null
    dpkg -L apt 2>/dev/null
    printf '%s\n' /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/hostname /etc/hosts /var/lib/dpkg/status
  } | grep '^/' | while read -r f; do
    if [ -e "$f" ] || [ -L "$f" ]; then echo "${f#/}"; fi
  done | sed -E "$merged_usr" | LC_ALL=C sort -u >"$list"
  tar -C / --no-recursion --ignore-failed-read -cf - -T "$list" | tar -C "$dir" -xf -
  rm -f "$list"
  (cd "$dir" && for d in bin sbin lib lib64; do [ -e "$d" ] || [ -L "$d" ] || ln -s "usr/$d" "$d"; done)
}

if [ "$force" = 1 ] || [ ! -f "$rootfs.done" ]; then
  remove_tree "$rootfs"
  rm -f "$rootfs.done" "$rootfs.provenance"
  mirror="${BENCH_DEBIAN_MIRROR:-$(apt_mirror | head -n 1)}"
  provenance=""
  if command -v debootstrap >/dev/null 2>&1 && [ -n "$mirror" ]; then
    log "debootstrap --variant=minbase bookworm from $mirror (about a minute)"
    if debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$BENCH_OUT/debootstrap.log" 2>&1; then
      provenance="debootstrap --variant=minbase bookworm ($(dpkg-query -W -f '${Version}' debootstrap 2>/dev/null || echo '?'))"
    else
      log "debootstrap failed (see $BENCH_OUT/debootstrap.log)"
      remove_tree "$rootfs"
    fi
  else
    log "no debootstrap or no bookworm mirror in /etc/apt/sources.list*"
  fi
  if [ -z "$provenance" ]; then
    rootfs_from_host "$rootfs"
    provenance="FALLBACK: not debootstrap; the files of this machine's Priority: required packages and apt"
  fi
  # What the official debian image leaves out: downloaded packages, package lists, logs.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/* "$rootfs"/debootstrap
  echo "$provenance" >"$rootfs.provenance"
  touch "$rootfs.done"
fi

# --- Layers -------------------------------------------------------------------------------------------------------

# make_layer NAME DIR PATH... : tar of PATHs (relative to DIR) → gzip; records NAME.tar.gz, NAME.digest (sha256 of the
# gzip), NAME.diffid (sha256 of the tar). Built once.
make_layer() {
  local name="$1" dir="$2"
  shift 2
  local out="$layers/$name"
  if [ "$force" = 0 ] && [ -f "$out.digest" ] && [ -f "$out.diffid" ] && [ -f "$out.tar.gz" ]; then
    return 0
  fi
  log "layer $name"
  set +o pipefail
  tar -C "$dir" --numeric-owner --sort=name --warning=no-file-changed -cf - "$@" | "${gzip_cmd[@]}" >"$out.tar.gz"
  local status=("${PIPESTATUS[@]}")
  set -o pipefail
  # tar exits 1 when a file changed while it was read (files of this live machine): the layer is still consistent.
  [ "${status[0]}" -le 1 ] && [ "${status[1]}" = 0 ] || die "building layer $name failed (tar ${status[0]}, gzip ${status[1]})"
  pigz -dc "$out.tar.gz" | sha256sum | cut -d' ' -f1 >"$out.diffid"
  sha256sum "$out.tar.gz" | cut -d' ' -f1 >"$out.digest"
}

top_entries() { (cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort); }

# debian: the whole rootfs, then Python's standard library as the application.
mapfile -t all < <(top_entries "$rootfs")
make_layer debian-base "$rootfs" "${all[@]}"
python_dir="$(ls -d /usr/lib/python3.1[0-9] 2>/dev/null | head -n 1 || true)"
[ -n "$python_dir" ] || die "no /usr/lib/python3.1x on this machine for the application layer"
python_bin="usr/bin/$(basename "$python_dir")"
app_paths=("${python_dir#/}")
[ -e "/$python_bin" ] && app_paths+=("$python_bin")
make_layer debian-app / "${app_paths[@]}"

# multi: core of the rootfs, then several smaller application layers, then a small top layer.
multi_base=()
for p in etc var usr/bin bin sbin lib lib64; do
  if [ -e "$rootfs/$p" ] || [ -L "$rootfs/$p" ]; then multi_base+=("$p"); fi
done
make_layer multi-1-base "$rootfs" "${multi_base[@]}"
[ -d /usr/lib/x86_64-linux-gnu/perl-base ] || die "no /usr/lib/x86_64-linux-gnu/perl-base on this machine"
make_layer multi-2-perl / usr/lib/x86_64-linux-gnu/perl-base
[ -d /usr/share/perl ] || die "no /usr/share/perl on this machine"
make_layer multi-3-perl-modules / usr/share/perl
node_dir=""
for d in usr/lib/node_modules usr/share/nodejs usr/lib/jvm/java-17-openjdk-amd64/legal; do
  [ -d "/$d" ] && node_dir="$d" && break
done
[ -n "$node_dir" ] || die "no Node modules directory on this machine"
make_layer multi-4-node / "$node_dir"
make_layer multi-5-tzdata / usr/share/zoneinfo
top="$BENCH_OUT/rootfs/multi-top"
rm -rf "$top"
mkdir -p "$top/etc" "$top/app/config" "$top/usr/share/zoneinfo/Antarctica"
touch "$top/etc/.wh.motd" "$top/usr/share/zoneinfo/Antarctica/.wh..wh..opq"
cp /usr/share/zoneinfo/UTC "$top/usr/share/zoneinfo/Antarctica/Troll"
for i in $(seq 1 20); do printf 'key%s=value%s\n' "$i" "$i" >"$top/app/config/app-$i.properties"; done
echo "brume pull benchmark" >"$top/app/README"
make_layer multi-6-top "$top" app etc usr

# large: one layer of a JDK tree without jmods, and the locales (thousands of small files).
jdk=""
for d in /usr/lib/jvm/java-1[0-9]-openjdk-amd64 /usr/lib/jvm/*; do
  [ -d "$d" ] && [ ! -L "$d" ] && [ -d "$d/lib" ] && jdk="${d#/}" && break
done
[ -n "$jdk" ] || die "no JDK under /usr/lib/jvm for the large layer"
make_layer large-1 / --exclude="$jdk/jmods" "$jdk" usr/share/locale

# --- The OCI layout -----------------------------------------------------------------------------------------------

# add_blob FILE MEDIATYPE : copies FILE into the layout, prints its descriptor as JSON
add_blob() {
  local file="$1" media="$2" digest size
  digest="$(sha256sum "$file" | cut -d' ' -f1)"
  size="$(stat -c %s "$file")"
  [ -f "$layout/blobs/sha256/$digest" ] || cp "$file" "$layout/blobs/sha256/$digest"
  jq -cn --arg m "$media" --arg d "sha256:$digest" --argjson s "$size" '{mediaType: $m, digest: $d, size: $s}'
}

# make_image NAME LAYER... : writes config and manifest, adds NAME to index.json
make_image() {
  local name="$1"
  shift
  local layer descs=() diffids=() tmp
  tmp="$(mktemp -d)"
  for layer in "$@"; do
    local digest
    digest="$(cat "$layers/$layer.digest")"
    mkdir -p "$layout/blobs/sha256"
    [ -f "$layout/blobs/sha256/$digest" ] || ln "$layers/$layer.tar.gz" "$layout/blobs/sha256/$digest" 2>/dev/null ||
      cp "$layers/$layer.tar.gz" "$layout/blobs/sha256/$digest"
    descs+=("$(jq -cn --arg d "sha256:$digest" --argjson s "$(stat -c %s "$layers/$layer.tar.gz")" \
      '{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $d, size: $s}')")
    diffids+=("sha256:$(cat "$layers/$layer.diffid")")
  done
  jq -n --args '{
      architecture: "amd64", os: "linux", created: "2025-01-01T00:00:00Z",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"]},
      rootfs: {type: "layers", diff_ids: $ARGS.positional},
      history: [$ARGS.positional[] | {created: "2025-01-01T00:00:00Z", created_by: "bench/pull/images.sh"}]
    }' "${diffids[@]}" >"$tmp/config.json"
  local config
  config="$(add_blob "$tmp/config.json" application/vnd.oci.image.config.v1+json)"
  printf '%s\n' "${descs[@]}" | jq -s --argjson c "$config" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: $c, layers: .}' \
    >"$tmp/manifest.json"
  local manifest
  manifest="$(add_blob "$tmp/manifest.json" application/vnd.oci.image.manifest.v1+json)"
  jq --argjson m "$manifest" --arg n "$name" \
    '.manifests = ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $n)]
                   + [$m + {annotations: {"org.opencontainers.image.ref.name": $n}}])' \
    "$layout/index.json" >"$tmp/index.json"
  mv "$tmp/index.json" "$layout/index.json"
  rm -rf "$tmp"
}

mkdir -p "$layout/blobs/sha256"
echo '{"imageLayoutVersion": "1.0.0"}' >"$layout/oci-layout"
[ -f "$layout/index.json" ] || echo '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}' >"$layout/index.json"
make_image debian debian-base debian-app
make_image multi multi-1-base multi-2-perl multi-3-perl-modules multi-4-node multi-5-tzdata multi-6-top
make_image large large-1
# Blobs no image refers to any more (after --force) are left out of the layout.
{
  jq -r '.manifests[].digest' "$layout/index.json"
  for m in $(jq -r '.manifests[].digest' "$layout/index.json"); do
    jq -r '.config.digest, .layers[].digest' "$(blob_path "$m")"
  done
} | sed 's/^sha256://' | sort -u >"$BENCH_OUT/.referenced"
for f in "$layout"/blobs/sha256/*; do
  grep -qx "$(basename "$f")" "$BENCH_OUT/.referenced" || rm -f "$f"
done
rm -f "$BENCH_OUT/.referenced"

{
  echo "rootfs: $(cat "$rootfs.provenance")"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -r), layers gzip -6 (pigz)"
  for image in "${BENCH_IMAGES[@]}"; do
    total=0
    n=0
    while read -r digest size; do
      total=$((total + size))
      n=$((n + 1))
    done < <(image_blobs "$image" | tail -n +2)
    echo "$image: $n layers, $((total / 1000000)) MB gzip"
  done
} >"$layout/PROVENANCE"
cat "$layout/PROVENANCE" >&2
