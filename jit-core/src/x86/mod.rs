//! The x86 encoder: one description of the instruction set for x86-32 and x86-64.
//!
//! - [`regs`]: registers ([`Gpr`], [`Xmm`]), operand [`Size`], condition codes ([`Cond`]), [`Mode`].
//! - [`operand`]: memory operands ([`Mem`]).
//! - [`forms`]: the instruction table as data.
//! - `emit`: prefix/REX/ModRM/SIB/displacement/immediate emitters.
//! - [`buffer`]: code buffer, labels, patch sites, relocations.
//! - [`asm`]: the [`Assembler`], one method per instruction form.
//!
//! The mode is a runtime value of the assembler (one predictable branch per
//! instruction); every form and operand is checked against it and refused
//! with a typed [`EncodeError`] if it does not exist there.
//!
//! ```
//! use jit_core::x86::{Alu, Assembler, Cond, Gpr, Mem, Mode, Size};
//!
//! let mut a = Assembler::new(Mode::X64);
//! let top = a.new_label();
//! a.bind(top)?;
//! a.mov_rm(Size::Q, Gpr::RAX, Mem::base(Gpr::RDI, 8))?; // mov rax, [rdi+8]
//! a.alu_ri(Alu::Sub, Size::Q, Gpr::RAX, 1)?;            // sub rax, 1
//! a.jcc(Cond::NE, top)?;                                 // jne top (rel8: backward, close)
//! a.ret()?;
//! let code = a.finish()?;
//! assert_eq!(code.bytes(), [0x48, 0x8B, 0x47, 0x08, 0x48, 0x83, 0xE8, 0x01, 0x75, 0xF6, 0xC3]);
//!
//! // The same request in 32-bit mode is refused, not mis-encoded.
//! let mut a = Assembler::new(Mode::X86);
//! assert!(a.mov_rm(Size::Q, Gpr::RAX, Mem::base(Gpr::RDI, 8)).is_err());
//! # Ok::<(), jit_core::x86::EncodeError>(())
//! ```

pub mod asm;
pub mod buffer;
mod emit;
pub mod error;
pub mod forms;
pub mod operand;
pub mod regs;

pub use asm::{Assembler, gpr_valid_in};
pub use buffer::{CodeBuffer, Label, PatchSite, Relocation, apply_relocation, patch_rel32};
pub use error::EncodeError;
pub use forms::{Alu, Shift};
pub use operand::{Mem, MemKind, Scale};
pub use regs::{Cond, Gpr, Mode, Size, Xmm};
