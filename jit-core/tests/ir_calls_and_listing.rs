//! Calls seen from the IR side: a handler that takes no calls refuses them
//! with a typed error naming the op; listings show every address form and
//! every call flag; the test-function menu and heap keep their promises.

use jit_core::ir::interp::run;
use jit_core::ir::testgen::{Rng, TestFunctions, TestHeap};
use jit_core::ir::{
    Addr, Callee, IrError, MemDesc, NoCalls, RetType, Signature, Trace, TraceBuilder, Type, Val,
    WordSize,
};

/// `p = input; a = load [p]; b = load [p - 8]; c = load [p + a*4 + 16];
/// f(a) (may_gc, may_deopt); finish [c]`.
fn call_trace() -> Trace {
    let mut b = TraceBuilder::new(WordSize::W64);
    let p = b.input(Type::Ref);
    let word = MemDesc::word(WordSize::W64);
    let a = b.load(word, Addr::field(p, 0));
    let _ = b.load(word, Addr::field(p, -8));
    let c = b.load(
        word,
        Addr {
            base: p,
            index: Some((a, 4)),
            offset: 16,
        },
    );
    let mut sig = Signature::new(&[Type::Int], Some(RetType::I32));
    sig.flags.may_gc = true;
    sig.flags.may_deopt = true;
    let sig = b.signature(sig);
    let _ = b.call(Callee::Const(0x1000), sig, &[a]);
    b.finish(&[c], 0);
    b.build().expect("valid trace")
}

#[test]
fn a_handler_without_calls_refuses_them_naming_the_op() {
    let t = call_trace();
    let mem = [0u64, 0, 0, 0, 0, 0];
    let p = mem.as_ptr() as usize + 8;
    // SAFETY: every load reads inside `mem` (a = 0, offsets -8, 0 and 16).
    let r = unsafe { run(&t, &[Val::Ref(p)], &mut NoCalls, 100) };
    assert_eq!(r, Err(IrError::CallRejected { op: 4 }));
    assert_eq!(r.unwrap_err().to_string(), "op 4: call rejected by handler");
}

#[test]
fn listings_show_every_address_form_and_call_flag() {
    let text = call_trace().to_string();
    for needle in [
        "1  i1 = load.i8s [r0]\n",
        "2  i2 = load.i8s [r0 - 8]\n",
        "3  i3 = load.i8s [r0 + i1*4 + 16]\n",
        "4  i4 = call 0x1000(i1) sig0 may_gc may_deopt\n",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in\n{text}");
    }
}

#[test]
fn the_default_menu_is_the_standard_one_and_heaps_are_never_empty() {
    let (a, b) = (TestFunctions::default(), TestFunctions::new());
    assert_eq!(a.fns, b.fns);
    assert_eq!(a.fns.len(), 11);
    for word in [WordSize::W32, WordSize::W64] {
        let heap = TestHeap::new(word, 3, &mut Rng::new(5));
        assert_eq!(heap.len(), 3);
        assert!(!heap.is_empty());
    }
}
