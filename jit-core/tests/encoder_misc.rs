//! Encoder pieces the golden/random suites do not reach: the error texts,
//! memory-operand helpers, and indirect jumps/calls (checked against iced-x86).

use iced_x86::{Decoder, DecoderOptions, MemorySize, Mnemonic, OpKind, Register};
use jit_core::x86::{Assembler, EncodeError, Gpr, Label, Mem, MemKind, Mode, Scale};

/// Every variant with the exact message it must print: a change is visible in review.
const MESSAGES: [(EncodeError, &str); 14] = [
    (
        EncodeError::RegisterNotInMode,
        "register 8..15 does not exist in 32-bit mode",
    ),
    (
        EncodeError::RexByteRegisterIn32Bit,
        "spl/bpl/sil/dil need REX, unavailable in 32-bit mode",
    ),
    (
        EncodeError::OperandSizeNotInMode,
        "64-bit operand size does not exist in 32-bit mode",
    ),
    (
        EncodeError::OperandSizeNotSupported,
        "instruction form does not take this operand size",
    ),
    (
        EncodeError::FormNotInMode,
        "instruction form does not exist in this mode",
    ),
    (
        EncodeError::RipRelativeIn32Bit,
        "rip-relative addressing does not exist in 32-bit mode",
    ),
    (EncodeError::BadIndex, "rsp cannot be an index register"),
    (
        EncodeError::ImmediateTooLarge,
        "immediate does not fit the instruction's immediate field",
    ),
    (
        EncodeError::DisplacementOverflow,
        "displacement or branch distance out of range",
    ),
    (EncodeError::LabelUnbound, "label used but never bound"),
    (EncodeError::LabelBoundTwice, "label bound twice"),
    (
        EncodeError::UnknownLabel,
        "label does not belong to this assembler",
    ),
    (
        EncodeError::BadLength,
        "nop length must be 1..=15 and alignment a power of two",
    ),
    (EncodeError::PatchOutOfBounds, "patch site outside the code"),
];

#[test]
fn every_encode_error_prints_its_documented_message() {
    let mut seen = std::collections::HashSet::new();
    for (e, text) in MESSAGES {
        assert_eq!(e.to_string(), text, "{e:?}");
        assert!(seen.insert(text), "two variants share the message {text:?}");
        // std::error::Error is implemented (the `std` feature is on in tests).
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), text);
    }
}

#[test]
fn scale_factor_round_trips_and_rejects_other_multipliers() {
    for s in [Scale::S1, Scale::S2, Scale::S4, Scale::S8] {
        assert_eq!(Scale::from_factor(s.factor()), Some(s));
    }
    assert_eq!(
        [Scale::S1, Scale::S2, Scale::S4, Scale::S8].map(Scale::factor),
        [1, 2, 4, 8]
    );
    for f in [0, 3, 5, 6, 7, 9, 16, u32::MAX] {
        assert_eq!(Scale::from_factor(f), None, "factor {f}");
    }
}

#[test]
fn mem_kind_reports_the_constructed_shape() {
    assert_eq!(
        Mem::base(Gpr::R12, -8).kind(),
        MemKind::Based {
            base: Gpr::R12,
            index: None
        }
    );
    assert_eq!(
        Mem::base_index(Gpr::RBP, Gpr::R9, Scale::S4, 16).kind(),
        MemKind::Based {
            base: Gpr::RBP,
            index: Some((Gpr::R9, Scale::S4))
        }
    );
    assert_eq!(
        Mem::index_only(Gpr::RCX, Scale::S8, 0x100).kind(),
        MemKind::IndexOnly {
            index: Gpr::RCX,
            scale: Scale::S8
        }
    );
    assert_eq!(Mem::rip(-4).kind(), MemKind::Rip);
    assert_eq!(Mem::abs(0x8000_0000).kind(), MemKind::Abs);
    let mut a = Assembler::new(Mode::X64);
    let l: Label = a.new_label();
    assert_eq!(Mem::rip_label(l).kind(), MemKind::RipLabel { label: l });
}

