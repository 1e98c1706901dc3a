//! Hand-written edge cases for the backend, each checked against the
//! reference interpreter on SysV and Win64 (and exact expectations where
//! the interpreter cannot be the oracle, e.g. stack alignment at calls).

mod backend_support;

use backend_support::{run_compiled, run_interp};
use bumpalo::Bump;
use jit_core::backend::{Compiler, Exit, Target};
use jit_core::ir::testgen::{TestCalls, TestFunctions};
use jit_core::ir::{
    Addr, Callee, FloatCmpOp, IntBinOp, MemDesc, OvfOp, RetType, Signature, Trace, TraceBuilder,
    Type, Val, Value, WordSize,
};
use jit_core::memory::{CodeBlock, Placement};
use jit_core::x86::{Alu, Assembler, Gpr, Mode, Size};
use os_glue::unix::UnixMemory;

const W: WordSize = WordSize::W64;

/// Compiled (SysV and, without calls, Win64) must equal the interpreter.
fn check(t: &Trace, inputs: &[Val]) -> Exit {
    let funcs = TestFunctions::new();
    let want = run_interp(t, inputs, &mut TestCalls::new(W, &funcs));
    let has_calls = t.ops().iter().any(|o| {
        matches!(
            o,
            jit_core::ir::Op::Call { .. } | jit_core::ir::Op::CondCall { .. }
        )
    });
    let targets: &[Target] = if has_calls {
        &[Target::SysV64]
    } else {
        &[Target::SysV64, Target::Win64]
    };
    for &target in targets {
        let got = run_compiled(target, t, inputs);
        assert!(got.same(&want), "{target:?}: {got:?} != {want:?}\n{t}");
    }
    want
}

fn floats() -> [f64; 7] {
    [f64::NAN, -f64::NAN, 1.0, -0.0, 0.0, f64::INFINITY, -2.5]
}

const CMPS: [FloatCmpOp; 6] = [
    FloatCmpOp::Lt,
    FloatCmpOp::Le,
    FloatCmpOp::Gt,
    FloatCmpOp::Ge,
    FloatCmpOp::Eq,
    FloatCmpOp::Ne,
];

#[test]
fn nan_in_every_float_comparison_fused_and_materialised() {
    for op in CMPS {
        for a in floats() {
            for b in floats() {
                let inputs = [Val::Float(a), Val::Float(b)];
                // Materialised: the 0/1 result is a value.
                let mut t = TraceBuilder::new(W);
                let (x, y) = (t.input(Type::Float), t.input(Type::Float));
                let c = t.float_cmp(op, x, y);
                t.finish(&[c], 0);
                check(&t.build().unwrap(), &inputs);
                // Fused into the next guard, both polarities.
                for truthy in [true, false] {
                    let mut t = TraceBuilder::new(W);
                    let (x, y) = (t.input(Type::Float), t.input(Type::Float));
                    let c = t.float_cmp(op, x, y);
                    if truthy {
                        t.guard_true(c, 5, &[Some(x), None, Some(y)]);
                    } else {
                        t.guard_false(c, 6, &[Some(y)]);
                    }
                    t.finish(&[x], 1);
                    check(&t.build().unwrap(), &inputs);
                }
            }
        }
    }
}

#[test]
fn integer_comparisons_fused_and_materialised_at_the_edges() {
    let edges = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX];
    let ops = [
        IntBinOp::Eq,
        IntBinOp::Ne,
        IntBinOp::Lt,
        IntBinOp::Le,
        IntBinOp::Gt,
        IntBinOp::Ge,
        IntBinOp::Ult,
        IntBinOp::Ule,
        IntBinOp::Ugt,
        IntBinOp::Uge,
    ];
    for op in ops {
        for a in edges {
            for b in edges {
                let mut t = TraceBuilder::new(W);
                let (x, y) = (t.input(Type::Int), t.input(Type::Int));
                let c = t.int_bin(op, x, y);
                let d = t.int_bin(op, y, x);
                t.guard_true(d, 2, &[Some(c)]);
                t.finish(&[c], 0);
                check(&t.build().unwrap(), &[Val::Int(a), Val::Int(b)]);
            }
        }
    }
}

#[test]
fn overflow_guards_at_min_max_and_minus_one() {
    let edges = [i64::MIN, i64::MAX, -1, 0, 1, 2, i64::MIN / 2];
    for op in [OvfOp::Add, OvfOp::Sub, OvfOp::Mul] {
        for a in edges {
            for b in edges {
                for no in [true, false] {
                    let mut t = TraceBuilder::new(W);
                    let (x, y) = (t.input(Type::Int), t.input(Type::Int));
                    let r = t.int_ovf(op, x, y);
                    if no {
                        t.guard_no_overflow(1, &[Some(x), Some(r)]);
                    } else {
                        t.guard_overflow(1, &[Some(r), None]);
                    }
                    t.finish(&[r], 0);
                    check(&t.build().unwrap(), &[Val::Int(a), Val::Int(b)]);
                }
            }
        }
    }
}

