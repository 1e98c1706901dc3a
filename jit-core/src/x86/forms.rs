//! The instruction table: every instruction form as data.
//!
//! A [`Form`] says which bytes an instruction starts with, whether its ModRM
//! `reg` field is an opcode extension, which operand sizes it takes and in
//! which modes it exists. The emitters (`emit.rs`) turn a form plus
//! operands into bytes; the methods of [`super::Assembler`] pick the form.
//! Everything here is `const`, so after inlining a form is just immediates
//! in the generated code.

use super::regs::Mode;

/// A set of operand sizes (bit 0 = byte, 1 = word, 2 = dword, 3 = qword).
pub type Sizes = u8;

/// Byte operands (the form's opcode with bit 0 cleared).
pub const B: Sizes = 1;
/// Word operands (prefix 0x66).
pub const W: Sizes = 2;
/// Dword operands (no prefix).
pub const D: Sizes = 4;
/// Qword operands (REX.W; 64-bit mode only).
pub const Q: Sizes = 8;
/// Word, dword, qword.
pub const WDQ: Sizes = W | D | Q;
/// All four integer sizes.
pub const BWDQ: Sizes = B | W | D | Q;
/// Dword or qword (SSE conversions with a GPR operand).
pub const DQ: Sizes = D | Q;
/// The encoding does not depend on an operand size.
pub const UNSIZED: Sizes = 0;

/// Marker for "ModRM.reg holds a register operand" in [`Form::ext`].
pub const NO_EXT: u8 = 0xFF;

/// One instruction form: opcode bytes and the rules for operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form {
    /// Mandatory prefix (0x66, 0xF2, 0xF3) or 0 for none; emitted before REX.
    pub prefix: u8,
    /// Opcode bytes (the first `len` are used); for sized forms the last byte
    /// is the full-size opcode and the byte form clears its bit 0.
    pub opcode: [u8; 3],
    /// Number of opcode bytes.
    pub len: u8,
    /// ModRM.reg opcode extension (`/digit`), or [`NO_EXT`].
    pub ext: u8,
    /// Operand sizes the form takes; [`UNSIZED`] if the size is implied.
    pub sizes: Sizes,
    /// Always needs REX.W (e.g. `movq xmm, r64`).
    pub rex_w: bool,
    /// `Some(mode)` if the form exists only in that mode.
    pub only: Option<Mode>,
    /// Emit a `lock` prefix (0xF0).
    pub lock: bool,
}

impl Form {
    /// A form with the given opcode bytes, register operand in ModRM.reg,
    /// all integer sizes, both modes.
    pub const fn op(bytes: &[u8]) -> Form {
        let mut opcode = [0u8; 3];
        let mut i = 0;
        while i < bytes.len() {
            opcode[i] = bytes[i];
            i += 1;
        }
        Form {
            prefix: 0,
            opcode,
            len: bytes.len() as u8,
            ext: NO_EXT,
            sizes: BWDQ,
            rex_w: false,
            only: None,
            lock: false,
        }
    }
    /// Same form with a ModRM.reg opcode extension.
    pub const fn ext(self, e: u8) -> Form {
        Form { ext: e, ..self }
    }
    /// Same form with another set of operand sizes.
    pub const fn sizes(self, s: Sizes) -> Form {
        Form { sizes: s, ..self }
    }
    /// Same form with a mandatory prefix.
    pub const fn prefix(self, p: u8) -> Form {
        Form { prefix: p, ..self }
    }
    /// Same form, always REX.W.
    pub const fn rex_w(self) -> Form {
        Form {
            rex_w: true,
            ..self
        }
    }
    /// Same form, only in `mode`.
    pub const fn only(self, mode: Mode) -> Form {
        Form {
            only: Some(mode),
            ..self
        }
    }
    /// Same form with a lock prefix.
    pub const fn lock(self) -> Form {
        Form { lock: true, ..self }
    }
    /// Same form with `cc` added to the last opcode byte (jcc/setcc/cmovcc families).
    #[inline(always)]
    pub const fn plus(self, cc: u8) -> Form {
        let mut f = self;
        f.opcode[f.len as usize - 1] += cc;
        f
    }
}

