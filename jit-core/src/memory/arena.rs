//! A shared code arena: one reservation from a provider, handed out in
//! page-aligned pieces to many [`CodeBlock`](super::CodeBlock)s.
//!
//! Why: reserving fresh memory per trace costs a map, first-touch page
//! faults and an unmap per trace, which dominates compiling small traces.
//! With an arena, placing a trace costs one protection change (the seal);
//! the pages stay mapped and are reused.
//!
//! W^X is unchanged: a `&CodeArena` is itself an [`ExecutableMemory`]
//! provider, so each block still owns its pages exclusively (pieces never
//! share a page), is written while writable, sealed executable, and patched
//! by reopening only the touched pages of that block. Every page not handed
//! out is writable and not executable.
//!
//! Space is handed out bottom-up. A released piece is reused at once when
//! it is the topmost one (stack order), and all space is reused when every
//! piece has been released; a piece released below a live one is reused
//! once the arena empties. A reservation that does not fit fails with
//! [`MemoryError::ArenaFull`]: create another arena (or release traces).

use core::cell::RefCell;

use super::{ExecutableMemory, MemoryError, Placement, Protection, Region};

/// A pool of executable memory shared by many blocks; use it as a provider
/// through `&CodeArena` (e.g. `CodeBlock::new(&arena, ..)` or
/// `Compiler::compile(trace, &arena, ..)`). Single-threaded (not `Sync`).
/// Requests for [`Placement::Below4GiB`] are served only by an arena
/// reserved with that placement.
#[derive(Debug)]
pub struct CodeArena<M: ExecutableMemory> {
    state: RefCell<State<M>>,
}

#[derive(Debug)]
struct State<M: ExecutableMemory> {
    mem: M,
    /// The whole reservation; `None` once released.
    region: Option<Region>,
    placement: Placement,
    /// Bytes handed out from the bottom (a multiple of the page size).
    top: usize,
    /// Pieces handed out and not released yet.
    live: usize,
}

impl<M: ExecutableMemory> CodeArena<M> {
    /// Reserves `capacity` bytes (rounded up to pages) from `mem` at
    /// `placement`; every block taken from the arena lies inside it.
    pub fn new(mut mem: M, capacity: usize, placement: Placement) -> Result<Self, MemoryError> {
        let region = mem.reserve(capacity, placement)?;
        Ok(CodeArena {
            state: RefCell::new(State {
                mem,
                region: Some(region),
                placement,
                top: 0,
                live: 0,
            }),
        })
    }

    /// Total size in bytes.
    pub fn capacity(&self) -> usize {
        self.state.borrow().region.as_ref().map_or(0, |r| r.len)
    }

    /// Bytes from the bottom up to the topmost piece still handed out.
    pub fn used(&self) -> usize {
        self.state.borrow().top
    }

    /// Number of pieces handed out and not yet released.
    pub fn live_blocks(&self) -> usize {
        self.state.borrow().live
    }

    /// Address of the first byte of the arena's reservation (where blocks
    /// are written; with a dual-mapped provider their code runs in a second
    /// view, see [`super::CodeBlock::addr`]).
    pub fn addr(&self) -> usize {
        self.state.borrow().region.as_ref().map_or(0, Region::addr)
    }
}

impl<M: ExecutableMemory> State<M> {
    /// The arena's region and the offset of `piece` in it, if `piece` is a
    /// page-aligned range inside it.
    fn locate(&self, piece: &Region) -> Result<(&Region, usize), MemoryError> {
        let region = self.region.as_ref().ok_or(MemoryError::WrongState)?;
        let offset = piece
            .addr()
            .checked_sub(region.addr())
            .ok_or(MemoryError::BadRange)?;
        region.check_pages(offset, piece.len, self.mem.page_size())?;
        Ok((region, offset))
    }
}

