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

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use super::interp::{CallHandler, CallRejected, Outcome, run};
use super::op::{
    Callee, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op, OvfOp,
};
use super::types::{Addr, MemDesc, RetType, Signature, Type, Val, Value, WordSize};
use super::{Trace, TraceBuilder, VerifyError};

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.below(den as usize) < num as usize
    }

    /// A random element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// An `Int` biased toward edge cases, canonical for `word`.
    pub fn int(&mut self, word: WordSize) -> i64 {
        let x = match self.below(8) {
            0 => self.pick(&[0, 1, -1, 2, 7, -8]),
            1 => self.pick(&[
                word.int_min(),
                word.int_max(),
                word.int_min() + 1,
                word.int_max() - 1,
            ]),
            2 => self.pick(&[
                0x7f,
                0x80,
                0xff,
                0x7fff,
                0x8000,
                0xffff,
                0x7fff_ffff,
                0x8000_0000,
                0xffff_ffff,
            ]),
            3 | 4 => self.below(200) as i64 - 100,
            _ => self.next_u64() as i64,
        };
        word.wrap(x)
    }

    /// A `Float` biased toward special values.
    pub fn float(&mut self) -> f64 {
        match self.below(8) {
            0 => self.pick(&[
                0.0,
                -0.0,
                1.0,
                -1.0,
                0.5,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
            ]),
            1 => self.pick(&[
                1e300,
                -1e-300,
                5e-324,
                2147483648.0,
                -2147483649.0,
                9.3e18,
                -9.3e18,
            ]),
            2 => f64::from_bits(self.next_u64()),
            _ => (self.below(20001) as f64 - 10000.0) / self.pick(&[1.0, 4.0, 3.0, 0.1]),
        }
    }
}

/// Bytes per test object.
pub const OBJ_SIZE: usize = 256;
/// Number of invalidation cells at the start of the heap (cell 0 stays 0,
/// cell 1 is set: guards on it always fail).
pub const CELLS: usize = 2;

/// Test-owned objects for `Ref`s. Each object is [`OBJ_SIZE`] bytes:
/// a header word (a class id) at offset 0, a ref slot at offset `word`
/// (always the address of some object), then plain data bytes.
#[derive(Debug)]
pub struct TestHeap {
    word: WordSize,
    base: *mut u64,
    words: usize,
    objects: usize,
    _owned: Option<Box<[u64]>>,
}

impl TestHeap {
    /// Words of memory a heap with `objects` objects needs.
    pub const fn words_needed(objects: usize) -> usize {
        CELLS + objects * OBJ_SIZE / 8
    }

    /// A heap of `objects` objects (at least 1) in owned memory, filled from `rng`.
    pub fn new(word: WordSize, objects: usize, rng: &mut Rng) -> Self {
        let objects = objects.max(1);
        let mut owned = vec![0u64; Self::words_needed(objects)].into_boxed_slice();
        let base = owned.as_mut_ptr();
        let mut heap = TestHeap {
            word,
            base,
            words: owned.len(),
            objects,
            _owned: Some(owned),
        };
        heap.fill(rng);
        heap
    }

    /// A heap placed in caller memory (e.g. below 4 GiB for 32-bit code).
    ///
    /// # Safety
    /// `region` must be 8-byte aligned, valid for reads and writes of
    /// `words_needed(objects)` words, and unused by anything else for the
    /// heap's lifetime.
    pub unsafe fn in_region(
        word: WordSize,
        region: *mut u64,
        objects: usize,
        rng: &mut Rng,
    ) -> Self {
        let objects = objects.max(1);
        let mut heap = TestHeap {
            word,
            base: region,
            words: Self::words_needed(objects),
            objects,
            _owned: None,
        };
        heap.fill(rng);
        heap
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `base` points at `words` words owned by (or lent to) the
        // heap, as `new`/`in_region` guarantee; `&mut self` makes it unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.cast::<u8>(), self.words * 8) }
    }

