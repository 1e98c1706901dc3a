//! Compile speed and code speed: our trace backend (`jit_core::backend`)
//! against Cranelift 0.135.
//!
//! Part 1 (compile time): the same deterministic generated traces (~100,
//! ~1000, ~10000 ops: loads, int/float arithmetic, compares with guards,
//! overflow checks, stores, a call every ~50 ops) are compiled by both,
//! interleaved, median of many rounds.
//! - Ours: `Compiler::compile` with a warmed compiler and a reused
//!   `bumpalo::Bump`; the time includes register allocation, lowering,
//!   encoding, and placing code and tables in executable memory of a shared
//!   code arena; dropping the traces happens after the timed region. Two
//!   arenas are timed: dual-mapped (`os_glue::dual`: code written through a
//!   read-write view, run from a read-execute view, no system call; the
//!   headline ratio) and mprotect (`os_glue::unix`: one `mprotect` to seal
//!   per trace; its ratio is printed too).
//! - Cranelift, opt level "none" (its fastest): translation of our IR to
//!   CLIF with a reused `FunctionBuilderContext`/`Context`, plus
//!   `Context::compile` (legalization, lowering, register allocation,
//!   emission into a byte buffer; no executable memory).
//!
//! Both results are first executed and checked against the reference
//! interpreter. Prints ns and code bytes per IR op and
//! `compile ratio vs cranelift: R` (the geometric mean over the three
//! sizes of Cranelift time / ours with the dual-mapped arena, so the
//! superlinear 10000-op case does not dominate), then the same with the
//! mprotect arena.
//!
//! Part 2 (code speed): four numeric kernels (integer sum, float dot
//! product, Horner polynomial, a loop with a guard and a call) compiled by
//! ours and by Cranelift at opt level "speed" (loaded with `JITModule`);
//! results are checked against the interpreter, each run is timed (median)
//! and `code speed ratio vs cranelift: Q` is the geometric mean of
//! Cranelift time / ours.
//!
//! Run: `cargo run --release -p benches --bin compile`.

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use benches::compile::clif::{self, Jitted, Translator};
use benches::compile::kernels;
use benches::compile::ours::Ours;
use benches::compile::tracegen::{self, Calls, Heap};
use cranelift_codegen::Context;
use cranelift_codegen::control::ControlPlane;
use jit_core::ir::interp::run;
use jit_core::ir::{Outcome, Trace};
use jit_core::memory::{CodeArena, CodeBlock, ExecutableMemory, Placement};
use os_glue::dual::DualMappedMemory;