#[test]
fn mem_disp_and_offset_wrap_and_keep_the_shape() {
    let m = Mem::base_index(Gpr::RAX, Gpr::RBX, Scale::S2, 100);
    assert_eq!(m.disp(), 100);
    let o = m.offset(-150);
    assert_eq!(o.disp(), -50);
    assert_eq!(o.kind(), m.kind());
    assert_eq!(o, Mem::base_index(Gpr::RAX, Gpr::RBX, Scale::S2, -50));
    assert_eq!(Mem::base(Gpr::RSP, i32::MAX).offset(1).disp(), i32::MIN);
    // An absolute address keeps its bits (0xFFFF_FFFF reads back as -1).
    assert_eq!(Mem::abs(u32::MAX).disp(), -1);
}

/// Decodes exactly one instruction covering all of `code`.
fn one(mode: Mode, code: &[u8]) -> iced_x86::Instruction {
    let bits = if mode == Mode::X64 { 64 } else { 32 };
    let mut d = Decoder::new(bits, code, DecoderOptions::NONE);
    let i = d.decode();
    assert!(!i.is_invalid(), "{code:02X?}");
    assert_eq!(i.len(), code.len(), "{code:02X?} is one instruction");
    i
}

fn iced_gpr(mode: Mode, n: u8) -> Register {
    const R64: [Register; 16] = [
        Register::RAX,
        Register::RCX,
        Register::RDX,
        Register::RBX,
        Register::RSP,
        Register::RBP,
        Register::RSI,
        Register::RDI,
        Register::R8,
        Register::R9,
        Register::R10,
        Register::R11,
        Register::R12,
        Register::R13,
        Register::R14,
        Register::R15,
    ];
    const R32: [Register; 8] = [
        Register::EAX,
        Register::ECX,
        Register::EDX,
        Register::EBX,
        Register::ESP,
        Register::EBP,
        Register::ESI,
        Register::EDI,
    ];
    if mode == Mode::X64 {
        R64[n as usize]
    } else {
        R32[n as usize]
    }
}

#[test]
fn indirect_jumps_and_calls_through_registers_decode_as_requested() {
    for mode in [Mode::X86, Mode::X64] {
        let count = if mode == Mode::X64 { 16 } else { 8 };
        for n in 0..count {
            let r = Gpr::from_number(n).unwrap();
            for (call, mnemonic) in [(false, Mnemonic::Jmp), (true, Mnemonic::Call)] {
                let mut a = Assembler::new(mode);
                let res = if call { a.call_r(r) } else { a.jmp_r(r) };
                res.unwrap();
                let i = one(mode, a.bytes());
                assert_eq!(i.mnemonic(), mnemonic);
                assert_eq!(i.op0_kind(), OpKind::Register);
                assert_eq!(i.op0_register(), iced_gpr(mode, n), "{mode:?} {r:?}");
            }
        }
    }
}

#[test]
fn indirect_jumps_and_calls_through_memory_decode_as_requested() {
    for mode in [Mode::X86, Mode::X64] {
        let mem = Mem::base_index(Gpr::RBX, Gpr::RSI, Scale::S8, -0x80);
        for (call, mnemonic) in [(false, Mnemonic::Jmp), (true, Mnemonic::Call)] {
            let mut a = Assembler::new(mode);
            let res = if call { a.call_m(mem) } else { a.jmp_m(mem) };
            res.unwrap();
            let i = one(mode, a.bytes());
            assert_eq!(i.mnemonic(), mnemonic);
            assert_eq!(i.op0_kind(), OpKind::Memory);
            assert_eq!(i.memory_base(), iced_gpr(mode, 3));
            assert_eq!(i.memory_index(), iced_gpr(mode, 6));
            assert_eq!(i.memory_index_scale(), 8);
            assert_eq!(i.memory_displacement64() as i64 as i32, -0x80);
            // Word-sized pointer in each mode.
            let size = if mode == Mode::X64 {
                MemorySize::QwordOffset
            } else {
                MemorySize::DwordOffset
            };
            assert_eq!(i.memory_size(), size);
        }
    }
}

