//! Encoding throughput: jit-core's x86 encoder against iced-x86 and dynasm-rs.
//!
//! The same realistic JIT instruction mix (loads/stores with runtime base,
//! index and displacement, register moves, ALU with immediates, compares,
//! a backward conditional branch, a call, SSE2 scalar arithmetic) is encoded
//! three ways, interleaved round by round: with `jit_core::x86::Assembler`,
//! with iced-x86 (`Instruction::with*` + `Encoder`, as a JIT would drive it),
//! and with dynasm-rs (`dynasm!` into a `VecAssembler` with dynamic registers).
//! All operands come through `black_box`. The three outputs are decoded with
//! iced-x86 and compared instruction by instruction (mnemonic + operands).
//!
//! Run: `cargo run --release -p benches --bin encode`.

use std::hint::black_box;
use std::time::Instant;

use dynasmrt::{DynasmApi, DynasmLabelApi, dynasm};
use iced_x86::{
    Code, Decoder, DecoderOptions, Encoder, Instruction, MemoryOperand, OpKind, Register,
};
use jit_core::x86::{Alu, Assembler, CodeBuffer, Cond, Gpr, Mem, Mode, Scale, Shift, Size, Xmm};

/// Instructions per iteration of the mix.
const MIX: usize = 20;
/// Iterations per timed run.
const ITERS: usize = 500;
/// Interleaved rounds; the median is reported.
const ROUNDS: usize = 41;

/// Runtime operands of one iteration.
#[derive(Clone, Copy)]
struct Ops {
    a: u8,
    b: u8,
    c: u8,
    xa: u8,
    xb: u8,
    d1: i32,
    d2: i32,
    k8: i32,
    k32: i32,
    mask: i32,
    big: i64,
}

fn operands(mode: Mode) -> Vec<Ops> {
    let mut s = 0x1234_5678_9ABC_DEF1u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let n = mode.register_count() as u64;
    (0..ITERS)
        .map(|_| {
            let mut reg = |no_sp: bool| loop {
                let r = (next() % n) as u8;
                if !(no_sp && r == 4) {
                    break r;
                }
            };
            let (a, b, c) = (reg(true), reg(false), reg(true));
            let xa = (next() % n) as u8;
            let xb = (next() % n) as u8;
            let d1 = [8, -16, 120, 1024, 0][(next() % 5) as usize];
            let d2 = (next() % 4096) as i32 - 2048;
            Ops {
                a,
                b,
                c,
                xa,
                xb,
                d1,
                d2,
                k8: (next() % 200) as i32 - 100,
                k32: 0x1000 + (next() % 0x10000) as i32,
                mask: 0xFF0,
                big: 0x1234_5678_9A00 + (next() % 256) as i64,
            }
        })
        .collect()
}

fn g(n: u8) -> Gpr {
    Gpr::from_number(n).unwrap()
}
fn x(n: u8) -> Xmm {
    Xmm::from_number(n).unwrap()
}

// ---- ours ---------------------------------------------------------------

