//! The same assembler programs run natively in x86-64 and, through the
//! compat-mode gate, in x86-32: a constant, a loop, memory operands with every
//! addressing special case, and SSE2 float arithmetic. Results are compared with
//! values computed in Rust.
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use jit_core::x86::{Alu, Assembler, Cond, EncodeError, Gpr, Mem, Mode, Scale, Shift, Size, Xmm};
use os_glue::gate32::{Gate32, LowBuffer};
use quickcheck::{QuickCheck, TestResult};
use tests::low::low_code;

const MODES: [Mode; 2] = [Mode::X64, Mode::X86];

/// The machine word operand size of `mode`.
fn word(mode: Mode) -> Size {
    match mode {
        Mode::X64 => Size::Q,
        Mode::X86 => Size::D,
    }
}

/// Load the first three integer arguments into RCX, RDX, RAX (SysV registers
/// in 64-bit mode, cdecl stack slots in 32-bit mode), so bodies are mode-free.
fn load_args(asm: &mut Assembler, nargs: usize) -> Result<(), EncodeError> {
    let dst = [Gpr::RCX, Gpr::RDX, Gpr::RAX];
    match asm.mode() {
        Mode::X64 => {
            let src = [Gpr::RDI, Gpr::RSI, Gpr::RDX];
            for i in (0..nargs).rev() {
                asm.mov_rr(Size::Q, dst[i], src[i])?;
            }
        }
        Mode::X86 => {
            for (i, &r) in dst.iter().enumerate().take(nargs) {
                asm.mov_rm(Size::D, r, Mem::base(Gpr::RSP, 4 + 4 * i as i32))?;
            }
        }
    }
    Ok(())
}

/// Assemble with `body`, place the code below 4 GiB and run it with `args` in `mode`.
/// Returns RAX (64-bit) or EDX:EAX (32-bit).
fn run(
    mode: Mode,
    args: &[u32],
    body: impl Fn(&mut Assembler) -> Result<(), EncodeError>,
) -> (u64, Vec<u8>) {
    let mut asm = Assembler::new(mode);
    body(&mut asm).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    let bytes = asm.finish().unwrap().bytes().to_vec();
    let code = low_code(&bytes);
    let result = match mode {
        Mode::X64 => {
            let mut a = [0u64; 3];
            for (slot, &v) in a.iter_mut().zip(args) {
                *slot = u64::from(v);
            }
            // SAFETY: the sealed code is a complete SysV function taking three integer
            // arguments; it touches only memory the test passes in.
            let f: extern "C" fn(u64, u64, u64) -> u64 =
                unsafe { std::mem::transmute(code.entry as usize) };
            f(a[0], a[1], a[2])
        }
        Mode::X86 => {
            let gate = Gate32::new().unwrap();
            // SAFETY: the code is a complete cdecl function; memory it touches lies below 4 GiB.
            unsafe { gate.call32(code.entry, args) }.unwrap()
        }
    };
    (result, bytes)
}

#[test]
fn a_function_returns_a_constant_in_both_modes() {
    for mode in MODES {
        let (got, _) = run(mode, &[], |asm| {
            asm.mov_ri(Size::D, Gpr::RAX, 0x1234_5678)?;
            asm.mov_ri(Size::D, Gpr::RDX, 0)?;
            asm.ret()
        });
        assert_eq!(got, 0x1234_5678, "{mode:?}");
    }
    // The 64-bit immediate load picks its form by value; each must be right.
    for value in [
        0i64,
        -1,
        0x7fff_ffff,
        0x8000_0000,
        -0x8000_0000,
        0x1122_3344_5566_7788,
        i64::MIN,
    ] {
        let (got, _) = run(Mode::X64, &[], |asm| {
            asm.mov_ri(Size::Q, Gpr::RAX, value)?;
            asm.ret()
        });
        assert_eq!(got as i64, value);
    }
}

/// `sum = n + (n-1) + ... + 1` with a backward loop; wraps at the word size.
fn sum_loop(asm: &mut Assembler) -> Result<(), EncodeError> {
    let w = word(asm.mode());
    load_args(asm, 1)?;
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RAX, Gpr::RAX)?;
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RDX, Gpr::RDX)?;
    let (top, done) = (asm.new_label(), asm.new_label());
    asm.bind(top)?;
    asm.test_rr(w, Gpr::RCX, Gpr::RCX)?;
    asm.jcc(Cond::E, done)?;
    asm.alu_rr(Alu::Add, w, Gpr::RAX, Gpr::RCX)?;
    asm.dec_r(w, Gpr::RCX)?;
    asm.jmp(top)?;
    asm.bind(done)?;
    asm.ret()
}

