//! Shared harness for the Lua-program tests (`corpus.rs`, `differential.rs`):
//! how to start the VM under test, how to run a program with a time limit,
//! how to normalise stderr, and how to show a readable diff.
//!
//! The VM under test is `demo-vm run FILE.lua` (the binary Cargo builds for
//! this package). `DEMO_VM_CMD` replaces it by any command prefix, split on
//! whitespace, to which the file name is appended; `DEMO_VM_CMD=lua5.4` runs
//! the harness against the reference interpreter itself, which proves that
//! the harness and the expected files agree.

pub mod diff;
pub mod luagen;
pub mod process;
