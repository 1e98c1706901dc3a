//! Executable memory: the contract between the compiler and the platform.
//!
//! The compiler never calls the OS itself. A platform crate (`os-glue`)
//! implements [`ExecutableMemory`]; [`CodeBlock`] on top of it enforces W^X:
//! a page of a block is either writable or executable, never both at once.
//!
//! Life of a block: [`CodeBlock::new`] reserves writable memory, the compiler
//! [`CodeBlock::append`]s or [`CodeBlock::write`]s bytes, [`CodeBlock::seal`]
//! makes the whole block executable, and [`CodeBlock::patch`] later rewrites a
//! few bytes (a guard jump, a loop redirect) by reopening only the pages those
//! bytes touch, writing, and resealing them.
//!
//! [`CodeArena`] shares one reservation between many blocks (one
//! protection change per placed trace instead of a map, faults and unmap).
//!
//! A provider may also map its pages twice (`os-glue`'s dual-mapped Linux
//! provider): bytes are written through the region, a read-write view, and
//! code runs at [`ExecutableMemory::run_address`], a read-execute view of
//! the same pages. W^X then holds per mapping and sealing changes nothing,
//! so it costs no system call; [`CodeBlock::addr`] and
//! [`CodeBlock::entry`] give the run address.

use core::fmt;
use core::ptr::NonNull;

mod arena;

pub use arena::CodeArena;

/// Where a reservation must be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Anywhere in the address space.
    Anywhere,
    /// Entirely below 4 GiB, as x86-32 code, its stack and its data need.
    Below4GiB,
}

/// The access a range of a region currently allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// Readable and writable, not executable: code is being written or patched.
    ReadWrite,
    /// Readable and executable, not writable: code may run.
    ReadExecute,
}

/// Why a memory operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryError {
    /// The provider has no memory left (or the OS refused the reservation).
    OutOfMemory,
    /// A requested placement (e.g. below 4 GiB) could not be satisfied.
    PlacementUnavailable,
    /// A range lies outside its region or is not page aligned where it must be.
    BadRange,
    /// Changing protection failed; carries the OS error code if there is one.
    ProtectFailed(i32),
    /// Releasing the region failed; carries the OS error code if there is one.
    ReleaseFailed(i32),
    /// The operation needs the region in another state (e.g. writing sealed code).
    WrongState,
    /// A [`CodeArena`] has no room left for the requested block.
    ArenaFull,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryError::OutOfMemory => f.write_str("out of executable memory"),
            MemoryError::PlacementUnavailable => f.write_str("requested placement unavailable"),
            MemoryError::BadRange => f.write_str("range outside region or misaligned"),
            MemoryError::ProtectFailed(e) => write!(f, "changing protection failed (os error {e})"),
            MemoryError::ReleaseFailed(e) => write!(f, "releasing memory failed (os error {e})"),
            MemoryError::WrongState => {
                f.write_str("region is in the wrong state for this operation")
            }
            MemoryError::ArenaFull => f.write_str("code arena full"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MemoryError {}

/// A page-aligned range handed out by an [`ExecutableMemory`] provider.
///
/// A `Region` is a handle, not a borrow: it is deliberately not `Clone`, so
/// that the one value returned by [`ExecutableMemory::reserve`] is the one
/// given back to [`ExecutableMemory::release`].
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte; aligned to the provider's page size.
    pub ptr: NonNull<u8>,
    /// Length in bytes; a multiple of the provider's page size.
    pub len: usize,
}

impl Region {
    /// Address of the first byte.
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    /// One past the last byte, as an address (saturating; a region never
    /// reaches the top of the address space in practice).
    pub fn end(&self) -> usize {
        self.addr().saturating_add(self.len)
    }

    /// Whether the whole region lies below 4 GiB, i.e. is addressable by x86-32 code.
    pub fn is_below_4gib(&self) -> bool {
        (self.end() as u64) <= (1u64 << 32)
    }

