//! A warmed-up allocator does no global allocation: all scratch and output
//! memory comes from the caller's `Bump`. Counted with a counting global
//! allocator, on this thread only.

mod regalloc_support;

use bumpalo::Bump;
use jit_core::regalloc::{RegEnv, allocate};
use regalloc_support::{Rng, random_program};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers every operation to `System`, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_warmed_up_allocator_does_no_global_allocation() {
    let env = RegEnv::x86_64_sysv();
    let programs: Vec<_> = (0..100)
        .map(|s| random_program(&mut Rng::new(s), &env, 80))
        .collect();
    let mut bump = Bump::new();
    for _ in 0..4 {
        for p in &programs {
            allocate(p, &env, &bump)
                .map(|_| ())
                .unwrap_or_else(|e| panic!("{e}"));
            bump.reset();
        }
    }
    COUNTING.with(|c| c.set(true));
    let mut edits = 0;
    for p in &programs {
        let out = allocate(p, &env, &bump).unwrap_or_else(|e| panic!("{e}"));
        edits += (0..p.insts.len())
            .map(|i| out.edits_before(i).len())
            .sum::<usize>();
        drop(out);
        bump.reset();
    }
    COUNTING.with(|c| c.set(false));
    assert!(edits > 0);
    assert_eq!(
        COUNT.with(Cell::get),
        0,
        "global allocations during warmed-up allocation"
    );
}
