//! Lua tables: an array part for keys `1..=n` and an insertion-ordered hash
//! part. Hashes of keys are computed by the caller (strings carry their
//! content hash, other objects an identity hash), so moving objects never
//! requires rehashing.

use super::hash_int;
use crate::value::{GcRef, Value};
use hashbrown::HashTable;
use std::cell::Cell;

/// One hash-part slot. A `nil` value marks a dead key that `next` can still
/// step over; dead slots are dropped when the table is compacted.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Precomputed hash of `key`.
    pub hash: u64,
    /// The normalised key.
    pub key: Value,
    /// The value (nil = removed).
    pub val: Value,
}

/// Hash parts up to this size are searched linearly and have no index.
const SMALL: usize = 8;

/// `next` was given a key that is not in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidKey;

/// A Lua table.
#[derive(Debug, Default)]
pub struct Table {
    /// Values of keys `1..=arr.len()` (may contain nils: holes).
    pub arr: Vec<Value>,
    /// Hash part entries in insertion order.
    pub entries: Vec<Entry>,
    index: HashTable<u32>,
    dead: usize,
    /// The metatable, if any.
    pub meta: Option<GcRef>,
}

/// Size classes (exact capacities `1..=POOL_CLASSES`) of recycled buffers.
const POOL_CLASSES: usize = 4;
/// Most buffers kept per size class (bounds the memory held outside any
/// table: about 12 MiB in all, only after that many small tables died).
const POOL_MAX: usize = 1 << 14;

/// Small array- and hash-part buffers of dead tables, handed to new tables
/// of the same size: allocation-heavy programs (many small tables born and
/// dying between collections) then skip most `malloc`/`free` pairs.
#[derive(Debug, Default)]
pub struct BufferPool {
    arrs: [Vec<Vec<Value>>; POOL_CLASSES],
    entries: [Vec<Vec<Entry>>; POOL_CLASSES],
}

impl BufferPool {
    /// An empty vector with capacity `n` (recycled when one is pooled).
    #[inline]
    fn take<T>(pool: &mut [Vec<Vec<T>>; POOL_CLASSES], n: usize) -> Vec<T> {
        if (1..=POOL_CLASSES).contains(&n)
            && let Some(v) = pool[n - 1].pop()
        {
            return v;
        }
        Vec::with_capacity(n)
    }

    /// Keep `v`'s buffer if it is small and its class has room.
    #[inline]
    fn give<T>(pool: &mut [Vec<Vec<T>>; POOL_CLASSES], v: &mut Vec<T>) {
        let c = v.capacity();
        if (1..=POOL_CLASSES).contains(&c) && pool[c - 1].len() < POOL_MAX {
            let mut b = std::mem::take(v);
            b.clear();
            pool[c - 1].push(b);
        }
    }

    /// Take the small buffers of a dead table (the table stays valid, with
    /// empty parts).
    pub fn recycle(&mut self, t: &mut Table) {
        Self::give(&mut self.arrs, &mut t.arr);
        Self::give(&mut self.entries, &mut t.entries);
    }
}

impl Table {
    /// [`Table::with_capacity`] with buffers from `pool` when it has some of
    /// the right size.
    pub fn with_capacity_from(pool: &mut BufferPool, narr: usize, nhash: usize) -> Table {
        let arr = BufferPool::take(&mut pool.arrs, narr);
        Table::with_buffers(arr, BufferPool::take(&mut pool.entries, nhash), nhash)
    }

    /// A table presized for `narr` array items and `nhash` hash items.
    pub fn with_capacity(narr: usize, nhash: usize) -> Table {
        Table::with_buffers(Vec::with_capacity(narr), Vec::with_capacity(nhash), nhash)
    }

