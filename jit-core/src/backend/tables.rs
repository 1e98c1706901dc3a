//! The output tables of a compiled trace (exits, exit value types, patch
//! sites, op ranges, input types), stored in the trace's own code block
//! right after the code instead of in global-heap vectors.
//!
//! Why: a warmed-up compiler must not allocate from the global heap, and
//! the tables must outlive the compile's `Bump`. The code block is memory
//! the trace owns anyway (rounded up to pages, usually with room to spare);
//! after sealing, the tables are read-only like the code, so nothing can
//! corrupt them. Layout, from the 4-aligned end of the code: exit records,
//! patch-site offsets, op ranges, exit value codes, constants (all `u32`
//! words; a constant is two, low first), then the input types and exit
//! value types (one byte each).

use core::ops::Range;

use crate::ir::Type;

/// What one exit index means (one record per exit, all `u32` so any bit
/// pattern is valid and the records can be read in place).
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(super) struct ExitRecord {
    /// 1 for a guard, 0 for a finish.
    pub guard: u32,
    /// The guard's or finish's id.
    pub id: u32,
    /// Range into the exit value types.
    pub types_start: u32,
    pub types_end: u32,
    /// Range into the patch sites (guards only).
    pub sites_start: u32,
    pub sites_end: u32,
    /// Code offset of the guard's exit stub (finishes: `u32::MAX`).
    pub stub: u32,
}

/// Code range of one IR op, for listings and profilers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct OpRange {
    /// The op's index in the trace.
    pub op: u32,
    /// Offset of its first code byte from the start of the trace.
    pub start: u32,
    /// Offset one past its last code byte.
    pub end: u32,
}

impl OpRange {
    /// The op's code as a byte range from the start of the trace.
    pub fn code(&self) -> Range<u32> {
        self.start..self.end
    }
}

/// Where each table sits in the block (byte offsets) and how long it is
/// (in entries). Plain numbers: the compiled trace keeps this, not the data.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Layout {
    pub code_len: u32,
    exits: (u32, u32),
    sites: (u32, u32),
    ranges: (u32, u32),
    exit_codes: (u32, u32),
    consts: (u32, u32),
    input_types: (u32, u32),
    exit_types: (u32, u32),
}

/// Encodes a type for the byte tables (0 = hole).
pub(super) fn type_code(t: Option<Type>) -> u8 {
    match t {
        None => 0,
        Some(Type::Int) => 1,
        Some(Type::Ref) => 2,
        Some(Type::Float) => 3,
    }
}

fn decode_type(b: u8) -> Option<Type> {
    match b {
        1 => Some(Type::Int),
        2 => Some(Type::Ref),
        3 => Some(Type::Float),
        _ => None,
    }
}

/// Records stored in the tables as they are in memory.
///
/// # Safety
/// Implementors are `#[repr(C)]` structs of `u32`s (or `u32`): no padding
/// bytes, and every bit pattern is a valid value.
unsafe trait Words: Copy {}

// SAFETY: `#[repr(C)]`, seven `u32` fields.
unsafe impl Words for ExitRecord {}
// SAFETY: `#[repr(C)]`, three `u32` fields.
unsafe impl Words for OpRange {}
// SAFETY: a `u32`.
unsafe impl Words for u32 {}

/// The bytes of `items` (native endianness, as [`Layout`] reads them back).
fn bytes_of<T: Words>(items: &[T]) -> &[u8] {
    // SAFETY: `T: Words` has no padding, so every byte of the slice is
    // initialised; `u8` needs no alignment and the length is the slice's size.
    unsafe { core::slice::from_raw_parts(items.as_ptr().cast(), core::mem::size_of_val(items)) }
}

/// Sizes of the tables, in entries (the layout follows from them).
#[derive(Clone, Copy, Debug)]
pub(super) struct Sizes {
    pub exits: usize,
    pub sites: usize,
    pub ranges: usize,
    pub exit_codes: usize,
    pub consts: usize,
    pub input_types: usize,
    pub exit_types: usize,
}

impl Sizes {
    /// Bytes the tables take after `code_len` bytes of code (with the
    /// padding that aligns them to 4).
    pub fn bytes(&self, code_len: usize) -> usize {
        let pad = code_len.next_multiple_of(4) - code_len;
        pad + size_of::<ExitRecord>() * self.exits
            + 4 * self.sites
            + size_of::<u32>() * self.ranges
            + 4 * self.exit_codes
            + 8 * self.consts
            + self.input_types
            + self.exit_types
    }
}

/// Writes the tables in place, right after the code (see
/// [`crate::memory::CodeBlock::append_with`]).
pub(super) struct Writer<'d> {
    /// The bytes after the code, exactly as many as the tables need.
    dst: &'d mut [u8],
    pos: usize,
    layout: Layout,
}

