//! The garbage-collected heap: a moving, copying (semispace) collector.
//!
//! Objects live in the current [`Space`], chunks of [`Slot`]s that never
//! reallocate; a [`GcRef`] is a direct pointer to its slot. Collection
//! ([`gc::Copier`]) copies every object reachable from the VM's precise roots
//! into a fresh space in Cheney order, leaves forwarding entries behind,
//! updates every reference, and drops the old space (under stress it is
//! poisoned first and kept, poisoned, until the next collection, so a stale
//! reference used soon after fails loudly instead of reading freed memory).
//!
//! Rooting discipline: collection only happens at explicit safepoints chosen
//! by the interpreter, where every live value sits in a root (value stack,
//! open upvalues, globals, string metatable, package table). Rust code may
//! hold `GcRef`s between safepoints but never across one.

pub mod gc;
pub mod table;

use crate::bytecode::Proto;
use crate::value::{GcRef, Value};
use crate::vm::NativeFn;
use hashbrown::HashTable;
use std::ptr::NonNull;
use std::rc::Rc;
pub use table::Table;

/// Slots per chunk of a space.
const CHUNK: usize = 1024;

/// One semispace: chunks of slots. A chunk is a vector that is never pushed
/// beyond its initial capacity, so slots never move while their space lives
/// and a [`GcRef`] can point straight at one.
#[derive(Debug, Default)]
pub struct Space {
    chunks: Vec<Vec<Slot>>,
    count: usize,
    /// Empty chunks (capacity `CHUNK`) of an earlier from-space, used before
    /// allocating new ones: their pages stay mapped and warm.
    spare: Vec<Vec<Slot>>,
}

impl Space {
    /// Move `slot` into the space and return a reference to it.
    #[inline]
    fn push(&mut self, slot: Slot) -> GcRef {
        if self.chunks.last().is_none_or(|c| c.len() == c.capacity()) {
            let c = self
                .spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(CHUNK));
            self.chunks.push(c);
        }
        let c = self.chunks.last_mut().expect("a chunk was just ensured");
        c.push(slot);
        self.count += 1;
        GcRef(NonNull::from(c.last_mut().expect("a slot was just pushed")))
    }

    /// Every slot, in allocation order.
    fn slots_mut(&mut self) -> impl Iterator<Item = &mut Slot> {
        self.chunks.iter_mut().flatten()
    }
}

/// The slot `r` points to, with a caller-chosen lifetime.
///
/// # Safety
/// `r` must point into a space that is still alive (the current one, or
/// from-space during a collection), and no `&mut` to that slot may be live
/// for `'a`.
#[inline(always)]
pub(crate) unsafe fn raw_slot<'a>(r: GcRef) -> &'a Slot {
    // SAFETY: forwarded to the caller (see above).
    unsafe { r.0.as_ref() }
}

/// An interned immutable string.
#[derive(Debug)]
pub struct LStr {
    /// The bytes (Lua strings are byte strings).
    pub bytes: Box<[u8]>,
}

/// A Lua function instance: a prototype plus captured upvalue cells.
#[derive(Debug)]
pub struct Closure {
    /// The compiled function.
    pub proto: Rc<Proto>,
    /// Upvalue cells (heap objects of kind [`Obj::Upval`]).
    pub upvals: Box<[GcRef]>,
}

/// A function implemented in Rust.
#[derive(Debug)]
pub struct Native {
    /// The implementation.
    pub f: NativeFn,
    /// Name used in error messages ("bad argument #1 to 'NAME'").
    pub name: &'static str,
    /// Library table it lives in ("" for base functions), for qualified names.
    pub lib: &'static str,
    /// Private state (iterators built by `gmatch`, `ipairs` helpers...).
    pub upvals: Vec<Value>,
}

/// An upvalue cell: open (aliasing a value-stack slot) or closed (owning its value).
#[derive(Debug, Clone, Copy)]
pub enum Upval {
    /// Still refers to stack slot at this absolute index.
    Open(usize),
    /// Closed over; holds the value itself.
    Closed(Value),
}

/// A heap object body. The variant is the object's class tag.
///
/// `repr(u8)`: an explicit tag byte, so telling the kinds apart is one
/// compare (without it the compiler hides the tag in a niche of the inline
/// table and decoding it takes several instructions).
#[derive(Debug)]
#[repr(u8)]
pub enum Obj {
    /// A string.
    Str(LStr),
    /// A table.
    Table(Table),
    /// A Lua closure.
    Closure(Box<Closure>),
    /// A native function.
    Native(Box<Native>),
    /// An upvalue cell.
    Upval(Upval),
    /// Left in from-space during collection: the object moved here.
    Forward(GcRef),
    /// A dead slot (poisoned from-space).
    Poison,
}