#[test]
fn results_never_used_and_64_bit_constants_everywhere() {
    let big = 0x1234_5678_9abc_def0_i64;
    let mut data = vec![0u64; 4];
    let mut t = TraceBuilder::new(W);
    let x = t.input(Type::Int);
    let k = t.const_int(big);
    let m = t.const_int(i64::MIN);
    let _unused = t.int_bin(IntBinOp::Mul, x, k);
    let _unused_f = t.const_float(f64::from_bits(0x7ff4_0000_0000_0001));
    let s = t.int_bin(IntBinOp::Add, x, k);
    let base = t.const_ref(data.as_mut_ptr() as usize);
    t.store(MemDesc::word(W), Addr::field(base, 8), k);
    let _l = t.load(MemDesc::word(W), Addr::field(base, 8));
    let eq = t.int_bin(IntBinOp::Eq, s, k);
    t.guard_false(eq, 4, &[Some(k), Some(m), None, Some(s)]);
    t.guard_value(k, k, 5, &[Some(k)]);
    t.finish(&[s, k, m], 0);
    let t = t.build().unwrap();
    for x in [0, 1, -big, i64::MAX] {
        data.fill(0);
        check(&t, &[Val::Int(x)]);
        assert_eq!(data[1], big as u64);
    }
}

#[test]
fn every_narrow_load_and_store_width() {
    let pattern: [u8; 16] = [
        0x81, 0xF2, 0x83, 0x94, 0xA5, 0xB6, 0xC7, 0xF8, 1, 2, 3, 4, 5, 6, 7, 8,
    ];
    for size in [1u8, 2, 4, 8] {
        for signed in [true, false] {
            let mut buf = pattern.to_vec();
            let mut t = TraceBuilder::new(W);
            let v = t.input(Type::Int);
            let base = t.const_ref(buf.as_mut_ptr() as usize);
            let l = t.load(MemDesc::int(size, signed), Addr::field(base, 0));
            t.store(MemDesc::int(size, signed), Addr::field(base, 8), v);
            let back = t.load(MemDesc::int(size, signed), Addr::field(base, 8));
            t.finish(&[l, back], 0);
            let t = t.build().unwrap();
            let out = check(&t, &[Val::Int(-0x0123_4567_89ab_cdef)]);
            let Exit::Finish { values, .. } = out else {
                panic!()
            };
            let raw = i64::from_le_bytes(pattern[..8].try_into().unwrap());
            let want = match (size, signed) {
                (1, true) => raw as i8 as i64,
                (1, false) => raw as u8 as i64,
                (2, true) => raw as i16 as i64,
                (2, false) => raw as u16 as i64,
                (4, true) => raw as i32 as i64,
                (4, false) => raw as u32 as i64,
                _ => raw,
            };
            assert_eq!(values[0], Val::Int(want), "size {size} signed {signed}");
            assert_eq!(
                &buf[8 + size as usize..],
                &pattern[8 + size as usize..],
                "store wrote too much"
            );
        }
    }
}

#[test]
fn displacements_that_do_not_fit_32_bits_after_folding() {
    let mut data = [0x55u8; 64];
    data[10] = 0x7b;
    let mut t = TraceBuilder::new(W);
    let i = t.input(Type::Int);
    let base = t.const_ref(data.as_ptr() as usize);
    // base + i*1 + 10^8, with i = 10 - 10^8: the address is in range, but
    // folding index and offset would need a 33-bit displacement pattern.
    let a = t.load(MemDesc::int(1, false), Addr::item(base, i, 1, 100_000_000));
    let b = t.load(MemDesc::int(1, false), Addr::item(base, i, 3, i32::MAX));
    let c = t.load(
        MemDesc::int(1, false),
        Addr::item(base, i, 0x8000_0001, i32::MIN),
    );
    t.finish(&[a, b, c], 0);
    let t = t.build().unwrap();
    // Run the first form with real values (the address lands on data[10]).
    let mut t1 = TraceBuilder::new(W);
    let i = t1.input(Type::Int);
    let base = t1.const_ref(data.as_ptr() as usize);
    let a = t1.load(MemDesc::int(1, false), Addr::item(base, i, 1, 100_000_000));
    t1.finish(&[a], 0);
    let out = check(&t1.build().unwrap(), &[Val::Int(10 - 100_000_000)]);
    assert!(out.same(&Exit::Finish {
        id: 0,
        values: vec![Val::Int(0x7b)]
    }));
    // The big-scale forms compile (the scale does not fit an imm32 either).
    Compiler::new(Target::SysV64)
        .compile(&t, UnixMemory::new(), &Bump::new())
        .expect("compiles");
}

