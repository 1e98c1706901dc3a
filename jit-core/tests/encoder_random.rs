//! Property test: every instruction form, in both modes, with random operands,
//! encoded by `jit_core::x86` and decoded by iced-x86 (an independent decoder).
//! The decoded mnemonic, operands (registers, memory base/index/scale/
//! displacement and size, immediates, branch targets) and length must match.
//!
//! One run encodes well over 1,000,000 instructions. The seed is printed on
//! failure; set `ENCODER_SEED=<n>` to replay a run.

use iced_x86::{Decoder, DecoderOptions, Instruction, Mnemonic, OpKind, Register};
use jit_core::x86::{Alu, Assembler, Cond, Gpr, Mem, Mode, Scale, Shift, Size, Xmm};

/// xorshift64*: fast, good enough to spread operands.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn bool(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    R(Register),
    /// Memory: base, index, scale, displacement (for RIP: relative to next ip), size in bytes (None = unchecked).
    M {
        base: Register,
        index: Register,
        scale: u32,
        disp: u64,
        size: Option<usize>,
    },
    I(i64),
    Br(u64),
}

#[derive(Clone, Debug)]
struct Expect {
    mn: Mnemonic,
    ops: Vec<Op>,
    lock: bool,
}

fn ex(mn: Mnemonic, ops: &[Op]) -> Expect {
    Expect {
        mn,
        ops: ops.to_vec(),
        lock: false,
    }
}

fn reg_at(first: Register, n: u8) -> Register {
    Register::try_from(first as usize + n as usize).unwrap()
}

fn gpr(mode: Mode, n: u8, size: Size) -> Register {
    match size {
        Size::Q => reg_at(Register::RAX, n),
        Size::D => reg_at(Register::EAX, n),
        Size::W => reg_at(Register::AX, n),
        Size::B => match (n, mode) {
            (0..=3, _) => reg_at(Register::AL, n),
            (4..=7, Mode::X64) => reg_at(Register::SPL, n - 4),
            (4..=7, Mode::X86) => panic!("ah..bh not generated"),
            _ => reg_at(Register::R8L, n - 8),
        },
    }
}

fn word(mode: Mode) -> Size {
    if mode == Mode::X64 { Size::Q } else { Size::D }
}

fn rreg(rng: &mut Rng, mode: Mode, size: Size) -> Gpr {
    let n = match (mode, size) {
        (Mode::X86, Size::B) => rng.below(4),
        (Mode::X86, _) => rng.below(8),
        (Mode::X64, _) => rng.below(16),
    };
    Gpr::from_number(n as u8).unwrap()
}

fn rxmm(rng: &mut Rng, mode: Mode) -> Xmm {
    Xmm::from_number(rng.below(mode.register_count() as u64) as u8).unwrap()
}

fn rsize(rng: &mut Rng, mode: Mode, allowed: &[Size]) -> Size {
    loop {
        let s = rng.pick(allowed);
        if !(mode == Mode::X86 && s == Size::Q) {
            return s;
        }
    }
}

const BWDQ: &[Size] = &[Size::B, Size::W, Size::D, Size::Q];
const WDQ: &[Size] = &[Size::W, Size::D, Size::Q];

fn rdisp(rng: &mut Rng) -> i32 {
    match rng.below(6) {
        0 => 0,
        1 => rng.pick(&[127, 128, -128, -129, 1, -1, i32::MAX, i32::MIN]),
        2 | 3 => rng.next() as i8 as i32,
        _ => rng.next() as i32,
    }
}

fn rimm(rng: &mut Rng, size: Size) -> i64 {
    match rng.below(5) {
        0 => {
            let v = rng.pick(&[0, 1, -1, 127, 128, -128, -129, 255, 256]);
            if size == Size::B && !(-128..=255).contains(&v) {
                127
            } else {
                v
            }
        }
        1 => rng.next() as i8 as i64,
        _ => match size {
            Size::B => rng.below(384) as i64 - 128,
            Size::W => rng.below(0x18000) as i64 - 0x8000,
            Size::D => {
                if rng.bool() {
                    rng.next() as u32 as i64
                } else {
                    rng.next() as i32 as i64
                }
            }
            Size::Q => rng.next() as i32 as i64,
        },
    }
}

/// Normalise an immediate the way the encoder documents it: sign-extended from the field width.
fn norm(size: Size, v: i64) -> i64 {
    match size {
        Size::B => v as i8 as i64,
        Size::W => v as i16 as i64,
        _ => v as i32 as i64,
    }
}

