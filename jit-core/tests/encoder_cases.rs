//! Hand-written encoder cases: golden bytes at addressing and immediate
//! boundaries, forms refused per mode, labels and branch sizes, patch sites,
//! NOPs and alignment, absolute calls, arena allocation.

use iced_x86::{Decoder, DecoderOptions, Instruction, Mnemonic};
use jit_core::x86::{
    Alu, Assembler, Cond, EncodeError, Gpr, Mem, Mode, Scale, Size, Xmm, apply_relocation,
    patch_rel32,
};

fn bytes(mode: Mode, f: impl FnOnce(&mut Assembler) -> Result<(), EncodeError>) -> Vec<u8> {
    let mut a = Assembler::new(mode);
    f(&mut a).expect("encodes");
    a.finish().expect("finishes").bytes().to_vec()
}

fn decode_all(mode: Mode, code: &[u8], ip: u64) -> Vec<Instruction> {
    let bitness = if mode == Mode::X64 { 64 } else { 32 };
    let mut d = Decoder::with_ip(bitness, code, ip, DecoderOptions::NONE);
    let mut out = Vec::new();
    while d.can_decode() {
        let i = d.decode();
        assert!(!i.is_invalid(), "invalid instruction in {code:02X?}");
        out.push(i);
    }
    out
}

fn refused(mode: Mode, f: impl FnOnce(&mut Assembler) -> Result<(), EncodeError>) -> EncodeError {
    let mut a = Assembler::new(mode);
    let before = a.offset();
    let e = f(&mut a).expect_err("must be refused");
    assert_eq!(
        a.offset(),
        before,
        "a refused instruction must not emit bytes"
    );
    e
}

const BOTH: [Mode; 2] = [Mode::X86, Mode::X64];

#[test]
fn special_bases_get_sib_or_zero_displacement() {
    use Gpr as G;
    let x = Mode::X64;
    assert_eq!(
        bytes(x, |a| a.mov_rm(Size::Q, G::RAX, Mem::base(G::RSP, 0))),
        [0x48, 0x8B, 0x04, 0x24]
    );
    assert_eq!(
        bytes(x, |a| a.mov_rm(Size::Q, G::RAX, Mem::base(G::RBP, 0))),
        [0x48, 0x8B, 0x45, 0x00]
    );
    assert_eq!(
        bytes(x, |a| a.mov_rm(Size::Q, G::RAX, Mem::base(G::R12, 0))),
        [0x49, 0x8B, 0x04, 0x24]
    );
    assert_eq!(
        bytes(x, |a| a.mov_rm(Size::Q, G::RAX, Mem::base(G::R13, 0))),
        [0x49, 0x8B, 0x45, 0x00]
    );
    assert_eq!(
        bytes(x, |a| a.mov_rm(
            Size::D,
            G::R9,
            Mem::base_index(G::R13, G::R12, Scale::S8, 0)
        )),
        [0x47, 0x8B, 0x4C, 0xE5, 0x00]
    );
    assert_eq!(
        bytes(Mode::X86, |a| a.mov_rm(
            Size::D,
            G::RAX,
            Mem::base(G::RSP, 8)
        )),
        [0x8B, 0x44, 0x24, 0x08]
    );
}

#[test]
fn displacement_picks_disp8_exactly_when_it_fits() {
    for mode in BOTH {
        let m = |d| {
            bytes(mode, move |a| {
                a.mov_rm(Size::D, Gpr::RAX, Mem::base(Gpr::RBP, d))
            })
        };
        assert_eq!(m(127), [0x8B, 0x45, 0x7F]);
        assert_eq!(m(128), [0x8B, 0x85, 0x80, 0x00, 0x00, 0x00]);
        assert_eq!(m(-128), [0x8B, 0x45, 0x80]);
        assert_eq!(m(-129), [0x8B, 0x85, 0x7F, 0xFF, 0xFF, 0xFF]);
    }
}

