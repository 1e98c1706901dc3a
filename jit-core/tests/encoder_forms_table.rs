//! The instruction table against the Intel manual: each form's opcode
//! bytes, `/digit` extension, mandatory prefix, operand sizes, REX.W need,
//! mode restriction and lock prefix, written down independently here from
//! the manual's opcode column and rebuilt at run time with the table's own
//! builders (so the builders are checked too, not only their compile-time
//! results).

use jit_core::x86::Mode;
use jit_core::x86::forms::{self, B, D, DQ, Form, NO_EXT, Q, Sizes, UNSIZED, W, WDQ};
use std::hint::black_box;

const BWDQ: Sizes = B | W | D | Q;

/// One manual entry: prefix, opcode bytes, `/digit`, sizes, REX.W, only
/// in a mode, lock.
struct Manual {
    name: &'static str,
    form: Form,
    prefix: u8,
    opcode: &'static [u8],
    ext: Option<u8>,
    sizes: Sizes,
    rex_w: bool,
    only: Option<Mode>,
    lock: bool,
}

const fn m(
    name: &'static str,
    form: Form,
    opcode: &'static [u8],
    ext: Option<u8>,
    sizes: Sizes,
) -> Manual {
    Manual {
        name,
        form,
        prefix: 0,
        opcode,
        ext,
        sizes,
        rex_w: false,
        only: None,
        lock: false,
    }
}

/// An SSE form: mandatory prefix, `0F op`, no operand size.
const fn sse(name: &'static str, form: Form, prefix: u8, opcode: &'static [u8]) -> Manual {
    Manual {
        prefix,
        ..m(name, form, opcode, None, UNSIZED)
    }
}

fn manual() -> Vec<Manual> {
    vec![
        m("mov r/m, r", forms::MOV_MR, &[0x89], None, BWDQ),
        m("mov r, r/m", forms::MOV_RM, &[0x8B], None, BWDQ),
        m("mov r/m, imm", forms::MOV_MI, &[0xC7], Some(0), BWDQ),
        m("test r/m, r", forms::TEST_MR, &[0x85], None, BWDQ),
        m("test r/m, imm", forms::TEST_MI, &[0xF7], Some(0), BWDQ),
        m("neg", forms::NEG, &[0xF7], Some(3), BWDQ),
        m("idiv", forms::IDIV, &[0xF7], Some(7), BWDQ),
        m("imul r, r/m", forms::IMUL_RM, &[0x0F, 0xAF], None, WDQ),
        m("imul r, r/m, imm8", forms::IMUL_RMI8, &[0x6B], None, WDQ),
        m("movzx r, r/m8", forms::MOVZX8, &[0x0F, 0xB6], None, WDQ),
        m("movsx r, r/m16", forms::MOVSX16, &[0x0F, 0xBF], None, D | Q),
        m("xchg", forms::XCHG, &[0x87], None, BWDQ),
        m("bt r/m, r", forms::BT, &[0x0F, 0xA3], None, WDQ),
        m("bts r/m, imm8", forms::BTS_I, &[0x0F, 0xBA], Some(5), WDQ),
        m("jmp r/m", forms::JMP_M, &[0xFF], Some(4), UNSIZED),
        m("call r/m", forms::CALL_M, &[0xFF], Some(2), UNSIZED),
        m("push r/m", forms::PUSH_M, &[0xFF], Some(6), UNSIZED),
        m("pop r/m", forms::POP_M, &[0x8F], Some(0), UNSIZED),
        m("fld m64fp", forms::FLD_M64, &[0xDD], Some(0), UNSIZED),
        m("fstp m64fp", forms::FSTP_M64, &[0xDD], Some(3), UNSIZED),
        m("setcc", forms::SETCC, &[0x0F, 0x90], Some(0), UNSIZED),
        m("cmovcc", forms::CMOVCC, &[0x0F, 0x40], None, WDQ),
        Manual {
            only: Some(Mode::X64),
            ..m("movsxd r64, r/m32", forms::MOVSXD, &[0x63], None, Q)
        },
        Manual {
            lock: true,
            ..m(
                "lock cmpxchg",
                forms::LOCK_CMPXCHG,
                &[0x0F, 0xB1],
                None,
                BWDQ,
            )
        },
        Manual {
            lock: true,
            ..m("lock xadd", forms::LOCK_XADD, &[0x0F, 0xC1], None, BWDQ)
        },
        sse("movsd xmm, m64", forms::MOVSD_LOAD, 0xF2, &[0x0F, 0x10]),
        sse("movsd m64, xmm", forms::MOVSD_STORE, 0xF2, &[0x0F, 0x11]),
        sse("movaps", forms::MOVAPS_LOAD, 0, &[0x0F, 0x28]),
        sse("ucomisd", forms::UCOMISD, 0x66, &[0x0F, 0x2E]),
        sse("sqrtsd", forms::SQRTSD, 0xF2, &[0x0F, 0x51]),
        sse("xorpd", forms::XORPD, 0x66, &[0x0F, 0x57]),
        sse("pxor", forms::PXOR, 0x66, &[0x0F, 0xEF]),
        sse("movd xmm, r/m32", forms::MOVD_XR, 0x66, &[0x0F, 0x6E]),
        sse("movd r/m32, xmm", forms::MOVD_RX, 0x66, &[0x0F, 0x7E]),
        Manual {
            sizes: DQ,
            ..sse("cvtsi2sd", forms::CVTSI2SD, 0xF2, &[0x0F, 0x2A])
        },
        Manual {
            rex_w: true,
            only: Some(Mode::X64),
            ..sse("movq xmm, r64", forms::MOVQ_XR, 0x66, &[0x0F, 0x6E])
        },
        Manual {
            rex_w: true,
            only: Some(Mode::X64),
            ..sse("movq r64, xmm", forms::MOVQ_RX, 0x66, &[0x0F, 0x7E])
        },
    ]
}

