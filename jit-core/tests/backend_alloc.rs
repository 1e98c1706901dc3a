//! A warmed-up compiler does no global allocation while compiling: all
//! scratch data lives in the reused `Bump`, the output tables in the code
//! block itself. Counted with a `#[global_allocator]` (its own test binary,
//! one test, so no other thread allocates while counting).

use bumpalo::Bump;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::testgen::{self, GenConfig, Rng, TestFunctions, TestHeap};
use jit_core::ir::{Trace, WordSize};
use jit_core::memory::CodeArena;
use os_glue::unix::UnixMemory;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCS.fetch_add(1, Relaxed);
        }
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn traces(word: WordSize, n: u64) -> Vec<Trace> {
    let funcs = TestFunctions::new();
    let mut cfg = GenConfig::all(word, 40);
    cfg.calls = word == WordSize::W64;
    (1..=n)
        .map(|seed| {
            let mut rng = Rng::new(seed);
            let mut heap = TestHeap::new(word, 4, &mut rng);
            testgen::generate(&mut rng, &mut heap, &funcs, &cfg)
                .unwrap()
                .trace
        })
        .collect()
}

#[test]
fn warmed_up_compiles_do_no_global_allocation() {
    let mut bump = Bump::new();
    for target in Target::ALL {
        let compiler = Compiler::new(target);
        let traces = traces(target.word(), 200);
        // Warm up: the arena grows to the largest trace's needs.
        for t in &traces {
            bump.reset();
            drop(compiler.compile(t, UnixMemory::new(), &bump).unwrap());
        }
        // Placed in fresh memory per trace and in a shared code arena.
        let arena = CodeArena::new(UnixMemory::new(), 16 << 20, target.placement()).unwrap();
        let mut worst = 0;
        for t in &traces {
            bump.reset();
            ALLOCS.store(0, Relaxed);
            COUNTING.store(true, Relaxed);
            let compiled = compiler.compile(t, UnixMemory::new(), &bump);
            COUNTING.store(false, Relaxed);
            drop(compiled.unwrap());
            worst = worst.max(ALLOCS.load(Relaxed));
            bump.reset();
            ALLOCS.store(0, Relaxed);
            COUNTING.store(true, Relaxed);
            let compiled = compiler.compile(t, &arena, &bump);
            COUNTING.store(false, Relaxed);
            drop(compiled.unwrap());
            worst = worst.max(ALLOCS.load(Relaxed));
        }
        assert_eq!(
            worst, 0,
            "{target:?}: {worst} global allocations in one compile"
        );
        println!("{target:?}: at most {worst} global allocations per warmed-up compile");
    }
}