#[test]
fn alu_immediates_use_imm8_exactly_when_it_fits() {
    let x = Mode::X64;
    let add = |v| bytes(x, move |a| a.alu_ri(Alu::Add, Size::Q, Gpr::RCX, v));
    assert_eq!(add(127), [0x48, 0x83, 0xC1, 0x7F]);
    assert_eq!(add(128), [0x48, 0x81, 0xC1, 0x80, 0x00, 0x00, 0x00]);
    assert_eq!(add(-128), [0x48, 0x83, 0xC1, 0x80]);
    assert_eq!(add(-129), [0x48, 0x81, 0xC1, 0x7F, 0xFF, 0xFF, 0xFF]);
    // The accumulator has shorter forms without ModRM when imm8 does not apply.
    assert_eq!(
        bytes(x, |a| a.alu_ri(Alu::Add, Size::Q, Gpr::RAX, 128)),
        [0x48, 0x05, 0x80, 0, 0, 0]
    );
    assert_eq!(
        bytes(x, |a| a.alu_ri(Alu::Add, Size::Q, Gpr::RAX, 1)),
        [0x48, 0x83, 0xC0, 0x01]
    );
    assert_eq!(
        bytes(x, |a| a.alu_ri(Alu::Cmp, Size::B, Gpr::RAX, 1)),
        [0x3C, 0x01]
    );
    assert_eq!(
        bytes(Mode::X86, |a| a.test_ri(Size::D, Gpr::RAX, 0x100)),
        [0xA9, 0, 1, 0, 0]
    );
    assert_eq!(
        bytes(Mode::X86, |a| a.test_ri(Size::B, Gpr::RAX, 1)),
        [0xA8, 0x01]
    );
    // Word operands: 0xFFFF is -1 as a word, so the imm8 form applies.
    assert_eq!(
        bytes(x, |a| a.alu_ri(Alu::Cmp, Size::W, Gpr::RCX, 0xFFFF)),
        [0x66, 0x83, 0xF9, 0xFF]
    );
    assert_eq!(
        bytes(x, |a| a.alu_ri(Alu::And, Size::B, Gpr::RSI, 0x80)),
        [0x40, 0x80, 0xE6, 0x80]
    );
}

#[test]
fn no_base_rip_relative_and_absolute_addressing() {
    let idx = Mem::index_only(Gpr::RCX, Scale::S4, 0x10);
    for mode in BOTH {
        assert_eq!(
            bytes(mode, |a| a.mov_rm(Size::D, Gpr::RAX, idx)),
            [0x8B, 0x04, 0x8D, 0x10, 0, 0, 0]
        );
    }
    assert_eq!(
        bytes(Mode::X64, |a| a.mov_rm(Size::Q, Gpr::RAX, Mem::rip(0x10))),
        [0x48, 0x8B, 0x05, 0x10, 0, 0, 0]
    );
    assert_eq!(
        bytes(Mode::X86, |a| a.mov_rm(Size::D, Gpr::RAX, Mem::abs(0x1000))),
        [0x8B, 0x05, 0x00, 0x10, 0, 0]
    );
    assert_eq!(
        bytes(Mode::X64, |a| a.mov_rm(Size::D, Gpr::RAX, Mem::abs(0x1000))),
        [0x8B, 0x04, 0x25, 0x00, 0x10, 0, 0]
    );
    // 32-bit absolute addresses may use all 32 bits.
    assert_eq!(
        bytes(Mode::X86, |a| a.mov_mi(Size::D, Mem::abs(0xFFFF_0000), 7)),
        [0xC7, 0x05, 0x00, 0x00, 0xFF, 0xFF, 7, 0, 0, 0]
    );
}

#[test]
fn mov_ri_picks_the_shortest_correct_form() {
    let x = Mode::X64;
    assert_eq!(
        bytes(x, |a| a.mov_ri(Size::Q, Gpr::RAX, 0xFFFF_FFFF)),
        [0xB8, 0xFF, 0xFF, 0xFF, 0xFF]
    );
    assert_eq!(
        bytes(x, |a| a.mov_ri(Size::Q, Gpr::RAX, -1)),
        [0x48, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF]
    );
    assert_eq!(
        bytes(x, |a| a.mov_ri(Size::Q, Gpr::RAX, 1 << 40)),
        [0x48, 0xB8, 0, 0, 0, 0, 0, 1, 0, 0]
    );
    assert_eq!(
        bytes(x, |a| a.mov_ri(Size::Q, Gpr::R8, 1)),
        [0x41, 0xB8, 1, 0, 0, 0]
    );
    assert_eq!(
        bytes(x, |a| a.mov_ri(Size::B, Gpr::RDI, 1)),
        [0x40, 0xB7, 1]
    );
}

