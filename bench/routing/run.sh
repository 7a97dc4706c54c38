#!/bin/sh
# Routing benchmark: every policy over 5 seeds, the hot spot, the α sweep and docs/bench/routing-alpha.svg.
# Needs brume-router and brume-coordinate installed: mvn -q -pl brume-coordinate,brume-router install -DskipTests
set -eu
cd "$(dirname "$0")/../.."
repo=$HOME/.m2/repository/io/brume
cp="$repo/brume-router/0.1.0-SNAPSHOT/brume-router-0.1.0-SNAPSHOT.jar:$repo/brume-coordinate/0.1.0-SNAPSHOT/brume-coordinate-0.1.0-SNAPSHOT.jar"
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
"$java" -cp "$cp" bench/routing/RoutingBench.java \
  "${1:-planetlab490}" docs/bench/routing-alpha.svg "${2:-5}"
