#!/bin/sh
# Routing benchmark: every policy over 5 seeds, the hot spot, the α sweep and docs/bench/routing-alpha.svg.
# Uses this checkout's CLI build (brume-cli/target/lib: brume-router, brume-coordinate and their dependencies):
# ./brume --help builds it. Fog-scale timings: bench/routing/scale.sh.
set -eu
cd "$(dirname "$0")/../.."
[ -d brume-cli/target/lib ] || { echo "run.sh: brume-cli/target/lib missing: run ./brume --help first" >&2; exit 1; }
cp="brume-cli/target/lib/*"
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
"$java" -cp "$cp" bench/routing/RoutingBench.java \
  "${1:-planetlab490}" docs/bench/routing-alpha.svg "${2:-5}"