/// Trace sizes (ops) for the compile benchmark.
const SIZES: [usize; 3] = [100, 1000, 10_000];
/// Interleaved rounds; medians are reported.
const ROUNDS: usize = 15;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `trace` three ways on fresh heaps (interpreter, Cranelift at
/// `opt`, ours) and checks the outcomes are identical.
fn check_generated<M: ExecutableMemory>(
    trace: &Trace,
    ours: &Ours<M>,
) -> Result<(), Box<dyn Error>> {
    let mut heap = Heap::new();
    let inputs = tracegen::inputs(&mut heap);
    // SAFETY: generated traces touch only the heap buffer and call `Calls`' functions.
    let expect = unsafe { run(trace, &inputs, &mut Calls, 1 << 30) }?;
    let cl = Jitted::new(trace, clif::host_isa("none")?)?;
    heap.reset();
    let mut out = vec![0u64; clif::out_words(trace)];
    // SAFETY: as above; `out` holds every exit's values.
    let exit = unsafe { cl.run_raw(&clif::encode(&inputs), &mut out) };
    let got = clif::decode(trace, exit, &out)?;
    if !got.same(&expect) {
        return Err(format!("cranelift result {got:?} differs from interpreter {expect:?}").into());
    }
    heap.reset();
    let c = ours.compile(trace)?;
    // SAFETY: as above.
    let got = unsafe { c.execute(&inputs) }?;
    if !got.same(&expect) {
        return Err(format!("our result {got:?} differs from interpreter {expect:?}").into());
    }
    Ok(())
}

/// Median ns to place `code` in executable memory of the arena (copy,
/// seal), the part of our compile time that is system calls rather than codegen.
fn exec_memory_ns<M: ExecutableMemory>(
    arena: &CodeArena<M>,
    code: &[u8],
    reps: usize,
) -> Result<f64, Box<dyn Error>> {
    let mut t = Vec::new();
    let mut keep = Vec::with_capacity(reps);
    for _ in 0..ROUNDS {
        let t0 = Instant::now();
        for _ in 0..reps {
            let mut block = CodeBlock::new(arena, code.len(), Placement::Anywhere)?;
            block.append(black_box(code))?;
            block.seal()?;
            keep.push(block);
        }
        t.push(t0.elapsed().as_nanos() as f64 / reps as f64);
        keep.clear();
    }
    Ok(median(&mut t))
}

/// Compile-time benchmark; returns the geometric means over trace sizes of
/// Cranelift time / ours, with the dual-mapped arena and with the
/// mprotect arena.
fn compile_bench(
    ours: &Ours<DualMappedMemory>,
    ours_mp: &Ours,
) -> Result<(f64, f64), Box<dyn Error>> {
    let isa = clif::host_isa("none")?;
    let mut tr = Translator::new();
    let mut ctx = Context::new();
    let mut ctrl = ControlPlane::default();
    let (mut log_sum, mut log_sum_mp) = (0.0, 0.0);
    println!(
        "compile time (median of {ROUNDS} interleaved rounds; ours in a {}, [in an {}]):",
        ours.provider(),
        ours_mp.provider()
    );
    for (k, &size) in SIZES.iter().enumerate() {
        let trace = tracegen::trace(size, 0x5EED + k as u64)?;
        check_generated(&trace, ours)?;
        check_generated(&trace, ours_mp)?;
        let ops = trace.ops().len();
        let reps_ours = (200_000 / ops).max(2);
        let reps_cl = (20_000 / ops).max(1);
        let (mut t_ours, mut t_mp, mut t_cl) = (Vec::new(), Vec::new(), Vec::new());
        let (mut bytes_ours, mut bytes_cl) = (0, 0);
        let mut keep = Vec::with_capacity(reps_ours);
        for _ in 0..ROUNDS {
            let t0 = Instant::now();
            for _ in 0..reps_ours {
                keep.push(ours.compile(black_box(&trace))?);
            }
            t_ours.push(t0.elapsed().as_nanos() as f64 / reps_ours as f64);
            bytes_ours = keep[0].code().len();
            keep.clear();
            let mut keep_mp = Vec::with_capacity(reps_ours);
            let t0 = Instant::now();
            for _ in 0..reps_ours {
                keep_mp.push(ours_mp.compile(black_box(&trace))?);
            }
            t_mp.push(t0.elapsed().as_nanos() as f64 / reps_ours as f64);
            drop(keep_mp);
            let t0 = Instant::now();
            for _ in 0..reps_cl {
                bytes_cl =
                    clif::compile_bytes(&mut tr, black_box(&trace), &isa, &mut ctx, &mut ctrl)?;
            }
            t_cl.push(t0.elapsed().as_nanos() as f64 / reps_cl as f64);
        }
        let (o, mp, c) = (median(&mut t_ours), median(&mut t_mp), median(&mut t_cl));
        log_sum += (c / o).ln();
        log_sum_mp += (c / mp).ln();
        // The arenas must be empty while placement is timed, so that their
        // pages are reused as in the compile loop (no first-touch faults).
        let code = ours.compile(&trace)?.code().to_vec();
        let mem_ns = exec_memory_ns(ours.arena(), &code, reps_ours)?;
        let mem_mp = exec_memory_ns(ours_mp.arena(), &code, reps_ours)?;
        let per = |x: f64| x / ops as f64;
        println!(
            "  {ops:>6} ops: ours {:>6.1} ns/op ({:>4.1} of it exec memory) [{:>6.1} ({:>4.1})] {:>4.1} B/op | cranelift(none) {:>8.1} ns/op {:>4.1} B/op | ratio {:>6.1} [{:>6.1}] ({:.1} without exec memory)",
            per(o),
            per(mem_ns),
            per(mp),
            per(mem_mp),
            bytes_ours as f64 / ops as f64,
            per(c),
            bytes_cl as f64 / ops as f64,
            c / o,
            c / mp,
            c / (o - mem_ns).max(1.0)
        );
    }
    println!(
        "  (ours includes copying code and tables into the code arena and sealing it; Cranelift stops at its byte buffer)"
    );
    let n = SIZES.len() as f64;
    Ok(((log_sum / n).exp(), (log_sum_mp / n).exp()))
}

/// Code-speed benchmark; returns the geometric mean of Cranelift / ours.
fn speed_bench(ours: &Ours<DualMappedMemory>) -> Result<f64, Box<dyn Error>> {
    println!(
        "code speed (median run time of {} interleaved runs):",
        3 * ROUNDS
    );
    let mut log_sum = 0.0;
    let mut ks = kernels::all()?;
    let count = ks.len();
    for k in &mut ks {
        let inputs = k.inputs();
        // SAFETY: kernels touch only their own arrays (indices < length) and call `mix`.
        let expect = unsafe { run(&k.trace, &inputs, &mut Calls, 1 << 32) }?;
        let cl = Jitted::new(&k.trace, clif::host_isa("speed")?)?;
        let ourc = ours.compile(&k.trace)?;
        let words = clif::encode(&inputs);
        let mut out = vec![0u64; clif::out_words(&k.trace)];
        let (mut t_ours, mut t_cl) = (Vec::new(), Vec::new());
        for _ in 0..3 * ROUNDS {
            let t0 = Instant::now();
            // SAFETY: as above.
            let got = unsafe { ourc.execute(black_box(&inputs)) }?;
            t_ours.push(t0.elapsed().as_nanos() as f64);
            check(k.name, "ours", &got, &expect)?;
            let t0 = Instant::now();
            // SAFETY: as above; `out` holds every exit's values.
            let exit = unsafe { cl.run_raw(black_box(&words), &mut out) };
            t_cl.push(t0.elapsed().as_nanos() as f64);
            check(
                k.name,
                "cranelift",
                &clif::decode(&k.trace, exit, &out)?,
                &expect,
            )?;
        }
        let (o, c) = (median(&mut t_ours), median(&mut t_cl));
        log_sum += (c / o).ln();
        println!(
            "  {:<11} ours {:>9.0} ns ({:>4} B) | cranelift(speed) {:>9.0} ns ({:>4} B) | ratio {:.3}",
            k.name,
            o,
            ourc.code().len(),
            c,
            cl.size,
            c / o
        );
    }
    Ok((log_sum / count as f64).exp())
}

fn check(kernel: &str, who: &str, got: &Outcome, expect: &Outcome) -> Result<(), Box<dyn Error>> {
    if got.same(expect) {
        Ok(())
    } else {
        Err(format!("{kernel}: {who} gave {got:?}, interpreter {expect:?}").into())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let ours = Ours::dual()?;
    let ours_mp = Ours::new()?;
    let (r, r_mp) = compile_bench(&ours, &ours_mp)?;
    println!("compile ratio vs cranelift: {r:.1} ({})", ours.provider());
    println!(
        "compile ratio vs cranelift, {}: {r_mp:.1}",
        ours_mp.provider()
    );
    let q = speed_bench(&ours)?;
    println!("code speed ratio vs cranelift: {q:.3}");
    Ok(())
}