impl<'d> Writer<'d> {
    /// Starts the tables after `code_len` bytes of code, in `dst` (the
    /// [`Sizes::bytes`] bytes following the code).
    pub fn new(dst: &'d mut [u8], code_len: usize) -> Self {
        let pad = code_len.next_multiple_of(4) - code_len;
        let mut w = Writer {
            dst,
            pos: 0,
            layout: Layout {
                code_len: code_len as u32,
                ..Layout::default()
            },
        };
        w.put(&[0; 3][..pad]);
        w
    }

    /// Copies `bytes` to the tables; returns their block offset.
    fn put(&mut self, bytes: &[u8]) -> u32 {
        let off = self.layout.code_len + self.pos as u32;
        self.dst[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
        off
    }

    /// The exit records, in exit order.
    pub fn exits(&mut self, exits: &[ExitRecord]) {
        self.layout.exits = (self.put(bytes_of(exits)), exits.len() as u32);
    }

    /// The patch-site offsets, grouped by exit.
    pub fn sites(&mut self, sites: impl ExactSizeIterator<Item = u32>) {
        let (off, n) = (self.layout.code_len + self.pos as u32, sites.len());
        let dst = &mut self.dst[self.pos..self.pos + 4 * n];
        for (s, d) in sites.zip(dst.chunks_exact_mut(4)) {
            d.copy_from_slice(&s.to_ne_bytes());
        }
        self.pos += 4 * n;
        self.layout.sites = (off, n as u32);
    }

    /// The op ranges: where the body starts, then where each op ends.
    pub fn ranges(&mut self, bounds: &[u32]) {
        self.layout.ranges = (self.put(bytes_of(bounds)), bounds.len() as u32);
    }

    /// Where each exit value is (a deopt word, or `CONST | k`), parallel
    /// to the exit value types.
    pub fn exit_codes(&mut self, codes: &[u32]) {
        self.layout.exit_codes = (self.put(bytes_of(codes)), codes.len() as u32);
    }

    /// The constants exit codes name, each as two words (low first).
    pub fn consts(&mut self, consts: &[u64]) {
        let (off, n) = (self.layout.code_len + self.pos as u32, consts.len());
        let dst = &mut self.dst[self.pos..self.pos + 8 * n];
        for (&c, d) in consts.iter().zip(dst.chunks_exact_mut(8)) {
            d[..4].copy_from_slice(&(c as u32).to_ne_bytes());
            d[4..].copy_from_slice(&((c >> 32) as u32).to_ne_bytes());
        }
        self.pos += 8 * n;
        self.layout.consts = (off, n as u32);
    }

    /// The trace's input types.
    pub fn input_types(&mut self, types: &[Type]) {
        let (off, n) = (self.layout.code_len + self.pos as u32, types.len());
        let dst = &mut self.dst[self.pos..self.pos + n];
        for (&t, d) in types.iter().zip(dst) {
            *d = type_code(Some(t));
        }
        self.pos += n;
        self.layout.input_types = (off, n as u32);
    }

    /// The exit value types (as [`type_code`]s, holes 0), ranges given by
    /// the records.
    pub fn exit_types(&mut self, codes: &[u8]) {
        self.layout.exit_types = (self.put(codes), codes.len() as u32);
    }

    /// Where each table is.
    pub fn finish(self) -> Layout {
        self.layout
    }
}

/// `n` values of `T` at byte offset `off` of `block`, or empty when the
/// range does not fit or is misaligned (never for a layout built by
/// [`Writer`] over the same bytes).
///
/// # Safety
/// Every bit pattern of `size_of::<T>()` bytes must be a valid `T` (a
/// `#[repr(C)]` struct of `u32`s, or `u32`).
unsafe fn view<T>(block: &[u8], (off, n): (u32, u32)) -> &[T] {
    let size = core::mem::size_of::<T>();
    let end = (n as usize)
        .checked_mul(size)
        .and_then(|len| len.checked_add(off as usize));
    let Some(bytes) = end.and_then(|end| block.get(off as usize..end)) else {
        return &[];
    };
    // SAFETY: the caller guarantees every bit pattern is a valid `T`; `align_to`
    // only yields properly aligned, in-bounds `T`s of the borrowed bytes.
    let (pre, mid, _) = unsafe { bytes.align_to::<T>() };
    if pre.is_empty() { mid } else { &[] }
}

impl Layout {
    /// The exit records of the tables in `block` (the block's bytes).
    pub fn exits(self, block: &[u8]) -> &[ExitRecord] {
        // SAFETY: `ExitRecord` is `#[repr(C)]` of `u32`s only.
        unsafe { view(block, self.exits) }
    }

    /// The patch-site offsets.
    pub fn sites(self, block: &[u8]) -> &[u32] {
        // SAFETY: any bit pattern is a `u32`.
        unsafe { view(block, self.sites) }
    }

