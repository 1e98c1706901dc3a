//! Numeric kernels for the code-speed comparison, written as trace loops
//! the way a tracing JIT records them: loop-invariant constants before the
//! `Label`, a bounds guard that exits the loop with the result, `Jump` back.

use std::error::Error;

use jit_core::ir::{
    Addr, Callee, MemDesc, RetType, Signature, Trace, TraceBuilder, Type, Val, WordSize,
};

/// One kernel: its trace, the arrays it reads/writes, and how to call it.
#[derive(Debug)]
pub struct Kernel {
    /// Short name for the report.
    pub name: &'static str,
    /// The trace.
    pub trace: Trace,
    /// Arrays (`u64` words; floats by bits) whose addresses are inputs.
    pub arrays: Vec<Vec<u64>>,
    /// Scalar inputs after the array addresses.
    pub scalars: Vec<Val>,
}

impl Kernel {
    /// The trace inputs: array addresses (as `Ref`s), then the scalars.
    pub fn inputs(&mut self) -> Vec<Val> {
        let mut v: Vec<Val> = self
            .arrays
            .iter_mut()
            .map(|a| Val::Ref(a.as_mut_ptr() as usize))
            .collect();
        v.extend_from_slice(&self.scalars);
        v
    }
}

/// The callee of the call kernel: `(v * 3) ^ (i + 7)`; shared with the
/// generated traces (see [`super::tracegen::callees::mix`]).
fn mix_addr() -> usize {
    super::tracegen::callees::MIX as usize
}

const N: usize = 10_000;

/// Integer sum `0 + 1 + ... + (n-1)` with an overflow-checked add.
fn int_sum() -> Result<Kernel, Box<dyn Error>> {
    let mut b = TraceBuilder::new(WordSize::W64);
    let n = b.input(Type::Int);
    let zero = b.const_int(0);
    let one = b.const_int(1);
    let (top, p) = b.label(&[zero, zero]);
    let more = b.ilt(p[0], n);
    b.guard_true(more, 1, &[Some(p[1])]);
    let sum = b.iadd_ovf(p[1], p[0]);
    b.guard_no_overflow(2, &[Some(p[1])]);
    let i = b.iadd(p[0], one);
    b.jump(top, &[i, sum]);
    Ok(Kernel {
        name: "int sum",
        trace: b.build()?,
        arrays: vec![],
        scalars: vec![Val::Int(10 * N as i64)],
    })
}

fn floats(seed: u64) -> Vec<u64> {
    (0..N as u64)
        .map(|k| (((k * seed) % 97) as f64 / 16.0 - 3.0).to_bits())
        .collect()
}

/// Dot product of two f64 arrays.
fn dot() -> Result<Kernel, Box<dyn Error>> {
    let mut b = TraceBuilder::new(WordSize::W64);
    let xs = b.input(Type::Ref);
    let ys = b.input(Type::Ref);
    let n = b.input(Type::Int);
    let zero = b.const_int(0);
    let one = b.const_int(1);
    let fz = b.const_float(0.0);
    let (top, p) = b.label(&[zero, fz]);
    let more = b.ilt(p[0], n);
    b.guard_true(more, 1, &[Some(p[1])]);
    let x = b.load(MemDesc::float(), Addr::item(xs, p[0], 8, 0));
    let y = b.load(MemDesc::float(), Addr::item(ys, p[0], 8, 0));
    let xy = b.fmul(x, y);
    let acc = b.fadd(p[1], xy);
    let i = b.iadd(p[0], one);
    b.jump(top, &[i, acc]);
    Ok(Kernel {
        name: "float dot",
        trace: b.build()?,
        arrays: vec![floats(7), floats(13)],
        scalars: vec![Val::Int(N as i64)],
    })
}

/// `ys[i] = p(xs[i])` for a degree-8 polynomial (Horner), summing the results.
fn horner() -> Result<Kernel, Box<dyn Error>> {
    let mut b = TraceBuilder::new(WordSize::W64);
    let xs = b.input(Type::Ref);
    let ys = b.input(Type::Ref);
    let n = b.input(Type::Int);
    let zero = b.const_int(0);
    let one = b.const_int(1);
    let fz = b.const_float(0.0);
    let coeffs: Vec<_> = [0.5, -1.25, 0.75, 2.0, -0.125, 1.5, -3.0, 0.25, 1.0]
        .iter()
        .map(|&c| b.const_float(c))
        .collect();
    let (top, p) = b.label(&[zero, fz]);
    let more = b.ilt(p[0], n);
    b.guard_true(more, 1, &[Some(p[1])]);
    let x = b.load(MemDesc::float(), Addr::item(xs, p[0], 8, 0));
    let mut acc = coeffs[0];
    for &c in &coeffs[1..] {
        let m = b.fmul(acc, x);
        acc = b.fadd(m, c);
    }
    b.store(MemDesc::float(), Addr::item(ys, p[0], 8, 0), acc);
    let sum = b.fadd(p[1], acc);
    let i = b.iadd(p[0], one);
    b.jump(top, &[i, sum]);
    Ok(Kernel {
        name: "horner",
        trace: b.build()?,
        arrays: vec![floats(5), vec![0; N]],
        scalars: vec![Val::Int(N as i64)],
    })
}

/// Sums `mix(a[i], i)` over an int array, guarding `a[i] >= 0` (a type check
/// stand-in) and calling a native function each iteration.
fn guard_call() -> Result<Kernel, Box<dyn Error>> {
    let mut b = TraceBuilder::new(WordSize::W64);
    let xs = b.input(Type::Ref);
    let n = b.input(Type::Int);
    let sig = b.signature(Signature::new(&[Type::Int, Type::Int], Some(RetType::Int)));
    let zero = b.const_int(0);
    let one = b.const_int(1);
    let (top, p) = b.label(&[zero, zero]);
    let more = b.ilt(p[0], n);
    b.guard_true(more, 1, &[Some(p[1])]);
    let v = b.load(MemDesc::word(WordSize::W64), Addr::item(xs, p[0], 8, 0));
    let ok = b.ige(v, zero);
    b.guard_true(ok, 2, &[Some(p[0]), Some(p[1])]);
    let r = b
        .call(Callee::Const(mix_addr()), sig, &[v, p[0]])
        .ok_or("call without result")?;
    let sum = b.iadd(p[1], r);
    let i = b.iadd(p[0], one);
    b.jump(top, &[i, sum]);
    Ok(Kernel {
        name: "guard+call",
        trace: b.build()?,
        arrays: vec![(0..N as u64).map(|k| (k * 31) % 1000).collect()],
        scalars: vec![Val::Int(N as i64)],
    })
}

/// All kernels.
pub fn all() -> Result<Vec<Kernel>, Box<dyn Error>> {
    Ok(vec![int_sum()?, dot()?, horner()?, guard_call()?])
}
