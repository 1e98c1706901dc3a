//! Linux: executable memory mapped twice, so sealing costs no system call.
//!
//! [`DualMappedMemory`] backs each reservation with one `memfd` object
//! mapped at two addresses inside one reserved span: a read-write view
//! (the [`Region`], where the compiler writes) and, right after it, a
//! read-execute view (the [`ExecutableMemory::run_address`], where the code
//! runs). No mapping is ever writable and executable, so W^X holds per
//! mapping; the views never change, so [`ExecutableMemory::protect`] only
//! checks its range. What this gives up against [`super::unix::UnixMemory`]:
//! sealed code stays writable through the write view, so a stray write by
//! the embedding program is not trapped; the write view's address is not
//! handed to generated code, which only knows the run address.
//!
//! Why: `mprotect` per sealed trace (1–4 µs) dominates placing small traces.

use core::ptr::NonNull;

use jit_core::memory::{ExecutableMemory, MemoryError, Placement, Protection, Region};

/// The dual-mapped provider: stateless apart from the page size. Each
/// region's run view starts `region.len` bytes after its write view.
#[derive(Clone, Copy, Debug)]
pub struct DualMappedMemory {
    page_size: usize,
}

impl Default for DualMappedMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl DualMappedMemory {
    /// A provider using the system page size (`sysconf(_SC_PAGESIZE)`).
    pub fn new() -> Self {
        Self {
            page_size: crate::unix::system_page_size(),
        }
    }

    /// Maps the two views of a fresh `len`-byte memfd object into a fresh
    /// `2 * len` span (found with `extra_flags`, e.g. `MAP_32BIT`).
    fn map_views(&self, len: usize, extra_flags: libc::c_int) -> Result<NonNull<u8>, MemoryError> {
        let span = len.checked_mul(2).ok_or(MemoryError::OutOfMemory)?;
        // SAFETY: the name is a NUL-terminated string; no other preconditions.
        let fd = unsafe { libc::memfd_create(c"jit-code".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(MemoryError::OutOfMemory);
        }
        let result = self.map_fd(fd, len, span, extra_flags);
        // The mappings keep the object alive; the descriptor is not needed.
        // SAFETY: `fd` is the descriptor created above, closed once.
        unsafe { libc::close(fd) };
        result
    }

    fn map_fd(
        &self,
        fd: libc::c_int,
        len: usize,
        span: usize,
        extra_flags: libc::c_int,
    ) -> Result<NonNull<u8>, MemoryError> {
        let size = libc::off_t::try_from(len).map_err(|_| MemoryError::OutOfMemory)?;
        // SAFETY: `fd` is a fresh memfd owned by the caller.
        if unsafe { libc::ftruncate(fd, size) } != 0 {
            return Err(MemoryError::OutOfMemory);
        }
        // SAFETY: an inaccessible anonymous mapping without MAP_FIXED never
        // replaces existing mappings.
        let base = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                span,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | extra_flags,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(MemoryError::OutOfMemory);
        }
        let views = [
            (0, libc::PROT_READ | libc::PROT_WRITE),
            (len, libc::PROT_READ | libc::PROT_EXEC),
        ];
        for (offset, prot) in views {
            // SAFETY: MAP_FIXED replaces only pages of the span reserved just
            // above, which nothing else uses; `offset + len <= span`.
            let p = unsafe {
                libc::mmap(
                    base.cast::<u8>().add(offset).cast(),
                    len,
                    prot,
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    fd,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                // SAFETY: the span was created above and never handed out.
                unsafe { libc::munmap(base, span) };
                return Err(MemoryError::OutOfMemory);
            }
        }
        NonNull::new(base.cast::<u8>()).ok_or(MemoryError::OutOfMemory)
    }
}

// SAFETY: a region is the write view of a fresh span (page aligned, length a
// non-zero multiple of the page size, disjoint from everything else), mapped
// read-write for its whole life; its run address is the second view of the
// same memfd pages, mapped read-execute for its whole life, so it shows the
// region's bytes and is executable whatever `protect` was last asked;
// `page_size` is a power of two fixed at creation.
unsafe impl ExecutableMemory for DualMappedMemory {
    fn page_size(&self) -> usize {
        self.page_size
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        let len = Region::reserve_len(len, self.page_size)?;
        let ptr = match placement {
            Placement::Anywhere => self.map_views(len, 0)?,
            #[cfg(target_arch = "x86_64")]
            Placement::Below4GiB => {
                let ptr = self.map_views(len, libc::MAP_32BIT)?;
                if (ptr.as_ptr() as u64).saturating_add(2 * len as u64) > 1 << 32 {
                    // SAFETY: the span was just mapped and never handed out.
                    unsafe { libc::munmap(ptr.as_ptr().cast(), 2 * len) };
                    return Err(MemoryError::PlacementUnavailable);
                }
                ptr
            }
            #[cfg(not(target_arch = "x86_64"))]
            Placement::Below4GiB => self.map_views(len, 0)?,
        };
        Ok(Region { ptr, len })
    }

    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        _prot: Protection,
    ) -> Result<(), MemoryError> {
        // Both views keep their access: the write view is always writable,
        // the run view always executable.
        region.check_pages(offset, len, self.page_size)
    }

