//! Executable memory: the contract between the compiler and the platform.
//!
//! The compiler never calls the OS itself. A platform crate (`os-glue`)
//! implements [`ExecutableMemory`]; [`CodeBlock`] on top of it enforces W^X:
//! a region is either writable or executable, never both at once.

use core::fmt;
use core::ptr::NonNull;

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
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for MemoryError {}

/// A page-aligned range handed out by an [`ExecutableMemory`] provider.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte; page aligned.
    pub ptr: NonNull<u8>,
    /// Length in bytes; a multiple of the provider's page size.
    pub len: usize,
}

impl Region {
    /// Address of the first byte.
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }
}

/// A provider of memory that can hold and run machine code.
///
/// Implementations: `os-glue`'s Unix (mmap/mprotect), Windows
/// (VirtualAlloc/VirtualProtect) and bare-metal (static region) providers.
/// A fresh reservation is [`Protection::ReadWrite`].
pub trait ExecutableMemory {
    /// Granularity of protection changes, in bytes (a power of two).
    fn page_size(&self) -> usize;
    /// Reserve at least `len` bytes (rounded up to pages), readable and writable.
    fn reserve(&mut self, len: usize, placement: Placement) -> Result<Region, MemoryError>;
    /// Change the protection of `len` bytes at `offset` in `region`
    /// (both page aligned, inside the region).
    fn protect(
        &mut self,
        region: &Region,
        offset: usize,
        len: usize,
        prot: Protection,
    ) -> Result<(), MemoryError>;
    /// Make freshly written instructions visible to instruction fetch.
    /// x86 keeps caches coherent; Windows still asks for the call.
    fn flush_icache(&mut self, _region: &Region, _offset: usize, _len: usize) {}
    /// Give the region back. No code in it may run afterwards.
    fn release(&mut self, region: Region) -> Result<(), MemoryError>;
}
