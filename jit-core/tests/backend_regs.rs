//! Register allocation in the backend: values really live in registers
//! (a loop body without memory operands, smaller code than the all-slots
//! strategy on random traces), and spilling under pressure, across calls,
//! still matches the reference interpreter.

mod backend_support;

use backend_support::{run_compiled, run_interp};
use bumpalo::Bump;
use iced_x86::{Decoder, DecoderOptions, Instruction, OpKind};
use jit_core::backend::{CompiledTrace, Compiler, Target};
use jit_core::ir::testgen::{self, GenConfig, Rng, TestCalls, TestFunctions, TestHeap};
use jit_core::ir::{Callee, FloatBinOp, IntBinOp, Op, Trace, TraceBuilder, Type, Val, WordSize};
use os_glue::unix::UnixMemory;

/// `code` (a test harness) in a fresh block, sealed executable.
fn sealed(code: &[u8]) -> jit_core::memory::CodeBlock<UnixMemory> {
    use jit_core::memory::{CodeBlock, Placement};
    let mut block = CodeBlock::new(UnixMemory::new(), code.len(), Placement::Anywhere).unwrap();
    block.append(code).unwrap();
    block.seal().unwrap();
    block
}

fn compile(c: Compiler, t: &Trace) -> CompiledTrace<UnixMemory> {
    c.compile(t, UnixMemory::new(), &Bump::new())
        .unwrap_or_else(|e| panic!("compile failed: {e}\n{t}"))
}

/// Memory operands (other than the stack pushes of calls) in the code of
/// ops `ops` of `compiled`.
fn memory_operands(compiled: &CompiledTrace<UnixMemory>, ops: std::ops::Range<u32>) -> usize {
    let bitness = if compiled.target().word() == WordSize::W64 {
        64
    } else {
        32
    };
    let mut n = 0;
    for r in compiled.op_ranges().filter(|r| ops.contains(&r.op)) {
        let code = &compiled.code()[r.start as usize..r.end as usize];
        let mut d = Decoder::new(bitness, code, DecoderOptions::NONE);
        let mut inst = Instruction::default();
        while d.can_decode() {
            d.decode_out(&mut inst);
            n += (0..inst.op_count())
                .filter(|&k| inst.op_kind(k) == OpKind::Memory)
                .count();
        }
    }
    n
}

/// A counting loop: `i` up to `n`, an int and a float accumulator.
fn loop_trace(word: WordSize) -> (Trace, std::ops::Range<u32>) {
    let mut t = TraceBuilder::new(word);
    let i0 = t.input(Type::Int);
    let n = t.input(Type::Int);
    let f0 = t.input(Type::Float);
    let zero = t.const_int(0);
    let (label, p) = t.label(&[i0, zero, f0]);
    let (i, acc, f) = (p[0], p[1], p[2]);
    let one = t.const_int(1);
    let i1 = t.int_bin(IntBinOp::Add, i, one);
    let acc1 = t.int_bin(IntBinOp::Add, acc, i);
    let fi = t.int_to_float(i);
    let f1 = t.float_bin(FloatBinOp::Add, f, fi);
    let more = t.int_bin(IntBinOp::Lt, i1, n);
    t.guard_true(more, 1, &[Some(i1), Some(acc1), Some(f1)]);
    t.jump(label, &[i1, acc1, f1]);
    let t = t.build().unwrap();
    let label_op = t.ops().iter().position(|o| matches!(o, Op::Label { .. }));
    // The body: after the label, up to and including the jump.
    let body = label_op.unwrap() as u32 + 1..t.ops().len() as u32;
    (t, body)
}

#[test]
fn a_loop_body_keeps_its_values_in_registers() {
    for target in Target::ALL {
        let (t, body) = loop_trace(target.word());
        let ra = compile(Compiler::new(target), &t);
        let slots = compile(Compiler::all_slots(target), &t);
        assert!(ra.register_allocated(), "{target:?}");
        let (m_ra, m_slots) = (
            memory_operands(&ra, body.clone()),
            memory_operands(&slots, body),
        );
        println!("{target:?}: loop body memory operands {m_slots} -> {m_ra}");
        // x86-32 too: six GPRs hold i, n, acc and the temporaries.
        assert_eq!(m_ra, 0, "{target:?}: loads or stores left in the loop body");
        assert!(m_slots > 0, "{target:?}");
        if target != Target::Cdecl32 {
            let inputs = [Val::Int(3), Val::Int(1000), Val::Float(0.5)];
            let funcs = TestFunctions::new();
            let want = run_interp(&t, &inputs, &mut TestCalls::new(target.word(), &funcs));
            let got = run_compiled(target, &t, &inputs);
            assert!(got.same(&want), "{target:?}: {got:?} != {want:?}");
        }
    }
}