    /// The ranges of the ops that emitted code, in op order.
    pub fn ranges(self, block: &[u8]) -> impl Iterator<Item = OpRange> + '_ {
        // SAFETY: any bit pattern is a `u32`.
        let bounds: &[u32] = unsafe { view(block, self.ranges) };
        let ends = bounds.get(1..).unwrap_or_default();
        bounds
            .iter()
            .zip(ends)
            .enumerate()
            .filter_map(|(op, (&start, &end))| {
                (end > start).then_some(OpRange {
                    op: op as u32,
                    start,
                    end,
                })
            })
    }

    /// The exit value codes `range` (parallel to [`Layout::exit_types`]).
    pub fn exit_codes(self, block: &[u8], range: Range<u32>) -> &[u32] {
        // SAFETY: any bit pattern is a `u32`.
        let all: &[u32] = unsafe { view(block, self.exit_codes) };
        all.get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// Constant `k` of the exit codes.
    pub fn constant(self, block: &[u8], k: u32) -> Option<u64> {
        // SAFETY: any bit pattern is a `[u32; 2]`.
        let all: &[[u32; 2]] = unsafe { view(block, self.consts) };
        all.get(k as usize)
            .map(|&[lo, hi]| lo as u64 | (hi as u64) << 32)
    }

    /// Number of inputs.
    pub fn num_inputs(self) -> usize {
        self.input_types.1 as usize
    }

    /// The input types, in input order.
    pub fn input_types(self, block: &[u8]) -> impl Iterator<Item = Type> + '_ {
        let (off, n) = (self.input_types.0 as usize, self.input_types.1 as usize);
        let bytes = block.get(off..off.saturating_add(n)).unwrap_or_default();
        bytes.iter().map(|&b| decode_type(b).unwrap_or(Type::Int))
    }

    /// The exit value types `range` (holes as `None`).
    pub fn exit_types(
        self,
        block: &[u8],
        range: Range<u32>,
    ) -> impl ExactSizeIterator<Item = Option<Type>> + '_ {
        let off = self.exit_types.0 as usize;
        let (start, end) = (range.start as usize, range.end as usize);
        let bytes = block
            .get(off.saturating_add(start)..off.saturating_add(end))
            .unwrap_or_default();
        bytes.iter().map(|&b| decode_type(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_after_code_of_any_length() {
        for code_len in [0usize, 1, 3, 4, 7] {
            let rec = ExitRecord {
                guard: 1,
                id: 9,
                types_start: 0,
                types_end: 2,
                sites_start: 0,
                sites_end: 1,
                stub: 40,
            };
            let ranges = [
                OpRange {
                    op: 0,
                    start: 0,
                    end: 5,
                },
                OpRange {
                    op: 2,
                    start: 5,
                    end: 9,
                },
            ];
            let sizes = Sizes {
                exits: 1,
                sites: 1,
                ranges: 4,
                exit_codes: 2,
                consts: 1,
                input_types: 2,
                exit_types: 2,
            };
            let len = code_len + sizes.bytes(code_len);
            // The block: code bytes (aligned like a page), then the tables,
            // over stale bytes the writer must overwrite.
            let mut block = alloc::vec![0xAAAA_AAAAu32; len.div_ceil(4)];
            // SAFETY: viewing initialised `u32`s as bytes, within the vector.
            let bytes: &mut [u8] = unsafe {
                core::slice::from_raw_parts_mut(block.as_mut_ptr().cast(), block.len() * 4)
            };
            let mut w = Writer::new(&mut bytes[code_len..len], code_len);
            w.exits(&[rec]);
            w.sites([17u32].into_iter());
            // Op 1 emitted nothing.
            w.ranges(&[0, 5, 5, 9]);
            w.exit_codes(&[3, 1 << 31]);
            w.consts(&[0x1234_5678_9ABC_DEF0]);
            w.input_types(&[Type::Ref, Type::Float]);
            w.exit_types(&[type_code(Some(Type::Int)), type_code(None)]);
            let layout = w.finish();
            let bytes = &bytes[..len];
            let e = layout.exits(bytes);
            assert_eq!((e.len(), e[0].id, e[0].stub, e[0].guard), (1, 9, 40, 1));
            assert_eq!(layout.sites(bytes), &[17]);
            assert!(layout.ranges(bytes).eq(ranges));
            assert_eq!(layout.ranges(bytes).nth(1).map(|r| r.code()), Some(5..9));
            assert_eq!(layout.exit_codes(bytes, 0..2), &[3, 1 << 31]);
            assert_eq!(layout.constant(bytes, 0), Some(0x1234_5678_9ABC_DEF0));
            assert_eq!(layout.constant(bytes, 1), None);
            assert_eq!(layout.num_inputs(), 2);
            assert!(layout.input_types(bytes).eq([Type::Ref, Type::Float]));
            assert!(layout.exit_types(bytes, 0..2).eq([Some(Type::Int), None]));
            // Too short a block gives empty tables, never a panic.
            assert!(layout.exits(&bytes[..code_len]).is_empty());
            assert_eq!(layout.exit_types(&bytes[..code_len], 0..2).len(), 0);
        }
    }
}
