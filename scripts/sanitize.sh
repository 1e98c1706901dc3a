#!/bin/bash
# The workspace's tests (benches excluded) under AddressSanitizer with
# LeakSanitizer, release build with debug assertions on: out-of-bounds and
# use-after-free in Rust code (the interpreter, the allocator, the code
# arena, the demo VM's copying GC) and leaks. Generated machine code is not
# instrumented; what it reads and writes through Rust-owned buffers is
# checked where Rust touches them. Needs the nightly toolchain (its ASan
# runtime ships with rustc); not part of .ci/run, whose toolchain is stable.
#
# usage: scripts/sanitize.sh [target-dir] [extra cargo test args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
T=${1:-$root/target/asan}
shift || true
export RUSTFLAGS="-Zsanitizer=address"
export RUSTDOCFLAGS="-Zsanitizer=address"
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp"
# Full unwinding at allocations, so suppressions see the test frames.
export ASAN_OPTIONS="detect_stack_use_after_return=1:fast_unwind_on_malloc=0"
CARGO_TARGET_DIR=$T cargo +nightly test --manifest-path "$root/Cargo.toml" \
  --target x86_64-unknown-linux-gnu --workspace --exclude benches --release --no-fail-fast "$@"