    /// An empty table over empty buffers `arr` and `entries`, its hash
    /// index presized when `nhash` hash items go beyond the small-table size.
    fn with_buffers(arr: Vec<Value>, entries: Vec<Entry>, nhash: usize) -> Table {
        Table {
            arr,
            entries,
            index: if nhash > SMALL {
                HashTable::with_capacity(nhash)
            } else {
                HashTable::new()
            },
            dead: 0,
            meta: None,
        }
    }

    /// Approximate memory footprint in bytes (for GC pacing and limits).
    pub fn mem_size(&self) -> usize {
        64 + self.arr.capacity() * 16 + self.entries.capacity() * 40 + self.index.capacity() * 8
    }

    #[inline]
    fn find(&self, hash: u64, key: Value) -> Option<usize> {
        if self.entries.len() <= SMALL {
            // Small hash parts (objects with a few fields) are scanned linearly.
            return self
                .entries
                .iter()
                .position(|e| e.hash == hash && e.key.key_eq(key));
        }
        let entries = &self.entries;
        self.index
            .find(hash, |&i| entries[i as usize].key.key_eq(key))
            .map(|&i| i as usize)
    }

    fn rebuild_index(&mut self) {
        self.index.clear();
        if self.entries.len() > SMALL {
            let entries = &self.entries;
            for (i, e) in entries.iter().enumerate() {
                self.index
                    .insert_unique(e.hash, i as u32, |&j| entries[j as usize].hash);
            }
        }
    }

    /// Lookup of an integer key.
    #[inline]
    pub fn get_int(&self, k: i64) -> Value {
        let idx = (k as u64).wrapping_sub(1);
        if idx < self.arr.len() as u64 {
            // SAFETY: `idx` is below the array part's length (checked above).
            return unsafe { *self.arr.get_unchecked(idx as usize) };
        }
        if self.entries.is_empty() {
            return Value::Nil;
        }
        self.get_hashed(hash_int(k), Value::Int(k))
    }

    /// Lookup of a normalised non-integer key with its hash.
    #[inline]
    pub fn get_hashed(&self, hash: u64, key: Value) -> Value {
        match self.find(hash, key) {
            Some(i) => self.entries[i].val,
            None => Value::Nil,
        }
    }

    /// Lookup of a string key with a position hint (see
    /// [`Proto::slot_hints`](crate::bytecode::Proto::slot_hints)): the hinted
    /// entry is checked first; a miss looks the key up and updates the hint.
    #[inline(always)]
    pub fn get_str_hinted(&self, hint: &Cell<u32>, hash: u64, s: GcRef) -> Value {
        if let Some(e) = self.entries.get(hint.get() as usize)
            && matches!(e.key, Value::Str(r) if r == s)
        {
            return e.val;
        }
        self.get_str_miss(hint, hash, s)
    }

    #[inline(never)]
    fn get_str_miss(&self, hint: &Cell<u32>, hash: u64, s: GcRef) -> Value {
        if self.entries.len() <= SMALL {
            // Strings are interned: a small part is scanned comparing only
            // the key's tag and reference.
            return match self.small_str_pos(s) {
                Some(i) => {
                    hint.set(i as u32);
                    self.entries[i].val
                }
                None => Value::Nil,
            };
        }
        match self.find(hash, Value::Str(s)) {
            Some(i) => {
                hint.set(i as u32);
                self.entries[i].val
            }
            None => Value::Nil,
        }
    }

    /// Store under a string key with a position hint (see
    /// [`Table::get_str_hinted`]). Returns true when a new slot was created.
    #[inline(always)]
    pub fn set_str_hinted(&mut self, hint: &Cell<u32>, hash: u64, s: GcRef, v: Value) -> bool {
        if let Some(e) = self.entries.get_mut(hint.get() as usize)
            && matches!(e.key, Value::Str(r) if r == s)
            && !e.val.is_nil()
            && !v.is_nil()
        {
            e.val = v;
            return false;
        }
        self.set_str_miss(hint, hash, s, v)
    }