    /// The length a provider reserves for a request of `len` bytes: `len`
    /// rounded up to `page_size` (a power of two); an empty or unroundable
    /// request is refused. Providers call this in `reserve`, so every
    /// provider refuses the same requests.
    pub fn reserve_len(len: usize, page_size: usize) -> Result<usize, MemoryError> {
        if len == 0 {
            return Err(MemoryError::BadRange);
        }
        len.checked_next_multiple_of(page_size)
            .ok_or(MemoryError::OutOfMemory)
    }

    /// Check that `len` bytes at `offset` lie inside the region and that both
    /// are multiples of `page_size` (a power of two). Providers call this
    /// before changing protection, so every provider rejects the same ranges.
    pub fn check_pages(
        &self,
        offset: usize,
        len: usize,
        page_size: usize,
    ) -> Result<(), MemoryError> {
        let mask = page_size.wrapping_sub(1);
        let end = offset.checked_add(len).ok_or(MemoryError::BadRange)?;
        if end > self.len || offset & mask != 0 || len & mask != 0 {
            return Err(MemoryError::BadRange);
        }
        Ok(())
    }
}

/// A provider of memory that can hold and run machine code.
///
/// Implementations: `os-glue`'s Unix (mmap/mprotect), Windows
/// (VirtualAlloc/VirtualProtect) and bare-metal (static region) providers.
/// A fresh reservation is [`Protection::ReadWrite`].
///
/// # Safety
///
/// Implementors promise that:
/// - [`page_size`](Self::page_size) is a non-zero power of two and never changes;
/// - a region returned by [`reserve`](Self::reserve) is aligned to the page
///   size, its length is a non-zero multiple of it, it is readable and
///   writable for its whole length, its bytes are initialised (any values:
///   fresh OS pages are zero, a reused buffer holds what it held), and it
///   overlaps no other live region and no memory the program uses
///   otherwise, until it is released;
/// - after a successful [`protect`](Self::protect) the range is at least
///   readable, and writable if [`Protection::ReadWrite`] was asked for; a
///   provider may leave memory more permissive (bare metal changes nothing),
///   but must never make it unreadable;
/// - [`run_address`](Self::run_address) of a live region names memory that
///   shows the region's bytes at the same offsets (the region itself, or a
///   second mapping of the same pages for a dual-mapped provider) and is
///   executable wherever the region was last set to
///   [`Protection::ReadExecute`].
pub unsafe trait ExecutableMemory {
    /// Granularity of protection changes, in bytes (a power of two).
    fn page_size(&self) -> usize;

    /// Reserve at least `len` bytes (rounded up to pages), readable and writable.
    /// `len == 0` is refused with [`MemoryError::BadRange`].
    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError>;

    /// Change the protection of `len` bytes at `offset` in `region`
    /// (both page aligned, inside the region).
    ///
    /// # Safety
    ///
    /// `region` must have been returned by this provider's `reserve` and not
    /// released. Making a range non-writable invalidates writes through any
    /// pointer into it until it is made writable again; the caller owns that.
    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError>;

    /// Make freshly written instructions visible to instruction fetch.
    /// x86 keeps caches coherent; Windows still asks for the call.
    fn flush_icache(&mut self, _region: &Region, _offset: usize, _len: usize) {}

    /// Address at which the code written into `region` runs. The region's
    /// pointer is where bytes are written; most providers run code there
    /// too (the default), switching pages between writable and executable.
    /// A dual-mapped provider maps the same pages twice, a read-write view
    /// (the region) and a read-execute view (this address), so no mapping is
    /// ever writable and executable and sealing needs no system call. Code
    /// and every address computed into it (rel32 targets, entry points) use
    /// the run address.
    fn run_address(&self, region: &Region) -> usize {
        region.addr()
    }

    /// Give the region back. No code in it may run afterwards.
    ///
    /// # Safety
    ///
    /// `region` must have been returned by this provider's `reserve`, and no
    /// pointer into it may be used afterwards.
    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError>;
}

// SAFETY: every promise is forwarded unchanged to the underlying provider.
unsafe impl<T: ExecutableMemory + ?Sized> ExecutableMemory for &mut T {
    fn page_size(&self) -> usize {
        (**self).page_size()
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        (**self).reserve(len, placement)
    }

    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError> {
        // SAFETY: the caller upholds `protect`'s contract for the same provider.
        unsafe { (**self).protect(region, offset, len, prot) }
    }