    /// The heap's bytes (cells then objects).
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: as in `bytes_mut`; shared access for `&self`.
        unsafe { core::slice::from_raw_parts(self.base.cast::<u8>(), self.words * 8) }
    }

    fn fill(&mut self, rng: &mut Rng) {
        let (word, objects) = (self.word, self.objects);
        let addrs: Vec<usize> = (0..objects).map(|k| self.object(k)).collect();
        let wb = word.bytes() as usize;
        let bytes = self.bytes_mut();
        bytes.fill(0);
        bytes[8..16].copy_from_slice(&1u64.to_le_bytes());
        for k in 0..objects {
            let o = CELLS * 8 + k * OBJ_SIZE;
            for b in &mut bytes[o..o + OBJ_SIZE] {
                *b = rng.next_u64() as u8;
            }
            let class = Self::class_of(k) as u64;
            let target = addrs[rng.below(objects)] as u64;
            bytes[o..o + wb].copy_from_slice(&class.to_le_bytes()[..wb]);
            bytes[o + wb..o + 2 * wb].copy_from_slice(&target.to_le_bytes()[..wb]);
        }
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.objects
    }

    /// Whether the heap has no objects (never: it has at least one).
    pub fn is_empty(&self) -> bool {
        self.objects == 0
    }

    /// Address of object `k`.
    pub fn object(&self, k: usize) -> usize {
        self.base as usize + CELLS * 8 + k * OBJ_SIZE
    }

    /// Address of invalidation cell `k` (0: valid, 1: invalidated).
    pub fn cell(&self, k: usize) -> usize {
        self.base as usize + 8 * k.min(CELLS - 1)
    }

    /// The class id in object `k`'s header.
    pub const fn class_of(k: usize) -> i64 {
        0x100 + (k % 3) as i64
    }

    /// Whether every address fits 32 bits (then 32-bit traces may hold
    /// object addresses in `Int`s and ref slots).
    pub fn below_4gib(&self) -> bool {
        (self.base as usize).saturating_add(self.words * 8) <= u32::MAX as usize
    }

    /// A copy of the heap's bytes, to compare or restore later.
    pub fn snapshot(&self) -> Vec<u8> {
        self.bytes().to_vec()
    }

    /// Restores a snapshot taken from this heap.
    pub fn restore(&mut self, snapshot: &[u8]) {
        let bytes = self.bytes_mut();
        let n = bytes.len().min(snapshot.len());
        bytes[..n].copy_from_slice(&snapshot[..n]);
    }
}

/// Digest of the side-effecting test functions' calls (the real functions
/// update it; [`TestCalls`] keeps its own copy the same way).
pub static CALL_DIGEST: AtomicU64 = AtomicU64::new(0);

fn mix(digest: u64, x: u64) -> u64 {
    (digest ^ x).wrapping_mul(0x100_0000_01b3).rotate_left(5)
}

/// Behaviour of test function `k` on `args`, shared by the interpreter's
/// handler and the real functions. Integer results are raw (unextended).
fn eval(k: usize, args: &[Val], word: WordSize, digest: &mut u64) -> Option<Val> {
    let int = |i: usize| match args[i] {
        Val::Int(x) => x,
        Val::Ref(r) => r as i64,
        Val::Float(f) => f.to_bits() as i64,
    };
    let float = |i: usize| match args[i] {
        Val::Float(f) => f,
        _ => 0.0,
    };
    let w = |x: i64| word.wrap(x);
    match k {
        0 => Some(Val::Int(w(
            int(0).wrapping_mul(31).wrapping_add(int(1)) ^ 0x55
        ))),
        1 => Some(Val::Float(float(0) * 0.5 + int(1) as f64)),
        2 => Some(Val::Int(w(int(1).wrapping_mul(3)))),
        3 | 4 => Some(Val::Int(w(int(0).wrapping_mul(7).wrapping_add(k as i64)))),
        5 => {
            *digest = mix(*digest, 5);
            None
        }
        6 => Some(Val::Int(w(
            (0..8).fold(0i64, |s, i| s.wrapping_mul(3).wrapping_add(int(i)))
        ))),
        7 => Some(Val::Float(
            (0..9).fold(int(9) as f64, |s, i| s * 0.25 + float(i)),
        )),
        8 => Some(Val::Int(w(int(0)
            ^ int(3).wrapping_add(float(1).to_bits() as i64)
            ^ float(4).to_bits() as i64))),
        9 => {
            *digest = mix(*digest, int(0) as u64);
            None
        }
        10 => Some(args[0]),
        _ => None,
    }
}