#[test]
fn jumps_permute_and_duplicate_loop_arguments() {
    for perm in [[1, 2, 0], [2, 0, 1], [1, 0, 2], [0, 0, 1], [2, 2, 2]] {
        let mut t = TraceBuilder::new(W);
        let a = t.input(Type::Int);
        let f = t.input(Type::Float);
        let c = t.input(Type::Int);
        let zero = t.const_int(0);
        let (label, p) = t.label(&[a, f, c, zero]);
        let (x, y, z, n) = (p[0], p[1], p[2], p[3]);
        let one = t.const_int(1);
        let n1 = t.int_bin(IntBinOp::Add, n, one);
        let lim = t.const_int(7);
        let done = t.int_bin(IntBinOp::Ge, n1, lim);
        t.guard_false(done, 9, &[Some(x), None, Some(y), Some(z), Some(n1)]);
        // Ints x and z and the float y: permute the two ints and the loop
        // counter slots by `perm` over [x, z, x+z].
        let s = t.int_bin(IntBinOp::Add, x, z);
        let ints = [x, z, s];
        let y2 = t.float_bin(jit_core::ir::FloatBinOp::Add, y, y);
        t.jump(label, &[ints[perm[0]], y2, ints[perm[1]], n1]);
        let _ = ints[perm[2]];
        check(
            &t.build().unwrap(),
            &[Val::Int(3), Val::Float(0.75), Val::Int(-11)],
        );
    }
}

#[test]
fn more_live_values_than_registers_int_and_float_as_fail_args() {
    let mut t = TraceBuilder::new(W);
    let x = t.input(Type::Int);
    let y = t.input(Type::Float);
    let mut ints: Vec<Value> = vec![x];
    let mut fls: Vec<Value> = vec![y];
    for k in 0..40 {
        let c = t.const_int(k * 1_000_000_007);
        let i = t.int_bin(IntBinOp::Xor, *ints.last().unwrap(), c);
        ints.push(i);
        let f = t.float_bin(jit_core::ir::FloatBinOp::Mul, *fls.last().unwrap(), y);
        fls.push(f);
    }
    let all: Vec<Option<Value>> = ints
        .iter()
        .zip(&fls)
        .flat_map(|(&i, &f)| [Some(i), None, Some(f)])
        .collect();
    let last = *ints.last().unwrap();
    t.guard_true(last, 1, &all);
    let vals: Vec<Value> = ints.iter().chain(&fls).copied().collect();
    t.finish(&vals, 0);
    let t = t.build().unwrap();
    check(&t, &[Val::Int(5), Val::Float(1.5)]);
    // Pick x so that the last xor is zero: the guard fails with all 80 values.
    let target = (0..40).fold(0i64, |acc, k| acc ^ (k * 1_000_000_007));
    let out = check(&t, &[Val::Int(target), Val::Float(-1.25)]);
    assert!(matches!(out, Exit::GuardFailed { id: 1, ref values } if values.len() == 123));
}

/// `mov rax, rsp; and eax, 15; ret`: returns rsp mod 16 at its entry
/// (8 when the call site was 16-byte aligned).
fn alignment_probe() -> CodeBlock<UnixMemory> {
    let mut a = Assembler::new(Mode::X64);
    a.mov_rr(Size::Q, Gpr::RAX, Gpr::RSP).unwrap();
    a.alu_ri(Alu::And, Size::D, Gpr::RAX, 15).unwrap();
    a.ret().unwrap();
    let code = a.finish().unwrap();
    let mut block = CodeBlock::new(UnixMemory::new(), 64, Placement::Anywhere).unwrap();
    block.append(code.bytes()).unwrap();
    block.seal().unwrap();
    block
}

#[test]
fn zero_to_forty_call_arguments_keep_the_stack_aligned() {
    let probe = alignment_probe();
    for target in [Target::SysV64, Target::Win64] {
        for n in 0..=40usize {
            let mut t = TraceBuilder::new(W);
            let i = t.input(Type::Int);
            let f = t.input(Type::Float);
            let args: Vec<Value> = (0..n).map(|k| if k % 3 == 1 { f } else { i }).collect();
            let types: Vec<Type> = args
                .iter()
                .map(|&v| if v == f { Type::Float } else { Type::Int })
                .collect();
            let sig = t.signature(Signature::new(&types, Some(RetType::Int)));
            let r = t.call(Callee::Const(probe.addr()), sig, &args).unwrap();
            t.finish(&[r], 0);
            let got = run_compiled(target, &t.build().unwrap(), &[Val::Int(1), Val::Float(2.0)]);
            assert_eq!(
                got,
                Exit::Finish {
                    id: 0,
                    values: vec![Val::Int(8)]
                },
                "{target:?} with {n} args"
            );
        }
    }
}