    /// Overwrite the non-nil value of string key `s` with non-nil `v` when
    /// the hint finds the key; false (nothing stored) otherwise. A present
    /// key is assigned without consulting `__newindex`, so this also serves
    /// tables with metatables.
    #[inline(always)]
    pub fn set_str_present(&mut self, hint: &Cell<u32>, s: GcRef, v: Value) -> bool {
        if let Some(e) = self.entries.get_mut(hint.get() as usize)
            && matches!(e.key, Value::Str(r) if r == s)
            && !e.val.is_nil()
            && !v.is_nil()
        {
            e.val = v;
            return true;
        }
        false
    }

    #[inline(never)]
    fn set_str_miss(&mut self, hint: &Cell<u32>, hash: u64, s: GcRef, v: Value) -> bool {
        let key = Value::Str(s);
        if self.entries.len() <= SMALL {
            // The small-part shortcut of `set_hashed` (same dead-slot
            // accounting; appends only without growth or compaction).
            if let Some(i) = self.small_str_pos(s) {
                hint.set(i as u32);
                self.store_at(i, v);
                return false;
            }
            if v.is_nil() {
                return false;
            }
            let n = self.entries.len();
            if n < SMALL && n < self.entries.capacity() {
                self.entries.push(Entry { hash, key, val: v });
                hint.set(n as u32);
                return true;
            }
        }
        let grew = self.set_hashed(hash, key, v);
        if grew {
            hint.set(self.entries.len() as u32 - 1);
        } else if let Some(i) = self.find(hash, key) {
            hint.set(i as u32);
        }
        grew
    }

    /// Store under an integer key. Returns true when a new slot was created.
    #[inline]
    pub fn set_int(&mut self, k: i64, v: Value) -> bool {
        let idx = (k as u64).wrapping_sub(1);
        if idx < self.arr.len() as u64 {
            // SAFETY: `idx` is below the array part's length (checked above).
            unsafe { *self.arr.get_unchecked_mut(idx as usize) = v };
            return false;
        }
        self.set_int_slow(k, v)
    }

    /// `set_int` outside the array part: append, migrate, or hash.
    #[inline(never)]
    fn set_int_slow(&mut self, k: i64, v: Value) -> bool {
        let hash = hash_int(k);
        let idx = (k as u64).wrapping_sub(1);
        let n = self.arr.len() as u64;
        if idx == n && !v.is_nil() {
            self.arr.push(v);
            // Move following keys from the hash part into the array part.
            if !self.entries.is_empty() {
                if let Some(i) = self.find(hash, Value::Int(k)) {
                    self.entries[i].val = Value::Nil;
                    self.dead += 1;
                }
                let mut next = k + 1;
                loop {
                    let h = hash_int(next);
                    match self.find(h, Value::Int(next)) {
                        Some(i) if !self.entries[i].val.is_nil() => {
                            let val = self.entries[i].val;
                            self.entries[i].val = Value::Nil;
                            self.dead += 1;
                            self.arr.push(val);
                            next += 1;
                        }
                        _ => break,
                    }
                }
            }
            return true;
        }
        self.set_hashed(hash, Value::Int(k), v)
    }

    /// Store under a normalised non-array key. Returns true when a new slot was created.
    pub fn set_hashed(&mut self, hash: u64, key: Value, v: Value) -> bool {
        if let Some(i) = self.find(hash, key) {
            self.store_at(i, v);
            return false;
        }
        if v.is_nil() {
            return false;
        }
        if self.entries.len() == self.entries.capacity()
            && self.dead * 2 >= self.entries.len()
            && self.dead > 0
        {
            self.compact();
        }
        let i = self.entries.len() as u32;
        self.entries.push(Entry { hash, key, val: v });
        if self.entries.len() == SMALL + 1 {
            self.rebuild_index();
        } else if self.entries.len() > SMALL + 1 {
            let entries = &self.entries;
            self.index
                .insert_unique(hash, i, |&j| entries[j as usize].hash);
        }
        true
    }