// SAFETY: pieces are page-aligned, non-empty multiples of the page size,
// carved disjointly from one reservation of the inner provider (below
// `top`, which only drops when the topmost piece or all pieces are
// released), so live pieces never overlap each other or anything else.
// Every page not handed out is kept read-write (released pieces are made
// writable again before reuse), so a fresh piece is readable and writable;
// protection changes are forwarded to the inner provider, which keeps its
// own readability promise. The page size is the inner provider's, and a
// piece runs at the inner region's run address plus the piece's offset.
unsafe impl<M: ExecutableMemory> ExecutableMemory for &CodeArena<M> {
    fn page_size(&self) -> usize {
        self.state.borrow().mem.page_size()
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        let mut s = self.state.borrow_mut();
        if len == 0 {
            return Err(MemoryError::BadRange);
        }
        if placement == Placement::Below4GiB && s.placement != Placement::Below4GiB {
            return Err(MemoryError::PlacementUnavailable);
        }
        let page = s.mem.page_size();
        let region = s.region.as_ref().ok_or(MemoryError::WrongState)?;
        let len = len
            .checked_next_multiple_of(page)
            .ok_or(MemoryError::ArenaFull)?;
        let end = s.top.checked_add(len).ok_or(MemoryError::ArenaFull)?;
        if end > region.len {
            return Err(MemoryError::ArenaFull);
        }
        let ptr = region.ptr.as_ptr().wrapping_add(s.top);
        let ptr = core::ptr::NonNull::new(ptr).ok_or(MemoryError::BadRange)?;
        s.top = end;
        s.live += 1;
        Ok(Region { ptr, len })
    }