extern "C" fn twelve(
    a: i64,
    b: f64,
    c: i64,
    d: i64,
    e: i64,
    f: i64,
    g: i64,
    h: i64,
    i: f64,
    j: i64,
    k: i64,
    l: f64,
) -> i64 {
    let ints = [a, c, d, e, f, g, h, j, k];
    let s = ints.iter().enumerate().fold(0i64, |s, (n, &x)| {
        s.wrapping_mul(31).wrapping_add(x ^ n as i64)
    });
    s ^ (b.to_bits() as i64)
        ^ (i.to_bits() as i64).rotate_left(7)
        ^ (l.to_bits() as i64).rotate_left(13)
}

#[test]
fn stack_passed_arguments_arrive_in_order() {
    let mut t = TraceBuilder::new(W);
    let ins: Vec<Value> = (0..12)
        .map(|k| {
            t.input(if [1, 8, 11].contains(&k) {
                Type::Float
            } else {
                Type::Int
            })
        })
        .collect();
    let types: Vec<Type> = (0..12)
        .map(|k| {
            if [1, 8, 11].contains(&k) {
                Type::Float
            } else {
                Type::Int
            }
        })
        .collect();
    let sig = t.signature(Signature::new(&types, Some(RetType::Int)));
    let r = t
        .call(Callee::Const(twelve as *const () as usize), sig, &ins)
        .unwrap();
    t.finish(&[r], 0);
    let inputs: Vec<Val> = (0..12)
        .map(|k| {
            if [1, 8, 11].contains(&k) {
                Val::Float(k as f64 + 0.5)
            } else {
                Val::Int(k * 1000 + 7)
            }
        })
        .collect();
    let want = twelve(
        7, 1.5, 2007, 3007, 4007, 5007, 6007, 7007, 8.5, 9007, 10007, 11.5,
    );
    let got = run_compiled(Target::SysV64, &t.build().unwrap(), &inputs);
    assert_eq!(
        got,
        Exit::Finish {
            id: 0,
            values: vec![Val::Int(want)]
        }
    );
}

#[test]
fn guard_jumps_are_patchable_rel32_sites_that_can_be_redirected() {
    for op in [FloatCmpOp::Lt, FloatCmpOp::Ne] {
        let mut t = TraceBuilder::new(W);
        let (x, y) = (t.input(Type::Float), t.input(Type::Int));
        let c = t.float_cmp(op, x, x);
        // Guard 0 (id 10) fails for NaN (`x < x` is false; `x != x` is true).
        if op == FloatCmpOp::Lt {
            t.guard_true(c, 10, &[Some(x)]);
        } else {
            t.guard_false(c, 10, &[Some(x)]);
        }
        let zero = t.const_int(0);
        let z = t.int_bin(IntBinOp::Eq, y, zero);
        t.guard_false(z, 20, &[Some(y), None]);
        t.finish(&[y], 0);
        let t = t.build().unwrap();
        let bump = Bump::new();
        let mut c = Compiler::new(Target::SysV64)
            .compile(&t, UnixMemory::new(), &bump)
            .unwrap();
        let inputs = [Val::Float(f64::NAN), Val::Int(5)];
        let run = |c: &jit_core::backend::CompiledTrace<UnixMemory>| {
            // SAFETY: the trace touches no memory and calls nothing.
            unsafe { c.execute(&inputs) }.unwrap()
        };
        assert!(matches!(run(&c), Exit::GuardFailed { id: 10, .. }));
        let sites = c.exit_sites(0).to_vec();
        assert_eq!(sites.len(), if op == FloatCmpOp::Ne { 2 } else { 1 });
        // Each site is the rel32 field of a `jcc` (0F 8x) aimed at the stub.
        let stub = c.stub_address(0).unwrap();
        for &s in &sites {
            let code = c.code();
            assert_eq!(code[s as usize - 2], 0x0F);
            let rel = i32::from_le_bytes(code[s as usize..s as usize + 4].try_into().unwrap());
            assert_eq!(
                c.entry_address() as i64 + s as i64 + 4 + rel as i64,
                stub as i64
            );
        }
        // Redirect guard 10 to guard 20's stub: it now reports exit 20.
        let other = c.stub_address(1).unwrap();
        c.redirect_exit(0, other).unwrap();
        assert!(
            run(&c).same(&Exit::GuardFailed {
                id: 20,
                values: vec![Some(Val::Int(5)), None]
            }),
            "{:?}",
            run(&c)
        );
        c.redirect_exit(0, stub).unwrap();
        assert!(matches!(run(&c), Exit::GuardFailed { id: 10, .. }));
        assert!(c.redirect_exit(2, stub).is_err(), "finishes are not guards");
    }
}
