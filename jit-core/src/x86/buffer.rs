//! The code buffer, labels, fixups, patch sites and relocations.

use allocator_api2::alloc::{Allocator, Global};
use allocator_api2::vec::Vec;

use super::emit::Inst;
use super::error::EncodeError;

/// A position in the code that jumps can target before it is known.
/// Created by [`super::Assembler::new_label`], bound once with [`super::Assembler::bind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(pub(crate) u32);

impl Label {
    /// The label's index within its assembler (dense, from 0).
    #[inline]
    pub const fn index(self) -> u32 {
        self.0
    }
}

/// A rel32 branch (`jmp`, `jcc` or `call`) whose target may be rewritten in
/// place later with [`patch_rel32`] (guard exits, loop redirects).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PatchSite {
    /// Offset of the 4-byte displacement field; the branch ends right after it.
    pub rel32_offset: u32,
}

impl PatchSite {
    /// Offset of the first byte after the branch instruction.
    #[inline]
    pub const fn end_offset(self) -> u32 {
        self.rel32_offset + 4
    }
}

/// A rel32 call or jump to an absolute address, to be resolved once the
/// code's final address is known ([`apply_relocation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Relocation {
    /// Offset of the 4-byte displacement field.
    pub rel32_offset: u32,
    /// Absolute target address.
    pub target: u64,
}

/// Which displacement width a pending label reference uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RelWidth {
    Rel8,
    Rel32,
}

/// A reference to a label whose offset was unknown when the branch was emitted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixup {
    pub(crate) at: u32,
    pub(crate) label: u32,
    pub(crate) width: RelWidth,
}

/// Offset of an unbound label.
pub(crate) const UNBOUND: u32 = u32::MAX;

/// Growable machine-code bytes, in a caller-chosen allocator.
#[derive(Debug)]
pub(crate) struct Bytes<A: Allocator> {
    pub(crate) v: Vec<u8, A>,
}

impl<A: Allocator> Bytes<A> {
    /// Append one encoded instruction. Reserves 16 bytes and copies the
    /// instruction buffer with one fixed-size copy.
    #[inline(always)]
    pub(crate) fn push(&mut self, i: &Inst) {
        let len = self.v.len();
        if self.v.capacity() - len < 16 {
            self.grow();
        }
        let n = i.n.min(16);
        // SAFETY: the capacity check above guarantees 16 writable bytes after
        // `len`; we copy exactly 16 initialised bytes from `i.b` (32 bytes long)
        // and then expose only `n <= 16` of them through `set_len`.
        unsafe {
            let dst = self.v.as_mut_ptr().add(len);
            core::ptr::copy_nonoverlapping(i.b.as_ptr(), dst, 16);
            self.v.set_len(len + n);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let want = self.v.capacity().max(64);
        self.v.reserve(want);
    }

    /// Append raw bytes (slow path: nops, alignment).
    pub(crate) fn extend(&mut self, b: &[u8]) {
        self.v.extend_from_slice(b);
    }
}

/// Rewrite the rel32 field of `site` in `code` (the slice the site's offsets
/// refer to) so that the branch goes to `new_target`, an offset relative to
/// the start of `code` (it may lie outside `code`, e.g. in another trace
/// placed at a known distance).
pub fn patch_rel32(code: &mut [u8], site: PatchSite, new_target: i64) -> Result<(), EncodeError> {
    write_rel32(code, site.rel32_offset, new_target)
}

/// Resolve `reloc` in `code`, which will execute at address `code_base`.
pub fn apply_relocation(
    code: &mut [u8],
    code_base: u64,
    reloc: Relocation,
) -> Result<(), EncodeError> {
    let target = reloc.target.wrapping_sub(code_base) as i64;
    write_rel32(code, reloc.rel32_offset, target)
}

fn write_rel32(code: &mut [u8], at: u32, target: i64) -> Result<(), EncodeError> {
    let at = at as usize;
    let field = code
        .get_mut(at..at + 4)
        .ok_or(EncodeError::PatchOutOfBounds)?;
    let rel = target - (at as i64 + 4);
    let rel = i32::try_from(rel).map_err(|_| EncodeError::DisplacementOverflow)?;
    field.copy_from_slice(&rel.to_le_bytes());
    Ok(())
}

/// Finished machine code with the relocations it still needs.
#[derive(Debug)]
pub struct CodeBuffer<A: Allocator = Global> {
    pub(crate) code: Vec<u8, A>,
    pub(crate) relocations: Vec<Relocation, A>,
}

impl<A: Allocator> CodeBuffer<A> {
    /// The code bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.code
    }

    /// The code bytes, mutable (for [`patch_rel32`] before copying out).
    #[inline]
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.code
    }

    /// Absolute-target branches that must be resolved with [`apply_relocation`]
    /// (or [`CodeBuffer::relocate`]) once the code's address is known.
    #[inline]
    pub fn relocations(&self) -> &[Relocation] {
        &self.relocations
    }

    /// Resolve every relocation for code that will run at `code_base`.
    pub fn relocate(&mut self, code_base: u64) -> Result<(), EncodeError> {
        for r in self.relocations.iter() {
            apply_relocation(&mut self.code, code_base, *r)?;
        }
        Ok(())
    }

    /// Take the bytes.
    #[inline]
    pub fn into_vec(self) -> Vec<u8, A> {
        self.code
    }
}
