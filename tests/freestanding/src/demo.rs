//! What the freestanding program does with the JIT: assemble, seal, run, check.

use alloc::format;
use alloc::string::String;

use jit_core::memory::{CodeBlock, ExecutableMemory, Placement};
use jit_core::x86::{Alu, Assembler, Cond, Gpr, Mode, Size};

/// Assemble `f(n, k) = sum of i * k for i in 1..=n` with a loop, run it, and describe the result.
pub fn run(mem: &mut impl ExecutableMemory) -> Result<String, String> {
    let mut asm = Assembler::new(Mode::X64);
    let e = |e: jit_core::x86::EncodeError| format!("encode: {e}\n");
    asm.alu_rr(Alu::Xor, Size::D, Gpr::RAX, Gpr::RAX)
        .map_err(e)?;
    let (top, done) = (asm.new_label(), asm.new_label());
    asm.bind(top).map_err(e)?;
    asm.test_rr(Size::Q, Gpr::RDI, Gpr::RDI).map_err(e)?;
    asm.jcc(Cond::E, done).map_err(e)?;
    asm.mov_rr(Size::Q, Gpr::RCX, Gpr::RDI).map_err(e)?;
    asm.imul_rr(Size::Q, Gpr::RCX, Gpr::RSI).map_err(e)?;
    asm.alu_rr(Alu::Add, Size::Q, Gpr::RAX, Gpr::RCX)
        .map_err(e)?;
    asm.alu_ri(Alu::Sub, Size::Q, Gpr::RDI, 1).map_err(e)?;
    asm.jmp(top).map_err(e)?;
    asm.bind(done).map_err(e)?;
    asm.ret().map_err(e)?;
    let code = asm.finish().map_err(e)?;

    let m = |e: jit_core::memory::MemoryError| format!("memory: {e}\n");
    let mut block = CodeBlock::new(mem, code.bytes().len(), Placement::Anywhere).map_err(m)?;
    block.append(code.bytes()).map_err(m)?;
    block.seal().map_err(m)?;
    let entry = block.entry(0).map_err(m)?;
    // SAFETY: the sealed block holds a complete SysV function of this signature.
    let f: extern "C" fn(i64, i64) -> i64 = unsafe { core::mem::transmute(entry) };
    let got = f(100, 3);
    block.release().map_err(m)?;
    if got != 15150 {
        return Err(format!("freestanding: expected 15150, got {got}\n"));
    }
    Ok(format!(
        "freestanding: ok f(100, 3) = {got} ({} bytes of code)\n",
        code.bytes().len()
    ))
}
