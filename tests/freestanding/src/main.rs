//! A freestanding program: no `std`, no libc, no C runtime.
//!
//! It proves that `jit-core` and `gc-maps` need only `core` + `alloc`: it brings
//! its own entry point, panic handler, global allocator (a bump allocator over a
//! static buffer), the `mem*` functions the compiler expects, and an
//! [`ExecutableMemory`] provider made of raw Linux system calls, the way a kernel
//! experimenter would bring one over their own page tables. It assembles a
//! function with `jit-core`, runs it, and reports through `write` and `exit`.
#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::arch::{asm, global_asm};
use core::cell::UnsafeCell;
use core::ptr::NonNull;

use jit_core::memory::{ExecutableMemory, MemoryError, Placement, Protection, Region};

// The ELF entry point: align the stack as the SysV ABI expects at a call, then enter Rust.
global_asm!(
    ".section .text._start,\"ax\",@progbits",
    ".globl _start",
    "_start:",
    "xor ebp, ebp",
    "and rsp, -16",
    "call {main}",
    "ud2",
    main = sym freestanding_main,
);

mod sys {
    //! Raw Linux x86-64 system calls: the whole "operating system layer" of this program.
    use core::arch::asm;

    pub const PROT_READ: usize = 1;
    pub const PROT_WRITE: usize = 2;
    pub const PROT_EXEC: usize = 4;

    /// `syscall` with up to six arguments; returns the raw result (negative errno on failure).
    #[inline]
    pub fn syscall6(nr: usize, a: [usize; 6]) -> isize {
        let ret: isize;
        // SAFETY: the Linux syscall ABI: rax = number, rdi/rsi/rdx/r10/r8/r9 = arguments,
        // rcx and r11 are clobbered. Callers pass arguments valid for the call they make.
        unsafe {
            asm!("syscall", inlateout("rax") nr as isize => ret,
                 in("rdi") a[0], in("rsi") a[1], in("rdx") a[2], in("r10") a[3], in("r8") a[4], in("r9") a[5],
                 lateout("rcx") _, lateout("r11") _, options(nostack));
        }
        ret
    }

    pub fn write(fd: usize, bytes: &[u8]) {
        syscall6(1, [fd, bytes.as_ptr() as usize, bytes.len(), 0, 0, 0]);
    }

    pub fn exit(code: i32) -> ! {
        syscall6(231, [code as usize, 0, 0, 0, 0, 0]); // exit_group
        loop {
            core::hint::spin_loop();
        }
    }

    pub fn mmap(len: usize, prot: usize) -> isize {
        const MAP_PRIVATE: usize = 0x02;
        const MAP_ANONYMOUS: usize = 0x20;
        syscall6(
            9,
            [0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, usize::MAX, 0],
        )
    }

    pub fn mprotect(addr: usize, len: usize, prot: usize) -> isize {
        syscall6(10, [addr, len, prot, 0, 0, 0])
    }

    pub fn munmap(addr: usize, len: usize) -> isize {
        syscall6(11, [addr, len, 0, 0, 0, 0])
    }
}

/// Executable memory from raw `mmap`/`mprotect` system calls.
struct SyscallMemory;

// SAFETY: regions come from our own mmap calls and are only protected or unmapped whole-page, inside their bounds.
unsafe impl ExecutableMemory for SyscallMemory {
    fn page_size(&self) -> usize {
        4096
    }

    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError> {
        if placement != Placement::Anywhere {
            return Err(MemoryError::PlacementUnavailable);
        }
        let len = len.div_ceil(4096).max(1) * 4096;
        let addr = sys::mmap(len, sys::PROT_READ | sys::PROT_WRITE);
        let ptr = NonNull::new(addr as *mut u8)
            .filter(|_| addr > 0)
            .ok_or(MemoryError::OutOfMemory)?;
        Ok(Region { ptr, len })
    }

    unsafe fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError> {
        if !offset.is_multiple_of(4096)
            || offset.checked_add(len).is_none_or(|end| end > region.len)
        {
            return Err(MemoryError::BadRange);
        }
        let bits = match prot {
            Protection::ReadWrite => sys::PROT_READ | sys::PROT_WRITE,
            Protection::ReadExecute => sys::PROT_READ | sys::PROT_EXEC,
        };
        match sys::mprotect(region.addr() + offset, len, bits) {
            0 => Ok(()),
            e => Err(MemoryError::ProtectFailed(e as i32)),
        }
    }