macro_rules! real_fns {
    ($($k:literal $name:ident ($($a:ident : $t:ty => $v:ident),*) $(-> $r:ty = $conv:expr)?;)*) => {
        $(
            /// A real test function (64-bit SysV/Win64 `extern "C"`): same
            /// behaviour as the interpreter's handler for this address.
            pub extern "C" fn $name($($a: $t),*) $(-> $r)? {
                let args = [$(Val::$v($a as _)),*];
                let mut d = CALL_DIGEST.load(Ordering::Relaxed);
                let _r = eval($k, &args, WordSize::W64, &mut d);
                CALL_DIGEST.store(d, Ordering::Relaxed);
                $( let conv: fn(Option<Val>) -> $r = $conv; conv(_r) )?
            }
        )*
    };
}

fn ri(v: Option<Val>) -> i64 {
    match v {
        Some(Val::Int(x)) => x,
        _ => 0,
    }
}

fn rf(v: Option<Val>) -> f64 {
    match v {
        Some(Val::Float(x)) => x,
        _ => 0.0,
    }
}

fn rr(v: Option<Val>) -> usize {
    match v {
        Some(Val::Ref(x)) => x,
        _ => 0,
    }
}

real_fns! {
    0 tf_mix(a: i64 => Int, b: i64 => Int) -> i64 = ri;
    1 tf_scale(a: f64 => Float, b: i64 => Int) -> f64 = rf;
    2 tf_obj(a: usize => Ref, b: i64 => Int) -> i64 = ri;
    3 tf_narrow_i8(a: i64 => Int) -> i8 = |v| ri(v) as i8;
    4 tf_narrow_u16(a: i64 => Int) -> u16 = |v| ri(v) as u16;
    5 tf_effect();
    6 tf_many_ints(a: i64 => Int, b: i64 => Int, c: i64 => Int, d: i64 => Int, e: i64 => Int, f: i64 => Int, g: i64 => Int, h: i64 => Int) -> i64 = ri;
    7 tf_many_floats(a: f64 => Float, b: f64 => Float, c: f64 => Float, d: f64 => Float, e: f64 => Float, f: f64 => Float, g: f64 => Float, h: f64 => Float, i: f64 => Float, j: i64 => Int) -> f64 = rf;
    8 tf_mixed(a: i64 => Int, b: f64 => Float, c: usize => Ref, d: i64 => Int, e: f64 => Float) -> i64 = ri;
    9 tf_log(a: i64 => Int);
    10 tf_same_ref(a: usize => Ref) -> usize = rr;
}

/// The menu of test functions: address and signature of each.
#[derive(Debug, Clone)]
pub struct TestFunctions {
    /// `(address, signature)`; index `k` is test function `k`.
    pub fns: Vec<(usize, Signature)>,
}

impl TestFunctions {
    /// The standard menu. Addresses are the real functions' addresses, so
    /// compiled 64-bit code can call them.
    pub fn new() -> Self {
        use RetType as R;
        use Type::{Float as F, Int as I, Ref as P};
        let addrs: [usize; 11] = [
            tf_mix as *const () as usize,
            tf_scale as *const () as usize,
            tf_obj as *const () as usize,
            tf_narrow_i8 as *const () as usize,
            tf_narrow_u16 as *const () as usize,
            tf_effect as *const () as usize,
            tf_many_ints as *const () as usize,
            tf_many_floats as *const () as usize,
            tf_mixed as *const () as usize,
            tf_log as *const () as usize,
            tf_same_ref as *const () as usize,
        ];
        let sigs: [(&[Type], Option<RetType>); 11] = [
            (&[I, I], Some(R::Int)),
            (&[F, I], Some(R::Float)),
            (&[P, I], Some(R::Int)),
            (&[I], Some(R::I8)),
            (&[I], Some(R::U16)),
            (&[], None),
            (&[I; 8], Some(R::Int)),
            (&[F, F, F, F, F, F, F, F, F, I], Some(R::Float)),
            (&[I, F, P, I, F], Some(R::Int)),
            (&[I], None),
            (&[P], Some(R::Ref)),
        ];
        let fns = addrs
            .iter()
            .zip(sigs)
            .enumerate()
            .map(|(k, (&a, (args, ret)))| {
                let mut s = Signature::new(args, ret);
                s.flags.may_gc = k % 2 == 0;
                (a, s)
            })
            .collect();
        TestFunctions { fns }
    }
}

