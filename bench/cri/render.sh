#!/usr/bin/env bash
# Renders bench/cri results (TSV from run.sh) as the markdown of docs/bench/cri.md: medians per cell and contender,
# the speed-up of brume over overlayfs, brume's distance to the bound, RSS, and the conditions of the run.
#   render.sh RESULTS.tsv "COMMAND LINE"
set -euo pipefail
results="$1"
command_line="$2"
column_median() { # column_median IMAGE LINK CONTENDER FIELD [DIVISOR]: median of that field over the runs
  awk -F'\t' -v i="$1" -v l="$2" -v c="$3" -v f="$4" -v d="${5:-1}" '$1 == i && $2 == l && $3 == c { print $f / d }' \
    "$results" | median
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cat <<DOC
# CRI pull benchmark: containerd's overlayfs vs brume snapshotter

Time until CRI \`PullImage\` returns (what kubelet waits for), through Debian's containerd 1.6.20, from an empty
containerd (fresh root) each run: **overlayfs** = containerd's default snapshotter (containerd downloads, inflates and
unpacks the layers); **brume** = \`brume snapshotter\` as containerd's snapshotter with the CRI labels
(deploy/containerd/config.toml), already running and idle when the pull starts (empty root each run). Registry in its
own network namespace behind a \`tc tbf\`-shaped veth (bench/pull's testbed, images from bench/pull/images.sh).
Contenders alternate within each round; seconds, medians of the runs. **Bound** (issue 10) = the larger of
**download** (every blob of the image fetched at once by curl over the same link, to /dev/null) and **extract**
(\`igzip -dc | tar -x\` of every layer at once from local files, no fsync), each measured in the same rounds.
No timed run follows a large delete: each run writes its trees (containerd's root, the snapshotter's root, the
extracted layers) into a new directory, deleted only when the invocation ends, and the first run of an invocation
starts ${SETTLE:-360} s after the last delete of run trees (this disk is ext4 without a journal: creating files
within minutes of deleting many is slow; bench/pull/lib.sh, \`delete_trees\`, \`settle\`).

Taken $(date -u '+%Y-%m-%d %H:%M UTC'), 2-core Debian 12 VM, 24 GB. The 1-minute load average is in the table (and per
run in the TSV): above ~2 other work shared the two cores, and the ratios mean little.
$(awk -F'\t' 'NR > 1 { if (min == "" || $8 < min) min = $8; if ($8 > max) max = $8 }
  END { if (max > 2) printf "\n**Loaded machine:** the 1-minute load average was %s–%s during this run (other engineers were compiling and\ntesting on the same two cores). Only the ratios of interleaved runs are meaningful, and they too are skewed by it.\n", min, max }' "$results")

Command: \`$command_line\`

| image | link | overlayfs (s) | brume (s) | overlayfs / brume | download (s) | extract (s) | brume / bound | brume idle RSS (MB) | brume peak RSS over a pull (MB) | brume idle RSS after the pull (MB) | load (1 min) |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
DOC
whole() { # MB rounded, or "-" when the plain brume contender did not run (--contenders without it)
  if [ "$1" = - ]; then echo -; else printf '%.0f' "$1"; fi
}
for cell in $(awk -F'\t' 'NR > 1 { print $1 ":" $2 }' "$results" | awk '!seen[$0]++'); do
  image="${cell%%:*}"
  link="${cell#*:}"
  o="$(column_median "$image" "$link" overlayfs 5)"
  b="$(column_median "$image" "$link" brume 5)"
  idle="$(column_median "$image" "$link" brume 6 1024)"
  peak="$(column_median "$image" "$link" brume 7 1024)"
  after="$(column_median "$image" "$link" brume 9 1024)"
  load="$(awk -F'\t' -v i="$image" -v l="$link" '$1 == i && $2 == l { print $8 }' "$results" | median)"
  d="$(column_median "$image" "$link" download 5)"
  x="$(column_median "$image" "$link" extract 5)"
  ratio="$(awk -v o="$o" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f×", o / b; else print "-" }')"
  to_bound="$(awk -v b="$b" -v d="$d" -v x="$x" 'BEGIN { m = d > x ? d : x; if (m > 0 && b > 0) printf "%.2f×", b / m; else print "-" }')"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$image" "$link" "$o" "$b" "$ratio" "$d" "$x" \
    "$to_bound" "$(whole "$idle")" "$(whole "$peak")" "$(whole "$after")" "$load"
done
variants="$(awk -F'\t' 'NR > 1 && $3 ~ /^brume-/ { print $3 }' "$results" | awk '!seen[$0]++')"
if [ -n "$variants" ]; then
  echo
  echo "Variants of brume in the same rounds: **brume** runs with the launcher's options; **brume-tiered** adds"
  echo "\`-XX:TieredStopAtLevel=4\` (C1 then C2), **brume-c2** C2 only (\`-XX:-TieredCompilation\`), and **brume-NAME** the"
  echo "options of \`--variant NAME=…\` in the command above:"
  echo
  echo "| image | link | contender | seconds | vs brume | idle RSS (MB) | peak RSS (MB) | idle RSS after the pull (MB) |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  for cell in $(awk -F'\t' 'NR > 1 { print $1 ":" $2 }' "$results" | awk '!seen[$0]++'); do
    image="${cell%%:*}"
    link="${cell#*:}"
    base="$(column_median "$image" "$link" brume 5)"
    for c in brume $variants; do
      t="$(column_median "$image" "$link" "$c" 5)"
      [ "$t" != - ] || continue # not a contender of this cell (cells from several invocations)
      printf '| %s | %s | %s | %s | %s | %.0f | %.0f | %.0f |\n' "$image" "$link" "$c" "$t" \
        "$(awk -v a="$t" -v b="$base" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }')" \
        "$(column_median "$image" "$link" "$c" 6 1024)" "$(column_median "$image" "$link" "$c" 7 1024)" \
        "$(column_median "$image" "$link" "$c" 9 1024)"
    done
  done
fi
cat <<DOC

Every run (seconds): \`$(basename "$results")\`

$(awk -F'\t' 'NR > 1 { printf "- %s %s %s run %s: %s s (load %s)\n", $1, $2, $3, $4, $5, $8 }' "$results")
DOC