#[test]
fn byte_registers_4_to_7_need_rex_in_64_bit_mode() {
    assert_eq!(
        bytes(Mode::X64, |a| a.mov_rr(Size::B, Gpr::RSI, Gpr::RAX)),
        [0x40, 0x88, 0xC6]
    );
    assert_eq!(
        bytes(Mode::X64, |a| a.setcc(Cond::E, Gpr::RDI)),
        [0x40, 0x0F, 0x94, 0xC7]
    );
    assert_eq!(
        bytes(Mode::X86, |a| a.setcc(Cond::E, Gpr::RBX)),
        [0x0F, 0x94, 0xC3]
    );
    assert_eq!(
        bytes(Mode::X64, |a| a.movzx_rr(
            Size::D,
            Gpr::RAX,
            Size::B,
            Gpr::RSP
        )),
        [0x40, 0x0F, 0xB6, 0xC4]
    );
}

#[test]
fn short_forms_of_32_bit_mode_and_stack_ops() {
    assert_eq!(bytes(Mode::X86, |a| a.inc_r(Size::D, Gpr::RAX)), [0x40]);
    assert_eq!(
        bytes(Mode::X86, |a| a.dec_r(Size::W, Gpr::RCX)),
        [0x66, 0x49]
    );
    assert_eq!(
        bytes(Mode::X64, |a| a.inc_r(Size::D, Gpr::RAX)),
        [0xFF, 0xC0]
    );
    assert_eq!(bytes(Mode::X64, |a| a.push_r(Gpr::R12)), [0x41, 0x54]);
    assert_eq!(bytes(Mode::X64, |a| a.pop_r(Gpr::RBP)), [0x5D]);
    assert_eq!(bytes(Mode::X86, |a| a.push_i(-1)), [0x6A, 0xFF]);
    assert_eq!(bytes(Mode::X86, |a| a.push_i(128)), [0x68, 0x80, 0, 0, 0]);
}

#[test]
fn forms_missing_from_32_bit_mode_are_refused() {
    let x = Mode::X86;
    use EncodeError as E;
    assert_eq!(
        refused(x, |a| a.mov_rr(Size::Q, Gpr::RAX, Gpr::RCX)),
        E::OperandSizeNotInMode
    );
    assert_eq!(
        refused(x, |a| a.mov_ri(Size::Q, Gpr::RAX, 1)),
        E::OperandSizeNotInMode
    );
    assert_eq!(
        refused(x, |a| a.mov_rr(Size::D, Gpr::R8, Gpr::RAX)),
        E::RegisterNotInMode
    );
    assert_eq!(refused(x, |a| a.push_r(Gpr::R15)), E::RegisterNotInMode);
    assert_eq!(
        refused(x, |a| a.mov_rm(Size::D, Gpr::RAX, Mem::base(Gpr::R9, 0))),
        E::RegisterNotInMode
    );
    assert_eq!(
        refused(x, |a| a.mov_rm(
            Size::D,
            Gpr::RAX,
            Mem::base_index(Gpr::RAX, Gpr::R10, Scale::S1, 0)
        )),
        E::RegisterNotInMode
    );
    assert_eq!(
        refused(x, |a| a.mov_rr(Size::B, Gpr::RSI, Gpr::RAX)),
        E::RexByteRegisterIn32Bit
    );
    assert_eq!(
        refused(x, |a| a.setcc(Cond::E, Gpr::RSP)),
        E::RexByteRegisterIn32Bit
    );
    assert_eq!(
        refused(x, |a| a.movzx_rr(Size::D, Gpr::RAX, Size::B, Gpr::RDI)),
        E::RexByteRegisterIn32Bit
    );
    assert_eq!(
        refused(x, |a| a.mov_rm(Size::D, Gpr::RAX, Mem::rip(0))),
        E::RipRelativeIn32Bit
    );
    assert_eq!(
        refused(x, |a| a.movsxd_rr(Gpr::RAX, Gpr::RCX)),
        E::FormNotInMode
    );
    assert_eq!(refused(x, |a| a.cqo()), E::FormNotInMode);
    assert_eq!(
        refused(x, |a| a.movq_xr(Xmm::XMM0, Gpr::RAX)),
        E::FormNotInMode
    );
    assert_eq!(
        refused(x, |a| a.movq_rx(Gpr::RAX, Xmm::XMM0)),
        E::FormNotInMode
    );
    assert_eq!(
        refused(x, |a| a.addsd_rr(Xmm::XMM8, Xmm::XMM0)),
        E::RegisterNotInMode
    );
    assert_eq!(
        refused(x, |a| a.cvtsi2sd_rr(Xmm::XMM0, Size::Q, Gpr::RAX)),
        E::OperandSizeNotInMode
    );
    assert_eq!(
        refused(x, |a| a.call_abs(1 << 33, 0)),
        E::DisplacementOverflow
    );
}

