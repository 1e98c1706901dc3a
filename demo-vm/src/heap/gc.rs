//! The copying collector proper (Cheney's algorithm over object slots).
//!
//! Usage by the VM: `let mut c = heap.begin_collect();` then `c.value(&mut v)`
//! for every root slot, then `c.finish()`. After `finish` every reference
//! held in a visited root or in a live object points into the new space.

use super::{Heap, MIN_THRESHOLD, Obj, Slot, Space, Upval, raw_slot};
use crate::bytecode::Proto;
use crate::value::{GcRef, Value};

/// Header pattern written into poisoned from-space slots under GC stress.
const POISON: u64 = 0xdead_dead_dead_dead;

/// An in-progress collection.
#[derive(Debug)]
pub struct Copier<'h> {
    heap: &'h mut Heap,
    from: Space,
    cycle: u64,
}

impl Heap {
    /// Start a collection: the current space becomes from-space.
    pub fn begin_collect(&mut self) -> Copier<'_> {
        let mut from = std::mem::take(&mut self.space);
        // To-space fills the spare chunks first.
        self.space.spare = std::mem::take(&mut from.spare);
        self.stats.collections += 1;
        let cycle = self.stats.collections;
        Copier {
            heap: self,
            from,
            cycle,
        }
    }
}

impl Copier<'_> {
    /// Copy the object `r` (if not yet copied) and return its new reference.
    ///
    /// `r` must be a from-space reference: every root and every reference
    /// inside a copied object is visited exactly once.
    pub fn forward(&mut self, r: GcRef) -> GcRef {
        // SAFETY: `r` points into from-space (see above), which `self.from`
        // keeps alive; the collector holds the only access to the heap, so
        // no other borrow of the slot exists.
        let slot: &mut Slot = unsafe { &mut *r.0.as_ptr() };
        if let Obj::Forward(n) = slot.obj {
            return n;
        }
        assert!(
            !matches!(slot.obj, Obj::Poison),
            "gc: reference to a dead object"
        );
        // SAFETY: the body is moved out bitwise and the place is
        // overwritten (without dropping) by the forwarding marker right
        // after; nothing between can unwind (allocation failure aborts).
        let obj = unsafe { std::ptr::read(&slot.obj) };
        let n = self.heap.space.push(Slot {
            header: slot.header,
            obj,
        });
        // SAFETY: the old body was moved out above; do not drop it again.
        unsafe { std::ptr::write(&mut slot.obj, Obj::Forward(n)) };
        n
    }

    /// Update one root slot.
    #[inline]
    pub fn value(&mut self, v: &mut Value) {
        match v {
            Value::Str(r) | Value::Table(r) | Value::Func(r) => *r = self.forward(*r),
            _ => {}
        }
    }

    /// Update a root holding a bare reference.
    pub fn gc_ref(&mut self, r: &mut GcRef) {
        *r = self.forward(*r);
    }

    fn proto(&mut self, p: &Proto) {
        if p.gc_mark.get() == self.cycle {
            return;
        }
        p.gc_mark.set(self.cycle);
        for c in p.consts.iter() {
            let mut v = c.get();
            self.value(&mut v);
            c.set(v);
        }
        for child in p.protos.iter() {
            self.proto(child);
        }
    }

    fn trace(&mut self, obj: &mut Obj) {
        match obj {
            Obj::Str(_) | Obj::Poison | Obj::Forward(_) => {}
            Obj::Table(t) => {
                if let Some(m) = &mut t.meta {
                    *m = self.forward(*m);
                }
                for v in t.values_mut() {
                    self.value(v);
                }
            }
            Obj::Closure(c) => {
                let proto = c.proto.clone();
                self.proto(&proto);
                for u in c.upvals.iter_mut() {
                    *u = self.forward(*u);
                }
            }
            Obj::Native(n) => {
                for v in n.upvals.iter_mut() {
                    self.value(v);
                }
            }
            Obj::Upval(Upval::Closed(v)) => self.value(v),
            Obj::Upval(Upval::Open(_)) => {}
        }
    }

    /// Copy everything reachable from the visited roots, sweep the weak
    /// string table, drop from-space and set the next collection threshold.
    pub fn finish(mut self) {
        // Cheney scan over to-space, chunk by chunk (copies append to it).
        // Live bytes are summed along the way (for pacing).
        let mut live = 0usize;
        let (mut ci, mut si) = (0, 0);
        while ci < self.heap.space.chunks.len() {
            if si == self.heap.space.chunks[ci].len() {
                if ci + 1 == self.heap.space.chunks.len() {
                    break;
                }
                ci += 1;
                si = 0;
                continue;
            }
            let p: *mut Obj = &raw mut self.heap.space.chunks[ci][si].obj;
            // SAFETY: chunks never reallocate (`Space::push` only appends
            // below a chunk's capacity; new chunks are separate buffers), so
            // `p` stays valid while tracing copies objects into to-space.
            // Tracing reaches slots only through from-space references (every
            // reference inside a to-space object not yet scanned is still a
            // from-space one), so nothing else accesses this slot meanwhile.
            let obj = unsafe { &mut *p };
            self.trace(obj);
            live += obj_size(obj);
            si += 1;
        }
        // The string table is weak: keep moved strings, forget dead ones.
        self.heap.strings.retain(|r| {
            // SAFETY: the table holds references into from-space, which is
            // still alive here.
            match unsafe { &raw_slot(*r).obj } {
                Obj::Forward(n) => {
                    *r = *n;
                    true
                }
                _ => false,
            }
        });
        if self.heap.stress {
            for s in self.from.slots_mut() {
                s.header = POISON;
                s.obj = Obj::Poison;
            }
            // Keep the poisoned copies until the next collection (dropping
            // the quarantine before it), so a stale reference finds poison.
            self.heap.quarantine = std::mem::take(&mut self.from);
        } else {
            // Dead tables (live ones left forwarding markers) give their
            // small buffers to the pool; emptied chunks are kept for the
            // next allocations (about as many as the live data, which is
            // roughly what the next cycle allocates).
            let keep = self.heap.space.chunks.len() + 8;
            for mut chunk in std::mem::take(&mut self.from.chunks) {
                for s in chunk.iter_mut() {
                    if let Obj::Table(t) = &mut s.obj {
                        self.heap.pool.recycle(t);
                    }
                }
                chunk.clear();
                if self.heap.space.spare.len() < keep {
                    self.heap.space.spare.push(chunk);
                }
            }
        }
        self.heap.live = live;
        self.heap.stats.live_after_last = live;
        self.heap.debt = 0;
        self.heap.threshold = live.max(MIN_THRESHOLD);
    }
}

/// Approximate bytes held by a live object (for pacing).
#[inline]
fn obj_size(o: &Obj) -> usize {
    match o {
        Obj::Str(s) => 32 + s.bytes.len(),
        Obj::Table(t) => t.mem_size(),
        Obj::Closure(c) => 48 + c.upvals.len() * 4,
        Obj::Native(n) => 64 + n.upvals.len() * 16,
        _ => 40,
    }
}