impl Default for TestFunctions {
    fn default() -> Self {
        Self::new()
    }
}

/// The interpreter's side of [`TestFunctions`]: dispatches by address.
#[derive(Debug, Clone)]
pub struct TestCalls {
    word: WordSize,
    addrs: Vec<usize>,
    /// Digest of side-effecting calls made so far (compare with
    /// [`CALL_DIGEST`] after running compiled code from the same start).
    pub digest: u64,
    /// Number of calls made.
    pub calls: usize,
}

impl TestCalls {
    /// A handler for `funcs` in `word` mode.
    pub fn new(word: WordSize, funcs: &TestFunctions) -> Self {
        TestCalls {
            word,
            addrs: funcs.fns.iter().map(|f| f.0).collect(),
            digest: 0,
            calls: 0,
        }
    }
}

impl CallHandler for TestCalls {
    fn call(
        &mut self,
        callee: usize,
        _: &Signature,
        args: &[Val],
    ) -> Result<Option<Val>, CallRejected> {
        let k = self
            .addrs
            .iter()
            .position(|&a| a == callee)
            .ok_or(CallRejected)?;
        self.calls += 1;
        Ok(eval(k, args, self.word, &mut self.digest))
    }
}

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
    let mut g = Gen {
        rng: &mut *rng,
        heap: &*heap,
        funcs,
        cfg: *cfg,
        b: TraceBuilder::new(cfg.word),
        ints: Vec::new(),
        floats: Vec::new(),
        refs: Vec::new(),
        objs: Vec::new(),
        next_guard: 0,
    };
    let inputs = g.inputs();
    for _ in 0..g.rng.below(cfg.max_ops + 1) {
        g.op();
    }
    if cfg.loops && g.rng.chance(1, 2) {
        g.looped();
    } else {
        let vals = g.some_values(6);
        g.b.finish(&vals, 1000);
    }
    let trace = g.b.build()?;
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

struct Gen<'a> {
    rng: &'a mut Rng,
    heap: &'a TestHeap,
    funcs: &'a TestFunctions,
    cfg: GenConfig,
    b: TraceBuilder,
    ints: Vec<Value>,
    floats: Vec<Value>,
    /// Any refs (may be null); never used as a base.
    refs: Vec<Value>,
    /// Refs known to be heap objects: usable as bases, storable in slots.
    objs: Vec<Value>,
    next_guard: u32,
}