/// The eight classic two-operand arithmetic/logic operations; the value is
/// the ModRM.reg extension and bits 3..5 of the register-form opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Alu {
    /// `add`
    Add = 0,
    /// `or`
    Or = 1,
    /// `adc`
    Adc = 2,
    /// `sbb`
    Sbb = 3,
    /// `and`
    And = 4,
    /// `sub`
    Sub = 5,
    /// `xor`
    Xor = 6,
    /// `cmp`
    Cmp = 7,
}

impl Alu {
    /// All eight operations in encoding order.
    pub const ALL: [Alu; 8] = [
        Alu::Add,
        Alu::Or,
        Alu::Adc,
        Alu::Sbb,
        Alu::And,
        Alu::Sub,
        Alu::Xor,
        Alu::Cmp,
    ];
}

/// Shifts and rotates; the value is the ModRM.reg extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Shift {
    /// `rol`
    Rol = 0,
    /// `ror`
    Ror = 1,
    /// `shl` (= `sal`)
    Shl = 4,
    /// `shr` (logical)
    Shr = 5,
    /// `sar` (arithmetic)
    Sar = 7,
}

impl Shift {
    /// All five operations.
    pub const ALL: [Shift; 5] = [Shift::Rol, Shift::Ror, Shift::Shl, Shift::Shr, Shift::Sar];
}

/// `alu r/m, reg` for each [`Alu`] (opcode `op*8 + 1`).
pub const ALU_MR: [Form; 8] = {
    let mut t = [Form::op(&[0x01]); 8];
    let mut i = 0;
    while i < 8 {
        t[i] = Form::op(&[(i as u8) << 3 | 1]);
        i += 1;
    }
    t
};
/// `alu reg, r/m` for each [`Alu`] (opcode `op*8 + 3`).
pub const ALU_RM: [Form; 8] = {
    let mut t = [Form::op(&[0x03]); 8];
    let mut i = 0;
    while i < 8 {
        t[i] = Form::op(&[(i as u8) << 3 | 3]);
        i += 1;
    }
    t
};
/// `alu r/m, imm` (0x81 /op, byte form 0x80).
pub const ALU_MI: Form = Form::op(&[0x81]);
/// `alu r/m, simm8` (0x83 /op).
pub const ALU_MI8: Form = Form::op(&[0x83]).sizes(WDQ);

