//! The accumulator forms (`op al/ax/eax/rax, imm`, no ModRM byte): chosen
//! for `rax` with an immediate that needs more than 8 bits, decoded by
//! iced-x86 as the same instruction, and refused at 64-bit size in 32-bit
//! mode without emitting a byte.

use iced_x86::{Code, Decoder, DecoderOptions};
use jit_core::x86::{Alu, Assembler, EncodeError, Gpr, Mode, Size};

/// One encoding request.
type Emit = fn(&mut Assembler) -> Result<(), EncodeError>;

fn encode(mode: Mode, f: impl FnOnce(&mut Assembler) -> Result<(), EncodeError>) -> Vec<u8> {
    let mut a = Assembler::new(mode);
    f(&mut a).expect("encodes");
    a.finish().expect("finishes").bytes().to_vec()
}

fn one(bitness: u32, code: &[u8]) -> iced_x86::Instruction {
    let mut d = Decoder::new(bitness, code, DecoderOptions::NONE);
    let i = d.decode();
    assert_eq!(i.len(), code.len(), "one instruction: {code:02X?}");
    i
}

#[test]
fn rax_with_a_wide_immediate_uses_the_short_accumulator_form() {
    let cases: [(Mode, Size, Alu, Code); 4] = [
        (Mode::X64, Size::Q, Alu::Add, Code::Add_RAX_imm32),
        (Mode::X64, Size::D, Alu::Cmp, Code::Cmp_EAX_imm32),
        (Mode::X86, Size::D, Alu::Sub, Code::Sub_EAX_imm32),
        (Mode::X86, Size::W, Alu::Xor, Code::Xor_AX_imm16),
    ];
    for (mode, size, op, code) in cases {
        let bytes = encode(mode, |a| a.alu_ri(op, size, Gpr::RAX, 1000));
        let bitness = if mode == Mode::X64 { 64 } else { 32 };
        let i = one(bitness, &bytes);
        assert_eq!(i.code(), code, "{bytes:02X?}");
        assert_eq!(i.immediate(1) as i64 as i16, 1000);
    }
    let bytes = encode(Mode::X64, |a| a.test_ri(Size::Q, Gpr::RAX, 0x1000));
    assert_eq!(one(64, &bytes).code(), Code::Test_RAX_imm32);
}

#[test]
fn sixty_four_bit_accumulator_forms_are_refused_in_32_bit_mode() {
    let attempts: [Emit; 2] = [
        |a| a.alu_ri(Alu::Add, Size::Q, Gpr::RAX, 1000),
        |a| a.test_ri(Size::Q, Gpr::RAX, 0x1000),
    ];
    for f in attempts {
        let mut a = Assembler::new(Mode::X86);
        assert_eq!(f(&mut a), Err(EncodeError::OperandSizeNotInMode));
        assert_eq!(a.offset(), 0, "a refused instruction emits nothing");
    }
}
