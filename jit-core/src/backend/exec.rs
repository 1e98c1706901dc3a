//! The compile and execute API: [`Compiler::compile`] lowers a trace into a
//! [`CompiledTrace`] placed in executable memory; [`CompiledTrace::execute`]
//! runs it on an x86-64 host and reports the [`Exit`].

use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

use bumpalo::Bump;
use bumpalo::collections::Vec as BVec;

use super::CompileError;
use super::frame::SavedReg;
use super::guards::CONST;
use super::lower::Lowering;
pub use super::tables::OpRange;
use super::tables::{ExitRecord, Layout, Sizes, Writer, type_code};
use super::target::Target;
use crate::ir::{Op, Trace, Type, Val, WordSize};
use crate::memory::{CodeBlock, ExecutableMemory, MemoryError};

/// How a run of compiled code ended: the same shape as the reference
/// interpreter's outcome (which `Finish` with its values, or which guard
/// failed with its fail-args, holes as `None`), so results compare directly.
pub type Exit = crate::ir::Outcome;

/// Compiles traces for one [`Target`]. Holds no per-compile state: the
/// scratch data of each compile lives in the caller's `Bump`.
#[derive(Clone, Copy, Debug)]
pub struct Compiler {
    target: Target,
    allocate: bool,
    verify: bool,
}

/// Traces compiled with the all-slots strategy because the register
/// allocator refused them (see [`Compiler::fallbacks`]).
static FALLBACKS: AtomicUsize = AtomicUsize::new(0);

/// A trace placed in executable memory, with what is needed to run it and
/// to interpret its exits. The output tables (exits, their value types,
/// patch sites, op ranges, input types) live in the code block after the
/// code (see `tables`), so compiling allocates nothing from the global heap.
#[derive(Debug)]
pub struct CompiledTrace<M: ExecutableMemory> {
    code: CodeBlock<M>,
    target: Target,
    tables: Layout,
    deopt_words: usize,
    /// The callee-saved table (the first `num_saved`; fixed size: no allocation).
    saved: [SavedReg; 7],
    num_saved: usize,
    frame_size: u32,
    allocated: bool,
}

