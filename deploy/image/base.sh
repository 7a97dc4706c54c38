#!/usr/bin/env bash
# Builds, once per input, the base image brume's container image is layered on, and prints its path:
# a `docker save`-format tar (what Jib's `tar://` base accepts) with two gzipped layers,
#   1. a distroless-style Debian root: from a debootstrapped minbase, only the files of glibc,
#      iptables (the agent programs the node's iptables) and what they depend on, plus a
#      non-root user `brume` (65532),
#   2. a jlinked Java runtime in /opt/java holding only the modules in deploy/image/jdk-modules,
#      with a CDS archive of their classes.
# The result is cached under ${BRUME_CACHE_DIR:-~/.cache/brume}/image-base/<key>, where the key
# hashes everything the base depends on (this script, the module list, the architecture, the Debian
# suite and the JDK's release file), so re-builds skip debootstrap and jlink. CI keeps that directory
# between runs. Needs root (debootstrap), debootstrap, and a JDK 25 with jlink (JAVA_HOME, else the
# first /usr/lib/jvm/* of version 25 or later).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
suite="${BRUME_DEBIAN_SUITE:-bookworm}"
arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
epoch="${SOURCE_DATE_EPOCH:-1}" # every file's mtime in the layers: no build time leaks into digests

die() { echo "base.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap builds the Debian root); run it with sudo"
command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"

find_jdk() { # a JDK >= 25 that has jlink
  local home version
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/jlink" ] && [ -f "$home/release" ] || continue
    version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
    [ -n "$version" ] && [ "$version" -ge 25 ] && { echo "$home"; return 0; }
  done
  return 1
}
jdk="$(find_jdk)" || die "no JDK >= 25 with jlink found (JAVA_HOME, /usr/lib/jvm/*)"

# The Debian mirror apt on this machine is configured with (deb822 or one-line format).
mirror="${BRUME_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
  [ -n "$mirror" ] || mirror="$(sed -n 's/^deb  *\(http[^ ]*\/debian\)  *'"$suite"' .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)"
  [ -n "$mirror" ] || mirror="http://deb.debian.org/debian"
fi

modules="$(sed 's/#.*//' "$here/jdk-modules" | tr -s ' \n' ',' | sed 's/^,*//; s/,*$//; s/,,*/,/g')"
[ -n "$modules" ] || die "$here/jdk-modules lists no module"
key="$(cat "$0" "$here/jdk-modules" "$jdk/release" <(echo "$arch $suite") | sha256sum | cut -c1-16)"
cache="${BRUME_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/brume}/image-base"
out="$cache/$key/base.tar"
if [ -f "$out" ]; then echo "$out"; exit 0; fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "base.sh: debootstrap $suite ($arch) from $mirror (cached afterwards in $cache/$key)" >&2
if ! debootstrap --variant=minbase --include=iptables --arch="$arch" "$suite" "$work/root" "$mirror" \
  >"$work/debootstrap.log" 2>&1; then
  tail -n 20 "$work/debootstrap.log" >&2
  die "debootstrap failed (log above)"
fi

# The image's root is not the whole Debian root but, distroless-style, only the packages the image
# runs (and what they depend on): the C library, iptables (and its nf_tables and legacy
# backends), netbase's /etc/protocols, base-files' os-release. No shell, no package manager, no
# perl. /var/lib/dpkg/status lists exactly these packages, so image scanners see them.
adm="$work/root/var/lib/dpkg"
installed() { dpkg-query --admindir="$adm" -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
declare -A closure=()
queue=(base-files netbase libc6 libgcc-s1 iptables)
while [ "${#queue[@]}" -gt 0 ]; do
  pkg="${queue[0]}"; queue=("${queue[@]:1}")
  [ -z "${closure[$pkg]:-}" ] || continue
  installed "$pkg" || die "package $pkg is not in the debootstrapped root"
  closure[$pkg]=1
  deps="$(dpkg-query --admindir="$adm" -W -f='${Pre-Depends},${Depends}' "$pkg")"
  IFS=',' read -r -a groups <<<"$deps"
  for group in "${groups[@]}"; do # "a (>= 1) | b": the first alternative that is installed
    IFS='|' read -r -a alternatives <<<"$group"
    for alternative in "${alternatives[@]}"; do
      name="$(echo "$alternative" | sed 's/(.*)//; s/:any//; s/ //g')"
      [ -n "$name" ] || continue
      if installed "$name"; then queue+=("$name"); break; fi
    done
  done
done
packages=("${!closure[@]}")
# dpkg lists paths as the packages ship them; bookworm's root is merged-/usr, so /bin, /sbin,
# /lib* are symlinks into /usr and the files are taken from there. Docs (except the copyright
# files the licences ask to ship), man pages, locales and iconv modules are left out.
{
  printf '%s\n' bin sbin lib lib64 dev proc sys tmp run var/tmp root etc/ld.so.cache \
    etc/passwd etc/group etc/nsswitch.conf etc/hosts
  # update-alternatives' links (iptables -> /etc/alternatives/iptables -> iptables-nft) belong to
  # no package.
  find "$work/root/etc/alternatives" -name '*tables*' -printf 'etc/alternatives/%f\n'
  find "$work/root/usr/sbin" -lname '/etc/alternatives/*tables*' -printf 'usr/sbin/%f\n'
  dpkg-query --admindir="$adm" -L "${packages[@]}" | sed -E 's,^/(bin|sbin|lib|lib64)/,/usr/\1/,; s,^/,,' |
    grep -v -E '^(usr/share/(doc/[^/]+/.+|man|locale|lintian|info|bug)|usr/lib/[^/]+/gconv)' |
    grep -v -E '^(bin|sbin|lib|lib64|\.)?$'
  find "$work/root/usr/share/doc" -name copyright -printf 'usr/share/doc/%P\n' |
    while read -r f; do pkg="${f#usr/share/doc/}"; if [ -n "${closure[${pkg%%/*}]:-}" ]; then echo "$f"; fi; done
} | sort -u >"$work/files"
echo 'brume:x:65532:65532:brume:/nonexistent:/usr/sbin/nologin' >>"$work/root/etc/passwd"
echo 'brume:x:65532:' >>"$work/root/etc/group"
# debootstrap copied this machine's /etc/hosts; runtimes usually mount their own, this is the fallback.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$work/root/etc/hosts"
rm -rf "$work/root/dev/"* "$work/root/tmp/"* "$work/root/run/"*
mkdir -p "$work/slim"
tar -C "$work/root" --no-recursion -cf - -T "$work/files" | tar -C "$work/slim" -xf -
mkdir -p "$work/slim/var/lib/dpkg"
dpkg-query --admindir="$adm" -s "${packages[@]}" >"$work/slim/var/lib/dpkg/status"
echo "base.sh: root of ${#packages[@]} packages: $(printf '%s\n' "${packages[@]}" | sort | tr '\n' ' ')" >&2

echo "base.sh: jlink $modules from $jdk" >&2
mkdir -p "$work/java/opt"
# Uncompressed modules: the gzipped layer is smaller (32 vs 40 MB) than gzip over jlink's own
# per-resource compression, and nothing is inflated at class-loading time. A CDS archive of the
# JDK's classes: startup maps them instead of parsing them, and the agent's RSS is ~7 MB lower
# (68 vs 75 MB measured on the host); only the compressed-oops variant, heaps here are small.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --generate-cds-archive --output "$work/java/opt/java" >&2
rm -f "$work/java/opt/java/lib/server/classes_nocoops.jsa"
# The JDK's libjvm.so keeps its symbol table; the runtime does not need it (-1.5 MB gzipped).
if command -v strip >/dev/null; then strip --strip-unneeded "$work/java/opt/java/lib/server/libjvm.so"; fi

# A layer: a deterministic tar (sorted names, fixed mtime, numeric owners, no atime/ctime) of a
# directory, gzipped without a name or time stamp. Prints "diff_id file".
layer() {
  local dir="$1" name="$2"
  tar --sort=name --format=posix --numeric-owner --mtime="@$epoch" \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$dir" -cf "$work/$name.tar" .
  echo "sha256:$(sha256sum "$work/$name.tar" | cut -d' ' -f1)"
  gzip -n -6 "$work/$name.tar"
}
mkdir -p "$work/image"
debian_id="$(layer "$work/slim" debian)"
java_id="$(layer "$work/java" java)"
mv "$work/debian.tar.gz" "$work/java.tar.gz" "$work/image/"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
cat >"$work/image/config.json" <<JSON
{"architecture":"$arch","os":"linux","created":"$created",
 "config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java"]},
 "rootfs":{"type":"layers","diff_ids":["$debian_id","$java_id"]},
 "history":[{"created":"$created","created_by":"debootstrap --variant=minbase --include=iptables $suite; only glibc, iptables and their dependencies (deploy/image/base.sh)"},
            {"created":"$created","created_by":"jlink --add-modules $modules ($(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$jdk/release"))"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["brume-base:'"$key"'"],"Layers":["debian.tar.gz","java.tar.gz"]}]' \
  >"$work/image/manifest.json"
tar --sort=name --format=posix --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
  -C "$work/image" -cf "$work/base.tar" manifest.json config.json debian.tar.gz java.tar.gz
mkdir -p "$cache/$key"
mv "$work/base.tar" "$out.tmp" && mv "$out.tmp" "$out"
# Keep the three newest bases (other branches or JDK updates may still use them), drop older ones.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name '.build.*' -printf '%T@ %p\n' | sort -rn |
  tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
echo "$out"