fn ours(mode: Mode, ops: &[Ops]) -> CodeBuffer {
    let w = if mode == Mode::X64 { Size::Q } else { Size::D };
    let mut asm = Assembler::new(mode);
    let func = asm.new_label();
    asm.bind(func).unwrap();
    for o in ops {
        let o = black_box(*o);
        let top = asm.new_label();
        asm.bind(top).unwrap();
        let (a, b, c) = (g(o.a), g(o.b), g(o.c));
        asm.mov_rm(w, a, Mem::base(b, o.d1)).unwrap();
        asm.mov_mr(w, Mem::base(b, o.d2), c).unwrap();
        asm.mov_rr(w, a, c).unwrap();
        asm.alu_ri(Alu::Add, w, a, o.k8 as i64).unwrap();
        asm.alu_ri(Alu::Sub, w, c, o.k32 as i64).unwrap();
        asm.alu_ri(Alu::And, Size::D, a, o.mask as i64).unwrap();
        asm.alu_rr(Alu::Cmp, w, a, c).unwrap();
        asm.imul_rr(w, a, b).unwrap();
        asm.lea(w, a, Mem::base_index(b, c, Scale::S8, o.d1))
            .unwrap();
        if mode == Mode::X64 {
            asm.mov_ri(Size::Q, a, o.big).unwrap();
        } else {
            asm.mov_ri(Size::D, a, o.k32 as i64).unwrap();
        }
        asm.test_rr(w, a, a).unwrap();
        asm.alu_mi(Alu::Cmp, w, Mem::base(b, o.d2), o.k8 as i64)
            .unwrap();
        asm.shift_ri(Shift::Shl, w, a, 3).unwrap();
        asm.movsd_rm(x(o.xa), Mem::base(b, o.d1)).unwrap();
        asm.addsd_rr(x(o.xa), x(o.xb)).unwrap();
        asm.cvtsi2sd_rr(x(o.xa), w, a).unwrap();
        asm.movsd_mr(Mem::base(b, o.d2), x(o.xa)).unwrap();
        asm.call_label(func).unwrap();
        asm.mov_rm(Size::D, a, Mem::base_index(b, c, Scale::S4, o.d2))
            .unwrap();
        asm.jcc(Cond::NE, top).unwrap();
    }
    asm.finish().unwrap()
}

// ---- iced-x86 ---------------------------------------------------------------

#[inline(always)]
fn put(enc: &mut Encoder, ip: &mut u64, i: Instruction) {
    *ip += enc.encode(&i, *ip).unwrap() as u64;
}

fn iced(mode: Mode, ops: &[Ops]) -> Vec<u8> {
    let x64 = mode == Mode::X64;
    let bits = if x64 { 64 } else { 32 };
    let first = if x64 { Register::RAX } else { Register::EAX };
    let gr = |n: u8| Register::try_from(first as usize + n as usize).unwrap();
    let e32 = |n: u8| Register::try_from(Register::EAX as usize + n as usize).unwrap();
    let xr = |n: u8| Register::try_from(Register::XMM0 as usize + n as usize).unwrap();
    let c = |q: Code, d: Code| if x64 { q } else { d };
    let mut enc = Encoder::new(bits);
    let mut ip = 0u64;
    for o in ops {
        let o = black_box(*o);
        let top = ip;
        let (a, b, cc) = (gr(o.a), gr(o.b), gr(o.c));
        let imm = |k: i32, i8c: Code, i32c: Code| if k as i8 as i32 == k { i8c } else { i32c };
        let m1 = MemoryOperand::with_base_displ(b, o.d1 as i64);
        let m2 = MemoryOperand::with_base_displ(b, o.d2 as i64);
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Mov_r64_rm64, Code::Mov_r32_rm32), a, m1).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Mov_rm64_r64, Code::Mov_rm32_r32), m2, cc).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Mov_rm64_r64, Code::Mov_rm32_r32), a, cc).unwrap(),
        );
        let code = if x64 {
            imm(o.k8, Code::Add_rm64_imm8, Code::Add_rm64_imm32)
        } else {
            imm(o.k8, Code::Add_rm32_imm8, Code::Add_rm32_imm32)
        };
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(code, a, o.k8).unwrap(),
        );
        let code = if x64 {
            imm(o.k32, Code::Sub_rm64_imm8, Code::Sub_rm64_imm32)
        } else {
            imm(o.k32, Code::Sub_rm32_imm8, Code::Sub_rm32_imm32)
        };
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(code, cc, o.k32).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(
                imm(o.mask, Code::And_rm32_imm8, Code::And_rm32_imm32),
                e32(o.a),
                o.mask,
            )
            .unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Cmp_rm64_r64, Code::Cmp_rm32_r32), a, cc).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Imul_r64_rm64, Code::Imul_r32_rm32), a, b).unwrap(),
        );
        let lm = MemoryOperand::with_base_index_scale_displ_size(b, cc, 8, o.d1 as i64, 1);
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Lea_r64_m, Code::Lea_r32_m), a, lm).unwrap(),
        );
        if x64 {
            put(
                &mut enc,
                &mut ip,
                Instruction::with2(Code::Mov_r64_imm64, a, o.big).unwrap(),
            );
        } else {
            put(
                &mut enc,
                &mut ip,
                Instruction::with2(Code::Mov_r32_imm32, a, o.k32).unwrap(),
            );
        }
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Test_rm64_r64, Code::Test_rm32_r32), a, a).unwrap(),
        );
        let code = if x64 {
            imm(o.k8, Code::Cmp_rm64_imm8, Code::Cmp_rm64_imm32)
        } else {
            imm(o.k8, Code::Cmp_rm32_imm8, Code::Cmp_rm32_imm32)
        };
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(code, m2, o.k8).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(c(Code::Shl_rm64_imm8, Code::Shl_rm32_imm8), a, 3u32).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(Code::Movsd_xmm_xmmm64, xr(o.xa), m1).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(Code::Addsd_xmm_xmmm64, xr(o.xa), xr(o.xb)).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(
                c(Code::Cvtsi2sd_xmm_rm64, Code::Cvtsi2sd_xmm_rm32),
                xr(o.xa),
                a,
            )
            .unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(Code::Movsd_xmmm64_xmm, m2, xr(o.xa)).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with_branch(c(Code::Call_rel32_64, Code::Call_rel32_32), 0).unwrap(),
        );
        let m4 = MemoryOperand::with_base_index_scale_displ_size(b, cc, 4, o.d2 as i64, 1);
        put(
            &mut enc,
            &mut ip,
            Instruction::with2(Code::Mov_r32_rm32, e32(o.a), m4).unwrap(),
        );
        put(
            &mut enc,
            &mut ip,
            Instruction::with_branch(c(Code::Jne_rel32_64, Code::Jne_rel32_32), top).unwrap(),
        );
    }
    enc.take_buffer()
}

