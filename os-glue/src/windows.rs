//! Windows: executable memory from `VirtualAlloc`, protected with `VirtualProtect`.
//!
//! The four kernel32 functions are declared in a tiny `extern "system"` block
//! instead of pulling in a bindings crate. NOTE: the development machine has
//! no Windows target, so this file is never compiled there; it was only
//! type-checked by including it in a scratch crate on Linux. Keep it small,
//! and keep each declaration identical to the documented Win32 prototype.
//!
//! Windows pages are 4 KiB on every x86 and x86-64 system; reservations start
//! on 64 KiB allocation-granularity boundaries, which are page aligned too.

use core::ffi::c_void;
use core::ptr::NonNull;

use jit_core::memory::{ExecutableMemory, MemoryError, Placement, Protection, Region};

const PAGE_SIZE: usize = 4096;
const ALLOCATION_GRANULARITY: usize = 0x1_0000;
const MEM_COMMIT: u32 = 0x1000;
const MEM_RESERVE: u32 = 0x2000;
const MEM_RELEASE: u32 = 0x8000;
const PAGE_READWRITE: u32 = 0x04;
const PAGE_EXECUTE_READ: u32 = 0x20;
const FOUR_GIB: u64 = 1 << 32;
/// First and distance between hint addresses for below-4-GiB reservations.
const LOW_HINT_START: usize = 0x1000_0000;
const LOW_HINT_STEP: usize = 0x0100_0000;

#[link(name = "kernel32")]
unsafe extern "system" {
    // LPVOID VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType, DWORD flProtect);
    fn VirtualAlloc(
        address: *mut c_void,
        size: usize,
        allocation_type: u32,
        protect: u32,
    ) -> *mut c_void;
    // BOOL VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect, PDWORD lpflOldProtect);
    fn VirtualProtect(
        address: *mut c_void,
        size: usize,
        new_protect: u32,
        old_protect: *mut u32,
    ) -> i32;
    // BOOL VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
    fn VirtualFree(address: *mut c_void, size: usize, free_type: u32) -> i32;
    // BOOL FlushInstructionCache(HANDLE hProcess, LPCVOID lpBaseAddress, SIZE_T dwSize);
    fn FlushInstructionCache(process: *mut c_void, base: *const c_void, size: usize) -> i32;
    // HANDLE GetCurrentProcess(void);
    fn GetCurrentProcess() -> *mut c_void;
    // DWORD GetLastError(void);
    fn GetLastError() -> u32;
}

/// The Windows provider: stateless, so each code block can own a copy.
#[derive(Clone, Copy, Debug, Default)]
pub struct WindowsMemory;

impl WindowsMemory {
    /// A provider (4 KiB pages).
    pub fn new() -> Self {
        Self
    }

    /// Reserve and commit `len` read-write bytes at `address` (null: anywhere).
    fn alloc(&self, address: usize, len: usize) -> Option<NonNull<u8>> {
        // SAFETY: VirtualAlloc never replaces existing memory: at an occupied
        // address it fails and returns null.
        let p = unsafe {
            VirtualAlloc(
                address as *mut c_void,
                len,
                MEM_RESERVE | MEM_COMMIT,
                PAGE_READWRITE,
            )
        };
        NonNull::new(p.cast::<u8>())
    }

    fn free(&self, ptr: NonNull<u8>) -> Result<(), MemoryError> {
        // SAFETY: callers pass the base of a reservation this provider made,
        // with size 0 as MEM_RELEASE requires, and keep no pointer into it.
        if unsafe { VirtualFree(ptr.as_ptr().cast(), 0, MEM_RELEASE) } == 0 {
            // SAFETY: GetLastError has no preconditions.
            return Err(MemoryError::ReleaseFailed(unsafe { GetLastError() } as i32));
        }
        Ok(())
    }

    fn reserve_low(&self, len: usize) -> Result<Region, MemoryError> {
        let step = LOW_HINT_STEP.max(len.next_multiple_of(ALLOCATION_GRANULARITY));
        let mut address = LOW_HINT_START;
        while (address as u64) + (len as u64) <= FOUR_GIB {
            if let Some(ptr) = self.alloc(address, len) {
                let region = Region { ptr, len };
                if region.is_below_4gib() {
                    return Ok(region);
                }
                // Never handed out; a failure would only leak it.
                let _ = self.free(ptr);
            }
            address = match address.checked_add(step) {
                Some(a) => a,
                None => break,
            };
        }
        Err(MemoryError::PlacementUnavailable)
    }
}

// SAFETY: regions are fresh committed reservations (64 KiB aligned, length a
// non-zero multiple of 4 KiB, disjoint from everything else), read-write;
// `protect` only switches between PAGE_READWRITE and PAGE_EXECUTE_READ, both
// readable; the page size is the constant 4 KiB.
unsafe impl ExecutableMemory for WindowsMemory {
    fn page_size(&self) -> usize {
        PAGE_SIZE
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        let len = Region::reserve_len(len, PAGE_SIZE)?;
        match placement {
            Placement::Anywhere => {
                let ptr = self.alloc(0, len).ok_or(MemoryError::OutOfMemory)?;
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
        region.check_pages(offset, len, PAGE_SIZE)?;
        let flags = match prot {
            Protection::ReadWrite => PAGE_READWRITE,
            Protection::ReadExecute => PAGE_EXECUTE_READ,
        };
        let mut old = 0u32;
        // SAFETY: the range lies inside a reservation this provider made
        // (checked above and promised by the caller); `old` is a valid out pointer.
        let ok =
            unsafe { VirtualProtect(region.ptr.as_ptr().add(offset).cast(), len, flags, &mut old) };
        if ok == 0 {
            // SAFETY: GetLastError has no preconditions.
            return Err(MemoryError::ProtectFailed(unsafe { GetLastError() } as i32));
        }
        Ok(())
    }

    fn flush_icache(&mut self, region: &Region, offset: usize, len: usize) {
        let base = region.ptr.as_ptr().wrapping_add(offset);
        // SAFETY: flushing is advisory and reads no memory; the pseudo-handle of
        // the current process is always valid.
        unsafe {
            FlushInstructionCache(GetCurrentProcess(), base.cast_const().cast(), len);
        }
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        self.free(region.ptr)
    }
}
