//! Profiling driver for our compile path: compiles the compile benchmark's
//! generated traces (sizes 100, 1000, 10000) repeatedly with a warmed
//! compiler, for `perf record` or callgrind, and prints ns per IR op.
//!
//! Run: `cargo run --release -p benches --bin compile_profile [size] [reps]`
//! (size 0 = all three sizes; under callgrind pass a small `reps`). Code is
//! placed in an mprotect arena, or with `DUAL=1` in a dual-mapped one.
//! `MEMTEST=1` also times placing code alone. `scripts/compile-ir-per-op.sh`
//! runs it under callgrind and prints instructions per IR op.

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use benches::compile::ours::Ours;
use benches::compile::tracegen;
use jit_core::memory::ExecutableMemory;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let sizes: Vec<usize> = if size == 0 {
        vec![100, 1000, 10_000]
    } else {
        vec![size]
    };
    if std::env::var_os("DUAL").is_some() {
        profile(&Ours::dual()?, &sizes, reps)
    } else {
        profile(&Ours::new()?, &sizes, reps)
    }
}

fn profile<M: ExecutableMemory>(
    ours: &Ours<M>,
    sizes: &[usize],
    reps: usize,
) -> Result<(), Box<dyn Error>> {
    println!("placing code in a {}", ours.provider());
    if std::env::var_os("MEMTEST").is_some() {
        use jit_core::memory::{CodeBlock, Placement};
        let code = [0x90u8; 1400];
        let mut keep = Vec::with_capacity(2000);
        for _ in 0..5 {
            let t0 = Instant::now();
            for _ in 0..2000 {
                let mut b = CodeBlock::new(ours.arena(), code.len(), Placement::Anywhere)?;
                b.append(&code)?;
                b.seal()?;
                keep.push(b);
            }
            let t = t0.elapsed().as_nanos() as f64 / 2000.0;
            let t1 = Instant::now();
            keep.clear();
            let r = t1.elapsed().as_nanos() as f64 / 2000.0;
            println!("place {t:.0} ns, release {r:.0} ns");
        }
    }
    for (k, &size) in sizes.iter().enumerate() {
        let trace = tracegen::trace(size, 0x5EED + k as u64)?;
        let ops = trace.ops().len();
        let n = (reps * 10_000 / ops).max(1);
        drop(ours.compile(&trace)?);
        // As the benchmark: keep a batch of traces alive, drop them untimed.
        let batch = (200_000 / ops).max(2);
        let mut keep = Vec::with_capacity(batch);
        let mut timed = std::time::Duration::ZERO;
        for _ in 0..n.div_ceil(batch) {
            let t0 = Instant::now();
            for _ in 0..batch {
                keep.push(ours.compile(black_box(&trace))?);
            }
            timed += t0.elapsed();
            keep.clear();
        }
        let n = n.div_ceil(batch) * batch;
        let ns = timed.as_nanos() as f64 / (n * ops) as f64;
        println!(
            "{ops:>6} ops: {ns:.1} ns/op ({n} compiles), scratch {} B/op",
            ours.scratch_bytes() / ops
        );
    }
    Ok(())
}