/// More live ints and floats than registers, all live across two calls,
/// then a guard whose fail-args are all of them, then their sum.
fn pressure_trace(n: usize, fail: bool) -> Trace {
    let funcs = TestFunctions::new();
    let (mix, mix_sig) = funcs.fns[0].clone();
    let (many, many_sig) = funcs.fns[7].clone();
    let mut t = TraceBuilder::new(WordSize::W64);
    let x = t.input(Type::Int);
    let y = t.input(Type::Float);
    let mut ints = vec![x];
    let mut fls = vec![y];
    for k in 0..n {
        let c = t.const_int(k as i64 * 7919 + 1);
        let i = t.int_bin(IntBinOp::Mul, ints[k], c);
        ints.push(i);
        let fc = t.const_float(k as f64 * 0.25 + 1.0);
        let f = t.float_bin(FloatBinOp::Add, fls[k], fc);
        fls.push(f);
    }
    let s1 = t.signature(mix_sig);
    let r = t
        .call(Callee::Const(mix), s1, &[ints[n], ints[n / 2]])
        .unwrap();
    let s2 = t.signature(many_sig);
    let mut args: Vec<_> = fls[..9].to_vec();
    args.push(r);
    let g = t.call(Callee::Const(many), s2, &args).unwrap();
    let lim = t.const_int(if fail { i64::MIN } else { i64::MAX });
    let ok = t.int_bin(IntBinOp::Le, r, lim);
    let fail_args: Vec<_> = ints.iter().chain(&fls).map(|&v| Some(v)).collect();
    t.guard_true(ok, 5, &fail_args);
    let mut si = r;
    for &i in &ints {
        si = t.int_bin(IntBinOp::Xor, si, i);
    }
    let mut sf = g;
    for &f in &fls {
        sf = t.float_bin(FloatBinOp::Add, sf, f);
    }
    t.finish(&[si, sf], 0);
    t.build().unwrap()
}

#[test]
fn spilling_under_pressure_across_calls_matches_the_interpreter() {
    for fail in [false, true] {
        let t = pressure_trace(40, fail);
        let inputs = [Val::Int(12345), Val::Float(-1.75)];
        let funcs = TestFunctions::new();
        let want = run_interp(&t, &inputs, &mut TestCalls::new(WordSize::W64, &funcs));
        let got = run_compiled(Target::SysV64, &t, &inputs);
        assert!(got.same(&want), "fail={fail}: {got:?} != {want:?}");
        let c = compile(Compiler::new(Target::SysV64), &t);
        assert!(c.register_allocated());
        // Values live across the calls went to callee-saved registers, which
        // the prologue saved.
        assert!(!c.saved_registers().is_empty());
    }
}

#[test]
fn random_traces_are_register_allocated_and_smaller() {
    let funcs = TestFunctions::new();
    for target in Target::ALL {
        let word = target.word();
        let mut cfg = GenConfig::all(word, 40);
        cfg.calls = word == WordSize::W64;
        let (mut ops, mut ra_bytes, mut slot_bytes, mut allocated, mut loops) = (0, 0, 0, 0, 0);
        let n = 300;
        for seed in 1..=n {
            let mut rng = Rng::new(seed);
            let mut heap = TestHeap::new(word, 4, &mut rng);
            let g = testgen::generate(&mut rng, &mut heap, &funcs, &cfg).unwrap();
            let ra = compile(Compiler::new(target), &g.trace);
            let slots = compile(Compiler::all_slots(target), &g.trace);
            ops += g.trace.ops().len();
            ra_bytes += ra.code().len();
            slot_bytes += slots.code().len();
            allocated += ra.register_allocated() as u32;
            loops += g.trace.ops().iter().any(|o| matches!(o, Op::Jump { .. })) as u32;
        }
        println!(
            "{target:?}: {allocated}/{n} traces register-allocated ({loops} loops); \
             code bytes per op {:.1} (all slots) -> {:.1} (allocated)",
            slot_bytes as f64 / ops as f64,
            ra_bytes as f64 / ops as f64
        );
        assert!(
            allocated as u64 * 10 >= n * 9,
            "{target:?}: {allocated}/{n}"
        );
        assert!(
            ra_bytes * 10 < slot_bytes * 9,
            "{target:?}: {ra_bytes} vs {slot_bytes}"
        );
    }
}

