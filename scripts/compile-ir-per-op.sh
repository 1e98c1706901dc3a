#!/bin/bash
# Instructions per IR op of our compile path (Compiler::compile and what it
# calls, via callgrind's --toggle-collect) on the compile benchmark's
# generated traces of ~100 and ~1000 ops: a figure that stays stable on a
# noisy machine, unlike wall-clock time. Needs valgrind.
#
# usage: scripts/compile-ir-per-op.sh [target-dir]
# (builds compile_profile into the target dir first; the callgrind files are
# left in a fresh /tmp directory, printed at the end, for callgrind_annotate.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
T=${1:-$root/target}
CARGO_TARGET_DIR=$T cargo build --quiet --release -p benches --bin compile_profile \
  --manifest-path "$root/Cargo.toml"
D=$(mktemp -d /tmp/compile-ir.XXXX)
cd "$D"
for s in 100 1000; do
  DUAL=1 valgrind --tool=callgrind --toggle-collect='*Compiler*compile*' \
    --callgrind-out-file="$D/cg.$s" "$T/release/compile_profile" "$s" 10 > "$D/out.$s" 2>&1
  line=$(grep "ops:" "$D/out.$s")
  ops=$(echo "$line" | awk '{print $1}')
  n=$(echo "$line" | sed 's/.*(\([0-9]*\) compiles.*/\1/')
  total=$(grep "Collected" "$D/out.$s" | awk '{print $4}')
  # n timed compiles plus one warm-up compile.
  echo "size $ops: $((total / (n + 1) / ops)) Ir/op ($((total / (n + 1))) per compile)"
done
echo "callgrind files: $D/cg.100 $D/cg.1000"
