//! [`TestHeap`]: test-owned objects that generated traces load from,
//! store to and guard on.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use super::Rng;
use crate::ir::types::WordSize;

/// Bytes per test object.
pub const OBJ_SIZE: usize = 256;
/// Number of invalidation cells at the start of the heap (cell 0 stays 0,
/// cell 1 is set: guards on it always fail).
pub const CELLS: usize = 2;

/// Test-owned objects for `Ref`s. Each object is [`OBJ_SIZE`] bytes:
/// a header word (a class id) at offset 0, a ref slot at offset `word`
/// (always the address of some object), then plain data bytes.
#[derive(Debug)]
pub struct TestHeap {
    word: WordSize,
    base: *mut u64,
    words: usize,
    objects: usize,
    _owned: Option<Box<[u64]>>,
}

impl TestHeap {
    /// Words of memory a heap with `objects` objects needs.
    pub const fn words_needed(objects: usize) -> usize {
        CELLS + objects * OBJ_SIZE / 8
    }

    /// A heap of `objects` objects (at least 1) in owned memory, filled from `rng`.
    pub fn new(word: WordSize, objects: usize, rng: &mut Rng) -> Self {
        let objects = objects.max(1);
        let mut owned = vec![0u64; Self::words_needed(objects)].into_boxed_slice();
        let base = owned.as_mut_ptr();
        let mut heap = TestHeap {
            word,
            base,
            words: owned.len(),
            objects,
            _owned: Some(owned),
        };
        heap.fill(rng);
        heap
    }

    /// A heap placed in caller memory (e.g. below 4 GiB for 32-bit code).
    ///
    /// # Safety
    /// `region` must be 8-byte aligned, valid for reads and writes of
    /// `words_needed(objects)` words, and unused by anything else for the
    /// heap's lifetime.
    pub unsafe fn in_region(
        word: WordSize,
        region: *mut u64,
        objects: usize,
        rng: &mut Rng,
    ) -> Self {
        let objects = objects.max(1);
        let mut heap = TestHeap {
            word,
            base: region,
            words: Self::words_needed(objects),
            objects,
            _owned: None,
        };
        heap.fill(rng);
        heap
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `base` points at `words` words owned by (or lent to) the
        // heap, as `new`/`in_region` guarantee; `&mut self` makes it unique.
        unsafe { core::slice::from_raw_parts_mut(self.base.cast::<u8>(), self.words * 8) }
    }

    /// The heap's bytes (cells then objects).
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: as in `bytes_mut`; shared access for `&self`.
        unsafe { core::slice::from_raw_parts(self.base.cast::<u8>(), self.words * 8) }
    }

    fn fill(&mut self, rng: &mut Rng) {
        let (word, objects) = (self.word, self.objects);
        let addrs: Vec<usize> = (0..objects).map(|k| self.object(k)).collect();
        let wb = word.bytes() as usize;
        let bytes = self.bytes_mut();
        bytes.fill(0);
        bytes[8..16].copy_from_slice(&1u64.to_le_bytes());
        for k in 0..objects {
            let o = CELLS * 8 + k * OBJ_SIZE;
            for b in &mut bytes[o..o + OBJ_SIZE] {
                *b = rng.next_u64() as u8;
            }
            let class = Self::class_of(k) as u64;
            let target = addrs[rng.below(objects)] as u64;
            bytes[o..o + wb].copy_from_slice(&class.to_le_bytes()[..wb]);
            bytes[o + wb..o + 2 * wb].copy_from_slice(&target.to_le_bytes()[..wb]);
        }
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.objects
    }

    /// Whether the heap has no objects (never: it has at least one).
    pub fn is_empty(&self) -> bool {
        self.objects == 0
    }

    /// Address of object `k`.
    pub fn object(&self, k: usize) -> usize {
        self.base as usize + CELLS * 8 + k * OBJ_SIZE
    }

    /// Address of invalidation cell `k` (0: valid, 1: invalidated).
    pub fn cell(&self, k: usize) -> usize {
        self.base as usize + 8 * k.min(CELLS - 1)
    }

    /// The class id in object `k`'s header.
    pub const fn class_of(k: usize) -> i64 {
        0x100 + (k % 3) as i64
    }

    /// Whether every address fits 32 bits (then 32-bit traces may hold
    /// object addresses in `Int`s and ref slots).
    pub fn below_4gib(&self) -> bool {
        (self.base as usize).saturating_add(self.words * 8) <= u32::MAX as usize
    }

    /// A copy of the heap's bytes, to compare or restore later.
    pub fn snapshot(&self) -> Vec<u8> {
        self.bytes().to_vec()
    }

    /// Restores a snapshot taken from this heap.
    pub fn restore(&mut self, snapshot: &[u8]) {
        let bytes = self.bytes_mut();
        let n = bytes.len().min(snapshot.len());
        bytes[..n].copy_from_slice(&snapshot[..n]);
    }
}
