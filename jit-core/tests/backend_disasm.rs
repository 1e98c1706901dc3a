//! Disassembly listings (feature `disasm`): every op that emitted code is
//! named in the listing, in order, followed by the stubs.
#![cfg(feature = "disasm")]

use bumpalo::Bump;
use jit_core::backend::disasm::listing;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::{IntBinOp, TraceBuilder, Type, WordSize};
use os_glue::unix::UnixMemory;

#[test]
fn listing_names_the_ir_op_of_each_instruction_range() {
    for target in Target::ALL {
        let mut b = TraceBuilder::new(target.word());
        let x = b.input(Type::Int);
        let one = b.const_int(1);
        let y = b.int_bin(IntBinOp::Add, x, one);
        let c = b.int_bin(IntBinOp::Lt, y, x);
        b.guard_false(c, 3, &[Some(y), None]);
        b.finish(&[y], 0);
        let t = b.build().unwrap();
        let compiled = Compiler::new(target)
            .compile(&t, UnixMemory::new(), &Bump::new())
            .unwrap();
        let text = listing(&compiled, &t);
        let ops: Vec<usize> = text
            .lines()
            .filter_map(|l| l.strip_prefix("; op "))
            .map(|l| l.split(':').next().unwrap().parse().unwrap())
            .collect();
        // Inputs load at their own op (into their allocated registers); the
        // constant emits nothing of its own: it is the add's immediate.
        assert_eq!(ops, [0, 2, 3, 4, 5], "{target:?}:\n{text}");
        assert!(
            text.lines()
                .any(|l| l.contains("add ") && l.ends_with(",1")),
            "{target:?}: no immediate add\n{text}"
        );
        assert!(text.contains("; stubs and shared exit"), "{text}");
        assert!(text.contains("ret"), "{text}");
        let word = if target.word() == WordSize::W64 {
            "rbp"
        } else {
            "ebp"
        };
        assert!(text.contains(&format!("push {word}")), "{text}");
    }
}
