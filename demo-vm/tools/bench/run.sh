#!/bin/bash
# Quick side-by-side timing (user CPU seconds) of demo-vm against lua5.4.
# Usage: tools/bench/run.sh [path/to/demo-vm]   (build with --release first)
here=$(cd "$(dirname "$0")" && pwd)
vm=${1:-$here/../../../target/release/demo-vm}
for f in "$here"/*.lua; do
  b=$(basename "$f" .lua)
  l=$( { /usr/bin/time -f "%U" lua5.4 "$f" > /dev/null; } 2>&1 | tail -1)
  v=$( { /usr/bin/time -f "%U" "$vm" "$f" > /dev/null; } 2>&1 | tail -1)
  echo "$b lua5.4=${l}s demo-vm=${v}s ratio=$(echo "scale=2; $v / $l" | bc 2>/dev/null)"
done
