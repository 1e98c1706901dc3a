//! SSE2 scalar double (and a few single/packed) forms.

use allocator_api2::alloc::Allocator;

use super::Assembler;
use crate::x86::emit::{ByteRegs, Imm, Rm};
use crate::x86::error::EncodeError;
use crate::x86::forms::{self, Form};
use crate::x86::operand::Mem;
use crate::x86::regs::{Gpr, Size, Xmm};

impl<A: Allocator + Clone> Assembler<A> {
    // ---- SSE2 scalar -------------------------------------------------------

    #[inline(always)]
    fn sse_xx(&mut self, f: Form, dst: u8, src: u8) -> Result<(), EncodeError> {
        if self.sse_rm_fast(f, dst, Rm::Reg(src)) {
            return Ok(());
        }
        self.rm(f, Size::D, dst, Rm::Reg(src), ByteRegs::NONE, Imm::None)
    }

    #[inline(always)]
    fn sse_xm(&mut self, f: Form, r: u8, mem: Mem) -> Result<(), EncodeError> {
        if self.sse_rm_fast(f, r, Rm::Mem(mem)) {
            return Ok(());
        }
        self.rm(f, Size::D, r, Rm::Mem(mem), ByteRegs::NONE, Imm::None)
    }

    /// `movsd dst, src` (low double; upper half of `dst` kept).
    #[inline]
    pub fn movsd_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVSD_LOAD, dst.number(), src.number())
    }
    /// `movsd dst, qword [mem]` (upper half zeroed).
    #[inline]
    pub fn movsd_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSD_LOAD, dst.number(), mem)
    }
    /// `movsd qword [mem], src`.
    #[inline]
    pub fn movsd_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSD_STORE, src.number(), mem)
    }
    /// `movss dst, src`.
    #[inline]
    pub fn movss_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVSS_LOAD, dst.number(), src.number())
    }
    /// `movss dst, dword [mem]`.
    #[inline]
    pub fn movss_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSS_LOAD, dst.number(), mem)
    }
    /// `movss dword [mem], src`.
    #[inline]
    pub fn movss_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVSS_STORE, src.number(), mem)
    }
    /// `movaps dst, src` (whole register copy; shortest encoding).
    #[inline]
    pub fn movaps_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVAPS_LOAD, dst.number(), src.number())
    }
    /// `movaps dst, [mem]` (16-byte aligned).
    #[inline]
    pub fn movaps_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPS_LOAD, dst.number(), mem)
    }
    /// `movaps [mem], src` (16-byte aligned).
    #[inline]
    pub fn movaps_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPS_STORE, src.number(), mem)
    }
    /// `movapd dst, src`.
    #[inline]
    pub fn movapd_rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xx(forms::MOVAPD_LOAD, dst.number(), src.number())
    }
    /// `movapd dst, [mem]` (16-byte aligned).
    #[inline]
    pub fn movapd_rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPD_LOAD, dst.number(), mem)
    }
    /// `movapd [mem], src` (16-byte aligned).
    #[inline]
    pub fn movapd_mr(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVAPD_STORE, src.number(), mem)
    }
    /// `movq xmm, r64` (64-bit mode only): raw bits of a GPR into an XMM register.
    #[inline]
    pub fn movq_xr(&mut self, dst: Xmm, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVQ_XR,
            Size::D,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movq r64, xmm` (64-bit mode only).
    #[inline]
    pub fn movq_rx(&mut self, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVQ_RX,
            Size::D,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movq xmm, qword [mem]` (both modes; upper half zeroed).
    #[inline]
    pub fn movq_xm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVQ_XM, dst.number(), mem)
    }
    /// `movq qword [mem], xmm` (both modes).
    #[inline]
    pub fn movq_mx(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVQ_MX, src.number(), mem)
    }
    /// `movd xmm, r32`.
    #[inline]
    pub fn movd_xr(&mut self, dst: Xmm, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVD_XR,
            Size::D,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movd r32, xmm`.
    #[inline]
    pub fn movd_rx(&mut self, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::MOVD_RX,
            Size::D,
            src.number(),
            Rm::Reg(dst.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `movd xmm, dword [mem]`.
    #[inline]
    pub fn movd_xm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVD_XR, dst.number(), mem)
    }
    /// `movd dword [mem], xmm`.
    #[inline]
    pub fn movd_mx(&mut self, mem: Mem, src: Xmm) -> Result<(), EncodeError> {
        self.sse_xm(forms::MOVD_RX, src.number(), mem)
    }

    /// `cvtsi2sd dst, src` from a dword or qword GPR.
    #[inline]
    pub fn cvtsi2sd_rr(&mut self, dst: Xmm, size: Size, src: Gpr) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTSI2SD,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvtsi2sd dst, dword|qword [mem]`.
    #[inline]
    pub fn cvtsi2sd_rm(&mut self, dst: Xmm, size: Size, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTSI2SD,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvttsd2si dst, src` (truncating) into a dword or qword GPR.
    #[inline]
    pub fn cvttsd2si_rr(&mut self, size: Size, dst: Gpr, src: Xmm) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTTSD2SI,
            size,
            dst.number(),
            Rm::Reg(src.number()),
            ByteRegs::NONE,
            Imm::None,
        )
    }
    /// `cvttsd2si dst, qword [mem]`.
    #[inline]
    pub fn cvttsd2si_rm(&mut self, size: Size, dst: Gpr, mem: Mem) -> Result<(), EncodeError> {
        self.rm(
            forms::CVTTSD2SI,
            size,
            dst.number(),
            Rm::Mem(mem),
            ByteRegs::NONE,
            Imm::None,
        )
    }
}

/// SSE two-operand forms `op xmm, xmm` / `op xmm, [mem]`, generated from the table.
macro_rules! sse_binary {
    ($($rr:ident, $rm:ident, $form:ident, $doc:literal;)*) => {
        impl<A: Allocator + Clone> Assembler<A> {$(
            #[doc = concat!("`", $doc, " dst, src`.")]
            #[inline]
            pub fn $rr(&mut self, dst: Xmm, src: Xmm) -> Result<(), EncodeError> {
                self.sse_xx(forms::$form, dst.number(), src.number())
            }
            #[doc = concat!("`", $doc, " dst, [mem]`.")]
            #[inline]
            pub fn $rm(&mut self, dst: Xmm, mem: Mem) -> Result<(), EncodeError> {
                self.sse_xm(forms::$form, dst.number(), mem)
            }
        )*}
    };
}

sse_binary! {
    addsd_rr, addsd_rm, ADDSD, "addsd";
    subsd_rr, subsd_rm, SUBSD, "subsd";
    mulsd_rr, mulsd_rm, MULSD, "mulsd";
    divsd_rr, divsd_rm, DIVSD, "divsd";
    sqrtsd_rr, sqrtsd_rm, SQRTSD, "sqrtsd";
    minsd_rr, minsd_rm, MINSD, "minsd";
    maxsd_rr, maxsd_rm, MAXSD, "maxsd";
    ucomisd_rr, ucomisd_rm, UCOMISD, "ucomisd";
    comisd_rr, comisd_rm, COMISD, "comisd";
    cvtsd2ss_rr, cvtsd2ss_rm, CVTSD2SS, "cvtsd2ss";
    cvtss2sd_rr, cvtss2sd_rm, CVTSS2SD, "cvtss2sd";
    xorpd_rr, xorpd_rm, XORPD, "xorpd";
    andpd_rr, andpd_rm, ANDPD, "andpd";
    andnpd_rr, andnpd_rm, ANDNPD, "andnpd";
    orpd_rr, orpd_rm, ORPD, "orpd";
    pxor_rr, pxor_rm, PXOR, "pxor";
}
