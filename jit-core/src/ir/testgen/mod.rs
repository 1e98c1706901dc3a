//! Random *valid* traces for property and differential tests (not part of
//! the stable API; hidden from docs).
//!
//! [`generate`] builds a trace that verifies and runs without interpreter
//! errors: divisors are made non-zero and never -1, memory accesses stay
//! inside the objects of a [`TestHeap`], `Ref`s used as bases are always
//! real objects, calls go to the [`TestFunctions`] menu, and loops count a
//! bounded counter up to a small limit and exit through a guard. Guards use
//! random fail-args with holes, so traces also exit at random guards.
//!
//! Everything is deterministic from a seed ([`Rng`]), so a failing seed
//! reproduces. The same trace can run in the interpreter and as compiled
//! code against the same heap ([`TestHeap::snapshot`]/[`TestHeap::restore`])
//! and the same functions (real `extern "C"` functions in 64-bit mode).

mod funcs;
mod generator;
mod heap;
mod rng;

use alloc::vec::Vec;

pub use funcs::*;
pub use heap::{CELLS, OBJ_SIZE, TestHeap};
pub use rng::Rng;

use super::interp::{Outcome, run};
use super::op::{GuardKind, Op};
use super::types::{Val, WordSize};
use super::{Trace, VerifyError};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct GenConfig {
    /// Word size of the trace.
    pub word: WordSize,
    /// Random ops in the preamble and (separately) in the loop body.
    pub max_ops: usize,
    /// Generate a loop (label, counter, jump) half of the time.
    pub loops: bool,
    /// Generate loads, stores and class guards on the heap.
    pub memory: bool,
    /// Generate calls to the test functions.
    pub calls: bool,
    /// Flip most random guards that fail on the generated inputs, so most
    /// ops execute (runs the interpreter on the heap, then restores it).
    pub settle: bool,
}

impl GenConfig {
    /// Everything enabled, `max_ops` ops.
    pub fn all(word: WordSize, max_ops: usize) -> Self {
        GenConfig {
            word,
            max_ops,
            loops: true,
            memory: true,
            calls: true,
            settle: true,
        }
    }
}

/// A generated trace and inputs to run it on.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The verified trace.
    pub trace: Trace,
    /// Its inputs.
    pub inputs: Vec<Val>,
}

/// Generates a valid trace for `heap` and `funcs` (see module docs). An
/// error means a bug in the generator.
pub fn generate(
    rng: &mut Rng,
    heap: &mut TestHeap,
    funcs: &TestFunctions,
    cfg: &GenConfig,
) -> Result<Generated, VerifyError> {
    let (trace, inputs) = generator::build(rng, heap, funcs, cfg)?;
    let trace = if cfg.settle {
        settle(trace, &inputs, heap, funcs, rng)?
    } else {
        trace
    };
    Ok(Generated { trace, inputs })
}

/// Runs the trace and flips random guards that fail (never the loop exit,
/// id 0) until it runs to its end, so that most ops of a generated trace
/// execute; about one failing guard in four is kept, so guard exits stay
/// common too. The heap is restored after each run.
fn settle(
    mut trace: Trace,
    inputs: &[Val],
    heap: &mut TestHeap,
    funcs: &TestFunctions,
    rng: &mut Rng,
) -> Result<Trace, VerifyError> {
    let start = heap.snapshot();
    for _ in 0..16 {
        let mut calls = TestCalls::new(trace.word(), funcs);
        // SAFETY: generated traces access only the heap's objects and cells,
        // and the heap is alive and not otherwise borrowed.
        let out = unsafe { run(&trace, inputs, &mut calls, 1_000_000) };
        heap.restore(&start);
        let Ok(Outcome::GuardFailed { id, .. }) = out else {
            break;
        };
        if id == 0 || rng.chance(1, 4) {
            break;
        }
        let mut raw = trace.clone().into_raw();
        let is_it = |op: &Op| matches!(op, Op::Guard { id: g, .. } if *g == id);
        let Some(pos) = raw.ops.iter().position(is_it) else {
            break;
        };
        let Op::Guard { kind, .. } = raw.ops[pos] else {
            break;
        };
        let flipped = match kind {
            GuardKind::True(v) => GuardKind::False(v),
            GuardKind::False(v) => GuardKind::True(v),
            GuardKind::NonNull(v) => GuardKind::IsNull(v),
            GuardKind::IsNull(v) => GuardKind::NonNull(v),
            GuardKind::NoOverflow => GuardKind::Overflow,
            GuardKind::Overflow => GuardKind::NoOverflow,
            GuardKind::Value(a, _) => GuardKind::Value(a, a),
            GuardKind::NotInvalidated { .. } => GuardKind::NotInvalidated { cell: heap.cell(0) },
            GuardKind::Class { expected, .. } => {
                // The expected class is a constant made for this guard alone:
                // try the next class.
                if let Op::ConstInt(c) = &mut raw.ops[trace.value_def(expected)] {
                    *c = TestHeap::class_of((*c - TestHeap::class_of(0) + 1) as usize);
                }
                kind
            }
        };
        if let Op::Guard { kind, .. } = &mut raw.ops[pos] {
            *kind = flipped;
        }
        trace = Trace::from_raw(raw)?;
    }
    Ok(trace)
}
