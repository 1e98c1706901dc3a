//! The adapter to our backend (`jit_core::backend`): one warmed
//! [`Compiler`] and one reused `Bump`, as a JIT keeps them, placing each
//! trace in fresh executable memory from the Unix provider.

use bumpalo::Bump;
use jit_core::backend::{CompileError, CompiledTrace, Compiler, Target};
use jit_core::ir::Trace;
use os_glue::unix::UnixMemory;

/// Our backend for the host (SysV x86-64), with its reused scratch arena.
#[derive(Debug)]
pub struct Ours {
    compiler: Compiler,
    bump: Bump,
    mem: UnixMemory,
}

impl Default for Ours {
    fn default() -> Self {
        Self::new()
    }
}

impl Ours {
    /// A compiler for `Target::SysV64`.
    pub fn new() -> Self {
        Ours {
            compiler: Compiler::new(Target::SysV64),
            bump: Bump::new(),
            mem: UnixMemory::new(),
        }
    }

    /// Compiles `trace` into fresh executable memory (mmap, write, seal):
    /// everything a JIT does before it can run the code.
    pub fn compile(&mut self, trace: &Trace) -> Result<CompiledTrace<UnixMemory>, CompileError> {
        self.bump.reset();
        self.compiler.compile(trace, self.mem, &self.bump)
    }
}
