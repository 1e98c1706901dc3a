//! A deterministic generator of realistic straight-line traces for the
//! compile-time benchmark: loads and stores on an input buffer, integer and
//! float arithmetic, compares feeding guards, overflow-checked adds and a
//! call every ~50 ops, ending in `Finish`.
//!
//! Guards are *settled* after generation: the trace is run in the reference
//! interpreter and every guard that fails is flipped (`True` <-> `False`,
//! `NoOverflow` <-> `Overflow`) until the trace reaches its `Finish`, so
//! every op executes on [`Heap`]'s initial contents and compiled code can be
//! checked against the interpreter on the whole trace.

use std::error::Error;

use jit_core::ir::interp::{CallHandler, CallRejected, run};
use jit_core::ir::{
    Addr, Callee, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, MemDesc, Op,
    Outcome, RawTrace, RetType, Signature, Trace, TraceBuilder, Type, Val, Value, WordSize,
};

/// Bytes of the heap buffer a generated trace reads and writes (input 0).
pub const HEAP_BYTES: usize = 4096;
/// Integer words live in the first half of the heap, floats in the second.
const HALF: i32 = (HEAP_BYTES / 2) as i32;

/// The memory a generated trace runs on: a word buffer with a fixed,
/// deterministic initial content, reset before each run.
#[derive(Debug)]
pub struct Heap {
    words: Vec<u64>,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    /// A heap with its initial contents.
    pub fn new() -> Self {
        let mut h = Heap {
            words: vec![0; HEAP_BYTES / 8],
        };
        h.reset();
        h
    }

    /// Restores the initial contents: small integers in the first half,
    /// floats in [-8, 8) in the second.
    pub fn reset(&mut self) {
        let n = self.words.len();
        for (k, w) in self.words.iter_mut().enumerate() {
            *w = if k < n / 2 {
                (k as u64 * 37 + 11) % 1000
            } else {
                (((k * 53) % 161) as f64 / 10.0 - 8.0).to_bits()
            };
        }
    }

    /// The buffer's address (the trace's `Ref` input).
    pub fn addr(&mut self) -> usize {
        self.words.as_mut_ptr() as usize
    }
}

/// The native functions generated traces call.
pub mod callees {
    /// `(a * 3) ^ (b + 7)`, wrapping.
    pub extern "C" fn mix(a: i64, b: i64) -> i64 {
        a.wrapping_mul(3) ^ b.wrapping_add(7)
    }

    /// `x * 0.5 + 1.0`.
    pub extern "C" fn half(x: f64) -> f64 {
        x * 0.5 + 1.0
    }

    /// The one address of [`mix`] that traces embed and the interpreter's
    /// handler recognises (Rust does not promise a function item has a
    /// single address across codegen units; a static pointer does).
    pub static MIX: extern "C" fn(i64, i64) -> i64 = mix;
    /// The one address of [`half`] (see [`MIX`]).
    pub static HALF: extern "C" fn(f64) -> f64 = half;
}

/// Routes interpreter calls to [`callees`] by address, so the interpreter
/// and compiled code call the very same functions.
#[derive(Debug, Default)]
pub struct Calls;

impl CallHandler for Calls {
    fn call(
        &mut self,
        target: usize,
        _: &Signature,
        args: &[Val],
    ) -> Result<Option<Val>, CallRejected> {
        match args {
            [Val::Int(a), Val::Int(b)] if target == callees::MIX as usize => {
                Ok(Some(Val::Int(callees::mix(*a, *b))))
            }
            [Val::Float(x)] if target == callees::HALF as usize => {
                Ok(Some(Val::Float(callees::half(*x))))
            }
            _ => Err(CallRejected),
        }
    }
}

/// xorshift64*: a tiny fixed-seed RNG so every run builds the same traces.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Picks operands, preferring recently defined values as real traces do.
fn pick(rng: &mut Rng, pool: &[Value]) -> Value {
    let n = pool.len();
    if rng.below(5) != 0 && n > 12 {
        pool[n - 1 - rng.below(12)]
    } else {
        pool[rng.below(n)]
    }
}

