//! The code buffer, labels, fixups, patch sites and relocations.

use allocator_api2::alloc::{Allocator, Global};
use allocator_api2::vec::Vec;

use super::emit::Imm;
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
    /// Bytes between the end of the field and the end of the instruction
    /// (an immediate after a `[rip + label]` displacement; 0 for branches).
    pub(crate) tail: u8,
}

/// Offset of an unbound label.
pub(crate) const UNBOUND: u32 = u32::MAX;

/// Growable machine-code bytes, in a caller-chosen allocator.
#[derive(Debug)]
pub(crate) struct Bytes<A: Allocator> {
    pub(crate) v: Vec<u8, A>,
}

impl<A: Allocator> Bytes<A> {
    /// Start writing one instruction (at most 15 bytes) at the end of the code.
    #[inline(always)]
    pub(crate) fn sink(&mut self) -> Sink<'_, A> {
        let len = self.v.len();
        if self.v.capacity() - len < SINK_ROOM {
            self.grow();
        }
        // SAFETY: `len <= capacity`, so the pointer stays inside (or one past)
        // the allocation; the capacity check guarantees SINK_ROOM bytes after it.
        let p = unsafe { self.v.as_mut_ptr().add(len) };
        Sink {
            v: &mut self.v,
            p,
            n: 0,
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let want = self.v.capacity().max(SINK_ROOM * 4);
        self.v.reserve(want);
    }

    /// Append raw bytes (slow path: nops, alignment).
    pub(crate) fn extend(&mut self, b: &[u8]) {
        self.v.extend_from_slice(b);
    }
}

/// Bytes reserved per instruction: positions are masked to 0..16 and the
/// widest single write is 8 bytes, so every write stays below 24 < 32.
const SINK_ROOM: usize = 32;

/// Writes one instruction into the spare capacity of a [`Bytes`] buffer.
/// Positions are masked, so no write can leave the reserved room whatever
/// the instruction length; [`Sink::done`] commits at most 16 bytes.
#[derive(Debug)]
pub(crate) struct Sink<'a, A: Allocator> {
    v: &'a mut Vec<u8, A>,
    p: *mut u8,
    n: usize,
}

impl<A: Allocator> Sink<'_, A> {
    #[inline(always)]
    fn at(&mut self, width: usize) -> *mut u8 {
        let k = self.n & 15;
        self.n += width;
        // SAFETY: `k < 16` and the sink was created with SINK_ROOM (32) bytes
        // of capacity after `p`, so `p + k` and the following 8 bytes are in bounds.
        unsafe { self.p.add(k) }
    }
    /// Bytes written so far.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.n
    }
    /// Append a byte.
    #[inline(always)]
    pub(crate) fn u8(&mut self, v: u8) {
        let p = self.at(1);
        // SAFETY: `at` returns a pointer with at least 16 writable bytes.
        unsafe { p.write(v) }
    }
    /// Append a little-endian word.
    #[inline(always)]
    pub(crate) fn u16(&mut self, v: u16) {
        let p = self.at(2);
        // SAFETY: as in `u8`; unaligned write of 2 bytes.
        unsafe { p.cast::<[u8; 2]>().write_unaligned(v.to_le_bytes()) }
    }
    /// Append a little-endian dword.
    #[inline(always)]
    pub(crate) fn u32(&mut self, v: u32) {
        let p = self.at(4);
        // SAFETY: as in `u8`; unaligned write of 4 bytes.
        unsafe { p.cast::<[u8; 4]>().write_unaligned(v.to_le_bytes()) }
    }
    /// Append a little-endian qword.
    #[inline(always)]
    pub(crate) fn u64(&mut self, v: u64) {
        let p = self.at(8);
        // SAFETY: as in `u8`; unaligned write of 8 bytes.
        unsafe { p.cast::<[u8; 8]>().write_unaligned(v.to_le_bytes()) }
    }
    /// Append an immediate field (nothing for [`Imm::None`]).
    #[inline(always)]
    pub(crate) fn imm(&mut self, v: Imm) {
        match v {
            Imm::None => {}
            Imm::I8(x) => self.u8(x as u8),
            Imm::I16(x) => self.u16(x as u16),
            Imm::I32(x) => self.u32(x as u32),
        }
    }
    /// Commit the written bytes to the buffer.
    #[inline(always)]
    pub(crate) fn done(self) {
        let n = self.n.min(16);
        let len = self.v.len();
        // SAFETY: the `n <= 16` bytes after `len` were reserved by `sink` and
        // written by this sink (an instruction writes each of its positions).
        unsafe { self.v.set_len(len + n) }
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