    unsafe fn protect(
        &mut self,
        piece: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError> {
        let mut s = self.state.borrow_mut();
        let page = s.mem.page_size();
        piece.check_pages(offset, len, page)?;
        let base = s.locate(piece)?.1;
        let State { mem, region, .. } = &mut *s;
        let region = region.as_ref().ok_or(MemoryError::WrongState)?;
        // SAFETY: `region` is the inner provider's live reservation and the
        // range lies inside the piece, hence inside it (checked above).
        unsafe { mem.protect(region, base + offset, len, prot) }
    }

    fn flush_icache(&mut self, piece: &Region, offset: usize, len: usize) {
        let mut s = self.state.borrow_mut();
        let Ok(base) = s.locate(piece).map(|(_, b)| b) else {
            return;
        };
        let State { mem, region, .. } = &mut *s;
        if let Some(region) = region.as_ref() {
            mem.flush_icache(region, base + offset, len);
        }
    }

    fn run_address(&self, piece: &Region) -> usize {
        let s = self.state.borrow();
        match s.locate(piece) {
            Ok((region, base)) => s.mem.run_address(region) + base,
            // Not a piece of this arena: nothing else to name.
            Err(_) => piece.addr(),
        }
    }

    unsafe fn release(&mut self, piece: Region) -> Result<(), MemoryError> {
        let mut s = self.state.borrow_mut();
        let base = s.locate(&piece)?.1;
        let State {
            mem,
            region,
            top,
            live,
            ..
        } = &mut *s;
        let region = region.as_ref().ok_or(MemoryError::WrongState)?;
        // Keep the invariant that free pages are writable.
        // SAFETY: the piece lies inside the inner provider's live reservation
        // (checked above); the caller promises nothing uses it any more.
        unsafe { mem.protect(region, base, piece.len, Protection::ReadWrite)? };
        *live = live.saturating_sub(1);
        if *live == 0 {
            *top = 0;
        } else if base + piece.len == *top {
            *top = base;
        }
        Ok(())
    }
}

impl<M: ExecutableMemory> Drop for CodeArena<M> {
    fn drop(&mut self) {
        let s = self.state.get_mut();
        if let Some(region) = s.region.take() {
            // SAFETY: the region came from `s.mem.reserve` and is released once;
            // every block borrowing the arena is gone (the borrow checker
            // ends their `&CodeArena` before the arena drops).
            let _ = unsafe { s.mem.release(region) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CodeBlock, CodeState};
    use super::*;
    use alloc::vec;

    use crate::memory::fake::{FakeMemory, PAGE};

    fn fake(pages: usize) -> FakeMemory {
        FakeMemory::new(pages)
    }

    #[test]
    fn blocks_get_disjoint_pages_and_seal_only_their_own() {
        let mut mem = fake(8);
        let arena = CodeArena::new(&mut mem, 8 * PAGE, Placement::Anywhere).unwrap();
        let mut a = CodeBlock::new(&arena, 20, Placement::Anywhere).unwrap();
        let mut b = CodeBlock::new(&arena, 5, Placement::Anywhere).unwrap();
        assert_eq!(a.addr(), arena.addr());
        assert_eq!(a.capacity(), 2 * PAGE);
        assert_eq!(b.addr(), arena.addr() + 2 * PAGE);
        assert_eq!(arena.used(), 3 * PAGE);
        a.append(&[0x90; 20]).unwrap();
        b.append(&[0xC3; 5]).unwrap();
        b.seal().unwrap();
        a.seal().unwrap();
        b.patch(1, &[0xCC]).unwrap();
        assert_eq!(b.code(), &[0xC3, 0xCC, 0xC3, 0xC3, 0xC3]);
        assert_eq!(a.code(), &[0x90; 20]);
        assert_eq!(a.state(), CodeState::Sealed);
        drop((a, b));
        assert_eq!(arena.live_blocks(), 0);
        assert_eq!(arena.used(), 0);
        drop(arena);
        // Released pieces were made writable again; the region went back.
        assert!(mem.pages.iter().all(|&p| p == Protection::ReadWrite));
        assert!(mem.released);
    }

    #[test]
    fn sealing_marks_exactly_the_blocks_pages_executable() {
        let mut mem = fake(4);
        let arena = CodeArena::new(&mut mem, 4 * PAGE, Placement::Anywhere).unwrap();
        let mut a = CodeBlock::new(&arena, PAGE, Placement::Anywhere).unwrap();
        let mut b = CodeBlock::new(&arena, PAGE + 1, Placement::Anywhere).unwrap();
        a.append(&[1]).unwrap();
        b.append(&[2]).unwrap();
        b.seal().unwrap();
        core::mem::forget((a, b));
        drop(arena);
        use Protection::{ReadExecute as X, ReadWrite as W};
        assert_eq!(mem.pages, vec![W, X, X, W]);
    }

    #[test]
    fn a_full_arena_is_a_typed_error_and_freed_space_is_reused() {
        let mut mem = fake(4);
        let arena = CodeArena::new(&mut mem, 4 * PAGE, Placement::Anywhere).unwrap();
        let a = CodeBlock::new(&arena, 2 * PAGE, Placement::Anywhere).unwrap();
        let b = CodeBlock::new(&arena, PAGE, Placement::Anywhere).unwrap();
        assert_eq!(
            CodeBlock::new(&arena, 2 * PAGE, Placement::Anywhere).err(),
            Some(MemoryError::ArenaFull)
        );
        assert_eq!(
            CodeBlock::new(&arena, usize::MAX, Placement::Anywhere).err(),
            Some(MemoryError::ArenaFull)
        );
        assert_eq!(
            CodeBlock::new(&arena, 0, Placement::Anywhere).err(),
            Some(MemoryError::BadRange)
        );
        assert_eq!(
            CodeBlock::new(&arena, 1, Placement::Below4GiB).err(),
            Some(MemoryError::PlacementUnavailable)
        );
        // The topmost piece is reused at once.
        let b_addr = b.addr();
        drop(b);
        let c = CodeBlock::new(&arena, 2 * PAGE, Placement::Anywhere).unwrap();
        assert_eq!(c.addr(), b_addr);
        // A piece below a live one waits until the arena empties.
        drop(a);
        assert_eq!(arena.used(), 4 * PAGE);
        assert_eq!(arena.live_blocks(), 1);
        drop(c);
        assert_eq!(arena.used(), 0);
        assert_eq!(arena.capacity(), 4 * PAGE);
    }
}