// ---- dynasm-rs ---------------------------------------------------------------

// dynasm!'s expansion converts dynamic register numbers with `.into()`.
#[allow(clippy::useless_conversion)]
fn dynasm64(ops: &[Ops]) -> Vec<u8> {
    let mut d = dynasmrt::VecAssembler::<dynasmrt::x64::X64Relocation>::new(0);
    let func = d.new_dynamic_label();
    dynasm!(d ; .arch x64 ; =>func);
    for o in ops {
        let o = black_box(*o);
        let top = d.new_dynamic_label();
        let (a, b, c, xa, xb) = (o.a, o.b, o.c, o.xa, o.xb);
        let (d1, d2, k8, k32, mask, big) = (o.d1, o.d2, o.k8, o.k32, o.mask, o.big);
        dynasm!(d
            ; .arch x64
            ; =>top
            ; mov Rq(a), QWORD [Rq(b) + d1]
            ; mov QWORD [Rq(b) + d2], Rq(c)
            ; mov Rq(a), Rq(c)
            ; add Rq(a), k8
            ; sub Rq(c), k32
            ; and Rd(a), mask
            ; cmp Rq(a), Rq(c)
            ; imul Rq(a), Rq(b)
            ; lea Rq(a), [Rq(b) + Rq(c) * 8 + d1]
            ; mov Rq(a), QWORD big
            ; test Rq(a), Rq(a)
            ; cmp QWORD [Rq(b) + d2], k8
            ; shl Rq(a), 3
            ; movsd Rx(xa), QWORD [Rq(b) + d1]
            ; addsd Rx(xa), Rx(xb)
            ; cvtsi2sd Rx(xa), Rq(a)
            ; movsd QWORD [Rq(b) + d2], Rx(xa)
            ; call =>func
            ; mov Rd(a), DWORD [Rq(b) + Rq(c) * 4 + d2]
            ; jne =>top
        );
    }
    d.finalize().unwrap()
}

