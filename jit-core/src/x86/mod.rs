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
