//! The adapter to our backend (`jit_core::backend`): one warmed
//! [`Compiler`] and one reused `Bump`, as a JIT keeps them, placing each
//! trace in a shared [`CodeArena`] over the Unix provider (one `mprotect`
//! to seal per trace; pages are reused once traces are dropped).

use std::cell::RefCell;

use bumpalo::Bump;
use jit_core::backend::{CompileError, CompiledTrace, Compiler, Target};
use jit_core::ir::Trace;
use jit_core::memory::{CodeArena, MemoryError, Placement};
use os_glue::unix::UnixMemory;

/// Bytes of address space the adapter's code arena reserves (pages are
/// only touched as traces are placed).
pub const ARENA_BYTES: usize = 256 << 20;

/// A trace compiled by [`Ours`], placed in its arena.
pub type OurTrace<'a> = CompiledTrace<&'a CodeArena<UnixMemory>>;

/// Our backend for the host (SysV x86-64), with its reused scratch arena
/// and its code arena.
#[derive(Debug)]
pub struct Ours {
    compiler: Compiler,
    bump: RefCell<Bump>,
    arena: CodeArena<UnixMemory>,
}

impl Ours {
    /// A compiler for `Target::SysV64` with an [`ARENA_BYTES`] code arena.
    pub fn new() -> Result<Self, MemoryError> {
        Ok(Ours {
            compiler: Compiler::new(Target::SysV64),
            bump: RefCell::new(Bump::new()),
            arena: CodeArena::new(UnixMemory::new(), ARENA_BYTES, Placement::Anywhere)?,
        })
    }

    /// The code arena traces are placed in.
    pub fn arena(&self) -> &CodeArena<UnixMemory> {
        &self.arena
    }

    /// Compiles `trace` into executable memory of the arena (write, then
    /// seal): everything a JIT does before it can run the code.
    pub fn compile(&self, trace: &Trace) -> Result<OurTrace<'_>, CompileError> {
        let mut bump = self.bump.borrow_mut();
        bump.reset();
        self.compiler.compile(trace, &self.arena, &bump)
    }
}
