#!/usr/bin/env bash
# Per-node timeline of one wave of bench/p2p, from the logs it keeps (run.sh prints their directory):
#
#   timeline.sh LOGS/CONTENDER WAVE        e.g. timeline.sh bench/out/p2p/logs-p2p1a2b/nearest-peer wave1
#
# One block per node, times in seconds since the wave started: the first line the pull printed (JVM start-up and
# manifest resolution before it), then per layer (12-hex-digit id) every event: waiting, asked PEER: ANSWER, waiting
# for / waited on the site's seeder, abandoned PEER, fetched N MB from SOURCE in S s, extracting, done; the pull's
# end. Then the node's agent's DEBUG lines (bodies served, 429s) for the same wave window.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: timeline.sh LOGS/CONTENDER WAVE" >&2; exit 2; }
dir="$1"
wave="$2"
[ -f "$dir/$wave.start" ] || { echo "timeline.sh: no $dir/$wave.start (not a contender's log directory?)" >&2; exit 1; }
start="$(cat "$dir/$wave.start")"
# Seconds of the day of a log line's leading timestamp (UTC, 2026-12-06T12:34:56.789Z).
secs='function secs(ts,   t) { t = substr(ts, 12, 12); return substr(t, 1, 2) * 3600 + substr(t, 4, 2) * 60 + substr(t, 7) }'
for log in "$dir/$wave"-*.log; do
  node="${log##*/$wave-}"
  node="${node%.log}"
  end="-"
  [ -f "$dir/$wave-$node.end" ] && end="$(awk -v s="$start" '{ printf "%.1f", $1 - s }' "$dir/$wave-$node.end")"
  echo "== $node: done at $end s"
  awk -v s="$start" "$secs"'
    BEGIN { s0 = s % 86400 }
    /^20[0-9][0-9]-/ {
      t = secs($1) - s0
      line = $0; sub(/^[^ ]+ /, "", line); sub(/^FINE /, "", line)
      gsub(/sha256:[0-9a-f]{52}/, "", line)
      printf "  %6.1f  %s\n", t, line
    }' "$log"
done
for log in "$dir"/agent-*.log; do
  [ -f "$log" ] || continue
  node="${log##*/agent-}"
  node="${node%.log}"
  echo "== agent of $node"
  awk -v s="$start" "$secs"'
    BEGIN { s0 = s % 86400 }
    /^20[0-9][0-9]-.*FINE (served|429)/ {
      t = secs($1) - s0
      if (t < -1 || t > 3600) next
      line = $0; sub(/^[^ ]+ FINE /, "", line); gsub(/sha256:[0-9a-f]{52}/, "", line)
      printf "  %6.1f  %s\n", t, line
    }' "$log"
done
