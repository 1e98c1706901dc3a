//! Bare metal: executable memory carved out of a caller-provided static buffer.
//!
//! There is no OS to change page protections, so [`StaticRegion`] only does
//! bookkeeping: it bump-allocates regions out of the buffer and validates
//! every range it is asked to protect, so the compiler's W^X discipline
//! ([`jit_core::memory::CodeBlock`]) is still checked even though the hardware
//! does not enforce it. It needs neither `std` nor an allocator.

use core::ptr::NonNull;

use jit_core::memory::{ExecutableMemory, MemoryError, Placement, Protection, Region};

/// A bump allocator of code regions over one `&'static mut [u8]`.
///
/// Regions are aligned to the granule (the provider's "page size") and
/// rounded up to it. Releasing the most recently reserved region gives its
/// memory back (so stack-like use never leaks); releasing an older one is
/// accepted but its memory is not reused.
///
/// The buffer must be executable for code placed in it to run (on bare
/// metal: mapped without NX, or paging off); that is the caller's concern
/// when it calls the code, not this provider's.
#[derive(Debug)]
pub struct StaticRegion {
    base: NonNull<u8>,
    len: usize,
    /// Offset of the first free byte.
    next: usize,
    granule: usize,
}

// SAFETY: the provider exclusively owns its buffer (it was handed over as
// `&'static mut`), so moving it to another thread moves that ownership; it
// holds no thread-bound state.
unsafe impl Send for StaticRegion {}

impl StaticRegion {
    /// Alignment and rounding of regions when none is given: one cache line.
    pub const DEFAULT_GRANULE: usize = 64;

    /// A provider over `buf` with [`StaticRegion::DEFAULT_GRANULE`].
    pub fn new(buf: &'static mut [u8]) -> Self {
        let len = buf.len();
        Self {
            base: NonNull::from(buf).cast::<u8>(),
            len,
            next: 0,
            granule: Self::DEFAULT_GRANULE,
        }
    }

    /// A provider over `buf` whose regions are aligned to and rounded up to
    /// `granule` bytes (a non-zero power of two, e.g. 4096 to mimic pages).
    pub fn with_granule(buf: &'static mut [u8], granule: usize) -> Result<Self, MemoryError> {
        if !granule.is_power_of_two() {
            return Err(MemoryError::BadRange);
        }
        let mut region = Self::new(buf);
        region.granule = granule;
        Ok(region)
    }

    /// Bytes not yet handed out (some may be lost to alignment on the next reservation).
    pub fn remaining(&self) -> usize {
        self.len - self.next
    }

    /// Whether `region` lies inside this provider's buffer.
    fn owns(&self, region: &Region) -> bool {
        let base = self.base.as_ptr() as usize;
        region.addr() >= base && region.end() <= base + self.len
    }
}

// SAFETY: regions are disjoint slices of the exclusively owned buffer (the
// bump pointer only moves back over the most recently reserved region when
// it is released), aligned to and sized in multiples of the power-of-two
// granule, non-empty, and always readable and writable (nothing is ever
// made unreadable).
unsafe impl ExecutableMemory for StaticRegion {
    fn page_size(&self) -> usize {
        self.granule
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        let size = Region::reserve_len(len, self.granule)?;
        let base = self.base.as_ptr() as usize;
        let start_addr = (base + self.next)
            .checked_next_multiple_of(self.granule)
            .ok_or(MemoryError::OutOfMemory)?;
        let start = start_addr - base;
        let end = start
            .checked_add(size)
            .filter(|&end| end <= self.len)
            .ok_or(MemoryError::OutOfMemory)?;
        if placement == Placement::Below4GiB && (base + end) as u64 > (1u64 << 32) {
            return Err(MemoryError::PlacementUnavailable);
        }
        // SAFETY: `start < end <= self.len`, so the pointer stays inside the buffer and is non-null.
        let ptr = unsafe { NonNull::new_unchecked(self.base.as_ptr().add(start)) };
        self.next = end;
        Ok(Region { ptr, len: size })
    }

    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        _prot: Protection,
    ) -> Result<(), MemoryError> {
        if !self.owns(region) {
            return Err(MemoryError::BadRange);
        }
        // No MMU to program: validating the range is the whole job.
        region.check_pages(offset, len, self.granule)
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        if !self.owns(&region) {
            return Err(MemoryError::BadRange);
        }
        let base = self.base.as_ptr() as usize;
        if region.end() == base + self.next {
            self.next = region.addr() - base;
        }
        Ok(())
    }
}