    fn flush_icache(&mut self, region: &Region, offset: usize, len: usize) {
        (**self).flush_icache(region, offset, len)
    }

    fn run_address(&self, region: &Region) -> usize {
        (**self).run_address(region)
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        // SAFETY: the caller upholds `release`'s contract for the same provider.
        unsafe { (**self).release(region) }
    }
}

/// Where a [`CodeBlock`] is in its W^X life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeState {
    /// The whole block is readable and writable, not executable.
    Writable,
    /// The whole block is readable and executable, not writable.
    Sealed,
    /// A protection change failed half-way; pages may be in mixed states
    /// (each still either writable or executable). Only reading the bytes and
    /// releasing the block are allowed.
    Poisoned,
}

/// A block of machine code under W^X, on top of any [`ExecutableMemory`].
///
/// The block owns its region and its provider value `M` (pass `&mut P` to
/// share one stateful provider between blocks); dropping the block releases
/// the region. Offsets are bytes from the start of the block.
///
/// Patching a sealed block makes the touched pages non-executable for a
/// moment: the caller must make sure no thread runs code on those pages while
/// [`CodeBlock::patch`] is in progress.
#[derive(Debug)]
pub struct CodeBlock<M: ExecutableMemory> {
    mem: M,
    region: Region,
    /// Where the region's code runs (see [`ExecutableMemory::run_address`]).
    run_addr: usize,
    /// Bytes written so far: the high-water mark of all writes.
    len: usize,
    state: CodeState,
    released: bool,
}

impl<M: ExecutableMemory> CodeBlock<M> {
    /// Reserve a writable block of at least `capacity` bytes (rounded up to pages).
    pub fn new(mut mem: M, capacity: usize, placement: Placement) -> Result<Self, MemoryError> {
        let region = mem.reserve(capacity, placement)?;
        let run_addr = mem.run_address(&region);
        Ok(Self {
            mem,
            region,
            run_addr,
            len: 0,
            state: CodeState::Writable,
            released: false,
        })
    }

    /// Usable size in bytes (the reservation, rounded up to pages).
    pub fn capacity(&self) -> usize {
        self.region.len
    }

    /// Bytes written so far (the end of the furthest write).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The current W^X state.
    pub fn state(&self) -> CodeState {
        self.state
    }

    /// Address of the first byte of the block where its code runs (the
    /// provider's [`ExecutableMemory::run_address`]; the region's own
    /// address unless the provider maps the code twice).
    pub fn addr(&self) -> usize {
        self.run_addr
    }

    /// The underlying region, where the block's bytes are written (for
    /// placement checks and diagnostics; code runs at [`CodeBlock::addr`]).
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The page size of the provider, i.e. the granularity of protection changes.
    pub fn page_size(&self) -> usize {
        self.mem.page_size()
    }

    /// The bytes written so far, `[0, len)`. Readable in every state.
    pub fn code(&self) -> &[u8] {
        // SAFETY: the provider promises the region is readable for its whole
        // length in every protection state; `len <= region.len`; writes need
        // `&mut self`, so nothing mutates the bytes while this borrow lives.
        unsafe { core::slice::from_raw_parts(self.region.ptr.as_ptr(), self.len) }
    }

    /// Append `bytes` at the end of the written part; returns their offset.
    /// Only while [`CodeState::Writable`].
    pub fn append(&mut self, bytes: &[u8]) -> Result<usize, MemoryError> {
        let offset = self.len;
        self.write(offset, bytes)?;
        Ok(offset)
    }

