#!/usr/bin/env bash
# Renders bench/cri results (TSV from run.sh) as the markdown of docs/bench/cri.md: medians per cell and contender,
# the speed-up of brume over overlayfs, RSS, and the conditions of the run.
#   render.sh RESULTS.tsv "COMMAND LINE"
set -euo pipefail
results="$1"
command_line="$2"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cat <<DOC
# CRI pull benchmark: containerd's overlayfs vs brume snapshotter

Time until CRI \`PullImage\` returns (what kubelet waits for), through Debian's containerd 1.6.20, from an empty
containerd (fresh root) each run: **overlayfs** = containerd's default snapshotter (containerd downloads, inflates and
unpacks the layers); **brume** = \`brume snapshotter\` as containerd's snapshotter with the CRI labels
(deploy/containerd/config.toml), already running and idle when the pull starts (empty root each run). Registry in its
own network namespace behind a \`tc tbf\`-shaped veth (bench/pull's testbed, images from bench/pull/images.sh).
Contenders alternate within each round; seconds, medians of the runs.

Taken $(date -u '+%Y-%m-%d %H:%M UTC'), 2-core Debian 12 VM, 24 GB. The 1-minute load average is in the table (and per
run in the TSV): above ~2 other work shared the two cores, and the ratios mean little.

Command: \`$command_line\`

| image | link | overlayfs (s) | brume (s) | overlayfs / brume | brume idle RSS (MB) | brume peak RSS over a pull (MB) | load (1 min) |
|---|---|---:|---:|---:|---:|---:|---:|
DOC
for cell in $(awk -F'\t' 'NR > 1 { print $1 ":" $2 }' "$results" | awk '!seen[$0]++'); do
  image="${cell%%:*}"
  link="${cell#*:}"
  o="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l && $3 == "overlayfs" { print $5 }' "$results" | median)"
  b="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l && $3 == "brume" { print $5 }' "$results" | median)"
  idle="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l && $3 == "brume" { print $6 / 1024 }' "$results" | median)"
  peak="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l && $3 == "brume" { print $7 / 1024 }' "$results" | median)"
  load="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l { print $8 }' "$results" | median)"
  ratio="$(awk -v o="$o" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f×", o / b; else print "-" }')"
  printf '| %s | %s | %s | %s | %s | %.0f | %.0f | %s |\n' "$image" "$link" "$o" "$b" "$ratio" "$idle" "$peak" "$load"
done
cat <<DOC

Every run (seconds): \`$(basename "$results")\`

$(awk -F'\t' 'NR > 1 { printf "- %s %s %s run %s: %s s (load %s)\n", $1, $2, $3, $4, $5, $8 }' "$results")
DOC