/// Why running compiled code failed (before or after the code ran).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecError {
    /// The inputs do not match the trace's input types (count or type).
    BadInputs,
    /// The code is for a target this host cannot call directly (x86-32
    /// needs a compat-mode gate; see [`CompiledTrace::entry_address`]).
    WrongHost,
    /// The code returned an exit index the trace does not have.
    BadExit(u32),
    /// The deopt buffer is shorter than [`CompiledTrace::deopt_words`].
    ShortBuffer,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::BadInputs => write!(f, "inputs do not match the trace's input types"),
            ExecError::WrongHost => write!(f, "this host cannot call the trace's target directly"),
            ExecError::BadExit(i) => write!(f, "compiled code returned unknown exit index {i}"),
            ExecError::ShortBuffer => write!(f, "deopt buffer too short"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ExecError {}

/// Why an exit could not be redirected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchError {
    /// The exit index is not a guard of this trace.
    NoSuchGuard,
    /// The target is more than ±2 GiB away from the jump.
    OutOfRange,
    /// Reopening or resealing the code failed.
    Memory(MemoryError),
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatchError::NoSuchGuard => write!(f, "no guard exit with that index"),
            PatchError::OutOfRange => write!(f, "redirect target out of rel32 range"),
            PatchError::Memory(e) => write!(f, "patching failed: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PatchError {}

impl Compiler {
    /// A compiler for `target`.
    pub fn new(target: Target) -> Self {
        Compiler {
            target,
            allocate: true,
            verify: true,
        }
    }

    /// A compiler that keeps every value in its own frame slot (no register
    /// allocation): the reference strategy, for comparisons and measurements.
    pub fn all_slots(target: Target) -> Self {
        Compiler {
            target,
            allocate: false,
            verify: true,
        }
    }

    /// This compiler with the verifier on or off (on by default, as in
    /// Cranelift). The verifier checks the backend's own work before using
    /// it: the register allocator's view of each trace is validated before
    /// allocation, and a malformed one is [`CompileError::Verifier`]
    /// instead of a wrong allocation. Traces are verified when built
    /// either way; production JITs turn this off to compile faster.
    pub fn with_verifier(mut self, on: bool) -> Self {
        self.verify = on;
        self
    }

    /// Whether the verifier is on (see [`Compiler::with_verifier`]).
    pub fn verifier(&self) -> bool {
        self.verify
    }

    /// How many traces, process-wide, were compiled with the all-slots
    /// strategy because the register allocator refused them (a trace with
    /// two jumps, a jump that is not the last op, more register operands
    /// at one op than the target has, ...). Such traces are correct,
    /// only slower.
    pub fn fallbacks() -> usize {
        FALLBACKS.load(Ordering::Relaxed)
    }

    /// The target.
    pub fn target(&self) -> Target {
        self.target
    }

    /// Compiles `trace` and places the code (followed by the trace's output
    /// tables) in a fresh block of `mem`, sealed executable. Pass
    /// `&mut provider` to share one provider, or `&arena` to place many
    /// traces in one [`crate::memory::CodeArena`] (one protection change per
    /// trace instead of a map and unmap). Scratch data lives in `bump`:
    /// reset it between compiles to reuse it; once it has grown to the
    /// largest trace's needs, compiling allocates nothing from the global
    /// heap.
    pub fn compile<M: ExecutableMemory>(
        &self,
        trace: &Trace,
        mem: M,
        bump: &Bump,
    ) -> Result<CompiledTrace<M>, CompileError> {
        let t = self.target;
        if trace.word() != t.word() {
            return Err(CompileError::WordMismatch);
        }
        let mut l = Lowering::new(t, trace, bump, self.allocate, self.verify)?;
        let allocated = l.ra.is_some();
        if self.allocate && !allocated {
            FALLBACKS.fetch_add(1, Ordering::Relaxed);
        }
        l.prologue()?;
        l.body()?;
        // The shared exit first: the stubs after it jump back to it (no
        // label fixups, short jumps for the nearest).
        l.exit_path()?;
        l.emit_stubs()?;
        let frame_size = l.frame.size as u32;
        let mut stubs = bumpalo::vec![in bump; u32::MAX; l.exits.len()];
        for s in l.stubs.iter() {
            stubs[s.exit as usize] = l.asm.label_offset(s.label).unwrap_or(u32::MAX);
        }
        let mut saved = [SavedReg {
            reg: crate::x86::Gpr::RBX,
            offset: 0,
        }; 7];
        let num_saved = l.saved.len().min(7);
        saved[..num_saved].copy_from_slice(&l.saved[..num_saved]);
        // The output tables: built in the arena where they need a pass over
        // the exits, then written in place after the code.
        let (exits_ops, sites) = (&l.exits, &l.sites);
        let mut records = BVec::with_capacity_in(exits_ops.len(), bump);
        // A capacity hint: a few values per exit.
        let mut exit_types = BVec::with_capacity_in(4 * exits_ops.len(), bump);
        let mut exit_codes = BVec::with_capacity_in(4 * exits_ops.len(), bump);
        let mut consts = BVec::new_in(bump);
        let mut deopt_words = 1;
        if !l.stubs.is_empty() {
            deopt_words = l.guard_exit_words();
        }
        // Sites were recorded in exit order: walk them with one cursor.
        let mut cursor = 0;
        for (k, &op) in exits_ops.iter().enumerate() {
            let sites_start = cursor as u32;
            while cursor < sites.len() && sites[cursor].0 == k as u32 {
                cursor += 1;
            }
            let start = exit_types.len() as u32;
            let (guard, id) = match trace.ops()[op as usize] {
                Op::Guard { id, fail, .. } => {
                    let f = trace.fail_args(fail).iter();
                    exit_types.extend(f.map(|v| type_code(v.map(|v| trace.value_type(v)))));
                    l.exit_codes(op as usize, &mut exit_codes, &mut consts)?;
                    (1, id)
                }
                Op::Finish { id, values } => {
                    let v = trace.args(values).iter();
                    exit_types.extend(v.map(|&v| type_code(Some(trace.value_type(v)))));
                    exit_codes.extend(0..values.len);
                    deopt_words = deopt_words.max(values.len as usize);
                    (0, id)
                }
                _ => return Err(CompileError::Unsupported("exit at a non-exit op")),
            };
            let end = exit_types.len() as u32;
            records.push(ExitRecord {
                guard,
                id,
                types_start: start,
                types_end: end,
                sites_start,
                sites_end: cursor as u32,
                stub: stubs[k],
            });
        }
        let (sites, ranges) = (l.sites, l.ranges);
        let code = l.asm.finish()?;
        let bytes = code.bytes();
        let sizes = Sizes {
            exits: records.len(),
            sites: sites.len(),
            ranges: ranges.len(),
            exit_codes: exit_codes.len(),
            consts: consts.len(),
            input_types: trace.input_types().len(),
            exit_types: exit_types.len(),
        };
        let table_bytes = sizes.bytes(bytes.len());

        // Final placement: code and tables in one block, sealed.
        let mut block = CodeBlock::new(mem, bytes.len() + table_bytes, t.placement())?;
        block.append(bytes)?;
        let mut tables = Layout::default();
        block.append_with(table_bytes, |dst| {
            let mut w = Writer::new(dst, bytes.len());
            w.exits(&records);
            w.sites(sites.iter().map(|s| s.1));
            w.ranges(&ranges);
            w.exit_codes(&exit_codes);
            w.consts(&consts);
            w.input_types(trace.input_types());
            w.exit_types(&exit_types);
            tables = w.finish();
        })?;
        block.seal()?;
        Ok(CompiledTrace {
            code: block,
            target: t,
            tables,
            deopt_words,
            saved,
            num_saved,
            frame_size,
            allocated,
        })
    }
}

impl<M: ExecutableMemory> CompiledTrace<M> {
    /// The target the code is for.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The machine code.
    pub fn code(&self) -> &[u8] {
        &self.code.code()[..self.tables.code_len as usize]
    }

    /// The code block (address, region). Its bytes are the code followed
    /// by the trace's output tables.
    pub fn block(&self) -> &CodeBlock<M> {
        &self.code
    }

    /// Address of the entry point `entry(inputs, deopt) -> exit index`
    /// (see the module docs of [`super`] for the convention). For x86-32
    /// code this is below 4 GiB; call it through a compat-mode gate with
    /// 32-bit addresses of an input array ([`CompiledTrace::encode_inputs`])
    /// and a deopt buffer of [`CompiledTrace::deopt_words`] `u64`s, then
    /// [`CompiledTrace::decode_exit`].
    pub fn entry_address(&self) -> usize {
        self.code.addr()
    }

    /// Number of `u64` words the deopt buffer needs (at least 1): a guard
    /// exit saves 32 registers (16 on x86-32) and the frame's slots, a
    /// finish its values.
    pub fn deopt_words(&self) -> usize {
        self.deopt_words
    }

    /// Number of exits (guards and finishes).
    pub fn num_exits(&self) -> usize {
        self.tables.exits(self.code.code()).len()
    }

    /// Offsets of the rel32 fields of guard exit `index`'s patchable jumps
    /// (one, or two for float equality); empty for finishes.
    pub fn exit_sites(&self, index: usize) -> &[u32] {
        let bytes = self.code.code();
        self.tables.exits(bytes).get(index).map_or(&[], |e| {
            let sites = self.tables.sites(bytes);
            sites
                .get(e.sites_start as usize..e.sites_end as usize)
                .unwrap_or_default()
        })
    }

    /// Address of guard exit `index`'s stub (where its jumps go until
    /// redirected), `None` for finishes and unknown indices.
    pub fn stub_address(&self, index: usize) -> Option<usize> {
        let e = self.tables.exits(self.code.code()).get(index)?;
        (e.stub != u32::MAX).then(|| self.code.addr() + e.stub as usize)
    }

    /// Redirects every patchable jump of guard exit `index` to `target` (an
    /// absolute address within ±2 GiB of the code, e.g. a bridge that starts
    /// from the guard's frame state, or the stub again to undo). The block
    /// is reopened for the write and resealed (W^X); no thread may run this
    /// trace's code meanwhile.
    pub fn redirect_exit(&mut self, index: usize, target: usize) -> Result<(), PatchError> {
        let e = *self
            .tables
            .exits(self.code.code())
            .get(index)
            .ok_or(PatchError::NoSuchGuard)?;
        if e.guard == 0 {
            return Err(PatchError::NoSuchGuard);
        }
        let base = self.code.addr() as i64;
        for k in e.sites_start..e.sites_end {
            let field = self.tables.sites(self.code.code())[k as usize] as usize;
            let rel = target as i64 - (base + field as i64 + 4);
            let rel = i32::try_from(rel).map_err(|_| PatchError::OutOfRange)?;
            self.code
                .patch(field, &rel.to_le_bytes())
                .map_err(PatchError::Memory)?;
        }
        Ok(())
    }

    /// Code ranges of the ops that emitted code, in op order.
    pub fn op_ranges(&self) -> impl Iterator<Item = OpRange> + '_ {
        self.tables.ranges(self.code.code())
    }

    /// The callee-saved table: where the prologue saved each general
    /// register the code uses (fixed offsets per register, see
    /// [`super::frame`]). Win64 `xmm6..xmm15` the code uses are saved too,
    /// 16 bytes each at `rbp - 112 - 16 * (n - 6)`; they are not listed.
    pub fn saved_registers(&self) -> &[SavedReg] {
        &self.saved[..self.num_saved]
    }

    /// Whether the values live where the register allocator put them
    /// (`false`: the all-slots strategy, by request or as a fallback).
    pub fn register_allocated(&self) -> bool {
        self.allocated
    }

    /// The fixed frame size below the saved frame pointer, in bytes.
    pub fn frame_size(&self) -> u32 {
        self.frame_size
    }

    /// Encodes `inputs` for the entry (one `u64` per input), checking types.
    pub fn encode_inputs(&self, inputs: &[Val], out: &mut [u64]) -> Result<(), ExecError> {
        if inputs.len() != self.tables.num_inputs() || out.len() < inputs.len() {
            return Err(ExecError::BadInputs);
        }
        let types = self.tables.input_types(self.code.code());
        for ((v, ty), o) in inputs.iter().zip(types).zip(out.iter_mut()) {
            if v.ty() != ty {
                return Err(ExecError::BadInputs);
            }
            *o = match *v {
                Val::Int(x) => x as u64,
                Val::Ref(r) => r as u64,
                Val::Float(f) => f.to_bits(),
            };
        }
        Ok(())
    }

    /// Turns the exit index the code returned and the deopt buffer into an [`Exit`].
    pub fn decode_exit(&self, index: u32, deopt: &[u64]) -> Result<Exit, ExecError> {
        let bytes = self.code.code();
        let e = *self
            .tables
            .exits(bytes)
            .get(index as usize)
            .ok_or(ExecError::BadExit(index))?;
        let range = e.types_start..e.types_end;
        let types = self.tables.exit_types(bytes, range.clone());
        let codes = self.tables.exit_codes(bytes, range);
        if deopt.len() < self.deopt_words || codes.len() != types.len() {
            return Err(ExecError::ShortBuffer);
        }
        let word = self.target.word();
        let val = |ty: Type, bits: u64| match ty {
            Type::Int => Val::Int(word.wrap(bits as i64)),
            Type::Ref if word == WordSize::W32 => Val::Ref(bits as u32 as usize),
            Type::Ref => Val::Ref(bits as usize),
            Type::Float => Val::Float(f64::from_bits(bits)),
        };
        // A value's bits: a deopt word, or a constant of the tables.
        let bits = |code: u32| {
            if code & CONST != 0 {
                self.tables.constant(bytes, code & !CONST).unwrap_or(0)
            } else {
                deopt.get(code as usize).copied().unwrap_or(0)
            }
        };
        Ok(if e.guard != 0 {
            let values = types
                .zip(codes)
                .map(|(t, &c)| t.map(|t| val(t, bits(c))))
                .collect();
            Exit::GuardFailed { id: e.id, values }
        } else {
            let values = types
                .zip(codes)
                .map(|(t, &c)| val(t.unwrap_or(Type::Int), bits(c)))
                .collect();
            Exit::Finish { id: e.id, values }
        })
    }

    /// Runs the trace on `inputs` (x86-64 targets on an x86-64 host).
    ///
    /// # Safety
    /// The trace's memory accesses and calls must be valid for these
    /// inputs: compiled code dereferences the addresses the trace computes
    /// and calls the functions it names, exactly as the interpreter would.
    /// Win64 code calls its callees with the Win64 convention, so they must
    /// be `extern "win64"` (and SysV callees `extern "C"`/`"sysv64"`).
    pub unsafe fn execute(&self, inputs: &[Val]) -> Result<Exit, ExecError> {
        let mut input_words = alloc::vec![0u64; inputs.len().max(1)];
        self.encode_inputs(inputs, &mut input_words)?;
        let mut deopt = alloc::vec![0u64; self.deopt_words];
        let entry = self.entry_address();
        // SAFETY: forwarded from this function's contract; the code follows
        // the entry convention of its target, which `run_native` checks.
        let index = unsafe { run_native(self.target, entry, &input_words, &mut deopt)? };
        self.decode_exit(index, &deopt)
    }
}

/// Calls the entry point at `entry` natively.
///
/// # Safety
/// `entry` must be sealed code of `target` following the entry convention.
#[cfg(target_arch = "x86_64")]
unsafe fn run_native(
    target: Target,
    entry: usize,
    inputs: &[u64],
    deopt: &mut [u64],
) -> Result<u32, ExecError> {
    match target {
        Target::SysV64 => {
            // SAFETY: the code is a SysV function of this signature (caller's contract).
            let f: extern "sysv64" fn(*const u64, *mut u64) -> u32 =
                unsafe { core::mem::transmute(entry) };
            Ok(f(inputs.as_ptr(), deopt.as_mut_ptr()))
        }
        Target::Win64 => {
            // SAFETY: the code is a Win64 function of this signature (caller's contract).
            let f: extern "win64" fn(*const u64, *mut u64) -> u32 =
                unsafe { core::mem::transmute(entry) };
            Ok(f(inputs.as_ptr(), deopt.as_mut_ptr()))
        }
        Target::Cdecl32 => Err(ExecError::WrongHost),
    }
}

/// Calls the entry point at `entry` natively: not possible on this host.
///
/// # Safety
/// Never runs code.
#[cfg(not(target_arch = "x86_64"))]
unsafe fn run_native(_: Target, _: usize, _: &[u64], _: &mut [u64]) -> Result<u32, ExecError> {
    Err(ExecError::WrongHost)
}