/// A random memory operand covering every addressing shape, and its expected decoding.
fn rmem(rng: &mut Rng, mode: Mode, size: Option<usize>) -> (Mem, Op) {
    let asz = word(mode);
    let disp = rdisp(rng);
    let sext = |d: i32| match mode {
        Mode::X64 => d as i64 as u64,
        Mode::X86 => d as u32 as u64,
    };
    let kind = rng.below(if mode == Mode::X64 { 12 } else { 11 });
    match kind {
        0..=3 => {
            let b = rreg(rng, mode, Size::Q);
            let b = if kind == 0 {
                rng.pick(&[Gpr::RSP, Gpr::RBP, b])
            } else {
                b
            };
            let b = if mode == Mode::X64 && kind == 1 {
                rng.pick(&[Gpr::R12, Gpr::R13, b])
            } else {
                b
            };
            let d = if rng.below(4) == 0 { 0 } else { disp };
            (
                Mem::base(b, d),
                Op::M {
                    base: gpr(mode, b.number(), asz),
                    index: Register::None,
                    scale: 1,
                    disp: sext(d),
                    size,
                },
            )
        }
        4..=7 => {
            let b = rreg(rng, mode, Size::Q);
            let mut i = rreg(rng, mode, Size::Q);
            if i == Gpr::RSP {
                i = Gpr::RBP;
            }
            let sc = rng.pick(&[Scale::S1, Scale::S2, Scale::S4, Scale::S8]);
            let d = if rng.below(4) == 0 { 0 } else { disp };
            (
                Mem::base_index(b, i, sc, d),
                Op::M {
                    base: gpr(mode, b.number(), asz),
                    index: gpr(mode, i.number(), asz),
                    scale: sc.factor(),
                    disp: sext(d),
                    size,
                },
            )
        }
        8 | 9 => {
            let mut i = rreg(rng, mode, Size::Q);
            if i == Gpr::RSP {
                i = Gpr::R12.min(Gpr::from_number(mode.register_count() - 1).unwrap());
            }
            let sc = rng.pick(&[Scale::S1, Scale::S2, Scale::S4, Scale::S8]);
            (
                Mem::index_only(i, sc, disp),
                Op::M {
                    base: Register::None,
                    index: gpr(mode, i.number(), asz),
                    scale: sc.factor(),
                    disp: sext(disp),
                    size,
                },
            )
        }
        10 => {
            let a = match mode {
                Mode::X64 => rng.below(1 << 31) as u32,
                Mode::X86 => rng.next() as u32,
            };
            (
                Mem::abs(a),
                Op::M {
                    base: Register::None,
                    index: Register::None,
                    scale: 1,
                    disp: a as u64,
                    size,
                },
            )
        }
        _ => (
            Mem::rip(disp),
            Op::M {
                base: Register::RIP,
                index: Register::None,
                scale: 1,
                disp: disp as i64 as u64,
                size,
            },
        ),
    }
}

const ALU_MN: [Mnemonic; 8] = [
    Mnemonic::Add,
    Mnemonic::Or,
    Mnemonic::Adc,
    Mnemonic::Sbb,
    Mnemonic::And,
    Mnemonic::Sub,
    Mnemonic::Xor,
    Mnemonic::Cmp,
];
const SETCC_MN: [Mnemonic; 16] = [
    Mnemonic::Seto,
    Mnemonic::Setno,
    Mnemonic::Setb,
    Mnemonic::Setae,
    Mnemonic::Sete,
    Mnemonic::Setne,
    Mnemonic::Setbe,
    Mnemonic::Seta,
    Mnemonic::Sets,
    Mnemonic::Setns,
    Mnemonic::Setp,
    Mnemonic::Setnp,
    Mnemonic::Setl,
    Mnemonic::Setge,
    Mnemonic::Setle,
    Mnemonic::Setg,
];
const CMOV_MN: [Mnemonic; 16] = [
    Mnemonic::Cmovo,
    Mnemonic::Cmovno,
    Mnemonic::Cmovb,
    Mnemonic::Cmovae,
    Mnemonic::Cmove,
    Mnemonic::Cmovne,
    Mnemonic::Cmovbe,
    Mnemonic::Cmova,
    Mnemonic::Cmovs,
    Mnemonic::Cmovns,
    Mnemonic::Cmovp,
    Mnemonic::Cmovnp,
    Mnemonic::Cmovl,
    Mnemonic::Cmovge,
    Mnemonic::Cmovle,
    Mnemonic::Cmovg,
];

fn shift_mn(s: Shift) -> Mnemonic {
    match s {
        Shift::Rol => Mnemonic::Rol,
        Shift::Ror => Mnemonic::Ror,
        Shift::Shl => Mnemonic::Shl,
        Shift::Shr => Mnemonic::Shr,
        Shift::Sar => Mnemonic::Sar,
    }
}

type SseRr = fn(&mut Assembler, Xmm, Xmm) -> Result<(), jit_core::x86::EncodeError>;
type SseRm = fn(&mut Assembler, Xmm, Mem) -> Result<(), jit_core::x86::EncodeError>;