#[test]
fn invalid_operands_are_refused_in_both_modes() {
    use EncodeError as E;
    for mode in BOTH {
        let rsp_index = Mem::base_index(Gpr::RAX, Gpr::RSP, Scale::S2, 0);
        assert_eq!(
            refused(mode, |a| a.mov_rm(Size::D, Gpr::RAX, rsp_index)),
            E::BadIndex
        );
        assert_eq!(
            refused(mode, |a| a.lea(
                Size::D,
                Gpr::RAX,
                Mem::index_only(Gpr::RSP, Scale::S1, 0)
            )),
            E::BadIndex
        );
        assert_eq!(
            refused(mode, |a| a.alu_ri(Alu::Add, Size::B, Gpr::RAX, 256)),
            E::ImmediateTooLarge
        );
        assert_eq!(
            refused(mode, |a| a.alu_ri(Alu::Add, Size::W, Gpr::RAX, 0x1_0000)),
            E::ImmediateTooLarge
        );
        assert_eq!(
            refused(mode, |a| a.mov_mi(Size::D, Mem::base(Gpr::RAX, 0), 1 << 32)),
            E::ImmediateTooLarge
        );
        assert_eq!(
            refused(mode, |a| a.imul_rr(Size::B, Gpr::RAX, Gpr::RCX)),
            E::OperandSizeNotSupported
        );
        assert_eq!(
            refused(mode, |a| a.lea(Size::B, Gpr::RAX, Mem::base(Gpr::RAX, 0))),
            E::OperandSizeNotSupported
        );
        assert_eq!(
            refused(mode, |a| a.movzx_rr(Size::D, Gpr::RAX, Size::D, Gpr::RCX)),
            E::OperandSizeNotSupported
        );
        assert_eq!(
            refused(mode, |a| a.movzx_rr(Size::W, Gpr::RAX, Size::W, Gpr::RCX)),
            E::OperandSizeNotSupported
        );
        assert_eq!(
            refused(mode, |a| a.cvttsd2si_rr(Size::W, Gpr::RAX, Xmm::XMM0)),
            E::OperandSizeNotSupported
        );
        assert_eq!(refused(mode, |a| a.nop(0)), E::BadLength);
        assert_eq!(refused(mode, |a| a.nop(16)), E::BadLength);
        assert_eq!(refused(mode, |a| a.align(3)), E::BadLength);
    }
    assert_eq!(
        refused(Mode::X64, |a| a.alu_ri(
            Alu::Add,
            Size::Q,
            Gpr::RAX,
            1 << 31
        )),
        E::ImmediateTooLarge
    );
    assert_eq!(
        refused(Mode::X64, |a| a.mov_rm(
            Size::D,
            Gpr::RAX,
            Mem::abs(0x8000_0000)
        )),
        E::DisplacementOverflow
    );
}

fn nops(a: &mut Assembler, n: usize) {
    for _ in 0..n {
        a.nop(1).unwrap();
    }
}

#[test]
fn backward_jumps_are_short_when_they_fit_and_forward_jumps_are_rel32() {
    for mode in BOTH {
        let mut a = Assembler::new(mode);
        let top = a.new_label();
        let fwd = a.new_label();
        a.bind(top).unwrap();
        nops(&mut a, 100);
        let j1 = a.offset();
        a.jcc(Cond::NE, top).unwrap();
        assert_eq!(a.offset() - j1, 2, "close backward jcc is rel8");
        nops(&mut a, 100);
        let j2 = a.offset();
        a.jmp(top).unwrap();
        assert_eq!(a.offset() - j2, 5, "far backward jmp is rel32");
        let j3 = a.offset();
        a.jcc(Cond::L, top).unwrap();
        assert_eq!(a.offset() - j3, 6, "far backward jcc is rel32");
        let j4 = a.offset();
        a.jmp(fwd).unwrap();
        assert_eq!(a.offset() - j4, 5, "forward jmp is rel32");
        let j5 = a.offset();
        a.jcc_short(Cond::E, fwd).unwrap();
        assert_eq!(a.offset() - j5, 2, "explicit short jcc is rel8");
        nops(&mut a, 3);
        a.bind(fwd).unwrap();
        let end = a.offset() as u64;
        let code = a.finish().unwrap();
        let ins = decode_all(mode, code.bytes(), 0);
        let branches: Vec<(Mnemonic, u64)> = ins
            .iter()
            .filter(|i| i.mnemonic() != Mnemonic::Nop)
            .map(|i| (i.mnemonic(), i.near_branch_target()))
            .collect();
        assert_eq!(
            branches,
            [
                (Mnemonic::Jne, 0),
                (Mnemonic::Jmp, 0),
                (Mnemonic::Jl, 0),
                (Mnemonic::Jmp, end),
                (Mnemonic::Je, end)
            ]
        );
    }
}

