#!/bin/bash
# Differential fuzzing: run generated programs under lua5.4 and demo-vm (and
# demo-vm under GC stress) and report seeds whose outputs differ.
# Usage: tools/diff_fuzz.sh FIRST_SEED LAST_SEED [path/to/demo-vm]
set -u
here=$(cd "$(dirname "$0")" && pwd)
vm=${3:-$here/../../target/release/demo-vm}
tmp=$(mktemp -d)
fails=0
norm() { grep -v "^\s\|^stack traceback" | sed "s/^lua5.4:/P:/; s/^demo-vm:/P:/; s/0x[0-9a-f]*/ADDR/g"; }
for i in $(seq "$1" "$2"); do
  python3 "$here/diff_fuzz_gen.py" "$i" > "$tmp/p.lua"
  lua5.4 "$tmp/p.lua" 2>&1 | norm > "$tmp/l.txt"
  timeout 10 "$vm" "$tmp/p.lua" 2>&1 | norm > "$tmp/v.txt"
  DEMO_VM_GC_STRESS=1 timeout 30 "$vm" "$tmp/p.lua" 2>&1 | norm > "$tmp/s.txt"
  if ! cmp -s "$tmp/l.txt" "$tmp/v.txt" || ! cmp -s "$tmp/v.txt" "$tmp/s.txt"; then
    fails=$((fails + 1))
    echo "=== seed $i"
    diff "$tmp/l.txt" "$tmp/v.txt" | head -6
    diff "$tmp/v.txt" "$tmp/s.txt" | head -6
  fi
done
rm -rf "$tmp"
echo "differences: $fails"