const SSE_BIN: [(SseRr, SseRm, Mnemonic, usize); 16] = [
    (Assembler::addsd_rr, Assembler::addsd_rm, Mnemonic::Addsd, 8),
    (Assembler::subsd_rr, Assembler::subsd_rm, Mnemonic::Subsd, 8),
    (Assembler::mulsd_rr, Assembler::mulsd_rm, Mnemonic::Mulsd, 8),
    (Assembler::divsd_rr, Assembler::divsd_rm, Mnemonic::Divsd, 8),
    (
        Assembler::sqrtsd_rr,
        Assembler::sqrtsd_rm,
        Mnemonic::Sqrtsd,
        8,
    ),
    (Assembler::minsd_rr, Assembler::minsd_rm, Mnemonic::Minsd, 8),
    (Assembler::maxsd_rr, Assembler::maxsd_rm, Mnemonic::Maxsd, 8),
    (
        Assembler::ucomisd_rr,
        Assembler::ucomisd_rm,
        Mnemonic::Ucomisd,
        8,
    ),
    (
        Assembler::comisd_rr,
        Assembler::comisd_rm,
        Mnemonic::Comisd,
        8,
    ),
    (
        Assembler::cvtsd2ss_rr,
        Assembler::cvtsd2ss_rm,
        Mnemonic::Cvtsd2ss,
        8,
    ),
    (
        Assembler::cvtss2sd_rr,
        Assembler::cvtss2sd_rm,
        Mnemonic::Cvtss2sd,
        4,
    ),
    (
        Assembler::xorpd_rr,
        Assembler::xorpd_rm,
        Mnemonic::Xorpd,
        16,
    ),
    (
        Assembler::andpd_rr,
        Assembler::andpd_rm,
        Mnemonic::Andpd,
        16,
    ),
    (
        Assembler::andnpd_rr,
        Assembler::andnpd_rm,
        Mnemonic::Andnpd,
        16,
    ),
    (Assembler::orpd_rr, Assembler::orpd_rm, Mnemonic::Orpd, 16),
    (Assembler::pxor_rr, Assembler::pxor_rm, Mnemonic::Pxor, 16),
];

type SseMovRr = fn(&mut Assembler, Xmm, Xmm) -> Result<(), jit_core::x86::EncodeError>;
type SseMovMr = fn(&mut Assembler, Mem, Xmm) -> Result<(), jit_core::x86::EncodeError>;
const SSE_MOV: [(SseMovRr, SseRm, SseMovMr, Mnemonic, usize); 4] = [
    (
        Assembler::movsd_rr,
        Assembler::movsd_rm,
        Assembler::movsd_mr,
        Mnemonic::Movsd,
        8,
    ),
    (
        Assembler::movss_rr,
        Assembler::movss_rm,
        Assembler::movss_mr,
        Mnemonic::Movss,
        4,
    ),
    (
        Assembler::movaps_rr,
        Assembler::movaps_rm,
        Assembler::movaps_mr,
        Mnemonic::Movaps,
        16,
    ),
    (
        Assembler::movapd_rr,
        Assembler::movapd_rm,
        Assembler::movapd_mr,
        Mnemonic::Movapd,
        16,
    ),
];

/// Number of instruction-form groups `gen` knows.
const FORMS: u64 = 54;

