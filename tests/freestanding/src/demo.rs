//! What the freestanding program does with the JIT: assemble, seal, run, check.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use jit_core::memory::{ExecutableMemory, Placement, Protection};

/// Assemble `f(a, b) = a * b + 7`, run it, and describe the result.
pub fn run(mem: &mut impl ExecutableMemory) -> Result<String, String> {
    // imul rdi, rsi ; lea rax, [rdi + 7] ; ret
    let code: Vec<u8> = alloc::vec![0x48, 0x0f, 0xaf, 0xfe, 0x48, 0x8d, 0x47, 0x07, 0xc3];
    let region = mem
        .reserve(code.len(), Placement::Anywhere)
        .map_err(|e| format!("reserve: {e}\n"))?;
    // SAFETY: the region is freshly reserved, writable and at least `code.len()` bytes long.
    unsafe { core::ptr::copy_nonoverlapping(code.as_ptr(), region.ptr.as_ptr(), code.len()) };
    mem.protect(&region, 0, region.len, Protection::ReadExecute)
        .map_err(|e| format!("seal: {e}\n"))?;
    // SAFETY: the region holds a complete SysV function of this signature and is executable.
    let f: extern "C" fn(i64, i64) -> i64 = unsafe { core::mem::transmute(region.ptr.as_ptr()) };
    let got = f(6, 7);
    mem.release(region).map_err(|e| format!("release: {e}\n"))?;
    if got != 49 {
        return Err(format!("freestanding: expected 49, got {got}\n"));
    }
    Ok(format!("freestanding: ok f(6, 7) = {got}\n"))
}