    /// Append `len` bytes produced in place by `fill` (no intermediate
    /// buffer: e.g. tables built straight into the block); returns their
    /// offset. `fill` gets the bytes with whatever the region held before
    /// (zeros, or older code of a reused page) and must write every byte
    /// whose value matters. Only while [`CodeState::Writable`].
    pub fn append_with(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<usize, MemoryError> {
        if self.state != CodeState::Writable {
            return Err(MemoryError::WrongState);
        }
        let offset = self.len;
        let end = self.checked_end(offset, len)?;
        // SAFETY: `[offset, end)` lies inside the region (checked above), which
        // the provider keeps mapped readable and writable while the block is
        // writable; its bytes are initialised (the provider's promise; any
        // `u8` is valid), and `&mut self` guarantees no other reference to
        // them exists meanwhile.
        let dst =
            unsafe { core::slice::from_raw_parts_mut(self.region.ptr.as_ptr().add(offset), len) };
        fill(dst);
        self.len = end;
        Ok(offset)
    }

    /// Write `bytes` at `offset` (anywhere inside the capacity).
    /// Only while [`CodeState::Writable`].
    pub fn write(&mut self, offset: usize, bytes: &[u8]) -> Result<(), MemoryError> {
        if self.state != CodeState::Writable {
            return Err(MemoryError::WrongState);
        }
        let end = self.checked_end(offset, bytes.len())?;
        self.copy_in(offset, bytes);
        self.len = self.len.max(end);
        Ok(())
    }

    /// Make the whole block executable and not writable, and flush the
    /// instruction cache. Only from [`CodeState::Writable`].
    pub fn seal(&mut self) -> Result<(), MemoryError> {
        if self.state != CodeState::Writable {
            return Err(MemoryError::WrongState);
        }
        self.set_protection(0, self.region.len, Protection::ReadExecute)?;
        self.state = CodeState::Sealed;
        self.mem.flush_icache(&self.region, 0, self.len);
        Ok(())
    }

    /// Make the whole block writable and not executable again (e.g. to append
    /// a bridge). Only from [`CodeState::Sealed`]; no code in the block may be
    /// running.
    pub fn unseal(&mut self) -> Result<(), MemoryError> {
        if self.state != CodeState::Sealed {
            return Err(MemoryError::WrongState);
        }
        self.set_protection(0, self.region.len, Protection::ReadWrite)?;
        self.state = CodeState::Writable;
        Ok(())
    }

    /// Overwrite `bytes` at `offset` in a sealed block: the pages the bytes
    /// touch become writable (and not executable), are written, and are
    /// sealed again. The write may extend past the written part, up to the
    /// capacity (to add code to a sealed block).
    pub fn patch(&mut self, offset: usize, bytes: &[u8]) -> Result<(), MemoryError> {
        self.patch_with(offset, bytes.len(), |dst| dst.copy_from_slice(bytes))
    }

    /// Like [`CodeBlock::patch`], but hands the `len` bytes at `offset` to `f`
    /// while their pages are writable (read-modify-write of a rel32, or a
    /// test observing the W^X state mid-patch). Returns what `f` returns.
    pub fn patch_with<R>(
        &mut self,
        offset: usize,
        len: usize,
        f: impl FnOnce(&mut [u8]) -> R,
    ) -> Result<R, MemoryError> {
        if self.state != CodeState::Sealed {
            return Err(MemoryError::WrongState);
        }
        let end = self.checked_end(offset, len)?;
        let page = self.mem.page_size();
        let first = offset & !(page - 1);
        // `region.len` is a multiple of the page size, so rounding `end` up stays inside.
        let last = end.div_ceil(page) * page;
        let pages = last - first;
        if pages != 0 {
            self.set_protection(first, pages, Protection::ReadWrite)?;
        }
        // Poisoned until resealed: if `f` panics, the block stays unusable
        // (its touched pages writable, not executable), never silently "sealed".
        self.state = CodeState::Poisoned;
        // SAFETY: `[offset, end)` lies inside the region (checked above) and its
        // pages are writable now; `&mut self` guarantees no other reference to
        // the bytes exists while `f` runs.
        let dst =
            unsafe { core::slice::from_raw_parts_mut(self.region.ptr.as_ptr().add(offset), len) };
        let result = f(dst);
        if pages != 0 {
            self.set_protection(first, pages, Protection::ReadExecute)?;
        }
        self.state = CodeState::Sealed;
        self.len = self.len.max(end);
        self.mem.flush_icache(&self.region, offset, len);
        Ok(result)
    }

    /// Address of the instruction at `offset`, to be called or jumped to.
    /// Only in a sealed block and inside the written part. Calling it is
    /// `unsafe` for the caller: the bytes must be valid code for the caller's
    /// mode and ABI.
    pub fn entry(&self, offset: usize) -> Result<*const u8, MemoryError> {
        if self.state != CodeState::Sealed {
            return Err(MemoryError::WrongState);
        }
        if offset >= self.len {
            return Err(MemoryError::BadRange);
        }
        let base = if self.run_addr == self.region.addr() {
            self.region.ptr.as_ptr().cast_const()
        } else {
            // A second view of the region's pages, made by the provider.
            core::ptr::with_exposed_provenance::<u8>(self.run_addr)
        };
        Ok(base.wrapping_add(offset))
    }

    /// Release the block now and report whether the provider succeeded
    /// (dropping the block releases it too, ignoring errors).
    pub fn release(mut self) -> Result<(), MemoryError> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> Result<(), MemoryError> {
        if self.released {
            return Ok(());
        }
        self.released = true;
        let region = Region {
            ptr: self.region.ptr,
            len: self.region.len,
        };
        // SAFETY: the region came from `self.mem.reserve` and is released exactly
        // once (guarded by `released`); the block, which owns every pointer
        // into it, is being consumed or dropped.
        unsafe { self.mem.release(region) }
    }

    fn checked_end(&self, offset: usize, len: usize) -> Result<usize, MemoryError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.region.len => Ok(end),
            _ => Err(MemoryError::BadRange),
        }
    }

    fn copy_in(&mut self, offset: usize, bytes: &[u8]) {
        // SAFETY: callers checked `offset + bytes.len() <= region.len` and that
        // the block is writable; `bytes` cannot alias the region because
        // `&mut self` excludes any outstanding borrow of the block's bytes.
        unsafe {
            core::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.region.ptr.as_ptr().add(offset),
                bytes.len(),
            );
        }
    }

    fn set_protection(
        &mut self,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError> {
        // SAFETY: the region came from `self.mem.reserve` and is not released
        // (release consumes or drops the block).
        let result = unsafe { self.mem.protect(&self.region, offset, len, prot) };
        if result.is_err() {
            self.state = CodeState::Poisoned;
        }
        result
    }
}