#[test]
fn label_misuse_is_reported() {
    let mut a = Assembler::new(Mode::X64);
    let l = a.new_label();
    a.bind(l).unwrap();
    assert_eq!(a.bind(l), Err(EncodeError::LabelBoundTwice));

    let mut a = Assembler::new(Mode::X64);
    let l = a.new_label();
    a.jmp(l).unwrap();
    assert_eq!(a.finish().err(), Some(EncodeError::LabelUnbound));

    let mut a = Assembler::new(Mode::X86);
    let l = a.new_label();
    a.jmp_short(l).unwrap();
    nops(&mut a, 200);
    a.bind(l).unwrap();
    assert_eq!(a.finish().err(), Some(EncodeError::DisplacementOverflow));

    let mut a = Assembler::new(Mode::X64);
    let mut other = Assembler::new(Mode::X64);
    other.new_label();
    let foreign = other.new_label();
    assert_eq!(a.jmp(foreign), Err(EncodeError::UnknownLabel));
}

#[test]
fn patch_sites_are_rel32_and_can_be_retargeted() {
    for mode in BOTH {
        let mut a = Assembler::new(mode);
        let first = a.new_label();
        let second = a.new_label();
        a.bind(first).unwrap();
        let site = a.jcc_patchable(Cond::O, first).unwrap();
        assert_eq!(
            a.offset(),
            6,
            "patchable jcc is rel32 even when rel8 would fit"
        );
        let jsite = a.jmp_patchable(second).unwrap();
        nops(&mut a, 7);
        a.bind(second).unwrap();
        a.ret().unwrap();
        let second_at = a.label_offset(second).unwrap() as i64;
        let mut code = a.finish().unwrap();
        patch_rel32(code.bytes_mut(), site, second_at).unwrap();
        patch_rel32(code.bytes_mut(), jsite, 0).unwrap();
        let ins = decode_all(mode, code.bytes(), 0);
        assert_eq!(ins[0].mnemonic(), Mnemonic::Jo);
        assert_eq!(ins[0].near_branch_target(), second_at as u64);
        assert_eq!(ins[1].mnemonic(), Mnemonic::Jmp);
        assert_eq!(ins[1].near_branch_target(), 0);
        assert_eq!(
            patch_rel32(&mut [0u8; 3], site, 0),
            Err(EncodeError::PatchOutOfBounds)
        );
    }
}

#[test]
fn every_nop_length_decodes_as_one_nop() {
    for mode in BOTH {
        for n in 1..=15 {
            let code = bytes(mode, |a| a.nop(n));
            assert_eq!(code.len(), n);
            let ins = decode_all(mode, &code, 0);
            assert_eq!(ins.len(), 1, "{mode:?} nop({n}) is one instruction");
            assert_eq!(ins[0].mnemonic(), Mnemonic::Nop);
            assert_eq!(ins[0].len(), n);
        }
    }
}

#[test]
fn align_pads_with_nops_to_the_boundary() {
    for mode in BOTH {
        for start in 0..40 {
            let mut a = Assembler::new(mode);
            nops(&mut a, start);
            a.align(32).unwrap();
            assert_eq!(a.offset() % 32, 0);
            assert!(a.offset() as usize - start < 32);
            let code = a.finish().unwrap();
            assert!(
                decode_all(mode, code.bytes(), 0)
                    .iter()
                    .all(|i| i.mnemonic() == Mnemonic::Nop)
            );
        }
    }
}