#[test]
fn indirect_branches_refuse_what_the_mode_lacks_without_emitting() {
    type Op = fn(&mut Assembler) -> Result<(), EncodeError>;
    let cases: [(Op, EncodeError); 6] = [
        (|a| a.jmp_r(Gpr::R8), EncodeError::RegisterNotInMode),
        (|a| a.call_r(Gpr::R15), EncodeError::RegisterNotInMode),
        (
            |a| a.jmp_m(Mem::base(Gpr::R9, 0)),
            EncodeError::RegisterNotInMode,
        ),
        (|a| a.call_m(Mem::rip(0)), EncodeError::RipRelativeIn32Bit),
        (
            |a| a.jmp_m(Mem::base_index(Gpr::RAX, Gpr::RSP, Scale::S1, 0)),
            EncodeError::BadIndex,
        ),
        (
            |a| a.call_m(Mem::index_only(Gpr::RSP, Scale::S2, 0)),
            EncodeError::BadIndex,
        ),
    ];
    for (op, want) in cases {
        let mut a = Assembler::new(Mode::X86);
        a.ret().unwrap();
        assert_eq!(op(&mut a), Err(want));
        assert_eq!(a.bytes(), [0xC3], "refused instruction left bytes behind");
    }
    // rsp as index is refused in 64-bit mode too.
    let mut a = Assembler::new(Mode::X64);
    assert_eq!(
        a.call_m(Mem::base_index(Gpr::R8, Gpr::RSP, Scale::S4, 0)),
        Err(EncodeError::BadIndex)
    );
    assert!(a.bytes().is_empty());
}

#[test]
fn arithmetic_forms_refuse_what_they_do_not_encode_without_emitting() {
    use jit_core::x86::{Alu, Cond, Shift, Size};
    type Op = fn(&mut Assembler) -> Result<(), EncodeError>;
    let cases: [(Mode, Op, EncodeError); 14] = [
        // imul has no byte form with an immediate.
        (
            Mode::X64,
            |a| a.imul_rri(Size::B, Gpr::RAX, Gpr::RCX, 3),
            EncodeError::OperandSizeNotSupported,
        ),
        (
            Mode::X86,
            |a| a.imul_rri(Size::B, Gpr::RAX, Gpr::RCX, 3),
            EncodeError::OperandSizeNotSupported,
        ),
        (
            Mode::X64,
            |a| a.imul_rri(Size::W, Gpr::RAX, Gpr::RCX, 0x1_0000),
            EncodeError::ImmediateTooLarge,
        ),
        (Mode::X86, |a| a.cqo(), EncodeError::FormNotInMode),
        // Immediates are at most 32 bits, sign-extended for 64-bit operands.
        (
            Mode::X64,
            |a| a.alu_ri(Alu::Add, Size::Q, Gpr::RAX, 1 << 31),
            EncodeError::ImmediateTooLarge,
        ),
        (
            Mode::X64,
            |a| a.alu_mi(Alu::Cmp, Size::B, Mem::base(Gpr::RAX, 0), 256),
            EncodeError::ImmediateTooLarge,
        ),
        (
            Mode::X86,
            |a| a.test_ri(Size::W, Gpr::RBX, 0x1_0000),
            EncodeError::ImmediateTooLarge,
        ),
        (
            Mode::X86,
            |a| a.alu_ri(Alu::Sub, Size::Q, Gpr::RAX, 1),
            EncodeError::OperandSizeNotInMode,
        ),
        // The 32-bit one-byte inc/dec forms still check the register.
        (
            Mode::X86,
            |a| a.inc_r(Size::D, Gpr::R9),
            EncodeError::RegisterNotInMode,
        ),
        (
            Mode::X86,
            |a| a.dec_r(Size::W, Gpr::R10),
            EncodeError::RegisterNotInMode,
        ),
        (
            Mode::X86,
            |a| a.setcc(Cond::E, Gpr::RSI),
            EncodeError::RexByteRegisterIn32Bit,
        ),
        (
            Mode::X86,
            |a| a.shift_ri(Shift::Shl, Size::B, Gpr::RDI, 3),
            EncodeError::RexByteRegisterIn32Bit,
        ),
        (
            Mode::X86,
            |a| a.shift_mcl(Shift::Sar, Size::D, Mem::rip(0)),
            EncodeError::RipRelativeIn32Bit,
        ),
        (
            Mode::X64,
            |a| a.neg_m(Size::Q, Mem::index_only(Gpr::RSP, Scale::S1, 0)),
            EncodeError::BadIndex,
        ),
    ];
    for (i, (mode, op, want)) in cases.into_iter().enumerate() {
        let mut a = Assembler::new(mode);
        a.ret().unwrap();
        assert_eq!(op(&mut a), Err(want), "case {i}");
        assert_eq!(
            a.bytes(),
            [0xC3],
            "case {i}: refused instruction left bytes"
        );
    }
}