    /// Overwrite the value of existing entry `i`, keeping the count of dead
    /// (nil-valued) entries.
    #[inline]
    fn store_at(&mut self, i: usize, v: Value) {
        let e = &mut self.entries[i];
        if e.val.is_nil() && !v.is_nil() {
            self.dead -= 1;
        } else if !e.val.is_nil() && v.is_nil() {
            self.dead += 1;
        }
        e.val = v;
    }

    /// Position of string key `s` in a small hash part (strings are
    /// interned, so the reference identifies the key).
    #[inline]
    fn small_str_pos(&self, s: GcRef) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| matches!(e.key, Value::Str(r) if r == s))
    }

    fn compact(&mut self) {
        self.entries.retain(|e| !e.val.is_nil());
        self.dead = 0;
        self.rebuild_index();
    }

    /// The border `#t`.
    pub fn length(&self) -> i64 {
        let n = self.arr.len();
        if n > 0 && self.arr[n - 1].is_nil() {
            // Binary search for a border inside the array part.
            let (mut lo, mut hi) = (0usize, n); // arr[lo-1] non-nil (or lo = 0), arr[hi-1] nil
            while hi - lo > 1 {
                let m = (lo + hi) / 2;
                if self.arr[m - 1].is_nil() {
                    hi = m
                } else {
                    lo = m
                }
            }
            return lo as i64;
        }
        if self.entries.is_empty() {
            return n as i64;
        }
        let mut j = n as i64;
        loop {
            let k = j + 1;
            if self.get_hashed(hash_int(k), Value::Int(k)).is_nil() {
                return j;
            }
            j = k;
        }
    }

    /// Iteration: the entry after `key` (nil = start). `Err(InvalidKey)` if the key is not present.
    pub fn next(&self, key: Value, hash: u64) -> Result<Option<(Value, Value)>, InvalidKey> {
        let mut i = match key {
            Value::Nil => 0,
            Value::Int(k) if k >= 1 && (k as u64) <= self.arr.len() as u64 => k as usize,
            _ => match self.find(hash, key) {
                Some(j) => self.arr.len() + j + 1,
                None => return Err(InvalidKey),
            },
        };
        while i < self.arr.len() {
            if !self.arr[i].is_nil() {
                return Ok(Some((Value::Int(i as i64 + 1), self.arr[i])));
            }
            i += 1;
        }
        let mut j = i - self.arr.len();
        while j < self.entries.len() {
            let e = self.entries[j];
            if !e.val.is_nil() {
                return Ok(Some((e.key, e.val)));
            }
            j += 1;
        }
        Ok(None)
    }

    /// Visit every value slot (for the collector), including keys.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.arr.iter_mut().chain(
            self.entries
                .iter_mut()
                .flat_map(|e| [&mut e.key, &mut e.val]),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_buffers_come_back_empty_with_their_capacity() {
        let mut pool = BufferPool::default();
        let mut dead = Table::with_capacity(2, 3);
        dead.set_int(1, Value::Int(7));
        dead.set_int(2, Value::Int(8));
        let arr_ptr = dead.arr.as_ptr();
        pool.recycle(&mut dead);
        assert!(dead.arr.is_empty() && dead.entries.is_empty());
        let t = Table::with_capacity_from(&mut pool, 2, 3);
        assert_eq!(t.arr.as_ptr(), arr_ptr, "the array buffer is reused");
        assert!(t.arr.is_empty() && t.arr.capacity() == 2);
        assert!(t.entries.is_empty() && t.entries.capacity() == 3);
        assert!(t.get_int(1).is_nil());
        // Large buffers are not pooled; other sizes allocate fresh.
        let mut big = Table::with_capacity(100, 0);
        pool.recycle(&mut big);
        assert_eq!(big.arr.capacity(), 100);
        assert_eq!(Table::with_capacity_from(&mut pool, 4, 0).arr.capacity(), 4);
    }
}