/// One heap object with its header word: the content hash of a string or the
/// identity hash of any other object (stable across moves, so tables keyed by
/// objects never need rehashing).
///
/// `repr(C)`: the header word sits at offset 0 of the slot a [`GcRef`]
/// points to, a fixed place compiled code can rely on.
#[derive(Debug)]
#[repr(C)]
pub struct Slot {
    /// Hash / identity word.
    pub header: u64,
    /// The object.
    pub obj: Obj,
}

/// Counters reported by `--stats`.
#[derive(Debug, Default, Clone, Copy)]
pub struct GcStats {
    /// Number of collections run.
    pub collections: u64,
    /// Total bytes allocated since start (estimate).
    pub bytes_allocated: u64,
    /// Live bytes after the last collection (estimate).
    pub live_after_last: usize,
}

/// The heap: current space, string table (weak), pacing state.
#[derive(Debug)]
pub struct Heap {
    pub(crate) space: Space,
    /// Under GC stress: the previous from-space, poisoned, kept until the
    /// next collection so stale references hit poison, not freed memory.
    pub(crate) quarantine: Space,
    pub(crate) strings: HashTable<GcRef>,
    /// Bytes allocated since the last collection.
    pub(crate) debt: usize,
    /// Collect when `debt` exceeds this.
    pub(crate) threshold: usize,
    /// Live bytes estimate after the last collection.
    pub(crate) live: usize,
    next_id: u64,
    /// Force a collection at every safepoint after an allocation, and poison from-space.
    pub stress: bool,
    /// Counters.
    pub stats: GcStats,
    /// Small table buffers of collected tables, for new tables.
    pub(crate) pool: table::BufferPool,
}

/// Smallest allocation budget between collections.
const MIN_THRESHOLD: usize = 1 << 20;

/// Hash of an integer key.
#[inline(always)]
pub fn hash_int(i: i64) -> u64 {
    (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29)
}

