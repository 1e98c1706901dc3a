//! `os-glue`: executable memory per platform, under W^X.
//!
//! Implements [`jit_core::memory::ExecutableMemory`] for
//! - Unix ([`unix::UnixMemory`]: mmap/mprotect/munmap, Linux and macOS; needs the `std` feature),
//! - Linux, dual-mapped ([`dual::DualMappedMemory`]: one memfd mapped read-write
//!   and read-execute, no system call to seal; needs the `std` feature),
//! - Windows (`windows::WindowsMemory`: VirtualAlloc/VirtualProtect/VirtualFree),
//! - bare metal ([`bare::StaticRegion`]: a caller-provided static buffer, no protection changes),
//!
//! plus the x86-32 compat-mode gate ([`gate32`], Linux x86-64) used to run 32-bit
//! code inside a 64-bit process, and a perf map writer ([`perf_map`]) so that
//! `perf report` names compiled code.
//!
//! Without the default `std` feature the crate is `#![no_std]` and needs no libc:
//! only the bare-metal provider (and on Windows the Windows one) is built.
#![no_std]

#[cfg(feature = "std")]
extern crate std;

pub mod bare;
#[cfg(all(target_os = "linux", feature = "std"))]
pub mod dual;
#[cfg(all(target_os = "linux", target_arch = "x86_64", feature = "std"))]
pub mod gate32;
#[cfg(all(unix, feature = "std"))]
pub mod perf_map;
#[cfg(all(unix, feature = "std"))]
pub mod unix;
#[cfg(windows)]
pub mod windows;

pub use jit_core::memory::{
    CodeBlock, CodeState, ExecutableMemory, MemoryError, Placement, Protection, Region,
};

/// The operating system's executable-memory provider for this platform.
#[cfg(all(unix, feature = "std"))]
pub type OsMemory = unix::UnixMemory;

/// The operating system's executable-memory provider for this platform.
#[cfg(windows)]
pub type OsMemory = windows::WindowsMemory;