/// Float arguments whose registers form a cycle while `xmm0` already holds
/// the first argument (found by random testing: a swap through `xmm0`
/// clobbered it).
#[test]
fn float_call_arguments_in_a_register_cycle() {
    let funcs = TestFunctions::new();
    let (many, many_sig) = funcs.fns[7].clone();
    let mut t = TraceBuilder::new(WordSize::W64);
    let i0 = t.input(Type::Int);
    let _i1 = t.input(Type::Int);
    let f2 = t.input(Type::Float);
    let f4 = t.const_float(1.0015900712934379e-196);
    let f5 = t.const_float(793.0);
    let sig = t.signature(many_sig);
    let args = [f4, f4, f2, f4, f4, f4, f4, f5, f5, i0];
    let r = t.call(Callee::Const(many), sig, &args).unwrap();
    let s = t.float_un(jit_core::ir::FloatUnOp::Sqrt, f5);
    t.finish(&[r, s, i0], 0);
    let t = t.build().unwrap();
    let inputs = [Val::Int(3), Val::Int(4), Val::Float(2.5)];
    let want = run_interp(&t, &inputs, &mut TestCalls::new(WordSize::W64, &funcs));
    let got = run_compiled(Target::SysV64, &t, &inputs);
    assert!(got.same(&want), "{got:?} != {want:?}");
}

/// Longer random traces (more pressure, values read twice by one op)
/// against the interpreter.
#[test]
fn longer_random_traces_match_the_interpreter() {
    let n = if cfg!(debug_assertions) { 100 } else { 1000 };
    backend_support::differential(Target::SysV64, GenConfig::all(WordSize::W64, 48), 1, n);
}

/// A preamble label and a loop label (the jump targets the second): both
/// register-allocated, the first label a plain copy.
#[test]
fn a_preamble_label_before_the_loop_label() {
    for target in Target::ALL {
        let mut t = TraceBuilder::new(target.word());
        let x = t.input(Type::Int);
        let f = t.input(Type::Float);
        let (_, p) = t.label(&[f, x, x]);
        let (f1, a, b) = (p[0], p[1], p[2]);
        let k = t.const_int(3);
        let a1 = t.int_bin(IntBinOp::Add, a, k);
        let (label, q) = t.label(&[b, a1, f1]);
        let (i, s, g) = (q[0], q[1], q[2]);
        let one = t.const_int(1);
        let i1 = t.int_bin(IntBinOp::Add, i, one);
        let s1 = t.int_bin(IntBinOp::Xor, s, i1);
        let g1 = t.float_bin(FloatBinOp::Mul, g, g);
        let lim = t.const_int(50);
        let more = t.int_bin(IntBinOp::Lt, i1, lim);
        t.guard_true(more, 7, &[Some(s1), Some(g1), None, Some(i1)]);
        t.jump(label, &[i1, s1, g1]);
        let t = t.build().unwrap();
        let c = compile(Compiler::new(target), &t);
        assert!(c.register_allocated(), "{target:?}");
        if target != Target::Cdecl32 {
            let inputs = [Val::Int(-4), Val::Float(1.0001)];
            let funcs = TestFunctions::new();
            let want = run_interp(&t, &inputs, &mut TestCalls::new(target.word(), &funcs));
            let got = run_compiled(target, &t, &inputs);
            assert!(got.same(&want), "{target:?}: {got:?} != {want:?}");
        }
    }
}

