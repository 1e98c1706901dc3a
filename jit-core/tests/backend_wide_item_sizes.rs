//! Indexed accesses whose item size does not fit an `imul` immediate
//! (above `i32::MAX`) on x86-64: the size goes through a third register
//! and the address is exactly `base + index * size + offset`, as the
//! interpreter computes it. The base is placed so that a negative index
//! lands on a real buffer, so no memory beyond the buffer is touched.

use bumpalo::Bump;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::interp::run;
use jit_core::ir::{Addr, MemDesc, NoCalls, Trace, TraceBuilder, Type, Val, WordSize};
use os_glue::unix::UnixMemory;

/// `v = load [base + i*size + 8]; store [base + i*size + 16] = v + x;
/// finish [v]`.
fn trace(size: u32) -> Trace {
    use jit_core::ir::IntBinOp;
    let mut b = TraceBuilder::new(WordSize::W64);
    let base = b.input(Type::Ref);
    let i = b.input(Type::Int);
    let x = b.input(Type::Int);
    let word = MemDesc::word(WordSize::W64);
    let at = |offset| Addr {
        base,
        index: Some((i, size)),
        offset,
    };
    let v = b.load(word, at(8));
    let s = b.int_bin(IntBinOp::Add, v, x);
    b.store(word, at(16), s);
    b.finish(&[v], 3);
    b.build().expect("valid trace")
}

#[test]
fn item_sizes_beyond_i32_address_exactly_like_the_interpreter() {
    for (size, index) in [
        (0x8000_0000u32, -2i64),
        (0xC000_0000, -1),
        (0xFFFF_FFFF, -3),
    ] {
        let t = trace(size);
        for target in [Target::SysV64, Target::Win64] {
            for strategy in [Compiler::new(target), Compiler::all_slots(target)] {
                let mut buf = [11u64, 22, 33, 44];
                let real = buf.as_mut_ptr() as usize;
                // base + index * size == real
                let base = real.wrapping_sub((index * size as i64) as usize);
                let inputs = [Val::Ref(base), Val::Int(index), Val::Int(100)];
                // SAFETY: the addresses resolve into `buf` (words 1 and 2).
                let expected = unsafe { run(&t, &inputs, &mut NoCalls, 100) }.expect("interp");
                let after_interp = buf;
                assert_eq!(after_interp, [11, 22, 122, 44]);
                buf = [11, 22, 33, 44];
                assert_eq!(strategy.target(), target);
                let bump = Bump::new();
                let c = strategy
                    .compile(&t, UnixMemory::new(), &bump)
                    .expect("compile");
                // SAFETY: as above.
                let got = unsafe { c.execute(&inputs) }.expect("execute");
                assert!(
                    got.same(&expected),
                    "{target:?} size {size:#x}: {got:?} != {expected:?}"
                );
                assert_eq!(buf, after_interp, "{target:?} size {size:#x}");
            }
        }
    }
}