#[test]
fn a_loop_sums_one_to_n_in_both_modes() {
    fn prop(n: u32) -> TestResult {
        let n = n % 200_000;
        let expected = (u64::from(n) * (u64::from(n) + 1)) / 2;
        for mode in MODES {
            let (got, _) = run(mode, &[n], sum_loop);
            let want = match mode {
                Mode::X64 => expected,
                Mode::X86 => expected & 0xffff_ffff,
            };
            if got != want {
                return TestResult::error(format!("{mode:?}: sum(1..={n}) = {got}, want {want}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new()
        .tests(40)
        .quickcheck(prop as fn(u32) -> TestResult);
    assert_eq!(run(Mode::X86, &[0], sum_loop).0, 0);
}

/// Sum 32-bit words of a buffer read through every addressing form the mode has.
/// Arguments: buffer address (RCX), index (RDX). Returns the sum in EAX.
fn memory_forms(asm: &mut Assembler, buf: u32) -> Result<(), EncodeError> {
    let mode = asm.mode();
    let w = word(mode);
    load_args(asm, 2)?;
    asm.push_r(Gpr::RBX)?;
    asm.push_r(Gpr::RBP)?;
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RAX, Gpr::RAX)?;
    let add = |asm: &mut Assembler, m: Mem| asm.alu_rm(Alu::Add, Size::D, Gpr::RAX, m);
    add(asm, Mem::base(Gpr::RCX, 0))?; // [base]: plain ModRM
    add(asm, Mem::base(Gpr::RCX, 127))?; // largest disp8 (unaligned read on purpose)
    add(asm, Mem::base(Gpr::RCX, 128))?; // smallest positive disp32
    add(asm, Mem::base_index(Gpr::RCX, Gpr::RDX, Scale::S4, 12))?; // SIB with disp8
    add(asm, Mem::base_index(Gpr::RCX, Gpr::RDX, Scale::S1, 300))?; // SIB with disp32
    add(asm, Mem::base_index(Gpr::RCX, Gpr::RDX, Scale::S8, 0))?; // SIB, no displacement
    add(asm, Mem::base_index(Gpr::RCX, Gpr::RDX, Scale::S2, 0))?;
    add(asm, Mem::index_only(Gpr::RDX, Scale::S4, buf as i32 + 40))?; // no base: disp32 + index
    // Negative displacements: point RBX past the data and reach back.
    asm.lea(w, Gpr::RBX, Mem::base(Gpr::RCX, 512))?;
    add(asm, Mem::base(Gpr::RBX, -128))?; // smallest disp8
    add(asm, Mem::base(Gpr::RBX, -129))?; // largest negative disp32
    // RBP as base needs an explicit zero displacement.
    asm.mov_rr(w, Gpr::RBP, Gpr::RCX)?;
    add(asm, Mem::base(Gpr::RBP, 0))?;
    add(asm, Mem::base_index(Gpr::RBP, Gpr::RDX, Scale::S4, 0))?;
    // RSP as base needs a SIB byte.
    asm.mov_rm(Size::D, Gpr::RBX, Mem::base(Gpr::RCX, 64))?;
    asm.push_r(Gpr::RBX)?;
    add(asm, Mem::base(Gpr::RSP, 0))?;
    asm.alu_ri(Alu::Sub, w, Gpr::RSP, 16)?;
    asm.mov_mr(Size::D, Mem::base(Gpr::RSP, 8), Gpr::RBX)?;
    add(asm, Mem::base(Gpr::RSP, 8))?;
    asm.alu_ri(Alu::Add, w, Gpr::RSP, 16 + mode.word_bytes() as i64)?;
    match mode {
        Mode::X86 => add(asm, Mem::abs(buf + 20))?, // absolute disp32
        Mode::X64 => {
            // R12 as base needs SIB, R13 as base needs a displacement; both as index too.
            for r in [Gpr::R12, Gpr::R13] {
                asm.push_r(r)?;
                asm.mov_rr(Size::Q, r, Gpr::RCX)?;
                add(asm, Mem::base(r, 0))?;
                add(asm, Mem::base(r, 24))?;
                asm.mov_rr(Size::Q, r, Gpr::RDX)?;
                add(asm, Mem::base_index(Gpr::RCX, r, Scale::S4, 8))?; // as index
                asm.pop_r(r)?;
            }
            // RIP-relative: read the function's own first four bytes.
            let here = asm.offset() as i32;
            add(asm, Mem::rip(-(here + 6)))?; // `add eax, [rip+disp32]` is 6 bytes
        }
    }
    asm.pop_r(Gpr::RBP)?;
    asm.pop_r(Gpr::RBX)?;
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RDX, Gpr::RDX)?;
    asm.ret()
}

#[test]
fn memory_operands_with_every_addressing_case_read_the_right_cells() {
    let mut buf = LowBuffer::new(4096).unwrap();
    for (i, b) in buf.as_mut_slice().iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8;
    }
    let base = buf.addr32();
    assert!(
        base < 0x8000_0000,
        "disp32 must sign-extend to the buffer address"
    );
    let data = buf.as_slice().to_vec();
    let at =
        |off: u32| u32::from_le_bytes(data[off as usize..off as usize + 4].try_into().unwrap());
    for mode in MODES {
        for index in [0u32, 1, 5, 17] {
            let (got, code) = run(mode, &[base, index], |asm| memory_forms(asm, base));
            let mut want = [
                at(0),
                at(127),
                at(128),
                at(4 * index + 12),
                at(index + 300),
                at(8 * index),
                at(2 * index),
                at(4 * index + 40),
                at(512 - 128),
                at(512 - 129),
                at(0),
                at(4 * index),
                at(64),
                at(64),
            ]
            .iter()
            .fold(0u32, |s, &v| s.wrapping_add(v));
            match mode {
                Mode::X86 => want = want.wrapping_add(at(20)),
                Mode::X64 => {
                    for _ in [Gpr::R12, Gpr::R13] {
                        want = [at(0), at(24), at(4 * index + 8)]
                            .iter()
                            .fold(want, |s, &v| s.wrapping_add(v));
                    }
                    let first = u32::from_le_bytes(code[..4].try_into().unwrap());
                    want = want.wrapping_add(first);
                }
            }
            assert_eq!(got as u32, want, "{mode:?} index {index}");
        }
    }
}

/// Float kernel over `in = [a, b, sign mask, abs mask, k: i32]`, writing
/// results to `out`: arithmetic, sqrt, min/max, conversions, sign tricks,
/// gpr<->xmm moves and NaN-aware comparisons.
fn float_kernel(asm: &mut Assembler) -> Result<(), EncodeError> {
    load_args(asm, 2)?; // RCX = in, RDX = out
    let (a, b, t, u) = (Xmm::XMM0, Xmm::XMM1, Xmm::XMM2, Xmm::XMM3);
    let inp = |off: i32| Mem::base(Gpr::RCX, off);
    let out = |i: i32| Mem::base(Gpr::RDX, 8 * i);
    asm.movsd_rm(a, inp(0))?;
    asm.movsd_rm(b, inp(8))?;
    // out[0] = (a + b) * a - b / k
    asm.movapd_rr(t, a)?;
    asm.addsd_rr(t, b)?;
    asm.mulsd_rr(t, a)?;
    asm.movaps_rr(u, b)?;
    asm.cvtsi2sd_rm(Xmm::XMM7, Size::D, inp(32))?;
    asm.divsd_rr(u, Xmm::XMM7)?;
    asm.subsd_rr(t, u)?;
    asm.movsd_mr(out(0), t)?;
    // out[1] = sqrt(|a|), the absolute value through the mask
    asm.movq_xm(t, inp(24))?;
    asm.andpd_rr(t, a)?;
    asm.sqrtsd_rr(t, t)?;
    asm.movsd_mr(out(1), t)?;
    // out[2] = minsd(a, b), out[3] = maxsd(a, [b])
    asm.movsd_rr(t, a)?;
    asm.minsd_rr(t, b)?;
    asm.movsd_mr(out(2), t)?;
    asm.movsd_rr(t, a)?;
    asm.maxsd_rm(t, inp(8))?;
    asm.movsd_mr(out(3), t)?;
    // out[4] = -a through the sign mask; out[5] = f64(f32(b))
    asm.movsd_rm(t, inp(16))?;
    asm.xorpd_rr(t, a)?;
    asm.movsd_mr(out(4), t)?;
    asm.cvtsd2ss_rr(t, b)?;
    asm.cvtss2sd_rr(t, t)?;
    asm.movsd_mr(out(5), t)?;
    // out[6] = trunc(a * b) as i32, through a gpr and back through an xmm
    asm.movsd_rr(t, a)?;
    asm.mulsd_rr(t, b)?;
    asm.pxor_rr(u, u)?;
    asm.movsd_mr(out(6), u)?;
    asm.cvttsd2si_rr(Size::D, Gpr::RAX, t)?;
    asm.movd_xr(u, Gpr::RAX)?;
    asm.movd_mx(out(6), u)?;
    // out[7] = low half of a's bits, read with movd xmm -> gpr
    asm.movq_mx(out(7), u)?;
    asm.movd_rx(Gpr::RAX, a)?;
    asm.mov_mr(Size::D, out(7), Gpr::RAX)?;
    // out[8] = bit0: a > b (ucomisd), bit1: unordered, bit2: equal or unordered (comisd)
    asm.movq_mx(out(8), u)?;
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RAX, Gpr::RAX)?;
    asm.ucomisd_rr(a, b)?;
    asm.setcc(Cond::A, Gpr::RAX)?;
    asm.setcc(Cond::P, Gpr::RCX)?;
    asm.movzx_rr(Size::D, Gpr::RCX, Size::B, Gpr::RCX)?;
    asm.shift_ri(Shift::Shl, Size::D, Gpr::RCX, 1)?;
    asm.alu_rr(Alu::Or, Size::D, Gpr::RAX, Gpr::RCX)?;
    asm.comisd_rr(a, b)?;
    asm.setcc(Cond::E, Gpr::RCX)?;
    asm.movzx_rr(Size::D, Gpr::RCX, Size::B, Gpr::RCX)?;
    asm.shift_ri(Shift::Shl, Size::D, Gpr::RCX, 2)?;
    asm.alu_rr(Alu::Or, Size::D, Gpr::RAX, Gpr::RCX)?;
    asm.mov_mr(Size::D, out(8), Gpr::RAX)?;
    asm.ret()
}

/// What `float_kernel` must write, computed with Rust floats and x86's rules
/// for minsd/maxsd (second operand unless strictly less/greater) and cvttsd2si.
fn float_kernel_expected(a: f64, b: f64, k: i32) -> [u64; 9] {
    let x = a * b;
    let trunc = if x > -2_147_483_649.0 && x < 2_147_483_648.0 {
        x as i32
    } else {
        i32::MIN
    };
    let unordered = a.is_nan() || b.is_nan();
    let flags =
        u64::from(a > b) | (u64::from(unordered) << 1) | (u64::from(unordered || a == b) << 2);
    [
        ((a + b) * a - b / f64::from(k)).to_bits(),
        a.abs().sqrt().to_bits(),
        if a < b { a } else { b }.to_bits(),
        if a > b { a } else { b }.to_bits(),
        (-a).to_bits(),
        f64::from(b as f32).to_bits(),
        u64::from(trunc as u32),
        a.to_bits() & 0xffff_ffff,
        flags,
    ]
}

#[test]
fn sse2_float_arithmetic_matches_rust_in_both_modes() {
    let mut inp = LowBuffer::new(4096).unwrap();
    let mut out = LowBuffer::new(4096).unwrap();
    let (inp_addr, out_addr) = (inp.addr32(), out.addr32());
    let mut check = move |a: f64, b: f64, k: i32| -> Result<(), String> {
        for mode in MODES {
            let words = [
                a.to_bits(),
                b.to_bits(),
                1 << 63,
                !(1 << 63),
                k as u32 as u64,
            ];
            for (i, w) in words.iter().enumerate() {
                inp.as_mut_slice()[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
            }
            out.as_mut_slice().fill(0xAA);
            run(mode, &[inp_addr, out_addr], float_kernel);
            let got: Vec<u64> = (0..9)
                .map(|i| u64::from_le_bytes(out.as_slice()[8 * i..8 * i + 8].try_into().unwrap()))
                .collect();
            let want = float_kernel_expected(a, b, k);
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                // NaN payloads are the hardware's choice; only NaN-ness must agree.
                let both_nan = i < 6 && f64::from_bits(*g).is_nan() && f64::from_bits(w).is_nan();
                if *g != w && !both_nan {
                    return Err(format!(
                        "{mode:?} a={a:e} b={b:e} k={k}: out[{i}] = {g:#x}, want {w:#x}"
                    ));
                }
            }
        }
        Ok(())
    };
    let specials = [
        0.0,
        -0.0,
        1.5,
        -2.25,
        1e300,
        -1e-300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        3e9,
    ];
    for &a in &specials {
        for &b in &specials {
            check(a, b, 3).unwrap();
        }
    }
    // Random operands from quickcheck's generator (which favours edge values).
    let mut g = quickcheck::Gen::new(1000);
    for _ in 0..300 {
        let (a, b, k): (f64, f64, i32) = quickcheck::Arbitrary::arbitrary(&mut g);
        check(a, b, if k == 0 { 7 } else { k }).unwrap();
    }
}