/// The trace inputs: heap (`Ref`), four `Int`s, two `Float`s.
pub fn inputs(heap: &mut Heap) -> Vec<Val> {
    vec![
        Val::Ref(heap.addr()),
        Val::Int(3),
        Val::Int(-17),
        Val::Int(1_000_003),
        Val::Int(42),
        Val::Float(1.5),
        Val::Float(-0.25),
    ]
}

/// Generates an unsettled trace of about `ops` operations.
fn generate(ops: usize, seed: u64) -> Result<Trace, Box<dyn Error>> {
    let mut rng = Rng::new(seed);
    let mut b = TraceBuilder::new(WordSize::W64);
    let heap = b.input(Type::Ref);
    let mut ints: Vec<Value> = (0..4).map(|_| b.input(Type::Int)).collect();
    let mut floats: Vec<Value> = (0..2).map(|_| b.input(Type::Float)).collect();
    let sig_mix = b.signature(Signature::new(&[Type::Int, Type::Int], Some(RetType::Int)));
    let sig_half = b.signature(Signature::new(&[Type::Float], Some(RetType::Float)));
    let mut guard_id = 0u32;
    let mut next_call = 50;
    let int_ops = [
        IntBinOp::Add,
        IntBinOp::Add,
        IntBinOp::Sub,
        IntBinOp::Mul,
        IntBinOp::And,
        IntBinOp::Or,
        IntBinOp::Xor,
        IntBinOp::Shl,
        IntBinOp::Sar,
        IntBinOp::Shr,
    ];
    let int_cmps = [
        IntBinOp::Lt,
        IntBinOp::Le,
        IntBinOp::Eq,
        IntBinOp::Ne,
        IntBinOp::Ugt,
    ];
    let float_ops = [
        FloatBinOp::Add,
        FloatBinOp::Add,
        FloatBinOp::Sub,
        FloatBinOp::Mul,
        FloatBinOp::Mul,
        FloatBinOp::Div,
        FloatBinOp::Min,
        FloatBinOp::Max,
    ];
    let float_cmps = [FloatCmpOp::Lt, FloatCmpOp::Ge, FloatCmpOp::Ne];
    let int_slot = |rng: &mut Rng| (rng.below(HALF as usize / 8) * 8) as i32;
    let float_slot = |rng: &mut Rng| HALF + (rng.below(HALF as usize / 8) * 8) as i32;
    // Ops emitted so far (the builder does not expose its length).
    let mut len = 7 + 2;
    while len + 2 < ops {
        if len >= next_call {
            len += 1;
            next_call += 45 + rng.below(10);
            if rng.below(3) == 0 {
                let x = pick(&mut rng, &floats);
                let r = b.call(Callee::Const(callees::HALF as usize), sig_half, &[x]);
                floats.extend(r);
            } else {
                let (x, y) = (pick(&mut rng, &ints), pick(&mut rng, &ints));
                let r = b.call(Callee::Const(callees::MIX as usize), sig_mix, &[x, y]);
                ints.extend(r);
            }
            continue;
        }
        let fail = |rng: &mut Rng, ints: &[Value], floats: &[Value]| {
            [
                Some(pick(rng, ints)),
                None,
                Some(pick(rng, floats)),
                Some(pick(rng, ints)),
            ]
        };
        let roll = rng.below(100);
        len += if matches!(roll, 62..65 | 88..) { 2 } else { 1 };
        match roll {
            0..12 => {
                let v = b.load(
                    MemDesc::word(WordSize::W64),
                    Addr::field(heap, int_slot(&mut rng)),
                );
                ints.push(v);
            }
            12..15 => {
                let v = b.load(MemDesc::int(4, true), Addr::field(heap, int_slot(&mut rng)));
                ints.push(v);
            }
            15..22 => {
                let v = b.load(MemDesc::float(), Addr::field(heap, float_slot(&mut rng)));
                floats.push(v);
            }
            22..27 => {
                let v = pick(&mut rng, &ints);
                b.store(
                    MemDesc::word(WordSize::W64),
                    Addr::field(heap, int_slot(&mut rng)),
                    v,
                );
            }
            27..30 => {
                let v = pick(&mut rng, &floats);
                b.store(MemDesc::float(), Addr::field(heap, float_slot(&mut rng)), v);
            }
            30..55 => {
                let op = int_ops[rng.below(int_ops.len())];
                let (x, y) = (pick(&mut rng, &ints), pick(&mut rng, &ints));
                ints.push(b.int_bin(op, x, y));
            }
            55..58 => {
                let op = [IntUnOp::Neg, IntUnOp::Not, IntUnOp::Sext32][rng.below(3)];
                let x = pick(&mut rng, &ints);
                ints.push(b.int_un(op, x));
            }
            58..62 => {
                let c = b.const_int(rng.below(200) as i64 - 50);
                ints.push(c);
            }
            62..65 => {
                let (x, y) = (pick(&mut rng, &ints), pick(&mut rng, &ints));
                let r = b.iadd_ovf(x, y);
                let f = fail(&mut rng, &ints, &floats);
                guard_id += 1;
                b.guard_no_overflow(guard_id, &f);
                ints.push(r);
            }
            65..80 => {
                let op = float_ops[rng.below(float_ops.len())];
                let (x, y) = (pick(&mut rng, &floats), pick(&mut rng, &floats));
                floats.push(b.float_bin(op, x, y));
            }
            80..83 => {
                let op = [FloatUnOp::Neg, FloatUnOp::Abs, FloatUnOp::Sqrt][rng.below(3)];
                let x = pick(&mut rng, &floats);
                floats.push(b.float_un(op, x));
            }
            83..86 => {
                let x = pick(&mut rng, &ints);
                floats.push(b.int_to_float(x));
            }
            86..88 => {
                let c = b.const_float(rng.below(64) as f64 / 8.0 - 2.0);
                floats.push(c);
            }
            _ => {
                let c = if rng.below(3) == 0 {
                    let op = float_cmps[rng.below(float_cmps.len())];
                    let (x, y) = (pick(&mut rng, &floats), pick(&mut rng, &floats));
                    b.float_cmp(op, x, y)
                } else {
                    let op = int_cmps[rng.below(int_cmps.len())];
                    let (x, y) = (pick(&mut rng, &ints), pick(&mut rng, &ints));
                    b.int_bin(op, x, y)
                };
                let f = fail(&mut rng, &ints, &floats);
                guard_id += 1;
                b.guard_true(c, guard_id, &f);
            }
        }
    }
    let (x, y) = (pick(&mut rng, &ints), pick(&mut rng, &floats));
    b.finish(&[x, y, heap], 0);
    Ok(b.build()?)
}