/// Emit one random instance of form group `form`; return what iced must decode.
fn emit_random(rng: &mut Rng, mode: Mode, a: &mut Assembler, form: u64) -> Expect {
    use Mnemonic as M;
    let x64 = mode == Mode::X64;
    let r = |g: Gpr, s: Size| Op::R(gpr(mode, g.number(), s));
    let x = |v: Xmm| Op::R(reg_at(Register::XMM0, v.number()));
    macro_rules! ok {
        ($e:expr) => {
            $e.unwrap_or_else(|e| panic!("{mode:?} form {form}: refused: {e}"))
        };
    }
    match form {
        0 => {
            let s = rsize(rng, mode, BWDQ);
            let (d, sr) = (rreg(rng, mode, s), rreg(rng, mode, s));
            ok!(a.mov_rr(s, d, sr));
            ex(M::Mov, &[r(d, s), r(sr, s)])
        }
        1 | 2 => {
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
            if form == 1 {
                ok!(a.mov_rm(s, g, m));
                ex(M::Mov, &[r(g, s), mo])
            } else {
                ok!(a.mov_mr(s, m, g));
                ex(M::Mov, &[mo, r(g, s)])
            }
        }
        3 => {
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            if s == Size::Q {
                let v = match rng.below(3) {
                    0 => rng.next() as i64,
                    1 => rng.next() as u32 as i64,
                    _ => rng.next() as i32 as i64,
                };
                ok!(a.mov_ri(s, g, v));
                if (0..=u32::MAX as i64).contains(&v) {
                    ex(M::Mov, &[r(g, Size::D), Op::I(v as i32 as i64)])
                } else {
                    ex(M::Mov, &[r(g, Size::Q), Op::I(v)])
                }
            } else {
                let v = rimm(rng, s);
                ok!(a.mov_ri(s, g, v));
                ex(M::Mov, &[r(g, s), Op::I(norm(s, v))])
            }
        }
        4 => {
            let s = rsize(rng, mode, BWDQ);
            let v = rimm(rng, s);
            let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
            ok!(a.mov_mi(s, m, v));
            ex(M::Mov, &[mo, Op::I(norm(s, v))])
        }
        5..=8 => {
            let zero = form <= 6;
            let ss = rng.pick(&[Size::B, Size::W]);
            let ds = if ss == Size::B {
                rsize(rng, mode, WDQ)
            } else {
                rsize(rng, mode, &[Size::D, Size::Q])
            };
            let d = rreg(rng, mode, ds);
            let mn = if zero { M::Movzx } else { M::Movsx };
            if form % 2 == 1 {
                let sr = rreg(rng, mode, ss);
                ok!(if zero {
                    a.movzx_rr(ds, d, ss, sr)
                } else {
                    a.movsx_rr(ds, d, ss, sr)
                });
                ex(mn, &[r(d, ds), r(sr, ss)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(ss.bytes() as usize));
                ok!(if zero {
                    a.movzx_rm(ds, d, ss, m)
                } else {
                    a.movsx_rm(ds, d, ss, m)
                });
                ex(mn, &[r(d, ds), mo])
            }
        }
        9 | 10 if x64 => {
            let d = rreg(rng, mode, Size::Q);
            if form == 9 {
                let sr = rreg(rng, mode, Size::D);
                ok!(a.movsxd_rr(d, sr));
                ex(M::Movsxd, &[r(d, Size::Q), r(sr, Size::D)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(4));
                ok!(a.movsxd_rm(d, m));
                ex(M::Movsxd, &[r(d, Size::Q), mo])
            }
        }
        9..=11 => {
            let s = rsize(rng, mode, WDQ);
            let d = rreg(rng, mode, s);
            let (m, mo) = rmem(rng, mode, None);
            ok!(a.lea(s, d, m));
            ex(M::Lea, &[r(d, s), mo])
        }
        12..=16 => {
            let op = rng.pick(&Alu::ALL);
            let mn = ALU_MN[op as usize];
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            match form {
                12 => {
                    let sr = rreg(rng, mode, s);
                    ok!(a.alu_rr(op, s, g, sr));
                    ex(mn, &[r(g, s), r(sr, s)])
                }
                13 => {
                    let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                    ok!(a.alu_rm(op, s, g, m));
                    ex(mn, &[r(g, s), mo])
                }
                14 => {
                    let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                    ok!(a.alu_mr(op, s, m, g));
                    ex(mn, &[mo, r(g, s)])
                }
                15 => {
                    let v = rimm(rng, s);
                    ok!(a.alu_ri(op, s, g, v));
                    ex(mn, &[r(g, s), Op::I(norm(s, v))])
                }
                _ => {
                    let v = rimm(rng, s);
                    let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                    ok!(a.alu_mi(op, s, m, v));
                    ex(mn, &[mo, Op::I(norm(s, v))])
                }
            }
        }
        17..=19 => {
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            let v = rimm(rng, s);
            match form {
                17 => {
                    let h = rreg(rng, mode, s);
                    ok!(a.test_rr(s, g, h));
                    ex(M::Test, &[r(g, s), r(h, s)])
                }
                18 => {
                    ok!(a.test_ri(s, g, v));
                    ex(M::Test, &[r(g, s), Op::I(norm(s, v))])
                }
                _ => {
                    let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                    ok!(a.test_mi(s, m, v));
                    ex(M::Test, &[mo, Op::I(norm(s, v))])
                }
            }
        }
        20 | 21 => {
            let s = rsize(rng, mode, BWDQ);
            type U<T> = fn(&mut Assembler, Size, T) -> Result<(), jit_core::x86::EncodeError>;
            let table: [(U<Gpr>, U<Mem>, Mnemonic); 7] = [
                (Assembler::inc_r, Assembler::inc_m, M::Inc),
                (Assembler::dec_r, Assembler::dec_m, M::Dec),
                (Assembler::neg_r, Assembler::neg_m, M::Neg),
                (Assembler::not_r, Assembler::not_m, M::Not),
                (Assembler::mul_r, Assembler::mul_m, M::Mul),
                (Assembler::div_r, Assembler::div_m, M::Div),
                (Assembler::idiv_r, Assembler::idiv_m, M::Idiv),
            ];
            let (fr, fm, mn) = rng.pick(&table);
            if form == 20 {
                let g = rreg(rng, mode, s);
                ok!(fr(a, s, g));
                ex(mn, &[r(g, s)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                ok!(fm(a, s, m));
                ex(mn, &[mo])
            }
        }
        22..=24 => {
            let s = rsize(rng, mode, WDQ);
            let d = rreg(rng, mode, s);
            match form {
                22 => {
                    let sr = rreg(rng, mode, s);
                    ok!(a.imul_rr(s, d, sr));
                    ex(M::Imul, &[r(d, s), r(sr, s)])
                }
                23 => {
                    let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                    ok!(a.imul_rm(s, d, m));
                    ex(M::Imul, &[r(d, s), mo])
                }
                _ => {
                    let sr = rreg(rng, mode, s);
                    let v = rimm(rng, s);
                    ok!(a.imul_rri(s, d, sr, v));
                    ex(M::Imul, &[r(d, s), r(sr, s), Op::I(norm(s, v))])
                }
            }
        }
        25 => {
            if x64 && rng.bool() {
                ok!(a.cqo());
                ex(M::Cqo, &[])
            } else {
                ok!(a.cdq());
                ex(M::Cdq, &[])
            }
        }
        26..=29 => {
            let op = rng.pick(&Shift::ALL);
            let s = rsize(rng, mode, BWDQ);
            let cnt = if rng.bool() { 1 } else { rng.next() as u8 };
            let g = rreg(rng, mode, s);
            let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
            let first = if form <= 27 { r(g, s) } else { mo };
            let second = match form {
                26 => {
                    ok!(a.shift_ri(op, s, g, cnt));
                    Op::I(cnt as i8 as i64)
                }
                28 => {
                    ok!(a.shift_mi(op, s, m, cnt));
                    Op::I(cnt as i8 as i64)
                }
                27 => {
                    ok!(a.shift_rcl(op, s, g));
                    Op::R(Register::CL)
                }
                _ => {
                    ok!(a.shift_mcl(op, s, m));
                    Op::R(Register::CL)
                }
            };
            ex(shift_mn(op), &[first, second])
        }
        30 => {
            let c = rng.pick(&Cond::ALL);
            let g = rreg(rng, mode, Size::B);
            ok!(a.setcc(c, g));
            ex(SETCC_MN[c as usize], &[r(g, Size::B)])
        }
        31 | 32 => {
            let c = rng.pick(&Cond::ALL);
            let s = rsize(rng, mode, WDQ);
            let d = rreg(rng, mode, s);
            if form == 31 {
                let sr = rreg(rng, mode, s);
                ok!(a.cmovcc_rr(c, s, d, sr));
                ex(CMOV_MN[c as usize], &[r(d, s), r(sr, s)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                ok!(a.cmovcc_rm(c, s, d, m));
                ex(CMOV_MN[c as usize], &[r(d, s), mo])
            }
        }
        33 => {
            let g = rreg(rng, mode, Size::Q);
            if rng.bool() {
                ok!(a.jmp_r(g));
                ex(M::Jmp, &[r(g, word(mode))])
            } else {
                ok!(a.call_r(g));
                ex(M::Call, &[r(g, word(mode))])
            }
        }
        34 => {
            let (m, mo) = rmem(rng, mode, Some(word(mode).bytes() as usize));
            if rng.bool() {
                ok!(a.jmp_m(m));
                ex(M::Jmp, &[mo])
            } else {
                ok!(a.call_m(m));
                ex(M::Call, &[mo])
            }
        }
        35 => {
            let t = a.offset() as i64 + (rng.next() as i32 as i64 >> rng.below(31));
            let tgt = if x64 { t as u64 } else { t as u32 as u64 };
            if rng.bool() {
                ok!(a.call_rel(t));
                ex(M::Call, &[Op::Br(tgt)])
            } else {
                ok!(a.jmp_rel(t));
                ex(M::Jmp, &[Op::Br(tgt)])
            }
        }
        36 => match rng.below(3) {
            0 => {
                ok!(a.ret());
                ex(M::Ret, &[])
            }
            1 => {
                ok!(a.int3());
                ex(M::Int3, &[])
            }
            _ => {
                ok!(a.ud2());
                ex(M::Ud2, &[])
            }
        },
        37 => {
            let g = rreg(rng, mode, Size::Q);
            if rng.bool() {
                ok!(a.push_r(g));
                ex(M::Push, &[r(g, word(mode))])
            } else {
                ok!(a.pop_r(g));
                ex(M::Pop, &[r(g, word(mode))])
            }
        }
        38 => {
            let v = rimm(rng, Size::D) as i32;
            ok!(a.push_i(v));
            ex(M::Push, &[Op::I(v as i64)])
        }
        39 | 40 => {
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            if form == 39 {
                let h = rreg(rng, mode, s);
                ok!(a.xchg_rr(s, g, h));
                ex(M::Xchg, &[r(g, s), r(h, s)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                ok!(a.xchg_rm(s, g, m));
                ex(M::Xchg, &[mo, r(g, s)])
            }
        }
        41 | 42 => {
            let s = rsize(rng, mode, WDQ);
            let g = rreg(rng, mode, s);
            let bts = rng.bool();
            let mn = if bts { M::Bts } else { M::Bt };
            if form == 41 {
                let h = rreg(rng, mode, s);
                ok!(if bts {
                    a.bts_rr(s, g, h)
                } else {
                    a.bt_rr(s, g, h)
                });
                ex(mn, &[r(g, s), r(h, s)])
            } else {
                let b = rng.next() as u8;
                ok!(if bts {
                    a.bts_ri(s, g, b)
                } else {
                    a.bt_ri(s, g, b)
                });
                ex(mn, &[r(g, s), Op::I(b as i8 as i64)])
            }
        }
        43 => {
            let s = rsize(rng, mode, BWDQ);
            let g = rreg(rng, mode, s);
            let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
            let mut e = if rng.bool() {
                ok!(a.lock_cmpxchg_mr(s, m, g));
                ex(M::Cmpxchg, &[mo, r(g, s)])
            } else {
                ok!(a.lock_xadd_mr(s, m, g));
                ex(M::Xadd, &[mo, r(g, s)])
            };
            e.lock = true;
            e
        }
        44 | 45 => {
            let (frr, frm, mn, sz) = rng.pick(&SSE_BIN);
            let d = rxmm(rng, mode);
            if form == 44 {
                let sr = rxmm(rng, mode);
                ok!(frr(a, d, sr));
                ex(mn, &[x(d), x(sr)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(sz));
                ok!(frm(a, d, m));
                ex(mn, &[x(d), mo])
            }
        }
        46..=48 => {
            let (frr, frm, fmr, mn, sz) = rng.pick(&SSE_MOV);
            let d = rxmm(rng, mode);
            match form {
                46 => {
                    let sr = rxmm(rng, mode);
                    ok!(frr(a, d, sr));
                    ex(mn, &[x(d), x(sr)])
                }
                47 => {
                    let (m, mo) = rmem(rng, mode, Some(sz));
                    ok!(frm(a, d, m));
                    ex(mn, &[x(d), mo])
                }
                _ => {
                    let (m, mo) = rmem(rng, mode, Some(sz));
                    ok!(fmr(a, m, d));
                    ex(mn, &[mo, x(d)])
                }
            }
        }
        49 => {
            let q = x64 && rng.bool();
            let v = rxmm(rng, mode);
            let g = rreg(rng, mode, Size::Q);
            let (mn, s) = if q {
                (M::Movq, Size::Q)
            } else {
                (M::Movd, Size::D)
            };
            if rng.bool() {
                ok!(if q { a.movq_xr(v, g) } else { a.movd_xr(v, g) });
                ex(mn, &[x(v), r(g, s)])
            } else {
                ok!(if q { a.movq_rx(g, v) } else { a.movd_rx(g, v) });
                ex(mn, &[r(g, s), x(v)])
            }
        }
        50 => {
            let q = rng.bool();
            let v = rxmm(rng, mode);
            let (m, mo) = rmem(rng, mode, Some(if q { 8 } else { 4 }));
            let mn = if q { M::Movq } else { M::Movd };
            if rng.bool() {
                ok!(if q { a.movq_xm(v, m) } else { a.movd_xm(v, m) });
                ex(mn, &[x(v), mo])
            } else {
                ok!(if q { a.movq_mx(m, v) } else { a.movd_mx(m, v) });
                ex(mn, &[mo, x(v)])
            }
        }
        51 => {
            let s = rsize(rng, mode, &[Size::D, Size::Q]);
            let v = rxmm(rng, mode);
            if rng.bool() {
                let g = rreg(rng, mode, s);
                ok!(a.cvtsi2sd_rr(v, s, g));
                ex(M::Cvtsi2sd, &[x(v), r(g, s)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(s.bytes() as usize));
                ok!(a.cvtsi2sd_rm(v, s, m));
                ex(M::Cvtsi2sd, &[x(v), mo])
            }
        }
        52 => {
            let s = rsize(rng, mode, &[Size::D, Size::Q]);
            let g = rreg(rng, mode, s);
            if rng.bool() {
                let v = rxmm(rng, mode);
                ok!(a.cvttsd2si_rr(s, g, v));
                ex(M::Cvttsd2si, &[r(g, s), x(v)])
            } else {
                let (m, mo) = rmem(rng, mode, Some(8));
                ok!(a.cvttsd2si_rm(s, g, m));
                ex(M::Cvttsd2si, &[r(g, s), mo])
            }
        }
        _ => {
            let n = 1 + rng.below(15) as usize;
            ok!(a.nop(n));
            let mut e = ex(M::Nop, &[]);
            e.ops.clear();
            e
        }
    }
}

/// The decoded operand `i` in the test's terms.
fn decoded_op(ins: &Instruction, i: u32) -> Op {
    match ins.op_kind(i) {
        OpKind::Register => Op::R(ins.op_register(i)),
        OpKind::Memory => Op::M {
            base: ins.memory_base(),
            index: ins.memory_index(),
            scale: ins.memory_index_scale(),
            disp: ins.memory_displacement64(),
            size: Some(ins.memory_size().size()),
        },
        OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64 => {
            Op::Br(ins.near_branch_target())
        }
        OpKind::Immediate8
        | OpKind::Immediate8to16
        | OpKind::Immediate8to32
        | OpKind::Immediate8to64 => Op::I(ins.immediate8() as i8 as i64),
        OpKind::Immediate16 => Op::I(ins.immediate16() as i16 as i64),
        OpKind::Immediate32 | OpKind::Immediate32to64 => Op::I(ins.immediate32() as i32 as i64),
        OpKind::Immediate64 => Op::I(ins.immediate64() as i64),
        k => panic!("unexpected operand kind {k:?}"),
    }
}

/// Compare one decoded instruction with the expectation; `Err` describes the mismatch.
fn check(ins: &Instruction, e: &Expect, our_len: usize) -> Result<(), String> {
    if ins.is_invalid() {
        return Err("iced: invalid instruction".into());
    }
    if ins.len() != our_len {
        return Err(format!("length: iced {} vs ours {}", ins.len(), our_len));
    }
    if ins.mnemonic() != e.mn {
        return Err(format!(
            "mnemonic {:?} vs expected {:?}",
            ins.mnemonic(),
            e.mn
        ));
    }
    if e.mn == Mnemonic::Nop {
        return Ok(());
    }
    if ins.has_lock_prefix() != e.lock {
        return Err("lock prefix".into());
    }
    if ins.op_count() as usize != e.ops.len() {
        return Err(format!(
            "operand count {} vs {}",
            ins.op_count(),
            e.ops.len()
        ));
    }
    for (i, want) in e.ops.iter().enumerate() {
        let got = decoded_op(ins, i as u32);
        let mut want = *want;
        if let Op::M {
            base: Register::RIP,
            disp,
            ..
        } = &mut want
        {
            *disp = ins.next_ip().wrapping_add(*disp);
        }
        if let (
            Op::M {
                size: want_size @ None,
                ..
            },
            Op::M { size, .. },
        ) = (&mut want, got)
        {
            *want_size = size;
        }
        if got != want {
            return Err(format!("operand {i}: iced {got:?} vs expected {want:?}"));
        }
    }
    Ok(())
}

fn seed() -> u64 {
    if let Ok(s) = std::env::var("ENCODER_SEED") {
        return s.parse().expect("ENCODER_SEED must be a u64");
    }
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    (t.as_nanos() as u64) | 1
}

/// Encode `count` random instructions in batches and check each against iced; returns the count checked.
fn run(mode: Mode, seed: u64, count: usize) -> usize {
    let mut rng = Rng(seed);
    let bitness = if mode == Mode::X64 { 64 } else { 32 };
    let mut checked = 0;
    let batch = 4096;
    while checked < count {
        let mut a = Assembler::new(mode);
        let mut exp = Vec::with_capacity(batch);
        let mut starts = Vec::with_capacity(batch);
        for _ in 0..batch {
            let form = rng.below(FORMS);
            let start = a.offset();
            let e = emit_random(&mut rng, mode, &mut a, form);
            starts.push((start, a.offset() - start, form));
            exp.push(e);
        }
        let code = a.finish().unwrap();
        let bytes = code.bytes();
        let mut dec = Decoder::with_ip(bitness, bytes, 0, DecoderOptions::NONE);
        for (k, e) in exp.iter().enumerate() {
            let (start, len, form) = starts[k];
            let ins = dec.decode();
            let here = &bytes[start as usize..(start + len) as usize];
            if let Err(msg) = check(&ins, e, len as usize) {
                panic!(
                    "{mode:?} seed {seed}: form {form}: {msg}\n  bytes {here:02X?}\n  iced: {ins}\n  expected {e:?}\n  (replay with ENCODER_SEED={seed})"
                );
            }
            checked += 1;
        }
        assert!(!dec.can_decode(), "trailing bytes after the batch");
    }
    checked
}

#[test]
fn a_million_random_instructions_decode_as_encoded_in_both_modes() {
    let seed = seed();
    println!("ENCODER_SEED={seed}");
    let per_mode = 520_000;
    let n64 = run(Mode::X64, seed, per_mode);
    let n32 = run(Mode::X86, seed ^ 0x9E37_79B9_7F4A_7C15, per_mode);
    assert!(
        n64 + n32 >= 1_000_000,
        "only {} instructions checked",
        n64 + n32
    );
}

/// Any memory operand shape with any register numbers (including invalid
/// ones for the mode) and boundary-heavy displacements.
#[derive(Clone, Debug)]
struct AnyMem {
    shape: u8,
    base: u8,
    index: u8,
    scale: u8,
    disp: i32,
}

impl quickcheck::Arbitrary for AnyMem {
    fn arbitrary(g: &mut quickcheck::Gen) -> Self {
        let edge = *g
            .choose(&[0, 1, -1, 127, 128, -128, -129, i32::MAX, i32::MIN])
            .unwrap();
        AnyMem {
            shape: u8::arbitrary(g) % 5,
            base: u8::arbitrary(g) % 16,
            index: u8::arbitrary(g) % 16,
            scale: u8::arbitrary(g) % 4,
            disp: if bool::arbitrary(g) {
                edge
            } else {
                i32::arbitrary(g)
            },
        }
    }
}

/// Property: a load through any memory operand either decodes (iced) to
/// exactly that operand, or is refused because the operand does not exist
/// in the mode (rsp index, registers 8..15 or RIP in 32-bit mode, absolute
/// addresses above `i32::MAX` in 64-bit mode).
fn any_mem_loads_encode_or_are_refused(mode: Mode, m: AnyMem, dst: u8) -> bool {
    let x64 = mode == Mode::X64;
    let asz = word(mode);
    let reg = |n: u8| Gpr::from_number(n).unwrap();
    let sc = [Scale::S1, Scale::S2, Scale::S4, Scale::S8][m.scale as usize];
    let ext = |d: i32| {
        if x64 {
            d as i64 as u64
        } else {
            d as u32 as u64
        }
    };
    let (mem, op, invalid) = match m.shape {
        0 => (
            Mem::base(reg(m.base), m.disp),
            Op::M {
                base: gpr(mode, m.base, asz),
                index: Register::None,
                scale: 1,
                disp: ext(m.disp),
                size: Some(4),
            },
            !x64 && m.base >= 8,
        ),
        1 => (
            Mem::base_index(reg(m.base), reg(m.index), sc, m.disp),
            Op::M {
                base: gpr(mode, m.base, asz),
                index: gpr(mode, m.index, asz),
                scale: sc.factor(),
                disp: ext(m.disp),
                size: Some(4),
            },
            m.index == 4 || (!x64 && (m.base >= 8 || m.index >= 8)),
        ),
        2 => (
            Mem::index_only(reg(m.index), sc, m.disp),
            Op::M {
                base: Register::None,
                index: gpr(mode, m.index, asz),
                scale: sc.factor(),
                disp: ext(m.disp),
                size: Some(4),
            },
            m.index == 4 || (!x64 && m.index >= 8),
        ),
        3 => (
            Mem::abs(m.disp as u32),
            Op::M {
                base: Register::None,
                index: Register::None,
                scale: 1,
                disp: m.disp as u32 as u64,
                size: Some(4),
            },
            x64 && m.disp < 0,
        ),
        _ => (
            Mem::rip(m.disp),
            Op::M {
                base: Register::RIP,
                index: Register::None,
                scale: 1,
                disp: m.disp as i64 as u64,
                size: Some(4),
            },
            !x64,
        ),
    };
    let dst = dst % mode.register_count();
    let mut a = Assembler::new(mode);
    match a.mov_rm(Size::D, reg(dst), mem) {
        Err(_) => invalid && a.offset() == 0,
        Ok(()) => {
            if invalid {
                return false;
            }
            let code = a.finish().unwrap();
            let bitness = if x64 { 64 } else { 32 };
            let mut dec = Decoder::with_ip(bitness, code.bytes(), 0, DecoderOptions::NONE);
            let ins = dec.decode();
            let e = ex(Mnemonic::Mov, &[Op::R(gpr(mode, dst, Size::D)), op]);
            check(&ins, &e, code.bytes().len()).is_ok() && !dec.can_decode()
        }
    }
}

#[test]
fn quickcheck_any_memory_operand_encodes_exactly_or_is_refused() {
    fn x64(m: AnyMem, dst: u8) -> bool {
        any_mem_loads_encode_or_are_refused(Mode::X64, m, dst)
    }
    fn x86(m: AnyMem, dst: u8) -> bool {
        any_mem_loads_encode_or_are_refused(Mode::X86, m, dst)
    }
    quickcheck::QuickCheck::new()
        .tests(5000)
        .quickcheck(x64 as fn(AnyMem, u8) -> bool);
    quickcheck::QuickCheck::new()
        .tests(5000)
        .quickcheck(x86 as fn(AnyMem, u8) -> bool);
}

/// Property: in random programs of NOP padding, label bindings and branches
/// (`jmp`, `jcc`, patchable forms, `call`) to random labels, every branch
/// decodes to its label's final offset, and a plain branch to an already
/// bound label is rel8 exactly when the displacement fits.
#[test]
fn random_branches_reach_their_labels_with_the_shortest_known_form() {
    let seed = seed();
    for mode in [Mode::X64, Mode::X86] {
        let mut rng = Rng(seed ^ 0x5151);
        for _ in 0..300 {
            let mut a = Assembler::new(mode);
            let labels: Vec<_> = (0..8).map(|_| a.new_label()).collect();
            // (offset, length, label index, may be short)
            let mut branches = Vec::new();
            for _ in 0..60 {
                match rng.below(4) {
                    0 => {
                        let n = 1 + rng.below(15) as usize;
                        for _ in 0..1 + rng.below(12) {
                            a.nop(n).unwrap();
                        }
                    }
                    1 => {
                        let k = rng.below(8) as usize;
                        let _ = a.bind(labels[k]);
                    }
                    _ => {
                        let k = rng.below(8) as usize;
                        let l = labels[k];
                        let bound = a.label_offset(l);
                        let start = a.offset();
                        let c = rng.pick(&Cond::ALL);
                        let short_ok = match rng.below(5) {
                            0 => a.jmp(l).map(|_| true),
                            1 => a.jcc(c, l).map(|_| true),
                            2 => a.jmp_patchable(l).map(|_| false),
                            3 => a.jcc_patchable(c, l).map(|_| false),
                            _ => a.call_label(l).map(|_| false),
                        }
                        .unwrap();
                        let len = a.offset() - start;
                        if let (Some(t), true) = (bound, short_ok) {
                            let fits = i8::try_from(t as i64 - (start as i64 + 2)).is_ok();
                            assert_eq!(
                                len == 2,
                                fits,
                                "seed {seed}: backward branch size at {start}"
                            );
                        } else {
                            assert!(
                                len >= 5,
                                "seed {seed}: forward/patchable branches are rel32"
                            );
                        }
                        branches.push((start, len, k));
                    }
                }
            }
            for l in &labels {
                let _ = a.bind(*l);
            }
            let offsets: Vec<u32> = labels.iter().map(|l| a.label_offset(*l).unwrap()).collect();
            let code = a.finish().unwrap();
            let bitness = if mode == Mode::X64 { 64 } else { 32 };
            for (start, len, k) in branches {
                let bytes = &code.bytes()[start as usize..(start + len) as usize];
                let mut d = Decoder::with_ip(bitness, bytes, start as u64, DecoderOptions::NONE);
                let ins = d.decode();
                assert_eq!(ins.len(), len as usize, "seed {seed}: {ins}");
                assert_eq!(
                    ins.near_branch_target(),
                    offsets[k] as u64,
                    "seed {seed}: {ins}"
                );
            }
        }
    }
}
