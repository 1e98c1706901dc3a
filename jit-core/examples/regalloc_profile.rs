//! Profiling driver for the register allocator: builds random programs
//! (the randomized checker's generator) and runs `allocate` on them many
//! times with a reused `Bump`, printing ns per instruction.
//!
//! Run: `cargo run --release -p jit-core --example regalloc_profile [rounds]`;
//! under callgrind pass a small round count.

#[path = "../tests/regalloc_support/mod.rs"]
mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{Function, RegEnv, allocate};
use regalloc_support::{Rng, random_program};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let env = RegEnv::x86_64_sysv();
    let mut rng = Rng::new(0x5EED);
    let progs: Vec<_> = (0..8)
        .map(|_| random_program(&mut rng, &env, 1000))
        .collect();
    let insts: usize = progs.iter().map(|p| p.num_insts()).sum();
    let mut bump = Bump::new();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        for _ in 0..rounds.div_ceil(5) {
            for p in &progs {
                bump.reset();
                let out = allocate(black_box(p), &env, &bump).expect("allocation failed");
                black_box(out.num_spill_slots());
            }
        }
        let ns = t0.elapsed().as_nanos() as f64 / (rounds.div_ceil(5) * insts) as f64;
        best = best.min(ns);
    }
    println!(
        "regalloc: {best:.1} ns/inst ({insts} insts in {} programs)",
        progs.len()
    );
}
