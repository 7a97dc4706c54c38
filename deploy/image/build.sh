#!/usr/bin/env bash
# Builds brume's container image without a Docker daemon and optionally pushes it:
#
#   deploy/image/build.sh [--output DIR] [--push REGISTRY/REPO[:TAG]] [--insecure-registry]
#
# 1. deploy/image/base.sh: the cached base (distroless-style Debian: glibc + iptables; jlinked Java 25);
# 2. Maven profile "image" of brume-image: brume-cli and its jars layered onto that base by Jib
#    (reproducible: fixed timestamps, one layer per kind of content), a CycloneDX SBOM of the Java
#    dependencies in /usr/share/brume/sbom/brume.cdx.json;
# 3. deploy/image/slim-natives.sh: sqlite-jdbc and zstd-jni keep only their Linux x86_64/aarch64
#    (glibc) native libraries (-16 MB compressed), in a rewritten, still deterministic layer;
# 4. an OCI image layout in DIR/oci tagged with the project version, the OCI annotations
#    (source, revision, version, licenses) on its manifest, DIR/brume-VERSION.oci.tar (the same
#    layout as one file, for `ctr import` or `skopeo copy oci-archive:`) and the SBOM beside it;
# 5. with --push, skopeo copies the layout to the registry (the tag defaults to the version;
#    credentials as for skopeo: `skopeo login`, REGISTRY_AUTH_FILE). --insecure-registry allows
#    plain HTTP / unverified TLS, for a registry on loopback only.
# DIR defaults to brume-image/target/image. Needs root (debootstrap), a JDK 25, Maven, jq, zip,
# unzip, skopeo (only with --push).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/brume-image/target/image"
push=""
tls_verify=true
die() { echo "build.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --output) [ $# -ge 2 ] || die "--output needs a directory"; out="$2"; shift 2 ;;
    --push) [ $# -ge 2 ] || die "--push needs an image reference, e.g. registry.example:5000/brume"; push="$2"; shift 2 ;;
    --insecure-registry) tls_verify=false; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
for tool in mvn jq zip unzip sha256sum; do command -v "$tool" >/dev/null || die "$tool not found"; done
[ -z "$push" ] || command -v skopeo >/dev/null || die "skopeo not found (needed by --push): apt-get install skopeo"

version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -n 1)"
[ -n "$version" ] || die "no project version in $root/pom.xml"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
name="$(sed -n 's:.*<brume.image.name>\(.*\)</brume.image.name>.*:\1:p' "$root/brume-image/pom.xml" | head -n 1)"

base="$("$here/base.sh")"

echo "build.sh: Jib: $name:$version on $base" >&2
(cd "$root" && mvn -B -q -Dstyle.color=never -pl brume-image -am -Pimage \
  -Dmaven.test.skip=true -Dspotless.check.skip=true -Djib.disableUpdateChecks=true \
  -Dbrume.image.base="$base" -Dbrume.image.revision="$revision" package) >&2 ||
  die "the Maven build failed; run it again without -q to see why"

jib_tar="$root/brume-image/target/jib-image.tar"
sbom="$root/brume-image/target/image-extra/usr/share/brume/sbom/brume.cdx.json"
[ -f "$jib_tar" ] && [ -f "$sbom" ] || die "Jib wrote no $jib_tar or no $sbom"

# The layout Jib wrote, with the annotations added to the manifest (a new manifest digest; the
# config and layers are Jib's, byte for byte).
rm -rf "$out/oci" && mkdir -p "$out/oci"
tar -xf "$jib_tar" -C "$out/oci"
"$here/slim-natives.sh" "$out/oci"
blobs="$out/oci/blobs/sha256"
old="$(jq -r '.manifests[0].digest' "$out/oci/index.json" | cut -d: -f2)"
licenses="$(sed -n 's:.*<brume.image.licenses>\(.*\)</brume.image.licenses>.*:\1:p' "$root/brume-image/pom.xml" | head -n 1)"
source="$(sed -n 's:.*<brume.image.source>\(.*\)</brume.image.source>.*:\1:p' "$root/brume-image/pom.xml" | head -n 1)"
jq -c --arg version "$version" --arg revision "$revision" --arg source "$source" --arg licenses "$licenses" \
  '.annotations = {"org.opencontainers.image.title": "brume",
                   "org.opencontainers.image.version": $version,
                   "org.opencontainers.image.revision": $revision,
                   "org.opencontainers.image.source": $source,
                   "org.opencontainers.image.licenses": $licenses}' "$blobs/$old" >"$out/manifest.json"
new="$(sha256sum "$out/manifest.json" | cut -d' ' -f1)"
mv "$out/manifest.json" "$blobs/$new"
[ "$old" = "$new" ] || rm -f "$blobs/$old"
# ref.name: the tag, for skopeo and umoci; io.containerd.image.name: the full name the manifests
# use, for `ctr images import` / `kind load image-archive` of the archive.
jq -c -n --arg digest "sha256:$new" --argjson size "$(stat -c %s "$blobs/$new")" --arg version "$version" \
  --arg name "$name:$version" \
  '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: $digest, size: $size, annotations: {"org.opencontainers.image.ref.name": $version,
    "io.containerd.image.name": $name}}]}' >"$out/oci/index.json"
tar --sort=name --format=posix --numeric-owner --owner=0 --group=0 --mtime=@1 \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$out/oci" -cf "$out/brume-$version.oci.tar" .
cp "$sbom" "$out/brume-$version.cdx.json"

compressed="$(jq '[.layers[].size] | add' "$blobs/$new")"
echo "build.sh: $name:$version sha256:$new, $(( compressed / 1024 / 1024 )) MiB compressed ($compressed bytes)" >&2
echo "build.sh: layout $out/oci (tag $version), archive $out/brume-$version.oci.tar, SBOM $out/brume-$version.cdx.json" >&2

if [ -n "$push" ]; then
  case "${push##*/}" in *:*|*@*) ref="$push" ;; *) ref="$push:$version" ;; esac
  echo "build.sh: pushing to $ref" >&2
  skopeo copy --quiet --dest-tls-verify="$tls_verify" "oci:$out/oci:$version" "docker://$ref" >&2 ||
    die "push to $ref failed"
  echo "build.sh: pushed $ref" >&2
fi
