#!/usr/bin/env bash
# Alternating A/B of two sipdiag binaries on the same captures, one thread, text to /dev/null:
# prints each binary's median wall time and every run. Wall time on a shared machine is noisy;
# alternating the two within each round keeps a slow spell from favouring one of them.
#   bash bench/ab.sh BINARY_A BINARY_B RUNS CAPTURE...
set -euo pipefail
if [[ $# -lt 4 ]]; then
  echo "usage: $0 BINARY_A BINARY_B RUNS CAPTURE..." >&2
  exit 2
fi
a=$1 b=$2 runs=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for cap in "$@"; do
  : >"$tmp/a"
  : >"$tmp/b"
  for _ in $(seq "$runs"); do
    for side in a b; do
      bin=$a
      [[ $side == b ]] && bin=$b
      /usr/bin/time -f "%e" -o "$tmp/t" "$bin" "$cap" --threads 1 -o /dev/null || [[ $? == 1 ]]
      tail -n 1 "$tmp/t" >>"$tmp/$side"
    done
  done
  for side in a b; do
    bin=$a
    [[ $side == b ]] && bin=$b
    median=$(sort -n "$tmp/$side" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    echo "$(basename "$cap") $bin: median ${median} s; runs: $(tr '\n' ' ' <"$tmp/$side")"
  done
done
