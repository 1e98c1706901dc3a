//! The adapter to our backend (`jit_core::backend`): one warmed
//! [`Compiler`] and one reused `Bump`, as a JIT keeps them, placing each
//! trace in a shared [`CodeArena`] over one of two Linux providers:
//! - [`UnixMemory`] ([`Ours::new`]): one `mprotect` to seal per trace;
//! - [`DualMappedMemory`] ([`Ours::dual`]): code written through a
//!   read-write view and run from a read-execute view of the same pages,
//!   no system call per trace.
//!
//! Pages are reused once traces are dropped.

use std::cell::RefCell;

use bumpalo::Bump;
use jit_core::backend::{CompileError, CompiledTrace, Compiler, Target};
use jit_core::ir::Trace;
use jit_core::memory::{CodeArena, ExecutableMemory, MemoryError, Placement};
use os_glue::dual::DualMappedMemory;
use os_glue::unix::UnixMemory;

/// Bytes of address space the adapter's code arena reserves (pages are
/// only touched as traces are placed).
pub const ARENA_BYTES: usize = 256 << 20;

/// A trace compiled by [`Ours`], placed in its arena.
pub type OurTrace<'a, M = UnixMemory> = CompiledTrace<&'a CodeArena<M>>;

/// Our backend for the host (SysV x86-64), with its reused scratch arena
/// and its code arena over provider `M`.
#[derive(Debug)]
pub struct Ours<M: ExecutableMemory = UnixMemory> {
    compiler: Compiler,
    bump: RefCell<Bump>,
    arena: CodeArena<M>,
    provider: &'static str,
}

impl Ours<UnixMemory> {
    /// A compiler for `Target::SysV64` with an [`ARENA_BYTES`] code arena
    /// sealed with `mprotect`.
    pub fn new() -> Result<Self, MemoryError> {
        Self::with_memory(UnixMemory::new(), "mprotect arena")
    }
}

impl Ours<DualMappedMemory> {
    /// A compiler for `Target::SysV64` with an [`ARENA_BYTES`] dual-mapped
    /// code arena (no system call to seal).
    pub fn dual() -> Result<Self, MemoryError> {
        Self::with_memory(DualMappedMemory::new(), "dual-mapped arena")
    }
}

impl<M: ExecutableMemory> Ours<M> {
    /// A compiler for `Target::SysV64` with an [`ARENA_BYTES`] arena from
    /// `mem`; `provider` names it in reports.
    pub fn with_memory(mem: M, provider: &'static str) -> Result<Self, MemoryError> {
        Ok(Ours {
            // As Cranelift's side (`enable_verifier` false): production
            // settings; the benchmark's tests turn it on.
            compiler: Compiler::new(Target::SysV64).with_verifier(false),
            bump: RefCell::new(Bump::new()),
            arena: CodeArena::new(mem, ARENA_BYTES, Placement::Anywhere)?,
            provider,
        })
    }

    /// The same backend with our verifier on or off (off: the timed setting).
    pub fn with_verifier(mut self, on: bool) -> Self {
        self.compiler = self.compiler.with_verifier(on);
        self
    }

    /// Which executable-memory provider the arena uses (for reports).
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// The code arena traces are placed in.
    pub fn arena(&self) -> &CodeArena<M> {
        &self.arena
    }

    /// Bytes the compile arena (`Bump`) holds: its chunk capacity, the
    /// scratch memory a compile of the largest trace so far needed.
    pub fn scratch_bytes(&self) -> usize {
        self.bump.borrow().allocated_bytes()
    }

    /// Compiles `trace` into executable memory of the arena (write, then
    /// seal): everything a JIT does before it can run the code.
    pub fn compile(&self, trace: &Trace) -> Result<OurTrace<'_, M>, CompileError> {
        let mut bump = self.bump.borrow_mut();
        bump.reset();
        self.compiler.compile(trace, &self.arena, &bump)
    }
}
