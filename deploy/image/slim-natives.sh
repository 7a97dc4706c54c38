#!/usr/bin/env bash
# Removes, from the jars in an OCI image layout Jib wrote, the native libraries for platforms the
# image never runs on, and rewrites the layout to match (deploy/image/build.sh calls it):
#
#   deploy/image/slim-natives.sh LAYOUT_DIR
#
# The image runs on linux/amd64 and linux/arm64 with glibc (Debian), yet sqlite-jdbc ships SQLite
# for 20 OS/architecture pairs (12 MB) and zstd-jni libzstd for 18 (6.5 MB). Only these stay:
#   sqlite-jdbc  org/sqlite/native/Linux/{x86_64,aarch64}/  (not Linux-Musl: Debian is glibc)
#   zstd-jni     linux/{amd64,aarch64}/
# Both libraries pick their native by os.name/os.arch, so what they load on those platforms is
# unchanged (ContainerImageIT loads both in the container: `brume snapshotter`, `brume pull` of
# a zstd layer). The rest of each jar is untouched: `zip -d` copies the remaining entries as they
# are. The rewritten layer is a deterministic tar (sorted names, Jib's fixed mtime of 1 s past the
# epoch, numeric root owners) gzipped without name or time stamp, so the same jars give the same
# layer digest. The config's diff_id, the manifest and the index are updated; the SBOM still
# describes the upstream jars (their hashes differ from the slimmed copies').
set -euo pipefail

die() { echo "slim-natives.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] && [ -f "$1/index.json" ] || die "usage: $0 LAYOUT_DIR (an OCI image layout)"
for tool in jq zip unzip tar gzip sha256sum; do command -v "$tool" >/dev/null || die "$tool not found"; done
layout="$(cd "$1" && pwd)"
blobs="$layout/blobs/sha256"

# Entries to drop, per jar name: every native directory but the kept ones (PCRE).
unwanted() {
  case "$1" in
    sqlite-jdbc-*.jar) echo '^org/sqlite/native/(?!Linux/)[^/]+/|^org/sqlite/native/Linux/(?!x86_64/|aarch64/)[^/]+/' ;;
    zstd-jni-*.jar) echo '^(aix|darwin|freebsd|win)/|^linux/(?!amd64/|aarch64/)[^/]+/' ;;
  esac
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
manifest_digest="$(jq -r '.manifests[0].digest' "$layout/index.json" | cut -d: -f2)"
manifest="$blobs/$manifest_digest"
config_digest="$(jq -r '.config.digest' "$manifest" | cut -d: -f2)"
cp "$manifest" "$work/manifest.json"
cp "$blobs/$config_digest" "$work/config.json"
changed=false
layers="$(jq '.layers | length' "$manifest")"
for ((i = 0; i < layers; i++)); do
  digest="$(jq -r ".layers[$i].digest" "$manifest" | cut -d: -f2)"
  jars="$(tar -tzf "$blobs/$digest" 2>/dev/null | grep -E '^app/libs/(sqlite-jdbc|zstd-jni)-[^/]*\.jar$' || true)"
  [ -n "$jars" ] || continue
  rm -rf "$work/layer" && mkdir "$work/layer"
  tar -xzf "$blobs/$digest" -C "$work/layer" --same-permissions --numeric-owner 2>/dev/null
  for jar in $jars; do
    drop="$(unzip -Z1 "$work/layer/$jar" | grep -P "$(unwanted "${jar##*/}")" || true)"
    [ -n "$drop" ] || continue
    before="$(stat -c %s "$work/layer/$jar")"
    # -nw: names are literal, not wildcards.
    printf '%s\n' "$drop" | zip -q -nw -d "$work/layer/$jar" -@
    echo "slim-natives.sh: $jar: $(echo "$drop" | grep -c -v '/$') native files dropped, $before -> $(stat -c %s "$work/layer/$jar") bytes" >&2
  done
  (cd "$work/layer" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/top"
  tar --sort=name --format=posix --numeric-owner --owner=0 --group=0 --mtime=@1 \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$work/layer" -cf "$work/layer.tar" -T "$work/top"
  diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  gzip -n -6 -f "$work/layer.tar"
  new="$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)"
  mv "$work/layer.tar.gz" "$blobs/$new"
  rm -f "$blobs/$digest"
  jq -c --argjson i "$i" --arg d "$diff_id" '.rootfs.diff_ids[$i] = $d' "$work/config.json" >"$work/c" &&
    mv "$work/c" "$work/config.json"
  jq -c --argjson i "$i" --arg d "sha256:$new" --argjson s "$(stat -c %s "$blobs/$new")" \
    '.layers[$i].digest = $d | .layers[$i].size = $s' "$work/manifest.json" >"$work/m" &&
    mv "$work/m" "$work/manifest.json"
  changed=true
done
$changed || die "no layer of $layout holds sqlite-jdbc or zstd-jni under /app/libs (did Jib's layout change?)"

new_config="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
cp "$work/config.json" "$blobs/$new_config"
[ "$new_config" = "$config_digest" ] || rm -f "$blobs/$config_digest"
jq -c --arg d "sha256:$new_config" --argjson s "$(stat -c %s "$blobs/$new_config")" \
  '.config.digest = $d | .config.size = $s' "$work/manifest.json" >"$work/m"
new_manifest="$(sha256sum "$work/m" | cut -d' ' -f1)"
mv "$work/m" "$blobs/$new_manifest"
[ "$new_manifest" = "$manifest_digest" ] || rm -f "$manifest"
jq -c --arg d "sha256:$new_manifest" --argjson s "$(stat -c %s "$blobs/$new_manifest")" \
  '.manifests[0].digest = $d | .manifests[0].size = $s' "$layout/index.json" >"$work/i"
mv "$work/i" "$layout/index.json"
