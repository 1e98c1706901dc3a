//! Pieces of the `compile` benchmark (our trace backend against Cranelift):
//! trace generator, translation to CLIF, numeric kernels, and the adapter
//! to our backend.

pub mod clif;
pub mod kernels;
pub mod ours;
pub mod tracegen;

#[cfg(test)]
mod tests {
    use super::clif::{self, Jitted};
    use super::tracegen::{self, Calls, Heap};
    use jit_core::ir::Trace;
    use jit_core::ir::interp::run;

    /// Runs `trace` in the interpreter and as Cranelift code (both opt
    /// levels) and as our code; all must agree.
    fn agree(trace: &Trace, inputs: impl Fn(&mut Heap) -> Vec<jit_core::ir::Val>) {
        let mut heap = Heap::new();
        let args = inputs(&mut heap);
        // SAFETY: the traces touch only `heap` (or their own arrays) and call `Calls`' functions.
        let expect = unsafe { run(trace, &args, &mut Calls, 1 << 24) }.unwrap();
        for opt in ["none", "speed"] {
            heap.reset();
            let cl = Jitted::new(trace, clif::host_isa(opt).unwrap()).unwrap();
            let mut out = vec![0; clif::out_words(trace)];
            // SAFETY: as above.
            let exit = unsafe { cl.run_raw(&clif::encode(&args), &mut out) };
            let got = clif::decode(trace, exit, &out).unwrap();
            assert!(got.same(&expect), "{opt}: {got:?} != {expect:?}");
        }
        heap.reset();
        let backend = super::ours::Ours::new().unwrap().with_verifier(true);
        let ours = backend.compile(trace).unwrap();
        // SAFETY: as above.
        let got = unsafe { ours.execute(&args) }.unwrap();
        assert!(got.same(&expect), "ours: {got:?} != {expect:?}");
        heap.reset();
        let backend = super::ours::Ours::dual().unwrap();
        let ours = backend.compile(trace).unwrap();
        // SAFETY: as above.
        let got = unsafe { ours.execute(&args) }.unwrap();
        assert!(
            got.same(&expect),
            "ours (dual-mapped): {got:?} != {expect:?}"
        );
    }

    #[test]
    fn generated_traces_settle_and_agree() {
        for seed in 1..4 {
            let t = tracegen::trace(300, seed).unwrap();
            assert!(t.ops().len() >= 290);
            assert!(t.ops().iter().filter(|o| o.is_guard()).count() > 10);
            agree(&t, tracegen::inputs);
        }
    }

    #[test]
    fn generator_is_deterministic() {
        assert_eq!(
            tracegen::trace(200, 9).unwrap(),
            tracegen::trace(200, 9).unwrap()
        );
    }

    #[test]
    fn kernels_agree() {
        for mut k in super::kernels::all().unwrap() {
            let args = k.inputs();
            agree(&k.trace, |_| args.clone());
        }
    }
}