/// Content hash of a byte string.
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (b.len() as u64);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    }
    for &x in chunks.remainder() {
        h = (h ^ x as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 31)
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

impl Heap {
    /// An empty heap.
    pub fn new() -> Heap {
        Heap {
            space: Space::default(),
            quarantine: Space::default(),
            strings: HashTable::new(),
            debt: 0,
            threshold: MIN_THRESHOLD,
            live: 0,
            next_id: 1,
            stress: false,
            stats: GcStats::default(),
            pool: table::BufferPool::default(),
        }
    }

    /// The slot for `r`.
    #[inline(always)]
    pub fn slot(&self, r: GcRef) -> &Slot {
        // SAFETY: references handed out by this heap point into its current
        // space, whose chunks never reallocate and live until the next
        // collection; the rooting discipline (see the module doc) updates
        // every live reference when a collection moves objects. Shared
        // access to the heap excludes `&mut` slot borrows.
        unsafe { raw_slot(r) }
    }

    /// Mutable slot access.
    #[inline(always)]
    pub fn slot_mut(&mut self, r: GcRef) -> &mut Slot {
        // SAFETY: as for `slot`; exclusive access to the heap means no other
        // borrow of any slot is live.
        unsafe { &mut *r.0.as_ptr() }
    }

    /// The bytes of a string object.
    #[inline]
    pub fn str_bytes(&self, r: GcRef) -> &[u8] {
        match &self.slot(r).obj {
            Obj::Str(s) => &s.bytes,
            o => panic!("heap: expected string, found {o:?}"),
        }
    }

    /// A table object.
    #[inline(always)]
    pub fn table(&self, r: GcRef) -> &Table {
        match &self.slot(r).obj {
            Obj::Table(t) => t,
            o => panic!("heap: expected table, found {o:?}"),
        }
    }

    /// A table object, mutably.
    #[inline(always)]
    pub fn table_mut(&mut self, r: GcRef) -> &mut Table {
        match &mut self.slot_mut(r).obj {
            Obj::Table(t) => t,
            o => panic!("heap: expected table, found {o:?}"),
        }
    }

    /// An upvalue cell.
    #[inline(always)]
    pub fn upval(&self, r: GcRef) -> Upval {
        match &self.slot(r).obj {
            Obj::Upval(u) => *u,
            o => panic!("heap: expected upvalue, found {o:?}"),
        }
    }

    /// Set an upvalue cell.
    #[inline(always)]
    pub fn set_upval(&mut self, r: GcRef, u: Upval) {
        self.slot_mut(r).obj = Obj::Upval(u);
    }

    /// True when the allocation budget is used up (or stress mode has work to do).
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.debt > self.threshold || (self.stress && self.debt > 0)
    }

    /// Record `bytes` of new allocation (also used for table growth).
    #[inline(always)]
    pub fn charge(&mut self, bytes: usize) {
        self.debt += bytes;
        self.stats.bytes_allocated += bytes as u64;
    }

    fn push(&mut self, header: u64, obj: Obj, size: usize) -> GcRef {
        self.charge(size);
        self.space.push(Slot { header, obj })
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        hash_int(self.next_id as i64)
    }

    /// Intern a string: equal contents give the same reference.
    pub fn intern(&mut self, b: &[u8]) -> GcRef {
        let h = hash_bytes(b);
        let found = self.strings.find(h, |&r| {
            // SAFETY: the string table only holds references to live strings
            // of the current space (it is swept at each collection).
            let slot = unsafe { raw_slot(r) };
            matches!(&slot.obj, Obj::Str(s) if &*s.bytes == b)
        });
        if let Some(&r) = found {
            return r;
        }
        let r = self.push(h, Obj::Str(LStr { bytes: b.into() }), 32 + b.len());
        self.strings.insert_unique(h, r, |&r| {
            // SAFETY: as above: a live string of the current space.
            unsafe { raw_slot(r).header }
        });
        r
    }

    /// A string value.
    pub fn str_value(&mut self, b: &[u8]) -> Value {
        Value::Str(self.intern(b))
    }

    /// Allocate a table.
    pub fn alloc_table(&mut self, t: Table) -> GcRef {
        let id = self.fresh_id();
        let size = t.mem_size();
        self.push(id, Obj::Table(t), size)
    }

    /// Allocate a Lua closure.
    pub fn alloc_closure(&mut self, c: Closure) -> GcRef {
        let id = self.fresh_id();
        let size = 48 + c.upvals.len() * 4;
        self.push(id, Obj::Closure(Box::new(c)), size)
    }

    /// Allocate a native function object.
    pub fn alloc_native(&mut self, n: Native) -> GcRef {
        let id = self.fresh_id();
        let size = 64 + n.upvals.len() * 16;
        self.push(id, Obj::Native(Box::new(n)), size)
    }

    /// Allocate an upvalue cell.
    pub fn alloc_upval(&mut self, u: Upval) -> GcRef {
        self.push(0, Obj::Upval(u), 40)
    }

    /// Hash of a normalised table key.
    #[inline]
    pub fn key_hash(&self, k: Value) -> u64 {
        match k {
            Value::Int(i) => hash_int(i),
            Value::Float(f) => hash_int(f.to_bits() as i64),
            Value::Bool(b) => b as u64 + 0x5555,
            Value::Nil => 0,
            Value::Str(r) | Value::Table(r) | Value::Func(r) => self.slot(r).header,
        }
    }

    /// Raw table read (no metamethods).
    #[inline]
    pub fn raw_get(&self, t: GcRef, k: Value) -> Value {
        let tab = self.table(t);
        match k {
            Value::Int(i) => tab.get_int(i),
            Value::Float(f) => match crate::value::float_to_int_exact(f) {
                Some(i) => tab.get_int(i),
                None => tab.get_hashed(self.key_hash(k), k),
            },
            Value::Nil => Value::Nil,
            _ => tab.get_hashed(self.key_hash(k), k),
        }
    }

    /// Raw read with a string key.
    #[inline]
    pub fn raw_get_str(&self, t: GcRef, s: GcRef) -> Value {
        let h = self.slot(s).header;
        self.table(t).get_hashed(h, Value::Str(s))
    }

    /// Raw table write. Errors for nil and NaN keys. Returns whether a new slot was made.
    pub fn raw_set(&mut self, t: GcRef, k: Value, v: Value) -> Result<bool, &'static str> {
        let k = match k {
            Value::Float(f) => match crate::value::float_to_int_exact(f) {
                Some(i) => Value::Int(i),
                None if f.is_nan() => return Err("table index is NaN"),
                None => k,
            },
            Value::Nil => return Err("table index is nil"),
            _ => k,
        };
        let grew = if let Value::Int(i) = k {
            self.table_mut(t).set_int(i, v)
        } else {
            let h = self.key_hash(k);
            self.table_mut(t).set_hashed(h, k, v)
        };
        if grew {
            self.charge(24);
        }
        Ok(grew)
    }

    /// Raw write with a string key (cannot fail).
    pub fn raw_set_str(&mut self, t: GcRef, s: GcRef, v: Value) {
        let h = self.slot(s).header;
        if self.table_mut(t).set_hashed(h, Value::Str(s), v) {
            self.charge(40);
        }
    }

    /// The metatable of a table, if any.
    #[inline]
    pub fn table_meta(&self, t: GcRef) -> Option<GcRef> {
        self.table(t).meta
    }

    /// Number of objects in the current space.
    pub fn object_count(&self) -> usize {
        self.space.count
    }
}
