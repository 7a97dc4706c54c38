#!/usr/bin/env bash
# The Debian packages brume's tests drive, in ONE list (add a package here, nowhere else), and their
# installation. Called by .ci/run and, early, by `mvn verify` itself (root pom.xml, phase validate),
# so that the README's test command works on a bare Debian 12 machine exactly as written.
#
# Without packages missing it does nothing. Otherwise: as root on Debian it installs them with
# apt-get; anywhere else it fails with one line naming the missing tools and the command that
# installs them. BRUME_SKIP_TEST_DEPS=1 skips it (e.g. when the tools come from elsewhere).
set -euo pipefail

# Each entry is a Debian package, optionally ":command" when the package's command has another name
# (used to check machines without dpkg). Why each is here: a registry (with openssl for its
# token-auth certificates), OCI tools, a static busybox for runnable test images, decompressors,
# network namespaces and iptables, headless Chromium for the dashboard's end-to-end test.
packages=(
  docker-registry umoci skopeo crun busybox-static:busybox openssl util-linux:unshare
  pigz isal:igzip zstd
  iproute2:ip iptables
  chromium
  # brume-image builds the container image (debootstrap, jq, binutils' strip; its Debian base is
  # cached in ~/.cache/brume/image-base, keep that directory between CI runs) and runs it;
  # containerd and runc also serve brume-snapshotter's CriPullIT (containerd 1.6 acting for kubelet).
  debootstrap jq binutils:strip containerd runc
  # deploy/image/slim-natives.sh drops other platforms' native libraries from jars in the image.
  zip unzip
  # brume-peer's P2pBenchIT and bench/p2p drive nodes in network namespaces with curl.
  curl
)
# brume-image's KustomizeManifestsIT renders deploy/base with `kubectl kustomize`. Debian's
# kubernetes-client only where no kubectl is installed: another kubectl package may own
# /usr/bin/kubectl, and Debian's conflicts with it.
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client:kubectl)

[ "${BRUME_SKIP_TEST_DEPS:-}" = 1 ] && exit 0

missing=()
for entry in "${packages[@]}"; do
  package=${entry%%:*}
  command=${entry#*:}
  if command -v dpkg-query >/dev/null 2>&1; then
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  else
    command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "brume: installing the packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian's docker-registry package starts a system service on port 5000; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop docker-registry 2>/dev/null || true; fi
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  how="sudo apt-get install -y --no-install-recommends ${missing[*]}"
else
  how="install the equivalents of these Debian packages with your package manager"
fi
echo "brume: the tests need ${missing[*]}, which are missing; install them ($how) or run .ci/install-test-deps.sh as root, then run mvn verify again (BRUME_SKIP_TEST_DEPS=1 skips this check)" >&2
exit 1