/// Win64: a trace using more than six XMM registers preserves the caller's
/// `xmm6..xmm15` (all 128 bits are saved; the harness checks the low 64)
/// and still computes the interpreter's result.
#[test]
fn win64_preserves_the_callers_xmm6_to_xmm15() {
    use jit_core::x86::{Assembler, Gpr, Mem, Mode, Size, Xmm};
    // harness(vals: *mut f64, inputs, deopt, entry) -> u32, Win64: loads
    // xmm6..xmm15 from vals, calls entry(inputs, deopt), stores them back.
    let mut a = Assembler::new(Mode::X64);
    a.push_r(Gpr::RBP).unwrap();
    a.mov_rr(Size::Q, Gpr::RBP, Gpr::RSP).unwrap();
    a.alu_ri(jit_core::x86::Alu::Sub, Size::Q, Gpr::RSP, 48)
        .unwrap();
    a.mov_mr(Size::Q, Mem::base(Gpr::RBP, -8), Gpr::RCX)
        .unwrap();
    for k in 0..10u8 {
        let x = Xmm::from_number(6 + k).unwrap();
        a.movsd_rm(x, Mem::base(Gpr::RCX, 8 * k as i32)).unwrap();
    }
    a.mov_rr(Size::Q, Gpr::RCX, Gpr::RDX).unwrap();
    a.mov_rr(Size::Q, Gpr::RDX, Gpr::R8).unwrap();
    a.call_r(Gpr::R9).unwrap();
    a.mov_rm(Size::Q, Gpr::RCX, Mem::base(Gpr::RBP, -8))
        .unwrap();
    for k in 0..10u8 {
        let x = Xmm::from_number(6 + k).unwrap();
        a.movsd_mr(Mem::base(Gpr::RCX, 8 * k as i32), x).unwrap();
    }
    a.mov_rr(Size::Q, Gpr::RSP, Gpr::RBP).unwrap();
    a.pop_r(Gpr::RBP).unwrap();
    a.ret().unwrap();
    let block = sealed(a.finish().unwrap().bytes());

    // Twelve floats live at once, summed at the end.
    let mut t = TraceBuilder::new(WordSize::W64);
    let x = t.input(Type::Float);
    let mut fs = vec![x];
    for k in 0..12 {
        let c = t.const_float(k as f64 + 0.5);
        let f = t.float_bin(FloatBinOp::Mul, fs[k], c);
        fs.push(f);
    }
    let mut s = fs[0];
    for &f in &fs[1..] {
        s = t.float_bin(FloatBinOp::Add, s, f);
    }
    t.finish(&[s], 0);
    let t = t.build().unwrap();
    let compiled = compile(Compiler::new(Target::Win64), &t);
    let inputs = [Val::Float(1.25)];
    let mut enc = vec![0u64; 1];
    compiled.encode_inputs(&inputs, &mut enc).unwrap();
    let mut deopt = vec![0u64; compiled.deopt_words()];
    let mut vals: Vec<f64> = (0..10).map(|k| k as f64 * 1.5 - 3.0).collect();
    let before = vals.clone();
    type Harness = extern "win64" fn(*mut f64, *const u64, *mut u64, usize) -> u32;
    let entry = block.entry(0).unwrap();
    // SAFETY: the block holds the harness above, sealed executable; the
    // trace touches no memory but its inputs and deopt buffer.
    let exit = unsafe {
        let h: Harness = std::mem::transmute(entry);
        h(
            vals.as_mut_ptr(),
            enc.as_ptr(),
            deopt.as_mut_ptr(),
            compiled.entry_address(),
        )
    };
    assert_eq!(vals, before, "xmm6..xmm15 clobbered");
    let got = compiled.decode_exit(exit, &deopt).unwrap();
    let funcs = TestFunctions::new();
    let want = run_interp(&t, &inputs, &mut TestCalls::new(WordSize::W64, &funcs));
    assert!(got.same(&want), "{got:?} != {want:?}");
}

/// A loop carrying exactly `k` int values, each step needing no register
/// beyond them (constants are immediates): `i += 1` against a constant
/// bound, then `p[j] += p[j + 1]`, the last one adding the new `i`.
fn k_live_loop(word: WordSize, k: usize) -> (Trace, std::ops::Range<u32>) {
    let mut t = TraceBuilder::new(word);
    let ins: Vec<_> = (0..k).map(|_| t.input(Type::Int)).collect();
    let (label, p) = t.label(&ins);
    let one = t.const_int(1);
    let bound = t.const_int(100);
    let i1 = t.int_bin(IntBinOp::Add, p[0], one);
    let more = t.int_bin(IntBinOp::Lt, i1, bound);
    let mut fail = vec![Some(i1)];
    fail.extend(p[1..].iter().map(|&v| Some(v)));
    t.guard_true(more, 1, &fail);
    let mut next = vec![i1];
    for j in 1..k {
        let other = if j + 1 < k { p[j + 1] } else { i1 };
        next.push(t.int_bin(IntBinOp::Add, p[j], other));
    }
    t.jump(label, &next);
    let t = t.build().unwrap();
    let label_op = t.ops().iter().position(|o| matches!(o, Op::Label { .. }));
    let body = label_op.unwrap() as u32 + 1..t.ops().len() as u32;
    (t, body)
}

