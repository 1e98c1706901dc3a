//! The backend's public contract outside code generation: each target's ABI
//! facts (checked against the published calling conventions), and the typed
//! errors a caller gets for a wrong word size, wrong inputs, a host that
//! cannot run the code, or a bad exit index — with stable messages.

use bumpalo::Bump;
use jit_core::backend::{CompileError, Compiler, ExecError, Target};
use jit_core::ir::{TraceBuilder, Type, Val, WordSize};
use jit_core::memory::{MemoryError, Placement};
use jit_core::x86::{EncodeError, Gpr, Mode, Xmm};
use os_glue::OsMemory;

fn sorted(regs: &[Gpr]) -> Vec<u8> {
    let mut v: Vec<u8> = regs.iter().map(|r| r.number()).collect();
    v.sort_unstable();
    v
}

#[test]
fn targets_follow_their_calling_conventions() {
    use Gpr as G;
    // System V AMD64 ABI, 3.2.1 and 3.2.3.
    let t = Target::SysV64;
    assert_eq!(
        (t.mode(), t.word(), t.word_bytes()),
        (Mode::X64, WordSize::W64, 8)
    );
    assert_eq!(
        (t.placement(), t.shadow_space(), t.call_alignment()),
        (Placement::Anywhere, 0, 16)
    );
    assert_eq!(
        sorted(t.callee_saved()),
        sorted(&[G::RBX, G::RBP, G::R12, G::R13, G::R14, G::R15])
    );
    assert_eq!(
        t.int_arg_regs(),
        &[G::RDI, G::RSI, G::RDX, G::RCX, G::R8, G::R9]
    );
    assert_eq!(t.float_arg_regs().len(), 8);
    // Microsoft x64: four register arguments by position, 32-byte shadow space,
    // RDI and RSI callee-saved.
    let t = Target::Win64;
    assert_eq!(
        (t.mode(), t.word_bytes(), t.shadow_space()),
        (Mode::X64, 8, 32)
    );
    assert_eq!(t.int_arg_regs(), &[G::RCX, G::RDX, G::R8, G::R9]);
    assert_eq!(
        t.float_arg_regs(),
        &[Xmm::XMM0, Xmm::XMM1, Xmm::XMM2, Xmm::XMM3]
    );
    assert!(t.callee_saved().contains(&G::RDI) && t.callee_saved().contains(&G::RSI));
    // cdecl: everything on the stack; EBX, ESI, EDI, EBP preserved; code below 4 GiB.
    let t = Target::Cdecl32;
    assert_eq!(
        (t.mode(), t.word(), t.word_bytes()),
        (Mode::X86, WordSize::W32, 4)
    );
    assert_eq!(t.placement(), Placement::Below4GiB);
    assert!(t.int_arg_regs().is_empty() && t.float_arg_regs().is_empty());
    assert_eq!(
        sorted(t.callee_saved()),
        sorted(&[G::RBX, G::RBP, G::RSI, G::RDI])
    );
    for t in Target::ALL {
        // Every general register is either callee- or caller-saved (RSP aside), never both.
        let (callee, caller) = (sorted(t.callee_saved()), sorted(t.caller_saved()));
        assert!(callee.iter().all(|r| !caller.contains(r)), "{t:?}");
        assert_eq!(
            callee.len() + caller.len() + 1,
            usize::from(t.mode().register_count()),
            "{t:?}"
        );
    }
}

#[test]
fn compile_and_execute_errors_are_typed() {
    let bump = Bump::new();
    // A 32-bit trace for a 64-bit target.
    let mut b = TraceBuilder::new(WordSize::W32);
    let x = b.input(Type::Int);
    b.finish(&[x], 7);
    let trace32 = b.build().unwrap();
    let err = Compiler::new(Target::SysV64)
        .compile(&trace32, OsMemory::new(), &bump)
        .unwrap_err();
    assert_eq!(err, CompileError::WordMismatch);

    // x86-32 code compiles but cannot be called natively from this 64-bit host.
    let code32 = Compiler::new(Target::Cdecl32)
        .compile(&trace32, OsMemory::new(), &bump)
        .unwrap();
    // SAFETY: execution is refused before any code runs.
    let refused = unsafe { code32.execute(&[Val::Int(1)]) };
    assert_eq!(refused.unwrap_err(), ExecError::WrongHost);

    let mut b = TraceBuilder::new(WordSize::W64);
    let x = b.input(Type::Int);
    b.finish(&[x], 7);
    let trace = b.build().unwrap();
    let code = Compiler::new(Target::SysV64)
        .compile(&trace, OsMemory::new(), &bump)
        .unwrap();
    // SAFETY: the trace touches no memory; bad inputs are refused before running.
    unsafe {
        assert_eq!(code.execute(&[]).unwrap_err(), ExecError::BadInputs);
        assert_eq!(
            code.execute(&[Val::Float(1.0)]).unwrap_err(),
            ExecError::BadInputs
        );
        assert_eq!(code.execute(&[Val::Int(5)]).unwrap().values_len(), 1);
    }
    let deopt = vec![0u64; code.deopt_words()];
    assert_eq!(
        code.decode_exit(code.num_exits() as u32, &deopt)
            .unwrap_err(),
        ExecError::BadExit(code.num_exits() as u32)
    );
    assert_eq!(
        code.decode_exit(0, &[]).unwrap_err(),
        ExecError::ShortBuffer
    );
}

/// Lets the test above read an exit's value count without matching on it.
trait ValuesLen {
    fn values_len(&self) -> usize;
}

impl ValuesLen for jit_core::backend::Exit {
    fn values_len(&self) -> usize {
        match self {
            jit_core::ir::Outcome::Finish { values, .. } => values.len(),
            jit_core::ir::Outcome::GuardFailed { values, .. } => values.len(),
        }
    }
}

#[test]
fn error_messages_say_what_went_wrong() {
    let bad = jit_core::regalloc::RegAllocError::BadLoop {
        inst: 3,
        reason: "second label",
    };
    let cases: [(String, &str); 10] = [
        (
            CompileError::WordMismatch.to_string(),
            "trace word size differs from the target's",
        ),
        (
            CompileError::Unsupported("x87 results").to_string(),
            "unsupported on this target: x87 results",
        ),
        (
            CompileError::TooLarge.to_string(),
            "trace too large (frame or code offsets)",
        ),
        (
            CompileError::Encode(EncodeError::LabelUnbound).to_string(),
            &format!("encoder error: {}", EncodeError::LabelUnbound),
        ),
        (
            CompileError::Memory(MemoryError::OutOfMemory).to_string(),
            "executable memory error: out of executable memory",
        ),
        (
            CompileError::Verifier(bad).to_string(),
            &format!("verifier: allocator input malformed: {bad}"),
        ),
        (
            ExecError::BadInputs.to_string(),
            "inputs do not match the trace's input types",
        ),
        (
            ExecError::WrongHost.to_string(),
            "this host cannot call the trace's target directly",
        ),
        (
            ExecError::BadExit(9).to_string(),
            "compiled code returned unknown exit index 9",
        ),
        (ExecError::ShortBuffer.to_string(), "deopt buffer too short"),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    let _: &dyn std::error::Error = &CompileError::TooLarge;
    let _: &dyn std::error::Error = &ExecError::BadInputs;
}