// dynasm!'s expansion converts dynamic register numbers with `.into()`.
#[allow(clippy::useless_conversion)]
fn dynasm32(ops: &[Ops]) -> Vec<u8> {
    let mut d = dynasmrt::VecAssembler::<dynasmrt::x86::X86Relocation>::new(0);
    let func = d.new_dynamic_label();
    dynasm!(d ; .arch x86 ; =>func);
    for o in ops {
        let o = black_box(*o);
        let top = d.new_dynamic_label();
        let (a, b, c, xa, xb) = (o.a, o.b, o.c, o.xa, o.xb);
        let (d1, d2, k8, k32, mask) = (o.d1, o.d2, o.k8, o.k32, o.mask);
        dynasm!(d
            ; .arch x86
            ; =>top
            ; mov Rd(a), DWORD [Rd(b) + d1]
            ; mov DWORD [Rd(b) + d2], Rd(c)
            ; mov Rd(a), Rd(c)
            ; add Rd(a), k8
            ; sub Rd(c), k32
            ; and Rd(a), mask
            ; cmp Rd(a), Rd(c)
            ; imul Rd(a), Rd(b)
            ; lea Rd(a), [Rd(b) + Rd(c) * 8 + d1]
            ; mov Rd(a), k32
            ; test Rd(a), Rd(a)
            ; cmp DWORD [Rd(b) + d2], k8
            ; shl Rd(a), 3
            ; movsd Rx(xa), QWORD [Rd(b) + d1]
            ; addsd Rx(xa), Rx(xb)
            ; cvtsi2sd Rx(xa), Rd(a)
            ; movsd QWORD [Rd(b) + d2], Rx(xa)
            ; call =>func
            ; mov Rd(a), DWORD [Rd(b) + Rd(c) * 4 + d2]
            ; jne =>top
        );
    }
    d.finalize().unwrap()
}

// ---- comparison and timing ------------------------------------------------------

/// One decoded instruction as mnemonic + operands (immediates sign-extended
/// from their field, branch targets absolute), independent of encoding choice.
fn describe(mode: Mode, code: &[u8]) -> Vec<String> {
    let bits = if mode == Mode::X64 { 64 } else { 32 };
    let mut dec = Decoder::with_ip(bits, code, 0, DecoderOptions::NONE);
    let mut out = Vec::new();
    while dec.can_decode() {
        let i = dec.decode();
        let mut s = format!("{:?}", i.mnemonic());
        for k in 0..i.op_count() {
            let op = match i.op_kind(k) {
                OpKind::Register => format!("{:?}", i.op_register(k)),
                OpKind::Memory => format!(
                    "[{:?}+{:?}*{}+{:#x}]:{}",
                    i.memory_base(),
                    i.memory_index(),
                    i.memory_index_scale(),
                    i.memory_displacement64(),
                    i.memory_size().size()
                ),
                OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64 => {
                    format!("->{:#x}", i.near_branch_target())
                }
                OpKind::Immediate8
                | OpKind::Immediate8to16
                | OpKind::Immediate8to32
                | OpKind::Immediate8to64 => {
                    format!("{}", i.immediate8() as i8)
                }
                OpKind::Immediate16 => format!("{}", i.immediate16() as i16),
                OpKind::Immediate32 | OpKind::Immediate32to64 => {
                    format!("{}", i.immediate32() as i32)
                }
                OpKind::Immediate64 => format!("{}", i.immediate64() as i64),
                k => format!("{k:?}"),
            };
            s.push(' ');
            s.push_str(&op);
        }
        out.push(s);
    }
    out
}