impl<M: ExecutableMemory> Drop for CodeBlock<M> {
    fn drop(&mut self) {
        // Errors cannot be reported from `drop`; `CodeBlock::release` reports them.
        let _ = self.release_inner();
    }
}

/// A test provider shared by the memory and arena tests.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// Page size of the fake provider (small, so tests span many pages).
    pub(crate) const PAGE: usize = 16;

    /// A provider over heap memory that records every protection change per
    /// page and can be told to fail the next one.
    pub(crate) struct FakeMemory {
        pub buf: Vec<u8>,
        pub pages: Vec<Protection>,
        pub protect_calls: Vec<(usize, usize, Protection)>,
        pub fail_next_protect: bool,
        pub released: bool,
    }

    impl FakeMemory {
        pub(crate) fn new(pages: usize) -> Self {
            Self {
                buf: vec![0; pages * PAGE],
                pages: vec![Protection::ReadWrite; pages],
                protect_calls: Vec::new(),
                fail_next_protect: false,
                released: false,
            }
        }
    }

    // SAFETY: the single region is the whole heap buffer, which this provider
    // owns and never hands out twice (reserve is called once per test); it is
    // always readable and writable.
    unsafe impl ExecutableMemory for FakeMemory {
        fn page_size(&self) -> usize {
            PAGE
        }

        fn reserve(&mut self, len: usize, _placement: Placement) -> Result<Region, MemoryError> {
            if len == 0 || len > self.buf.len() {
                return Err(MemoryError::OutOfMemory);
            }
            let ptr = NonNull::new(self.buf.as_mut_ptr()).ok_or(MemoryError::OutOfMemory)?;
            Ok(Region {
                ptr,
                len: self.buf.len(),
            })
        }

        unsafe fn protect(
            &mut self,
            region: &Region,
            offset: usize,
            len: usize,
            prot: Protection,
        ) -> Result<(), MemoryError> {
            region.check_pages(offset, len, PAGE)?;
            if core::mem::take(&mut self.fail_next_protect) {
                return Err(MemoryError::ProtectFailed(13));
            }
            self.protect_calls.push((offset, len, prot));
            for page in &mut self.pages[offset / PAGE..(offset + len) / PAGE] {
                *page = prot;
            }
            Ok(())
        }

        unsafe fn release(&mut self, _region: Region) -> Result<(), MemoryError> {
            self.released = true;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::{FakeMemory, PAGE};
    use super::*;
    use alloc::vec;

    #[test]
    fn sealing_protects_every_page_and_patching_only_the_touched_ones() {
        let mut mem = FakeMemory::new(4);
        let mut block = CodeBlock::new(&mut mem, 4 * PAGE, Placement::Anywhere).unwrap();
        block.write(0, &[0x90; 40]).unwrap();
        block.seal().unwrap();
        // Bytes 14..18 straddle pages 0 and 1.
        block.patch(14, &[1, 2, 3, 4]).unwrap();
        assert_eq!(&block.code()[13..19], &[0x90, 1, 2, 3, 4, 0x90]);
        drop(block);
        assert_eq!(
            mem.protect_calls,
            vec![
                (0, 4 * PAGE, Protection::ReadExecute),
                (0, 2 * PAGE, Protection::ReadWrite),
                (0, 2 * PAGE, Protection::ReadExecute),
            ]
        );
        assert!(mem.pages.iter().all(|&p| p == Protection::ReadExecute));
        assert!(mem.released);
    }

    #[test]
    fn patch_with_hands_out_exactly_the_requested_bytes() {
        let mut mem = FakeMemory::new(2);
        let mut block = CodeBlock::new(&mut mem, 2 * PAGE, Placement::Anywhere).unwrap();
        block.append(&[0xE9, 0, 0, 0, 0]).unwrap();
        block.seal().unwrap();
        let old = block
            .patch_with(1, 4, |rel| {
                let old = i32::from_le_bytes([rel[0], rel[1], rel[2], rel[3]]);
                rel.copy_from_slice(&(old + 0x100).to_le_bytes());
                old
            })
            .unwrap();
        assert_eq!(old, 0);
        assert_eq!(block.code(), &[0xE9, 0, 1, 0, 0]);
    }

    #[test]
    fn a_failed_protection_change_poisons_the_block() {
        let mut mem = FakeMemory::new(1);
        mem.fail_next_protect = true;
        let mut block = CodeBlock::new(&mut mem, PAGE, Placement::Anywhere).unwrap();
        block.append(&[0xC3]).unwrap();
        assert_eq!(block.seal(), Err(MemoryError::ProtectFailed(13)));
        assert_eq!(block.state(), CodeState::Poisoned);
        assert_eq!(block.seal(), Err(MemoryError::WrongState));
        assert_eq!(block.entry(0), Err(MemoryError::WrongState));
        assert_eq!(block.write(0, &[0x90]), Err(MemoryError::WrongState));
        assert_eq!(block.code(), &[0xC3]);
        assert_eq!(block.release(), Ok(()));
    }

    #[cfg(feature = "std")]
    #[test]
    fn a_panic_during_patch_with_leaves_the_block_poisoned() {
        let mut mem = FakeMemory::new(1);
        let mut block = CodeBlock::new(&mut mem, PAGE, Placement::Anywhere).unwrap();
        block.append(&[0xC3]).unwrap();
        block.seal().unwrap();
        let result = std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
            let _ = block.patch_with(0, 1, |_| panic!("patcher failed"));
        }));
        assert!(result.is_err());
        assert_eq!(block.state(), CodeState::Poisoned);
        assert_eq!(block.entry(0), Err(MemoryError::WrongState));
    }

    #[test]
    fn region_page_checks_reject_misaligned_and_overflowing_ranges() {
        let mut mem = FakeMemory::new(2);
        let region = mem.reserve(2 * PAGE, Placement::Anywhere).unwrap();
        assert_eq!(region.check_pages(PAGE, PAGE, PAGE), Ok(()));
        assert_eq!(
            region.check_pages(1, PAGE, PAGE),
            Err(MemoryError::BadRange)
        );
        assert_eq!(
            region.check_pages(0, 3 * PAGE, PAGE),
            Err(MemoryError::BadRange)
        );
        assert_eq!(
            region.check_pages(usize::MAX - 15, PAGE, PAGE),
            Err(MemoryError::BadRange)
        );
    }

    #[test]
    fn reserve_lengths_round_up_to_pages_and_refuse_empty_or_huge_requests() {
        assert_eq!(Region::reserve_len(1, PAGE), Ok(PAGE));
        assert_eq!(Region::reserve_len(PAGE, PAGE), Ok(PAGE));
        assert_eq!(Region::reserve_len(PAGE + 1, PAGE), Ok(2 * PAGE));
        assert_eq!(Region::reserve_len(0, PAGE), Err(MemoryError::BadRange));
        assert_eq!(
            Region::reserve_len(usize::MAX, PAGE),
            Err(MemoryError::OutOfMemory)
        );
    }

    #[test]
    fn every_memory_error_prints_its_message_and_os_code() {
        use alloc::string::ToString;
        let cases = [
            (MemoryError::OutOfMemory, "out of executable memory"),
            (
                MemoryError::PlacementUnavailable,
                "requested placement unavailable",
            ),
            (MemoryError::BadRange, "range outside region or misaligned"),
            (
                MemoryError::ProtectFailed(13),
                "changing protection failed (os error 13)",
            ),
            (
                MemoryError::ReleaseFailed(-2),
                "releasing memory failed (os error -2)",
            ),
            (
                MemoryError::WrongState,
                "region is in the wrong state for this operation",
            ),
            (MemoryError::ArenaFull, "code arena full"),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text, "{e:?}");
        }
    }

    #[test]
    fn each_state_refuses_the_operations_of_the_other() {
        let mut mem = FakeMemory::new(2);
        let mut block = CodeBlock::new(&mut mem, PAGE + 1, Placement::Anywhere).unwrap();
        assert!(block.is_empty());
        assert_eq!(block.capacity(), 2 * PAGE);
        assert_eq!(block.page_size(), PAGE);
        assert_eq!(block.region().addr(), block.addr());
        // Writable: no entry, no patch, no unseal.
        assert_eq!(block.entry(0), Err(MemoryError::WrongState));
        assert_eq!(block.patch(0, &[1]), Err(MemoryError::WrongState));
        assert_eq!(block.unseal(), Err(MemoryError::WrongState));
        // A write past the capacity is refused and writes nothing.
        assert_eq!(
            block.write(2 * PAGE - 1, &[1, 2]),
            Err(MemoryError::BadRange)
        );
        assert!(block.is_empty());
        assert_eq!(block.append(&[0xC3, 0x90]), Ok(0));
        assert_eq!(block.append(&[0xCC]), Ok(2));
        assert_eq!(block.len(), 3);
        // In-place appends: refused past the capacity, else filled where asked.
        let too_long = block.append_with(2 * PAGE, |_| unreachable!("refused before filling"));
        assert_eq!(too_long, Err(MemoryError::BadRange));
        assert_eq!(block.append_with(2, |b| b.copy_from_slice(&[7, 8])), Ok(3));
        assert_eq!(block.len(), 5);
        block.seal().unwrap();
        assert_eq!(
            block.append_with(1, |b| b[0] = 1),
            Err(MemoryError::WrongState)
        );
        assert_eq!(block.state(), CodeState::Sealed);
        // Sealed: no write, no second seal; entries only inside the written part.
        assert_eq!(block.write(0, &[1]), Err(MemoryError::WrongState));
        assert_eq!(block.append(&[1]), Err(MemoryError::WrongState));
        assert_eq!(block.seal(), Err(MemoryError::WrongState));
        assert_eq!(block.entry(5), Err(MemoryError::BadRange));
        assert_eq!(block.entry(2), Ok((block.addr() + 2) as *const u8));
        assert_eq!(block.patch(2 * PAGE, &[1]), Err(MemoryError::BadRange));
        assert_eq!(block.code(), &[0xC3, 0x90, 0xCC, 7, 8]);
        // Unseal makes it writable again.
        block.unseal().unwrap();
        assert_eq!(block.state(), CodeState::Writable);
        block.write(0, &[0x90]).unwrap();
        assert_eq!(block.code(), &[0x90, 0x90, 0xCC, 7, 8]);
        assert_eq!(block.release(), Ok(()));
        assert!(mem.released);
    }
}
