//! Linux and macOS: executable memory from `mmap`, protected with `mprotect`.
//!
//! Fresh mappings are private, anonymous and `PROT_READ | PROT_WRITE`; sealing
//! switches pages to `PROT_READ | PROT_EXEC`. No mapping is ever writable and
//! executable at once, so this works under hardened kernels and on macOS
//! x86-64 without `MAP_JIT`.
//!
//! Below-4-GiB placement: on Linux x86-64 `MAP_32BIT` (which gives memory in
//! the low 2 GiB), falling back to a loop of hint addresses up to 4 GiB;
//! elsewhere only the hint loop. macOS reserves the low 4 GiB of 64-bit
//! processes (`__PAGEZERO`), so there the request fails with
//! [`MemoryError::PlacementUnavailable`].

use core::ptr::NonNull;

use jit_core::memory::{ExecutableMemory, MemoryError, Placement, Protection, Region};

const FOUR_GIB: u64 = 1 << 32;
/// First hint address tried for below-4-GiB mappings (clear of the usual
/// low-address program image of non-PIE executables).
const LOW_HINT_START: usize = 0x1000_0000;
/// Distance between successive hint addresses.
const LOW_HINT_STEP: usize = 0x0400_0000;

/// The system page size (`sysconf(_SC_PAGESIZE)`), 4096 if it is not a
/// power of two.
pub(crate) fn system_page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size)
        .ok()
        .filter(|s| s.is_power_of_two())
        .unwrap_or(4096)
}

/// The Unix provider: stateless apart from the page size, so each
/// [`jit_core::memory::CodeBlock`] can own its own copy.
#[derive(Clone, Copy, Debug)]
pub struct UnixMemory {
    page_size: usize,
}

impl Default for UnixMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl UnixMemory {
    /// A provider using the system page size (`sysconf(_SC_PAGESIZE)`).
    pub fn new() -> Self {
        Self {
            page_size: system_page_size(),
        }
    }

    /// Map `len` fresh read-write bytes, at `hint` if the kernel agrees.
    fn map(&self, hint: usize, len: usize, extra_flags: libc::c_int) -> Option<NonNull<u8>> {
        // SAFETY: an anonymous private mapping without MAP_FIXED never replaces
        // existing mappings; the hint is only advice.
        let p = unsafe {
            libc::mmap(
                hint as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | extra_flags,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            None
        } else {
            NonNull::new(p.cast::<u8>())
        }
    }

    fn unmap(&self, ptr: NonNull<u8>, len: usize) -> Result<(), MemoryError> {
        // SAFETY: callers pass a mapping this provider created with this length,
        // and no reference into it survives the call.
        if unsafe { libc::munmap(ptr.as_ptr().cast(), len) } != 0 {
            return Err(MemoryError::ReleaseFailed(last_errno()));
        }
        Ok(())
    }

    /// Keep a fresh mapping if it ends at or below 4 GiB, otherwise give it back.
    fn keep_if_low(&self, ptr: NonNull<u8>, len: usize) -> Option<Region> {
        let region = Region { ptr, len };
        if region.is_below_4gib() {
            Some(region)
        } else {
            // A mapping we just created and never handed out: unmapping cannot
            // affect anyone; a failure would only leak it.
            let _ = self.unmap(ptr, len);
            None
        }
    }

    fn reserve_low(&self, len: usize) -> Result<Region, MemoryError> {
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        let first_try = libc::MAP_32BIT;
        #[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
        let first_try = 0;
        // On 32-bit targets every mapping is low, so the first try succeeds.
        if let Some(region) = self
            .map(0, len, first_try)
            .and_then(|p| self.keep_if_low(p, len))
        {
            return Ok(region);
        }
        self.reserve_by_hints(len)
    }

    /// Try hint addresses from [`LOW_HINT_START`] upwards until a mapping
    /// lands below 4 GiB (the fallback when `MAP_32BIT` is absent or full).
    fn reserve_by_hints(&self, len: usize) -> Result<Region, MemoryError> {
        let step = LOW_HINT_STEP.max(len.next_multiple_of(LOW_HINT_STEP));
        let mut hint = LOW_HINT_START;
        while (hint as u64) + (len as u64) <= FOUR_GIB {
            if let Some(region) = self
                .map(hint, len, 0)
                .and_then(|p| self.keep_if_low(p, len))
            {
                return Ok(region);
            }
            hint = match hint.checked_add(step) {
                Some(h) => h,
                None => break,
            };
        }
        Err(MemoryError::PlacementUnavailable)
    }
}

// SAFETY: regions are fresh private anonymous mappings (page aligned, length
// a non-zero multiple of the page size, disjoint from everything else), mapped
// read-write; `protect` only ever switches between read-write and
// read-execute, both readable; `page_size` is a power of two fixed at creation.
unsafe impl ExecutableMemory for UnixMemory {
    fn page_size(&self) -> usize {
        self.page_size
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        let len = Region::reserve_len(len, self.page_size)?;
        match placement {
            Placement::Anywhere => {
                let ptr = self.map(0, len, 0).ok_or(MemoryError::OutOfMemory)?;
                Ok(Region { ptr, len })
            }
            Placement::Below4GiB => self.reserve_low(len),
        }
    }

    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError> {
        region.check_pages(offset, len, self.page_size)?;
        let flags = match prot {
            Protection::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
            Protection::ReadExecute => libc::PROT_READ | libc::PROT_EXEC,
        };
        // SAFETY: the range lies inside a mapping this provider created (checked
        // above and promised by the caller); `offset` is page aligned.
        let rc = unsafe { libc::mprotect(region.ptr.as_ptr().add(offset).cast(), len, flags) };
        if rc != 0 {
            return Err(MemoryError::ProtectFailed(last_errno()));
        }
        Ok(())
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        self.unmap(region.ptr, region.len)
    }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_loop_finds_memory_below_4gib() {
        let mut mem = UnixMemory::new();
        let region = mem.reserve_by_hints(3 * mem.page_size()).unwrap();
        assert!(region.is_below_4gib(), "{region:?}");
        assert!(region.addr() >= LOW_HINT_START);
        // SAFETY: the region was just mapped by this provider and is not used.
        unsafe { mem.release(region) }.unwrap();
    }

    #[test]
    fn reservations_round_up_to_pages() {
        let mut mem = UnixMemory::new();
        let region = mem.reserve(1, Placement::Anywhere).unwrap();
        assert_eq!(region.len, mem.page_size());
        assert_eq!(region.addr() % mem.page_size(), 0);
        // SAFETY: the region was just mapped by this provider and is not used.
        unsafe { mem.release(region) }.unwrap();
    }
}