/// Generates a settled trace of about `ops` operations (deterministic in
/// `ops` and `seed`): on [`Heap`]'s initial contents and [`inputs`] it runs
/// to its `Finish`.
pub fn trace(ops: usize, seed: u64) -> Result<Trace, Box<dyn Error>> {
    let mut trace = generate(ops, seed)?;
    let mut heap = Heap::new();
    for _ in 0..=ops {
        heap.reset();
        let args = inputs(&mut heap);
        // SAFETY: the trace only touches the heap buffer (offsets inside it) and calls `Calls`.
        let out = unsafe { run(&trace, &args, &mut Calls, 10 * ops as u64 + 100) }?;
        let Outcome::GuardFailed { id, .. } = out else {
            return Ok(trace);
        };
        let mut raw: RawTrace = trace.into_raw();
        for op in &mut raw.ops {
            if let Op::Guard { kind, id: gid, .. } = op
                && *gid == id
            {
                *kind = match *kind {
                    GuardKind::True(v) => GuardKind::False(v),
                    GuardKind::False(v) => GuardKind::True(v),
                    GuardKind::NoOverflow => GuardKind::Overflow,
                    GuardKind::Overflow => GuardKind::NoOverflow,
                    k => k,
                };
            }
        }
        trace = Trace::from_raw(raw)?;
    }
    Err("guard settling did not converge".into())
}