    fn run_address(&self, region: &Region) -> usize {
        region.addr() + region.len
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        // SAFETY: the caller passes a region of this provider, whose span is
        // both views (`2 * len` bytes from its start), no longer used.
        if unsafe { libc::munmap(region.ptr.as_ptr().cast(), 2 * region.len) } != 0 {
            return Err(MemoryError::ReleaseFailed(
                std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jit_core::memory::{CodeArena, CodeBlock};

    #[test]
    fn code_written_through_the_write_view_runs_at_the_run_address() {
        let mut mem = DualMappedMemory::new();
        let mut block = CodeBlock::new(&mut mem, 100, Placement::Anywhere).unwrap();
        let page = block.page_size();
        assert_eq!(block.addr(), block.region().addr() + block.capacity());
        assert_eq!(block.capacity() % page, 0);
        // mov eax, 42; ret
        block.append(&[0xB8, 42, 0, 0, 0, 0xC3]).unwrap();
        block.seal().unwrap();
        let entry = block.entry(0).unwrap();
        assert_eq!(entry as usize, block.addr());
        // SAFETY: the sealed block holds a complete function returning a u32.
        let f: extern "C" fn() -> u32 = unsafe { core::mem::transmute(entry) };
        assert_eq!(f(), 42);
        block.patch(1, &[7]).unwrap();
        assert_eq!(f(), 7);
        block.release().unwrap();
    }

    /// The permissions `/proc/self/maps` reports for the mapping holding `addr`.
    fn perms_at(addr: usize) -> Option<std::string::String> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|line| {
            let mut parts = line.split_whitespace();
            let (lo, hi) = parts.next()?.split_once('-')?;
            let (lo, hi) = (
                usize::from_str_radix(lo, 16).ok()?,
                usize::from_str_radix(hi, 16).ok()?,
            );
            (lo <= addr && addr < hi).then(|| parts.next().map(std::string::String::from))?
        })
    }

    #[test]
    fn no_view_is_ever_writable_and_executable() {
        let mut mem = DualMappedMemory::new();
        let mut block = CodeBlock::new(&mut mem, 3 * 4096, Placement::Anywhere).unwrap();
        let (write, run) = (block.region().addr(), block.addr());
        let check = |write: usize, run: usize| {
            assert_eq!(perms_at(write).as_deref(), Some("rw-s"));
            assert_eq!(perms_at(run).as_deref(), Some("r-xs"));
        };
        check(write, run);
        block.append(&[0xC3]).unwrap();
        block.seal().unwrap();
        check(write, run);
        block.patch(0, &[0xC3]).unwrap();
        check(write, run);
        block.release().unwrap();
    }

    #[test]
    fn arena_pieces_run_at_their_offset_in_the_run_view() {
        let arena = CodeArena::new(DualMappedMemory::new(), 1 << 16, Placement::Anywhere).unwrap();
        let mut blocks = std::vec::Vec::new();
        for k in 0..3u8 {
            let mut block = CodeBlock::new(&arena, 10, Placement::Anywhere).unwrap();
            // mov eax, k; ret
            block.append(&[0xB8, k, 0, 0, 0, 0xC3]).unwrap();
            block.seal().unwrap();
            blocks.push(block);
        }
        let span = arena.capacity();
        for (k, block) in blocks.iter().enumerate() {
            assert_eq!(block.addr(), block.region().addr() + span);
            assert_eq!(perms_at(block.addr()).as_deref(), Some("r-xs"));
            // SAFETY: the sealed block holds a complete function returning a u32.
            let f: extern "C" fn() -> u32 =
                unsafe { core::mem::transmute(block.entry(0).unwrap()) };
            assert_eq!(f(), k as u32);
        }
    }

    #[test]
    fn empty_reservations_are_refused() {
        let mut mem = DualMappedMemory::new();
        assert_eq!(
            mem.reserve(0, Placement::Anywhere),
            Err(MemoryError::BadRange)
        );
    }
}
