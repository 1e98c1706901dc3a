//! The three targets: what differs between x86-64 System V, x86-64 Win64 and
//! x86-32 cdecl (word size, argument registers, shadow space, how the trace
//! entry receives its two pointers). Everything else in the lowering is
//! shared and asks this file.
//!
//! A plain enum rather than a trait: a program picks its target at run time
//! (tests iterate over all three), and the differences are a few tables.

use crate::ir::WordSize;
use crate::memory::Placement;
use crate::x86::{Gpr, Mode, Size, Xmm};

/// A code generation target: instruction mode plus calling convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// x86-64, System V AMD64 ABI (Linux, macOS, BSDs).
    SysV64,
    /// x86-64, Microsoft x64 ABI (Windows; `extern "win64"`).
    Win64,
    /// x86-32, cdecl (all arguments on the stack; 16-byte aligned call sites).
    Cdecl32,
}

/// Where one call argument goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArgLoc {
    /// An integer register.
    Gpr(Gpr),
    /// An SSE register.
    Xmm(Xmm),
    /// The stack, at this byte offset from `rsp` at the call.
    Stack(u32),
}

impl Target {
    /// All targets, for tests and tools that try each.
    pub const ALL: [Target; 3] = [Target::SysV64, Target::Win64, Target::Cdecl32];

    /// The encoder mode.
    pub const fn mode(self) -> Mode {
        match self {
            Target::SysV64 | Target::Win64 => Mode::X64,
            Target::Cdecl32 => Mode::X86,
        }
    }

    /// The IR word size traces for this target must use.
    pub const fn word(self) -> WordSize {
        match self {
            Target::SysV64 | Target::Win64 => WordSize::W64,
            Target::Cdecl32 => WordSize::W32,
        }
    }

    /// Operand size of a word.
    pub(crate) const fn size(self) -> Size {
        match self {
            Target::SysV64 | Target::Win64 => Size::Q,
            Target::Cdecl32 => Size::D,
        }
    }

    /// Bytes of a word (4 or 8).
    pub const fn word_bytes(self) -> u32 {
        self.word().bytes() as u32
    }

    /// Where the code must be placed: 32-bit code (and everything it
    /// touches) lives below 4 GiB.
    pub const fn placement(self) -> Placement {
        match self {
            Target::SysV64 | Target::Win64 => Placement::Anywhere,
            Target::Cdecl32 => Placement::Below4GiB,
        }
    }

    /// Stack alignment at call sites in bytes. 16 on every target (the
    /// i386 System V ABI as used by GCC on Linux asks for 16 too).
    pub const fn call_alignment(self) -> u32 {
        16
    }

    /// Bytes the caller reserves above the stack arguments for the callee
    /// (32 bytes of shadow space on Win64).
    pub const fn shadow_space(self) -> u32 {
        match self {
            Target::Win64 => 32,
            _ => 0,
        }
    }

    /// Callee-saved general registers of the convention (the trace saves
    /// those it uses in its prologue).
    pub const fn callee_saved(self) -> &'static [Gpr] {
        match self {
            Target::SysV64 => &[Gpr::RBX, Gpr::RBP, Gpr::R12, Gpr::R13, Gpr::R14, Gpr::R15],
            Target::Win64 => &[
                Gpr::RBX,
                Gpr::RBP,
                Gpr::RDI,
                Gpr::RSI,
                Gpr::R12,
                Gpr::R13,
                Gpr::R14,
                Gpr::R15,
            ],
            Target::Cdecl32 => &[Gpr::RBX, Gpr::RBP, Gpr::RSI, Gpr::RDI],
        }
    }

    /// Caller-saved (call-clobbered) general registers.
    pub const fn caller_saved(self) -> &'static [Gpr] {
        match self {
            Target::SysV64 => &[
                Gpr::RAX,
                Gpr::RCX,
                Gpr::RDX,
                Gpr::RSI,
                Gpr::RDI,
                Gpr::R8,
                Gpr::R9,
                Gpr::R10,
                Gpr::R11,
            ],
            Target::Win64 => &[
                Gpr::RAX,
                Gpr::RCX,
                Gpr::RDX,
                Gpr::R8,
                Gpr::R9,
                Gpr::R10,
                Gpr::R11,
            ],
            Target::Cdecl32 => &[Gpr::RAX, Gpr::RCX, Gpr::RDX],
        }
    }

    /// Integer argument registers, in order.
    pub const fn int_arg_regs(self) -> &'static [Gpr] {
        match self {
            Target::SysV64 => &[Gpr::RDI, Gpr::RSI, Gpr::RDX, Gpr::RCX, Gpr::R8, Gpr::R9],
            Target::Win64 => &[Gpr::RCX, Gpr::RDX, Gpr::R8, Gpr::R9],
            Target::Cdecl32 => &[],
        }
    }

    /// Float argument registers, in order.
    pub const fn float_arg_regs(self) -> &'static [Xmm] {
        match self {
            Target::SysV64 => &[
                Xmm::XMM0,
                Xmm::XMM1,
                Xmm::XMM2,
                Xmm::XMM3,
                Xmm::XMM4,
                Xmm::XMM5,
                Xmm::XMM6,
                Xmm::XMM7,
            ],
            Target::Win64 => &[Xmm::XMM0, Xmm::XMM1, Xmm::XMM2, Xmm::XMM3],
            Target::Cdecl32 => &[],
        }
    }

    /// Assigns a location to each argument of a call, in order, calling
    /// `f(index, location)`; returns the bytes of stack the arguments need
    /// (shadow space included, not yet rounded to the call alignment).
    pub(crate) fn assign_args(
        self,
        types: impl Iterator<Item = crate::ir::Type>,
        mut f: impl FnMut(usize, ArgLoc),
    ) -> u32 {
        use crate::ir::Type;
        let (ints, floats) = (self.int_arg_regs(), self.float_arg_regs());
        let (mut ni, mut nf) = (0, 0);
        let mut stack = self.shadow_space();
        for (k, ty) in types.enumerate() {
            let is_float = ty == Type::Float;
            let loc = match self {
                // Win64: the position picks the register, whatever the class.
                Target::Win64 if k < 4 => {
                    if is_float {
                        ArgLoc::Xmm(floats[k])
                    } else {
                        ArgLoc::Gpr(ints[k])
                    }
                }
                Target::SysV64 if is_float && nf < floats.len() => {
                    nf += 1;
                    ArgLoc::Xmm(floats[nf - 1])
                }
                Target::SysV64 if !is_float && ni < ints.len() => {
                    ni += 1;
                    ArgLoc::Gpr(ints[ni - 1])
                }
                _ => {
                    let at = stack;
                    stack += if is_float { 8 } else { self.word_bytes() };
                    // 64-bit stack arguments each take an 8-byte slot.
                    if self.mode() == Mode::X64 {
                        stack = stack.next_multiple_of(8);
                    }
                    ArgLoc::Stack(at)
                }
            };
            f(k, loc);
        }
        stack
    }
}