/// Branch targets differ between encoders that pick rel8 vs rel32 (offsets
/// shift), so compare them as "index of the target instruction".
fn normalise(mode: Mode, code: &[u8]) -> Vec<String> {
    let bits = if mode == Mode::X64 { 64 } else { 32 };
    let mut dec = Decoder::with_ip(bits, code, 0, DecoderOptions::NONE);
    let mut starts = Vec::new();
    while dec.can_decode() {
        starts.push(dec.ip());
        let _ = dec.decode();
    }
    describe(mode, code)
        .into_iter()
        .map(|s| {
            if let Some(p) = s.find("->") {
                let t = u64::from_str_radix(s[p + 4..].trim(), 16).unwrap();
                let idx = starts.binary_search(&t).map(|i| i as i64).unwrap_or(-1);
                format!("{}->#{}", &s[..p], idx)
            } else {
                s
            }
        })
        .collect()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

struct Result3 {
    ns: [f64; 3],
    bytes: [f64; 3],
}

fn bench(mode: Mode) -> Result3 {
    let ops = operands(mode);
    let dyn_fn: fn(&[Ops]) -> Vec<u8> = if mode == Mode::X64 {
        dynasm64
    } else {
        dynasm32
    };
    let outs = [
        ours(mode, &ops).bytes().to_vec(),
        iced(mode, &ops),
        dyn_fn(&ops),
    ];
    let reference = normalise(mode, &outs[0]);
    assert_eq!(reference.len(), ITERS * MIX, "ours: instruction count");
    for (name, out) in [("iced-x86", &outs[1]), ("dynasm-rs", &outs[2])] {
        let other = normalise(mode, out);
        assert_eq!(other.len(), reference.len(), "{name}: instruction count");
        for (k, (r, o)) in reference.iter().zip(&other).enumerate() {
            assert_eq!(
                r, o,
                "{mode:?}: instruction {k} differs between ours and {name}"
            );
        }
    }
    let mut times: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let n = (ITERS * MIX) as f64;
    for _ in 0..ROUNDS {
        for (k, t) in times.iter_mut().enumerate() {
            let start = Instant::now();
            let len = match k {
                0 => black_box(ours(mode, black_box(&ops))).bytes().len(),
                1 => black_box(iced(mode, black_box(&ops))).len(),
                _ => black_box(dyn_fn(black_box(&ops))).len(),
            };
            let el = start.elapsed().as_nanos() as f64;
            black_box(len);
            t.push(el / n);
        }
    }
    let ns = [
        median(&mut times[0]),
        median(&mut times[1]),
        median(&mut times[2]),
    ];
    let bytes = [
        outs[0].len() as f64 / n,
        outs[1].len() as f64 / n,
        outs[2].len() as f64 / n,
    ];
    Result3 { ns, bytes }
}

fn main() {
    println!(
        "encode benchmark: {MIX}-instruction JIT mix x {ITERS} iterations, median of {ROUNDS} interleaved rounds"
    );
    println!("all three outputs decode (iced-x86) to the same instruction sequence in each mode");
    println!(
        "x86-32 runs the same mix with 32-bit registers and `mov r32, imm32` in place of `movabs` (no 64-bit immediates there)"
    );
    let mut r64 = None;
    for mode in [Mode::X64, Mode::X86] {
        let r = bench(mode);
        let label = if mode == Mode::X64 {
            "x86-64"
        } else {
            "x86-32"
        };
        println!("{label}:");
        for (k, name) in ["jit-core", "iced-x86", "dynasm-rs"].iter().enumerate() {
            println!(
                "  {name:<10} {:7.2} ns/instr  {:5.2} bytes/instr",
                r.ns[k], r.bytes[k]
            );
        }
        println!(
            "  ratio vs dynasm-rs {:.2}, vs iced-x86 {:.2}",
            r.ns[2] / r.ns[0],
            r.ns[1] / r.ns[0]
        );
        if mode == Mode::X64 {
            r64 = Some(r);
        }
    }
    let r = r64.unwrap();
    println!("encode ratio vs dynasm-rs: {:.2}", r.ns[2] / r.ns[0]);
    println!("encode ratio vs iced-x86: {:.2}", r.ns[1] / r.ns[0]);
}