#[test]
fn short_and_accumulator_forms_decode_as_requested() {
    use jit_core::x86::{Alu, Size};
    // 32-bit mode: one-byte inc/dec for word and dword registers.
    let mut a = Assembler::new(Mode::X86);
    a.inc_r(Size::D, Gpr::RDI).unwrap();
    a.dec_r(Size::W, Gpr::RCX).unwrap();
    assert_eq!(a.bytes(), [0x47, 0x66, 0x49]);
    // Accumulator forms for a 16-bit immediate that does not fit imm8.
    let mut a = Assembler::new(Mode::X64);
    a.alu_ri(Alu::Add, Size::W, Gpr::RAX, 0x1234).unwrap();
    let i = one(Mode::X64, a.bytes());
    assert_eq!(a.bytes(), [0x66, 0x05, 0x34, 0x12]);
    assert_eq!(i.mnemonic(), Mnemonic::Add);
    assert_eq!(i.op0_register(), Register::AX);
    assert_eq!(i.immediate(1), 0x1234);
    // cdq in both modes, cqo in 64-bit mode.
    let mut a = Assembler::new(Mode::X86);
    a.cdq().unwrap();
    assert_eq!(one(Mode::X86, a.bytes()).mnemonic(), Mnemonic::Cdq);
    let mut a = Assembler::new(Mode::X64);
    a.cqo().unwrap();
    assert_eq!(one(Mode::X64, a.bytes()).mnemonic(), Mnemonic::Cqo);
}

#[test]
fn short_branches_to_a_far_bound_label_are_refused_without_emitting() {
    use jit_core::x86::Cond;
    for mode in [Mode::X86, Mode::X64] {
        let mut a = Assembler::new(mode);
        let top = a.new_label();
        a.bind(top).unwrap();
        for _ in 0..9 {
            a.nop(15).unwrap();
        }
        // 135 bytes back: beyond rel8 (-128).
        let before = a.offset();
        assert_eq!(a.jmp_short(top), Err(EncodeError::DisplacementOverflow));
        assert_eq!(
            a.jcc_short(Cond::NE, top),
            Err(EncodeError::DisplacementOverflow)
        );
        assert_eq!(a.offset(), before);
        // 126 bytes back is in range: jmp rel8 = -128 from its end.
        let mut a = Assembler::new(mode);
        let top = a.new_label();
        a.bind(top).unwrap();
        for _ in 0..9 {
            a.nop(14).unwrap();
        }
        a.jmp_short(top).unwrap();
        assert_eq!(&a.bytes()[126..], [0xEB, 0x80]);
    }
}

#[test]
fn patch_sites_and_relocations_outside_the_code_are_refused() {
    use jit_core::x86::{PatchSite, Relocation, apply_relocation, patch_rel32};
    let mut a = Assembler::new(Mode::X64);
    let l = a.new_label();
    assert_eq!(l.index(), 0);
    assert_eq!(a.new_label().index(), 1);
    let site = a.jmp_patchable(l).unwrap();
    a.bind(l).unwrap();
    assert_eq!(site.end_offset(), 5);
    assert_eq!(site.end_offset(), a.offset());
    let code = a.finish().unwrap();
    let mut bytes = code.into_vec().to_vec();
    let orig = bytes.clone();
    let outside = PatchSite { rel32_offset: 2 };
    assert_eq!(
        patch_rel32(&mut bytes, outside, 0),
        Err(EncodeError::PatchOutOfBounds)
    );
    assert_eq!(
        patch_rel32(&mut bytes, site, 1 << 40),
        Err(EncodeError::DisplacementOverflow)
    );
    let reloc = Relocation {
        rel32_offset: 4,
        target: 0,
    };
    assert_eq!(
        apply_relocation(&mut bytes, 0, reloc),
        Err(EncodeError::PatchOutOfBounds)
    );
    assert_eq!(bytes, orig, "refused patches must not touch the code");
    // In range: the jump now targets offset 0 (rel32 = -5).
    patch_rel32(&mut bytes, site, 0).unwrap();
    assert_eq!(bytes, [0xE9, 0xFB, 0xFF, 0xFF, 0xFF]);
}