/// `mov r/m, reg`
pub const MOV_MR: Form = Form::op(&[0x89]);
/// `mov reg, r/m`
pub const MOV_RM: Form = Form::op(&[0x8B]);
/// `mov r/m, imm` (imm32 sign-extended for qword)
pub const MOV_MI: Form = Form::op(&[0xC7]).ext(0);
/// `movzx reg, r/m8`
pub const MOVZX8: Form = Form::op(&[0x0F, 0xB6]).sizes(WDQ);
/// `movzx reg, r/m16`
pub const MOVZX16: Form = Form::op(&[0x0F, 0xB7]).sizes(D | Q);
/// `movsx reg, r/m8`
pub const MOVSX8: Form = Form::op(&[0x0F, 0xBE]).sizes(WDQ);
/// `movsx reg, r/m16`
pub const MOVSX16: Form = Form::op(&[0x0F, 0xBF]).sizes(D | Q);
/// `movsxd r64, r/m32` (in 32-bit mode 0x63 is `arpl`)
pub const MOVSXD: Form = Form::op(&[0x63]).sizes(Q).only(Mode::X64);
/// `lea reg, m`
pub const LEA: Form = Form::op(&[0x8D]).sizes(WDQ);
/// `test r/m, reg`
pub const TEST_MR: Form = Form::op(&[0x85]);
/// `test r/m, imm`
pub const TEST_MI: Form = Form::op(&[0xF7]).ext(0);
/// `inc r/m`
pub const INC: Form = Form::op(&[0xFF]).ext(0);
/// `dec r/m`
pub const DEC: Form = Form::op(&[0xFF]).ext(1);
/// `not r/m`
pub const NOT: Form = Form::op(&[0xF7]).ext(2);
/// `neg r/m`
pub const NEG: Form = Form::op(&[0xF7]).ext(3);
/// `mul r/m` (unsigned, rdx:rax)
pub const MUL: Form = Form::op(&[0xF7]).ext(4);
/// `div r/m` (unsigned, rdx:rax)
pub const DIV: Form = Form::op(&[0xF7]).ext(6);
/// `idiv r/m` (signed, rdx:rax)
pub const IDIV: Form = Form::op(&[0xF7]).ext(7);
/// `imul reg, r/m`
pub const IMUL_RM: Form = Form::op(&[0x0F, 0xAF]).sizes(WDQ);
/// `imul reg, r/m, imm` (imm16/imm32)
pub const IMUL_RMI: Form = Form::op(&[0x69]).sizes(WDQ);
/// `imul reg, r/m, simm8`
pub const IMUL_RMI8: Form = Form::op(&[0x6B]).sizes(WDQ);
/// `shift r/m, 1`
pub const SHIFT_1: Form = Form::op(&[0xD1]);
/// `shift r/m, imm8`
pub const SHIFT_I: Form = Form::op(&[0xC1]);
/// `shift r/m, cl`
pub const SHIFT_CL: Form = Form::op(&[0xD3]);
/// `setcc r/m8` (add the condition with [`Form::plus`])
pub const SETCC: Form = Form::op(&[0x0F, 0x90]).ext(0).sizes(UNSIZED);
/// `cmovcc reg, r/m` (add the condition with [`Form::plus`])
pub const CMOVCC: Form = Form::op(&[0x0F, 0x40]).sizes(WDQ);
/// `jmp r/m` (word-sized operand: 32 or 64 bits by mode)
pub const JMP_M: Form = Form::op(&[0xFF]).ext(4).sizes(UNSIZED);
/// `call r/m` (word-sized operand)
pub const CALL_M: Form = Form::op(&[0xFF]).ext(2).sizes(UNSIZED);
/// `push r/m` (word-sized operand: 32 or 64 bits by mode)
pub const PUSH_M: Form = Form::op(&[0xFF]).ext(6).sizes(UNSIZED);
/// `pop r/m` (word-sized operand)
pub const POP_M: Form = Form::op(&[0x8F]).ext(0).sizes(UNSIZED);
/// x87 `fld m64fp`: push a `double` from memory onto the x87 stack
pub const FLD_M64: Form = Form::op(&[0xDD]).ext(0).sizes(UNSIZED);
/// x87 `fstp m64fp`: store `st(0)` as a `double` and pop it (cdecl float
/// results arrive in `st(0)`)
pub const FSTP_M64: Form = Form::op(&[0xDD]).ext(3).sizes(UNSIZED);
/// `xchg r/m, reg`
pub const XCHG: Form = Form::op(&[0x87]);
/// `bt r/m, reg`
pub const BT: Form = Form::op(&[0x0F, 0xA3]).sizes(WDQ);
/// `bts r/m, reg`
pub const BTS: Form = Form::op(&[0x0F, 0xAB]).sizes(WDQ);
/// `bt r/m, imm8`
pub const BT_I: Form = Form::op(&[0x0F, 0xBA]).ext(4).sizes(WDQ);
/// `bts r/m, imm8`
pub const BTS_I: Form = Form::op(&[0x0F, 0xBA]).ext(5).sizes(WDQ);
/// `lock cmpxchg m, reg`
pub const LOCK_CMPXCHG: Form = Form::op(&[0x0F, 0xB1]).lock();
/// `lock xadd m, reg`
pub const LOCK_XADD: Form = Form::op(&[0x0F, 0xC1]).lock();