/// The form the manual entry describes, built at run time.
fn build(e: &Manual) -> Form {
    let mut f = Form::op(black_box(e.opcode));
    if let Some(x) = e.ext {
        f = f.ext(black_box(x));
    }
    f = f.sizes(black_box(e.sizes));
    if e.prefix != 0 {
        f = f.prefix(black_box(e.prefix));
    }
    if black_box(e.rex_w) {
        f = f.rex_w();
    }
    if let Some(mode) = black_box(e.only) {
        f = f.only(mode);
    }
    if black_box(e.lock) {
        f = f.lock();
    }
    f
}

#[test]
fn table_forms_match_the_manual_and_their_builders() {
    for e in manual() {
        assert!(!e.opcode.is_empty(), "{}: no opcode", e.name);
        let f = e.form;
        assert_eq!(&f.opcode[..f.len as usize], e.opcode, "{}", e.name);
        assert_eq!(f.ext, e.ext.unwrap_or(NO_EXT), "{}", e.name);
        assert_eq!(f.prefix, e.prefix, "{}", e.name);
        assert_eq!(f.sizes, e.sizes, "{}", e.name);
        assert_eq!(
            (f.rex_w, f.only, f.lock),
            (e.rex_w, e.only, e.lock),
            "{}",
            e.name
        );
        assert_eq!(build(&e), f, "{}: builders disagree with the table", e.name);
    }
}

#[test]
fn condition_families_add_the_condition_to_the_last_opcode_byte() {
    // sete = 0F 94, cmovl = 0F 4C, jcc-style families keep the other bytes.
    let sete = black_box(forms::SETCC).plus(black_box(0x4));
    assert_eq!(&sete.opcode[..2], &[0x0F, 0x94]);
    assert_eq!(sete.ext, 0);
    let cmovl = black_box(forms::CMOVCC).plus(black_box(0xC));
    assert_eq!(&cmovl.opcode[..2], &[0x0F, 0x4C]);
    assert_eq!(cmovl.sizes, WDQ);
}