#[test]
fn absolute_calls_use_rel32_in_range_and_r11_otherwise() {
    let base = 0x7000_0000_0000u64;
    let near = base + 0x1000;
    let far = 0x1000u64;
    let mut a = Assembler::new(Mode::X64);
    a.call_abs(near, base).unwrap();
    assert_eq!(a.offset(), 5);
    a.call_abs(far, base).unwrap();
    a.jmp_abs(far, base).unwrap();
    let code = a.finish().unwrap();
    let ins = decode_all(Mode::X64, code.bytes(), base);
    assert_eq!(ins[0].mnemonic(), Mnemonic::Call);
    assert_eq!(ins[0].near_branch_target(), near);
    assert_eq!(
        format!("{} / {}", ins[1], ins[2]),
        "mov r11,1000h / call r11"
    );
    assert_eq!(
        format!("{} / {}", ins[3], ins[4]),
        "mov r11,1000h / jmp r11"
    );

    let mut a = Assembler::new(Mode::X86);
    a.call_abs(0x1000, 0xF000_0000).unwrap();
    let ins = decode_all(Mode::X86, a.finish().unwrap().bytes(), 0xF000_0000);
    assert_eq!(ins[0].near_branch_target(), 0x1000);
}

#[test]
fn relocations_resolve_once_the_code_address_is_known() {
    for mode in BOTH {
        let mut a = Assembler::new(mode);
        a.mov_rr(Size::D, Gpr::RAX, Gpr::RCX).unwrap();
        a.call_reloc(0x4000_1234).unwrap();
        let mut code = a.finish().unwrap();
        assert_eq!(code.relocations().len(), 1);
        code.relocate(0x4000_0000).unwrap();
        let ins = decode_all(mode, code.bytes(), 0x4000_0000);
        assert_eq!(ins[1].near_branch_target(), 0x4000_1234);
        let r = code.relocations()[0];
        let mut copy = code.bytes().to_vec();
        assert_eq!(
            apply_relocation(&mut copy, 0x4000_0000 + (1 << 40), r),
            Err(EncodeError::DisplacementOverflow)
        );
    }
}

#[test]
fn code_can_live_in_a_bump_arena() {
    let bump = bumpalo::Bump::new();
    let mut a = Assembler::new_in(Mode::X64, &bump);
    for k in 0..1000 {
        a.alu_ri(Alu::Add, Size::Q, Gpr::RAX, k).unwrap();
    }
    let code = a.finish().unwrap();
    let ins = decode_all(Mode::X64, code.bytes(), 0);
    assert_eq!(ins.len(), 1000);
    assert_eq!(ins[999].immediate(1), 999);
}

#[test]
fn cond_invert_is_the_opposite_condition() {
    for c in Cond::ALL {
        assert_ne!(c, c.invert());
        assert_eq!(c.invert().invert(), c);
        assert_eq!(c.code() ^ 1, c.invert().code());
    }
}

#[test]
fn rip_relative_label_operands_resolve_to_the_label_in_64_bit_mode() {
    let mut a = Assembler::new(Mode::X64);
    let early = a.new_label();
    let pool = a.new_label();
    a.bind(early).unwrap();
    a.data(&[0xAA; 8]).unwrap();
    a.movsd_rm(Xmm::XMM3, Mem::rip_label(pool)).unwrap();
    a.lea(Size::Q, Gpr::R9, Mem::rip_label(pool)).unwrap();
    a.mov_mi(Size::D, Mem::rip_label(pool), 0x1234_5678)
        .unwrap();
    a.alu_mi(Alu::Cmp, Size::Q, Mem::rip_label(early), 5)
        .unwrap();
    a.mov_rm(Size::Q, Gpr::RAX, Mem::rip_label(early)).unwrap();
    let code_end = a.offset() as usize;
    a.align(8).unwrap();
    a.bind(pool).unwrap();
    a.data(&1.5f64.to_le_bytes()).unwrap();
    let pool_at = a.label_offset(pool).unwrap() as u64;
    let code = a.finish().unwrap();
    let ins = decode_all(Mode::X64, &code.bytes()[8..code_end], 8);
    let targets: Vec<u64> = ins.iter().map(|i| i.memory_displacement64()).collect();
    assert_eq!(targets, [pool_at, pool_at, pool_at, 0, 0]);
    assert!(
        ins.iter()
            .all(|i| i.memory_base() == iced_x86::Register::RIP)
    );
    assert_eq!(ins[2].immediate(1), 0x1234_5678);

    let mut a = Assembler::new(Mode::X86);
    let l = a.new_label();
    assert_eq!(
        a.movsd_rm(Xmm::XMM0, Mem::rip_label(l)),
        Err(EncodeError::RipRelativeIn32Bit)
    );
    let mut a = Assembler::new(Mode::X64);
    let mut other = Assembler::new(Mode::X64);
    let foreign = other.new_label();
    assert_eq!(
        a.lea(Size::Q, Gpr::RAX, Mem::rip_label(foreign)),
        Err(EncodeError::UnknownLabel)
    );
    assert_eq!(a.offset(), 0);
}