#[test]
fn gpr_validity_per_mode_matches_what_the_encoder_accepts() {
    use jit_core::x86::{Size, gpr_valid_in};
    for mode in [Mode::X86, Mode::X64] {
        for n in 0..16u8 {
            let r = Gpr::from_number(n).unwrap();
            for size in [Size::B, Size::W, Size::D, Size::Q] {
                let want = match mode {
                    Mode::X64 => true,
                    // 32-bit mode: only registers 0..8, no spl..dil bytes,
                    // and no 64-bit operand size at all.
                    Mode::X86 => n < 8 && !(size == Size::B && n >= 4) && size != Size::Q,
                };
                assert_eq!(gpr_valid_in(mode, r, size), want, "{mode:?} {r:?} {size:?}");
                // The encoder accepts exactly the valid registers.
                let mut a = Assembler::new(mode);
                let ok = a.mov_rr(size, r, Gpr::RAX).is_ok();
                assert_eq!(ok, want, "mov {mode:?} {r:?} {size:?}");
            }
        }
    }
}

/// `push [m]`, `pop [m]` (word-sized) and the x87 `fld`/`fstp` of a
/// `double`, over bases and indexes of both modes, decoded by iced-x86.
#[test]
fn memory_push_pop_and_x87_double_forms_decode_as_requested() {
    type Emit = fn(&mut Assembler, Mem) -> Result<(), EncodeError>;
    let forms: [(Emit, Mnemonic, bool); 4] = [
        (|a, m| a.push_m(m), Mnemonic::Push, true),
        (|a, m| a.pop_m(m), Mnemonic::Pop, true),
        (|a, m| a.fld_m64(m), Mnemonic::Fld, false),
        (|a, m| a.fstp_m64(m), Mnemonic::Fstp, false),
    ];
    for mode in [Mode::X86, Mode::X64] {
        let count = if mode == Mode::X64 { 16 } else { 8 };
        for base in 0..count {
            let b = Gpr::from_number(base).unwrap();
            let index = Gpr::from_number((base + 3) % count).unwrap();
            let index = if index == Gpr::RSP { None } else { Some(index) };
            for disp in [0, -8, 0x1234, -0x8000_0000] {
                let mem = match index {
                    Some(x) => Mem::base_index(b, x, Scale::S4, disp),
                    None => Mem::base(b, disp),
                };
                for (emit, mnemonic, word) in forms {
                    let mut a = Assembler::new(mode);
                    emit(&mut a, mem).unwrap();
                    let i = one(mode, a.bytes());
                    assert_eq!(i.mnemonic(), mnemonic, "{mode:?} {mem:?}");
                    assert_eq!(i.op0_kind(), OpKind::Memory);
                    assert_eq!(i.memory_base(), iced_gpr(mode, base));
                    if let Some(x) = index {
                        assert_eq!(i.memory_index(), iced_gpr(mode, x.number()));
                        assert_eq!(i.memory_index_scale(), 4);
                    }
                    assert_eq!(i.memory_displacement64() as i64 as i32, disp);
                    let size = match (word, mode) {
                        (false, _) => MemorySize::Float64,
                        (true, Mode::X64) => MemorySize::UInt64,
                        (true, Mode::X86) => MemorySize::UInt32,
                    };
                    assert_eq!(i.memory_size(), size, "{mnemonic:?} {mode:?}");
                }
            }
        }
        // Absolute addresses (32-bit mode's `fstp [abs32]`).
        let mut a = Assembler::new(Mode::X86);
        a.fstp_m64(Mem::abs(0x1000)).unwrap();
        let i = one(Mode::X86, a.bytes());
        assert_eq!(i.mnemonic(), Mnemonic::Fstp);
        assert_eq!(i.memory_displacement64(), 0x1000);
    }
    // Registers the mode lacks are refused without emitting.
    let mut a = Assembler::new(Mode::X86);
    assert_eq!(
        a.push_m(Mem::base(Gpr::R8, 0)),
        Err(EncodeError::RegisterNotInMode)
    );
    assert_eq!(
        a.fstp_m64(Mem::rip(0)),
        Err(EncodeError::RipRelativeIn32Bit)
    );
    assert!(a.bytes().is_empty());
}
