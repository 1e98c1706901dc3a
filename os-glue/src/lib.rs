//! `os-glue`: executable memory per platform, under W^X.
//!
//! Implements `jit_core::memory::ExecutableMemory` for Unix (mmap/mprotect),
//! Windows (VirtualAlloc/VirtualProtect) and bare metal (a caller-provided
//! static region), plus the x86-32 compat-mode gate used to run 32-bit code
//! inside a 64-bit Linux process.