const fn sse(prefix: u8, op: u8) -> Form {
    Form::op(&[0x0F, op]).prefix(prefix).sizes(UNSIZED)
}
/// `movsd xmm, xmm/m64`
pub const MOVSD_LOAD: Form = sse(0xF2, 0x10);
/// `movsd m64, xmm`
pub const MOVSD_STORE: Form = sse(0xF2, 0x11);
/// `movss xmm, xmm/m32`
pub const MOVSS_LOAD: Form = sse(0xF3, 0x10);
/// `movss m32, xmm`
pub const MOVSS_STORE: Form = sse(0xF3, 0x11);
/// `movaps xmm, xmm/m128`
pub const MOVAPS_LOAD: Form = sse(0, 0x28);
/// `movaps m128, xmm`
pub const MOVAPS_STORE: Form = sse(0, 0x29);
/// `movapd xmm, xmm/m128`
pub const MOVAPD_LOAD: Form = sse(0x66, 0x28);
/// `movapd m128, xmm`
pub const MOVAPD_STORE: Form = sse(0x66, 0x29);
/// `movd xmm, r/m32`
pub const MOVD_XR: Form = sse(0x66, 0x6E);
/// `movd r/m32, xmm`
pub const MOVD_RX: Form = sse(0x66, 0x7E);
/// `movq xmm, r64` (REX.W form; 64-bit mode only)
pub const MOVQ_XR: Form = sse(0x66, 0x6E).rex_w().only(Mode::X64);
/// `movq r64, xmm` (REX.W form; 64-bit mode only)
pub const MOVQ_RX: Form = sse(0x66, 0x7E).rex_w().only(Mode::X64);
/// `movq xmm, xmm/m64`
pub const MOVQ_XM: Form = sse(0xF3, 0x7E);
/// `movq m64, xmm`
pub const MOVQ_MX: Form = sse(0x66, 0xD6);
/// `cvtsi2sd xmm, r/m32|r/m64`
pub const CVTSI2SD: Form = sse(0xF2, 0x2A).sizes(DQ);
/// `cvttsd2si r32|r64, xmm/m64`
pub const CVTTSD2SI: Form = sse(0xF2, 0x2C).sizes(DQ);
/// `addsd`
pub const ADDSD: Form = sse(0xF2, 0x58);
/// `mulsd`
pub const MULSD: Form = sse(0xF2, 0x59);
/// `subsd`
pub const SUBSD: Form = sse(0xF2, 0x5C);
/// `minsd`
pub const MINSD: Form = sse(0xF2, 0x5D);
/// `divsd`
pub const DIVSD: Form = sse(0xF2, 0x5E);
/// `maxsd`
pub const MAXSD: Form = sse(0xF2, 0x5F);
/// `sqrtsd`
pub const SQRTSD: Form = sse(0xF2, 0x51);
/// `ucomisd`
pub const UCOMISD: Form = sse(0x66, 0x2E);
/// `comisd`
pub const COMISD: Form = sse(0x66, 0x2F);
/// `cvtsd2ss`
pub const CVTSD2SS: Form = sse(0xF2, 0x5A);
/// `cvtss2sd`
pub const CVTSS2SD: Form = sse(0xF3, 0x5A);
/// `andpd`
pub const ANDPD: Form = sse(0x66, 0x54);
/// `andnpd`
pub const ANDNPD: Form = sse(0x66, 0x55);
/// `orpd`
pub const ORPD: Form = sse(0x66, 0x56);
/// `xorpd`
pub const XORPD: Form = sse(0x66, 0x57);
/// `pxor`
pub const PXOR: Form = sse(0x66, 0xEF);

/// The recommended multi-byte NOP sequences (Intel SDM / AMD), index = length - 1.
pub const NOPS: [&[u8]; 15] = [
    &[0x90],
    &[0x66, 0x90],
    &[0x0F, 0x1F, 0x00],
    &[0x0F, 0x1F, 0x40, 0x00],
    &[0x0F, 0x1F, 0x44, 0x00, 0x00],
    &[0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00],
    &[0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00],
    &[0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
    &[
        0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ],
    &[
        0x66, 0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ],
    &[
        0x66, 0x66, 0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ],
    &[
        0x66, 0x66, 0x66, 0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ],
    &[
        0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2E, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ],
];