/// The general registers (full width, numbered like the hardware) that
/// the code of ops `ops` reads or writes, `rsp`/`rbp` left out.
fn gprs_used(compiled: &CompiledTrace<UnixMemory>, ops: std::ops::Range<u32>) -> Vec<u32> {
    use iced_x86::Register;
    let bitness = if compiled.target().word() == WordSize::W64 {
        64
    } else {
        32
    };
    let mut used = Vec::new();
    let mut note = |r: Register| {
        let (r, q, d) = (r as u32, Register::RAX as u32, Register::EAX as u32);
        let n = if (q..q + 16).contains(&r) {
            r - q
        } else if (d..d + 16).contains(&r) {
            r - d
        } else {
            return;
        };
        if n != 4 && n != 5 && !used.contains(&n) {
            used.push(n);
        }
    };
    for r in compiled.op_ranges().filter(|r| ops.contains(&r.op)) {
        let code = &compiled.code()[r.start as usize..r.end as usize];
        let mut d = Decoder::new(bitness, code, DecoderOptions::NONE);
        let mut inst = Instruction::default();
        while d.can_decode() {
            d.decode_out(&mut inst);
            for k in 0..inst.op_count() {
                match inst.op_kind(k) {
                    OpKind::Register => note(inst.op_register(k)),
                    OpKind::Memory => {
                        note(inst.memory_base());
                        note(inst.memory_index());
                    }
                    _ => {}
                }
            }
        }
    }
    used.sort_unstable();
    used
}

#[test]
fn every_allocatable_gpr_carries_a_loop_value_6_on_x86_32_and_13_on_x86_64() {
    for target in Target::ALL {
        let k = if target == Target::Cdecl32 { 6 } else { 13 };
        let (t, body) = k_live_loop(target.word(), k);
        let c = compile(Compiler::new(target), &t);
        assert!(c.register_allocated(), "{target:?}");
        assert_eq!(
            memory_operands(&c, body.clone()),
            0,
            "{target:?}: {k} live values spilled in the loop body"
        );
        let used = gprs_used(&c, body);
        assert_eq!(used.len(), k, "{target:?}: registers {used:?}");
        if target == Target::Cdecl32 {
            // eax, ecx, edx, ebx, esi, edi: no register is held back as scratch.
            assert_eq!(used, [0, 1, 2, 3, 6, 7]);
        } else {
            // Everything but rsp, rbp and the scratch register r11.
            assert!(!used.contains(&11), "{target:?}: r11 allocated");
            let inputs: Vec<Val> = (0..k as i64).map(|v| Val::Int(v * 3 - 7)).collect();
            let funcs = TestFunctions::new();
            let want = run_interp(&t, &inputs, &mut TestCalls::new(target.word(), &funcs));
            let got = run_compiled(target, &t, &inputs);
            assert!(got.same(&want), "{target:?}: {got:?} != {want:?}");
        }
    }
}

