//! The test functions generated traces call: a menu of signatures
//! ([`TestFunctions`]), real `extern "C"` implementations for compiled
//! 64-bit code, and the interpreter's handler ([`TestCalls`]), all sharing
//! one definition of each function's behaviour.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::ir::interp::{CallHandler, CallRejected};
use crate::ir::types::{RetType, Signature, Type, Val, WordSize};

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
