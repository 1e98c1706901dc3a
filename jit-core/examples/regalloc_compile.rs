//! Measures what register allocation adds to a whole compile: generated
//! traces (`ir::testgen`, ~1000 ops, memory and calls) compiled by the
//! backend with the allocator (`Compiler::new`) and with every value in a
//! stack slot (`Compiler::all_slots`), printing ns per IR op for both.
//!
//! Run: `cargo run --release -p jit-core --example regalloc_compile [rounds]`.

use bumpalo::Bump;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::WordSize;
use jit_core::ir::testgen::{self, GenConfig, Rng, TestFunctions, TestHeap};
use os_glue::unix::UnixMemory;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut rng = Rng::new(0x5EED);
    let word = WordSize::W64;
    let funcs = TestFunctions::new();
    let mut traces = Vec::new();
    for _ in 0..8 {
        let mut heap = TestHeap::new(word, 4, &mut rng);
        let cfg = GenConfig {
            loops: false,
            ..GenConfig::all(word, 1000)
        };
        let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).expect("generator failed");
        traces.push(g.trace);
    }
    let ops: usize = traces.iter().map(|t| t.ops().len()).sum();
    let mut bump = Bump::new();
    let mem = UnixMemory::new();
    for (name, compiler) in [
        ("allocated", Compiler::new(Target::SysV64)),
        ("all slots", Compiler::all_slots(Target::SysV64)),
    ] {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t0 = Instant::now();
            for _ in 0..rounds.div_ceil(5) {
                for t in &traces {
                    bump.reset();
                    let c = compiler
                        .compile(black_box(t), mem, &bump)
                        .expect("compile failed");
                    black_box(c.code().len());
                }
            }
            let ns = t0.elapsed().as_nanos() as f64 / (rounds.div_ceil(5) * ops) as f64;
            best = best.min(ns);
        }
        println!(
            "{name}: {best:.1} ns/op ({ops} ops in {} traces)",
            traces.len()
        );
    }
}