/// Every exit (a guard's, whose shared exit path copies the frame's slots
/// with scratch registers, and a finish) leaves the caller's callee-saved
/// GPRs as they were: SysV `rbx r12..r15`, Win64 also `rsi rdi`; with
/// register allocation and with every value in a slot.
#[test]
fn exits_preserve_the_callers_callee_saved_registers() {
    use jit_core::x86::{Alu, Assembler, Gpr, Mem, Mode, Size};
    for target in [Target::SysV64, Target::Win64] {
        let win = target == Target::Win64;
        let kept: &[Gpr] = if win {
            &[
                Gpr::RBX,
                Gpr::RSI,
                Gpr::RDI,
                Gpr::R12,
                Gpr::R13,
                Gpr::R14,
                Gpr::R15,
            ]
        } else {
            &[Gpr::RBX, Gpr::R12, Gpr::R13, Gpr::R14, Gpr::R15]
        };
        // harness(vals, inputs, deopt, entry) -> u32: loads the kept
        // registers from vals, calls entry(inputs, deopt), stores them back
        // (Win64: `rsi`/`rdi` too, which its callers expect kept).
        // The harness itself is a SysV function; it calls the trace in the
        // trace's convention.
        let [vals, inputs, deopt, entry] = [Gpr::RDI, Gpr::RSI, Gpr::RDX, Gpr::RCX];
        let (arg0, arg1) = if win {
            (Gpr::RCX, Gpr::RDX)
        } else {
            (Gpr::RDI, Gpr::RSI)
        };
        let mut a = Assembler::new(Mode::X64);
        a.push_r(Gpr::RBP).unwrap();
        a.mov_rr(Size::Q, Gpr::RBP, Gpr::RSP).unwrap();
        for &r in kept {
            a.push_r(r).unwrap();
        }
        // Room for the vals pointer and Win64's shadow space, aligned.
        a.alu_ri(Alu::Sub, Size::Q, Gpr::RSP, 64).unwrap();
        a.mov_mr(Size::Q, Mem::base(Gpr::RSP, 48), vals).unwrap();
        a.mov_rr(Size::Q, Gpr::R10, vals).unwrap();
        a.mov_rr(Size::Q, Gpr::R11, entry).unwrap();
        a.mov_rr(Size::Q, Gpr::RAX, deopt).unwrap();
        a.mov_rr(Size::Q, arg0, inputs).unwrap();
        a.mov_rr(Size::Q, arg1, Gpr::RAX).unwrap();
        for (k, &r) in kept.iter().enumerate() {
            a.mov_rm(Size::Q, r, Mem::base(Gpr::R10, 8 * k as i32))
                .unwrap();
        }
        a.call_r(Gpr::R11).unwrap();
        a.mov_rm(Size::Q, Gpr::R10, Mem::base(Gpr::RSP, 48))
            .unwrap();
        for (k, &r) in kept.iter().enumerate() {
            a.mov_mr(Size::Q, Mem::base(Gpr::R10, 8 * k as i32), r)
                .unwrap();
        }
        a.lea(
            Size::Q,
            Gpr::RSP,
            Mem::base(Gpr::RBP, -8 * kept.len() as i32),
        )
        .unwrap();
        for &r in kept.iter().rev() {
            a.pop_r(r).unwrap();
        }
        a.pop_r(Gpr::RBP).unwrap();
        a.ret().unwrap();
        let block = sealed(a.finish().unwrap().bytes());
        let harness = block.entry(0).unwrap();

        // Enough live values to spill; `x > 0` decides the exit.
        let mut t = TraceBuilder::new(WordSize::W64);
        let x = t.input(Type::Int);
        let mut vs = vec![x];
        for k in 0..20 {
            let c = t.const_int(k * 7 + 1);
            vs.push(t.int_bin(IntBinOp::Mul, vs[k as usize], c));
        }
        let zero = t.const_int(0);
        let pos = t.int_bin(IntBinOp::Gt, x, zero);
        let fail: Vec<_> = vs.iter().map(|&v| Some(v)).collect();
        t.guard_true(pos, 3, &fail);
        let mut s = vs[0];
        for &v in &vs[1..] {
            s = t.int_bin(IntBinOp::Xor, s, v);
        }
        t.finish(&[s], 0);
        let t = t.build().unwrap();
        for compiler in [Compiler::new(target), Compiler::all_slots(target)] {
            let compiled = compile(compiler, &t);
            for input in [5i64, -5] {
                let inputs = [Val::Int(input)];
                let mut enc = vec![0u64; 1];
                compiled.encode_inputs(&inputs, &mut enc).unwrap();
                let mut deopt = vec![0u64; compiled.deopt_words()];
                let mut regs: Vec<u64> = (0..kept.len() as u64)
                    .map(|k| 0x5EED_0000_0000_0001 + (k << 20))
                    .collect();
                let before = regs.clone();
                type Harness = extern "C" fn(*mut u64, *const u64, *mut u64, usize) -> u32;
                // SAFETY: the harness above is a SysV function calling the
                // sealed trace, which touches only its inputs and deopt buffer.
                let exit = unsafe {
                    let h: Harness = std::mem::transmute(harness);
                    h(
                        regs.as_mut_ptr(),
                        enc.as_ptr(),
                        deopt.as_mut_ptr(),
                        compiled.entry_address(),
                    )
                };
                assert_eq!(
                    regs, before,
                    "{target:?} input {input}: callee-saved clobbered"
                );
                let got = compiled.decode_exit(exit, &deopt).unwrap();
                let funcs = TestFunctions::new();
                let want = run_interp(&t, &inputs, &mut TestCalls::new(WordSize::W64, &funcs));
                assert!(got.same(&want), "{target:?}: {got:?} != {want:?}");
            }
        }
    }
}