    unsafe fn release(&mut self, region: Region) -> Result<(), MemoryError> {
        match sys::munmap(region.addr(), region.len) {
            0 => Ok(()),
            e => Err(MemoryError::ReleaseFailed(e as i32)),
        }
    }
}

/// A bump allocator over a static buffer; `dealloc` frees nothing.
struct StaticHeap {
    next: UnsafeCell<usize>,
    buf: UnsafeCell<[u8; 1 << 20]>,
}

// SAFETY: this program is single-threaded; nothing else can reach the cells.
unsafe impl Sync for StaticHeap {}

// SAFETY: every returned block lies inside `buf`, is aligned as asked, and is handed out once.
unsafe impl GlobalAlloc for StaticHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded; no other reference to `next` or `buf` is live.
        let (next, base) = unsafe { (&mut *self.next.get(), (*self.buf.get()).as_mut_ptr()) };
        let start = (base as usize + *next).next_multiple_of(layout.align()) - base as usize;
        match start.checked_add(layout.size()) {
            Some(end) if end <= 1 << 20 => {
                *next = end;
                // SAFETY: `start <= end <= buf.len()`, so the pointer stays inside `buf`.
                unsafe { base.add(start) }
            }
            _ => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static HEAP: StaticHeap = StaticHeap {
    next: UnsafeCell::new(0),
    buf: UnsafeCell::new([0; 1 << 20]),
};

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    sys::write(2, b"freestanding: panic\n");
    sys::exit(101)
}

// The compiler lowers copies and fills to these symbols; without libc we provide them.
// `rep movsb`/`rep stosb` keep LLVM from turning the bodies back into calls to themselves.

/// # Safety
/// As C's `memcpy`: `dst` and `src` valid for `n` bytes, not overlapping.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller guarantees both ranges are valid; the direction flag is clear per ABI.
    unsafe {
        asm!("rep movsb", inout("rdi") dst => _, inout("rsi") src => _, inout("rcx") n => _, options(nostack, preserves_flags))
    };
    dst
}

/// # Safety
/// As C's `memmove`: `dst` and `src` valid for `n` bytes; they may overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dst as usize) <= (src as usize) || (dst as usize) >= (src as usize) + n {
        // SAFETY: a forward copy is correct when `dst` does not start inside `src`'s tail.
        return unsafe { memcpy(dst, src, n) };
    }
    // SAFETY: copy backwards (direction flag set, then cleared again as the ABI requires).
    unsafe {
        asm!("std", "rep movsb", "cld",
             inout("rdi") dst.add(n - 1) => _, inout("rsi") src.add(n - 1) => _, inout("rcx") n => _,
             options(nostack));
    }
    dst
}

/// # Safety
/// As C's `memset`: `dst` valid for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller guarantees the range is valid.
    unsafe {
        asm!("rep stosb", inout("rdi") dst => _, inout("rcx") n => _, in("al") c as u8, options(nostack, preserves_flags))
    };
    dst
}

/// # Safety
/// As C's `memcmp`: both pointers valid for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`, inside both ranges the caller vouched for.
        let (x, y) = unsafe {
            (
                core::ptr::read_volatile(a.add(i)),
                core::ptr::read_volatile(b.add(i)),
            )
        };
        if x != y {
            return x as i32 - y as i32;
        }
        i += 1;
    }
    0
}

/// # Safety
/// As C's `bcmp`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: same contract as `memcmp`.
    unsafe { memcmp(a, b, n) }
}

/// Never called with `panic = "abort"`; the symbol is referenced by precompiled `core`.
#[unsafe(no_mangle)]
pub extern "C" fn _Unwind_Resume() -> ! {
    sys::exit(102)
}

/// Never called with `panic = "abort"`; the symbol is referenced by precompiled `core`.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

mod demo;

extern "C" fn freestanding_main() -> ! {
    match demo::run(&mut SyscallMemory) {
        Ok(report) => {
            sys::write(1, report.as_bytes());
            sys::exit(0)
        }
        Err(msg) => {
            sys::write(2, msg.as_bytes());
            sys::exit(1)
        }
    }
}