impl Gen<'_> {
    fn word(&self) -> WordSize {
        self.cfg.word
    }

    /// Whether object addresses survive a trip through an `Int`/ref slot.
    fn addrs_fit_word(&self) -> bool {
        self.word() == WordSize::W64 || self.heap.below_4gib()
    }

    fn inputs(&mut self) -> Vec<Val> {
        let mut vals = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let v = self.b.input(Type::Int);
            self.ints.push(v);
            vals.push(Val::Int(self.rng.int(self.cfg.word)));
        }
        for _ in 0..self.rng.below(3) {
            let v = self.b.input(Type::Float);
            self.floats.push(v);
            vals.push(Val::Float(self.rng.float()));
        }
        for _ in 0..1 + self.rng.below(2) {
            let v = self.b.input(Type::Ref);
            self.objs.push(v);
            self.refs.push(v);
            vals.push(Val::Ref(self.heap.object(self.rng.below(self.heap.len()))));
        }
        vals
    }

    fn int(&mut self) -> Value {
        if self.ints.is_empty() || self.rng.chance(1, 12) {
            let c = self.rng.int(self.cfg.word);
            let v = self.b.const_int(c);
            self.ints.push(v);
        }
        self.rng.pick(&self.ints)
    }

    fn float(&mut self) -> Value {
        if self.floats.is_empty() || self.rng.chance(1, 8) {
            let c = self.rng.float();
            let v = self.b.const_float(c);
            self.floats.push(v);
        }
        self.rng.pick(&self.floats)
    }

    fn obj(&mut self) -> Value {
        self.rng.pick(&self.objs)
    }

    fn any_ref(&mut self) -> Value {
        if self.rng.chance(1, 10) {
            let v = self.b.const_ref(0);
            self.refs.push(v);
        }
        self.rng.pick(&self.refs)
    }

    fn value_of(&mut self, t: Type) -> Value {
        match t {
            Type::Int => self.int(),
            Type::Float => self.float(),
            Type::Ref => self.obj(),
        }
    }

    /// Up to `max` values of any type.
    fn some_values(&mut self, max: usize) -> Vec<Value> {
        (0..self.rng.below(max + 1))
            .map(|_| match self.rng.below(3) {
                0 => self.int(),
                1 => self.float(),
                _ => self.any_ref(),
            })
            .collect()
    }

    fn fail_args(&mut self) -> Vec<Option<Value>> {
        let vals = self.some_values(6);
        vals.into_iter()
            .map(|v| (!self.rng.chance(1, 4)).then_some(v))
            .collect()
    }

    fn guard_id(&mut self) -> u32 {
        self.next_guard += 1;
        self.next_guard
    }

    fn push_int(&mut self, v: Value) {
        self.ints.push(v);
    }

    /// One random op (or a short idiom such as an overflow op and its guard).
    fn op(&mut self) {
        let w = self.word();
        match self.rng.below(20) {
            0..=3 => {
                use IntBinOp::*;
                let op = self.rng.pick(&[
                    Add, Sub, Mul, And, Or, Xor, Shl, Sar, Shr, UMulH, Eq, Ne, Lt, Le, Gt, Ge, Ult,
                    Ule, Ugt, Uge,
                ]);
                let (a, b) = (self.int(), self.int());
                let v = self.b.int_bin(op, a, b);
                self.push_int(v);
            }
            4 => {
                // Division with a divisor in 1..=256: never zero, never -1.
                let op = self.rng.pick(&[
                    IntBinOp::SDiv,
                    IntBinOp::SRem,
                    IntBinOp::UDiv,
                    IntBinOp::URem,
                ]);
                let (a, d) = (self.int(), self.int());
                let mask = self.b.const_int(0xff);
                let one = self.b.const_int(1);
                let low = self.b.iand(d, mask);
                let d = self.b.iadd(low, one);
                let v = self.b.int_bin(op, a, d);
                self.push_int(v);
            }
            5 => {
                use IntUnOp::*;
                let mut ops = vec![Neg, Not, IsZero, IsTrue, Sext8, Sext16, Zext8, Zext16];
                if w == WordSize::W64 {
                    ops.extend([Sext32, Zext32]);
                }
                let op = self.rng.pick(&ops);
                let a = self.int();
                let v = self.b.int_un(op, a);
                self.push_int(v);
            }
            6 => {
                let op = self.rng.pick(&[OvfOp::Add, OvfOp::Sub, OvfOp::Mul]);
                // Operands and fail-args first: nothing may come between
                // the overflow op and its guard.
                let (a, b) = (self.int(), self.int());
                let mut fail = self.fail_args();
                let v = self.b.int_ovf(op, a, b);
                if self.rng.chance(1, 2) {
                    fail.push(Some(v));
                }
                let id = self.guard_id();
                if self.rng.chance(4, 5) {
                    self.b.guard_no_overflow(id, &fail);
                } else {
                    self.b.guard_overflow(id, &fail);
                }
                self.push_int(v);
            }
            7 | 8 => {
                use FloatBinOp::*;
                let op = self.rng.pick(&[Add, Sub, Mul, Div, Min, Max]);
                let (a, b) = (self.float(), self.float());
                let v = self.b.float_bin(op, a, b);
                self.floats.push(v);
            }
            9 => {
                let op = self
                    .rng
                    .pick(&[FloatUnOp::Neg, FloatUnOp::Abs, FloatUnOp::Sqrt]);
                let a = self.float();
                let v = self.b.float_un(op, a);
                self.floats.push(v);
            }
            10 => {
                use FloatCmpOp::*;
                let op = self.rng.pick(&[Lt, Le, Gt, Ge, Eq, Ne]);
                let (a, b) = (self.float(), self.float());
                let v = self.b.float_cmp(op, a, b);
                self.push_int(v);
            }
            11 => self.conversion(),
            12 => self.ref_op(),
            13..=15 if self.cfg.memory => self.memory_op(),
            16 if self.cfg.calls => self.call(),
            _ => self.guard(),
        }
    }

    fn conversion(&mut self) {
        let bitcasts = self.word() == WordSize::W64;
        match self.rng.below(if bitcasts { 4 } else { 2 }) {
            0 => {
                let a = self.int();
                let v = self.b.int_to_float(a);
                self.floats.push(v);
            }
            1 => {
                let a = self.float();
                let v = self.b.float_to_int(a);
                self.push_int(v);
            }
            2 => {
                let a = self.float();
                let v = self.b.float_bits_to_int(a);
                self.push_int(v);
            }
            _ => {
                let a = self.int();
                let v = self.b.int_bits_to_float(a);
                self.floats.push(v);
            }
        }
    }

    fn ref_op(&mut self) {
        match self.rng.below(4) {
            0 => {
                let (a, b) = (self.any_ref(), self.any_ref());
                let v = if self.rng.chance(1, 2) {
                    self.b.ref_eq(a, b)
                } else {
                    self.b.ref_ne(a, b)
                };
                self.push_int(v);
            }
            1 => {
                let a = self.any_ref();
                let v = self.b.is_null(a);
                self.push_int(v);
            }
            2 if self.addrs_fit_word() => {
                let o = self.obj();
                let i = self.b.ref_to_int(o);
                let r = self.b.int_to_ref(i);
                self.objs.push(r);
                self.refs.push(r);
            }
            _ => {
                let k = self.rng.below(self.heap.len());
                let r = self.b.const_ref(self.heap.object(k));
                self.objs.push(r);
                self.refs.push(r);
            }
        }
    }

    /// An in-bounds address of `size` bytes in the data part of an object:
    /// a field, or an item `index * item + offset` with a masked index.
    fn data_addr(&mut self, size: usize) -> Addr {
        let data = 2 * self.word().bytes() as usize;
        let obj = self.obj();
        let base = if self.addrs_fit_word() && self.rng.chance(1, 4) {
            self.b.ref_to_int(obj)
        } else {
            obj
        };
        if self.rng.chance(1, 2) {
            let off = data + self.rng.below(OBJ_SIZE - data - size + 1);
            return Addr::field(base, off as i32);
        }
        let item = self.rng.pick(&[1usize, 2, 3, 4, 5, 8, 12, 16, 24]);
        let x = self.int();
        let mask = self.b.const_int(7);
        let mut index = self.b.iand(x, mask);
        let mut lo = data;
        if self.rng.chance(1, 2) {
            // A possibly negative index: -4..=3.
            let four = self.b.const_int(4);
            index = self.b.isub(index, four);
            lo += 4 * item;
        }
        let span = OBJ_SIZE - size - 7 * item - data;
        Addr::item(
            base,
            index,
            item as u32,
            (lo + self.rng.below(span + 1)) as i32,
        )
    }

    fn memory_op(&mut self) {
        let w = self.word();
        let int_sizes: &[u8] = if w == WordSize::W64 {
            &[1, 2, 4, 8]
        } else {
            &[1, 2, 4]
        };
        let desc = if self.rng.chance(1, 4) {
            MemDesc::float()
        } else {
            MemDesc::int(self.rng.pick(int_sizes), self.rng.chance(1, 2))
        };
        match self.rng.below(5) {
            0 | 1 => {
                let addr = self.data_addr(desc.size as usize);
                let v = self.b.load(desc, addr);
                match desc.ty {
                    Type::Float => self.floats.push(v),
                    _ => self.push_int(v),
                }
            }
            2 | 3 => {
                let addr = self.data_addr(desc.size as usize);
                let v = self.value_of(desc.ty);
                self.b.store(desc, addr, v);
            }
            _ if self.addrs_fit_word() => {
                // The ref slot always holds an object.
                let obj = self.obj();
                let slot = Addr::field(obj, w.bytes() as i32);
                if self.rng.chance(1, 2) {
                    let r = self.b.load(MemDesc::gc_ref(w), slot);
                    self.objs.push(r);
                    self.refs.push(r);
                } else {
                    let v = self.obj();
                    self.b.store(MemDesc::gc_ref(w), slot, v);
                }
            }
            _ => {
                let obj = self.obj();
                let k = self.rng.below(self.heap.len());
                let expected = self.b.const_int(TestHeap::class_of(k));
                let fail = self.fail_args();
                let id = self.guard_id();
                self.b.guard_class(obj, 0, expected, id, &fail);
            }
        }
    }

    fn call(&mut self) {
        let k = self.rng.below(self.funcs.fns.len());
        let (addr, sig) = self.funcs.fns[k].clone();
        let args: Vec<Value> = sig.args.iter().map(|&t| self.value_of(t)).collect();
        let ret = sig.ret;
        let sig = self.b.signature(sig);
        let callee = if self.rng.chance(1, 4) && self.word().fits(addr as i64) {
            Callee::Value(self.b.const_int(addr as i64))
        } else {
            Callee::Const(addr)
        };
        if ret.is_none() && self.rng.chance(1, 2) {
            let c = self.int();
            self.b.cond_call(c, callee, sig, &args);
            return;
        }
        match (self.b.call(callee, sig, &args), ret.map(|r| r.value_type())) {
            (Some(v), Some(Type::Int)) => self.push_int(v),
            (Some(v), Some(Type::Float)) => self.floats.push(v),
            (Some(v), Some(Type::Ref)) => {
                // Test function 10 returns its (object) argument.
                self.objs.push(v);
                self.refs.push(v);
            }
            _ => {}
        }
    }

    fn guard(&mut self) {
        let fail = self.fail_args();
        let id = self.guard_id();
        let kind = match self.rng.below(7) {
            0 => GuardKind::True(self.int()),
            1 => GuardKind::False(self.int()),
            2 => {
                let a = self.int();
                GuardKind::Value(a, a)
            }
            3 => {
                let (a, b) = (self.float(), self.float());
                GuardKind::Value(a, b)
            }
            4 => GuardKind::NonNull(self.any_ref()),
            5 => GuardKind::IsNull(self.any_ref()),
            _ => {
                let cell = if self.rng.chance(1, 10) { 1 } else { 0 };
                GuardKind::NotInvalidated {
                    cell: self.heap.cell(cell),
                }
            }
        };
        self.b.guard(kind, id, &fail);
    }

    /// `label(counter, carried...)`, a random body, `counter += 1`,
    /// `guard_true(counter < limit)`, `jump`.
    fn looped(&mut self) {
        let zero = self.b.const_int(0);
        let limit = if self.rng.chance(1, 2) {
            self.b.const_int(self.rng.below(12) as i64)
        } else {
            let x = self.int();
            let mask = self.b.const_int(15);
            self.b.iand(x, mask)
        };
        let mut carried = vec![zero];
        let mut types = vec![Type::Int];
        for _ in 0..self.rng.below(5) {
            let t = self.rng.pick(&[Type::Int, Type::Float, Type::Ref]);
            carried.push(self.value_of(t));
            types.push(t);
        }
        let (label, params) = self.b.label(&carried);
        for (&p, &t) in params.iter().zip(&types) {
            match t {
                Type::Int => self.push_int(p),
                Type::Float => self.floats.push(p),
                Type::Ref => {
                    self.objs.push(p);
                    self.refs.push(p);
                }
            }
        }
        for _ in 0..self.rng.below(self.cfg.max_ops + 1) {
            self.op();
        }
        let one = self.b.const_int(1);
        let next = self.b.iadd(params[0], one);
        let more = self.b.ilt(next, limit);
        let mut fail = self.fail_args();
        fail.push(Some(next));
        self.b.guard_true(more, 0, &fail);
        let mut jump_args = vec![next];
        jump_args.extend(types.iter().skip(1).map(|&t| self.value_of(t)));
        self.b.jump(label, &jump_args);
    }
}
