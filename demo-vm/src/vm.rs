//! The VM state and its call machinery: value stack, call frames, open
//! upvalues, roots, error construction, collection at safepoints.
//!
//! Frames live in `frames`; their registers live in the contiguous value
//! stack. Lua-to-Lua calls never recurse on the Rust stack: the interpreter
//! loop switches frames in place. Only calls *through Rust* (natives calling
//! Lua, metamethods) nest, bounded by [`MAX_C_DEPTH`].

use crate::bytecode::Proto;
use crate::error::{Error, LResult, LuaError};
use crate::heap::{Closure, Heap, Native, Obj, Table, Upval};
use crate::value::{GcRef, Value};

/// A native function: receives the VM, the stack index of its first argument
/// and the argument count; pushes its results (with [`Vm::push`]) and returns
/// how many it pushed.
pub type NativeFn = fn(&mut Vm, usize, usize) -> LResult<usize>;

/// Most nested Rust-level calls (natives calling Lua, metamethods, pcall).
pub const MAX_C_DEPTH: u32 = 198;
/// Most Lua frames.
pub const MAX_FRAMES: usize = 200_000;
/// Most value-stack slots.
pub const MAX_STACK: usize = 1_000_000;

/// Resource limits for sandboxed runs. A limit hit raises a catchable Lua error.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Live heap bytes allowed (estimate); exceeding raises "not enough memory".
    pub max_memory: Option<usize>,
    /// Bytecode instructions allowed; exceeding raises "instruction limit exceeded".
    pub max_instructions: Option<u64>,
}

/// Run statistics (`--stats`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Bytecode instructions executed while counting was on (see
    /// [`Vm::set_count_instructions`]; an instruction limit turns it on).
    pub instructions: u64,
    /// Collections run.
    pub collections: u64,
    /// Bytes allocated (estimate).
    pub bytes_allocated: u64,
    /// Live bytes after the last collection (estimate).
    pub live_bytes: usize,
}

/// Metamethod names, interned once at start-up (indices into `Vm::tm_names`).
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tm {
    Index,
    NewIndex,
    Call,
    Eq,
    Lt,
    Le,
    Len,
    Concat,
    ToString,
    Name,
    Metatable,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

const TM_NAMES: [&str; 25] = [
    "__index",
    "__newindex",
    "__call",
    "__eq",
    "__lt",
    "__le",
    "__len",
    "__concat",
    "__tostring",
    "__name",
    "__metatable",
    "__add",
    "__sub",
    "__mul",
    "__div",
    "__mod",
    "__pow",
    "__idiv",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__unm",
    "__bnot",
];

/// A borrowed pointer to the closure of a running Lua frame (and through
/// it, its prototype). The frame's function slot holds the closure, so it
/// lives as long as the frame; closures are boxed, so a collection moves the
/// box pointer between spaces but never the `Closure` itself (and updates its
/// upvalue references in place). Frames therefore skip both reference
/// counting and heap lookups.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProtoRef(std::ptr::NonNull<Closure>);

impl ProtoRef {
    /// Point at a closure about to get a frame.
    pub(crate) fn new(c: &Closure) -> ProtoRef {
        ProtoRef(std::ptr::NonNull::from(c))
    }

    /// The closure with a lifetime detached from the frame vector.
    #[inline(always)]
    pub(crate) fn closure<'a>(self) -> &'a Closure {
        // SAFETY: a `ProtoRef` only lives in a frame whose function slot roots
        // the closure (see the type's doc), and the boxed closure does not
        // move; the interpreter stops using the reference before popping the
        // frame.
        unsafe { self.0.as_ref() }
    }

    /// The prototype with a lifetime detached from the frame vector.
    #[inline(always)]
    pub(crate) fn get<'a>(self) -> &'a Proto {
        &self.closure().proto
    }
}

impl std::ops::Deref for ProtoRef {
    type Target = Proto;
    fn deref(&self) -> &Proto {
        self.get()
    }
}

/// One activation record.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// Stack index of the called function value.
    pub func: usize,
    /// First register (Lua) / first argument (native).
    pub base: usize,
    /// Saved program counter while not running: the next instruction in
    /// the prototype's code (null for native frames). A pointer, so the
    /// interpreter saves it with one store; [`Frame::pc`] gives the index.
    pub saved_pc: *const crate::bytecode::Instr,
    /// The prototype, for Lua frames.
    pub proto: Option<ProtoRef>,
    /// Results the caller wants (-1: all).
    pub nresults: i32,
    /// Number of extra arguments (`...`), stored at `func + 1 + nparams`
    /// (`u32`: they sit on the value stack, at most `MAX_STACK` slots; a
    /// 40-byte frame is cheaper to push and pop).
    pub nvarargs: u32,
}

impl Frame {
    /// Index of the next instruction of a Lua frame (0 for native frames).
    pub(crate) fn pc(&self) -> usize {
        match self.proto {
            Some(p) => {
                (self.saved_pc as usize - p.code.as_ptr() as usize)
                    / std::mem::size_of::<crate::bytecode::Instr>()
            }
            None => 0,
        }
    }
}

/// A Lua virtual machine.
#[derive(Debug)]
pub struct Vm {
    pub(crate) heap: Heap,
    pub(crate) stack: Vec<Value>,
    pub(crate) top: usize,
    pub(crate) frames: Vec<Frame>,
    pub(crate) open_upvals: Vec<(usize, GcRef)>,
    pub(crate) globals: Value,
    pub(crate) string_meta: Value,
    pub(crate) loaded: Value,
    pub(crate) tm_names: Vec<Value>,
    pub(crate) c_depth: u32,
    /// Position hint for `__index` in metatables (see
    /// [`Table::get_str_hinted`]): classes usually set it first.
    pub(crate) index_hint: std::cell::Cell<u32>,
    /// Instruction count at which the limit trips (`u64::MAX`: none).
    pub(crate) ilimit: u64,
    /// Instructions left before `ilimit`; the count so far is
    /// `ilimit - ibudget`. One decrement per instruction in the hot loop.
    pub(crate) ibudget: u64,
    /// Count instructions (limits, statistics): selects the counting
    /// instance of the interpreter loop.
    pub(crate) counting: bool,
    /// Counting requested by the embedder (kept when limits change).
    count_requested: bool,
    pub(crate) max_memory: usize,
    pub(crate) rng: [u64; 4],
    pub(crate) start_time: std::time::Instant,
    /// Output buffer for print/io.write (flushed at exit and when large).
    pub(crate) out: Vec<u8>,
    /// Keep output in `out` instead of writing it to stdout.
    capture: bool,
}

impl Default for Vm {
    fn default() -> Self {
        Vm::new()
    }
}

impl Vm {
    /// A fresh VM with the standard library loaded. `DEMO_VM_GC_STRESS=1` in
    /// the environment turns on GC stress mode (see [`Vm::set_gc_stress`]).
    ///
    /// Lua-to-Lua calls do not use the Rust stack, but parsing nested source
    /// and calls through Rust (metamethods, `pcall`, `sort` comparators) do,
    /// bounded by fixed limits. Those bounds fit a 2 MiB thread in release
    /// builds; give debug builds a thread with 64 MiB of stack (the
    /// CLI runs the VM on a 256 MiB thread).
    pub fn new() -> Vm {
        let mut heap = Heap::new();
        heap.stress = std::env::var("DEMO_VM_GC_STRESS")
            .map(|v| v == "1")
            .unwrap_or(false);
        let g = heap.alloc_table(Table::default());
        let loaded = heap.alloc_table(Table::default());
        let tm_names = TM_NAMES
            .iter()
            .map(|n| heap.str_value(n.as_bytes()))
            .collect();
        let mut vm = Vm {
            heap,
            stack: vec![Value::Nil; 256],
            top: 0,
            frames: Vec::new(),
            open_upvals: Vec::new(),
            globals: Value::Table(g),
            string_meta: Value::Nil,
            loaded: Value::Table(loaded),
            tm_names,
            c_depth: 0,
            index_hint: std::cell::Cell::new(0),
            ilimit: u64::MAX,
            ibudget: u64::MAX,
            counting: false,
            count_requested: false,
            max_memory: usize::MAX,
            rng: [
                0x9E37_79B9_7F4A_7C15,
                0xBF58_476D_1CE4_E5B9,
                0x94D0_49BB_1331_11EB,
                0x2545_F491_4F6C_DD1D,
            ],
            start_time: std::time::Instant::now(),
            out: Vec::new(),
            capture: false,
        };
        crate::stdlib::open_all(&mut vm);
        vm
    }

    /// Force a collection at every safepoint that follows an allocation and
    /// poison from-space after each collection (debugging aid: a stale
    /// reference then fails loudly).
    pub fn set_gc_stress(&mut self, on: bool) {
        self.heap.stress = on;
    }

    /// Install resource limits.
    pub fn set_limits(&mut self, l: Limits) {
        self.max_memory = l.max_memory.unwrap_or(usize::MAX);
        let count = self.icount();
        // A zero allowance still lets the first instruction be counted (and
        // fail), as with any other limit.
        self.ilimit = l
            .max_instructions
            .map(|n| count.saturating_add(n.max(1)))
            .unwrap_or(u64::MAX);
        self.ibudget = self.ilimit - count;
        self.counting = self.count_requested || l.max_instructions.is_some();
    }

    /// Count executed instructions for [`Vm::stats`] even without an
    /// instruction limit. Off by default: the uncounted interpreter loop
    /// dispatches faster.
    pub fn set_count_instructions(&mut self, on: bool) {
        self.count_requested = on;
        self.counting = on || self.ilimit != u64::MAX;
    }

    /// Bytecode instructions executed so far.
    pub(crate) fn icount(&self) -> u64 {
        self.ilimit - self.ibudget
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        Stats {
            instructions: self.icount(),
            collections: self.heap.stats.collections,
            bytes_allocated: self.heap.stats.bytes_allocated,
            live_bytes: self.heap.stats.live_after_last,
        }
    }

    /// Capture `print`/`io.write` output in memory (see [`Vm::take_output`])
    /// instead of writing it to stdout.
    pub fn set_capture(&mut self, on: bool) {
        self.capture = on;
    }

    /// Take the captured output.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Write buffered output to stdout (no-op while capturing).
    pub fn flush_output(&mut self) {
        use std::io::Write;
        if self.capture {
            return;
        }
        let mut so = std::io::stdout().lock();
        let _ = so.write_all(&self.out);
        let _ = so.flush();
        self.out.clear();
    }

    // ------------------------------------------------------------ helpers

    /// Intern a string and return it as a value.
    pub(crate) fn str_val(&mut self, s: &[u8]) -> Value {
        self.heap.str_value(s)
    }

    pub(crate) fn tm(&self, t: Tm) -> GcRef {
        match self.tm_names[t as usize] {
            Value::Str(r) => r,
            _ => unreachable!("metamethod names are strings"),
        }
    }

    /// The metatable of any value.
    pub(crate) fn metatable(&self, v: Value) -> Option<GcRef> {
        match v {
            Value::Table(t) => self.heap.table_meta(t),
            Value::Str(_) => match self.string_meta {
                Value::Table(m) => Some(m),
                _ => None,
            },
            _ => None,
        }
    }

    /// A metamethod of `v`, or nil.
    pub(crate) fn get_tm(&self, v: Value, t: Tm) -> Value {
        match self.metatable(v) {
            Some(m) => self.heap.raw_get_str(m, self.tm(t)),
            None => Value::Nil,
        }
    }

    /// Ensure the stack has at least `n` slots.
    #[inline]
    pub(crate) fn ensure_stack(&mut self, n: usize) -> LResult<()> {
        if n > self.stack.len() {
            if n > MAX_STACK {
                return Err(self.rt_error("stack overflow"));
            }
            let new_len = (n * 2).clamp(256, MAX_STACK + 1000);
            self.stack.resize(new_len, Value::Nil);
        }
        Ok(())
    }

    /// Push a value at `top` (natives use this to return results).
    #[inline]
    pub fn push(&mut self, v: Value) {
        if self.top >= self.stack.len() {
            self.stack.resize(self.top * 2 + 16, Value::Nil);
        }
        self.stack[self.top] = v;
        self.top += 1;
    }

    /// Where free scratch stack space begins for the running frame.
    pub(crate) fn scratch_top(&self) -> usize {
        match self.frames.last() {
            Some(Frame {
                proto: Some(p),
                base,
                ..
            }) => base + p.max_stack as usize,
            _ => self.top,
        }
    }

    // ---------------------------------------------------------- errors

    /// "CHUNK:LINE:" of frame `idx` if it is a Lua frame.
    pub(crate) fn where_(&self, idx: usize) -> String {
        match self.frames.get(idx) {
            Some(f @ Frame { proto: Some(p), .. }) => {
                let line = p
                    .lines
                    .get(f.pc().saturating_sub(1))
                    .copied()
                    .unwrap_or(p.line);
                format!("{}:{}: ", p.chunk, line)
            }
            _ => String::new(),
        }
    }

    /// A runtime error raised by the running Lua frame, with position.
    pub(crate) fn rt_error(&mut self, msg: &str) -> LuaError {
        let pos = match self.frames.last() {
            Some(Frame { proto: Some(_), .. }) => self.where_(self.frames.len() - 1),
            _ => String::new(),
        };
        let v = self.str_val(format!("{pos}{msg}").as_bytes());
        LuaError { value: v }
    }

    /// An error raised by a native (`luaL_error`): positioned at its caller.
    pub(crate) fn native_error(&mut self, msg: &str) -> LuaError {
        let pos = if self.frames.len() >= 2 {
            self.where_(self.frames.len() - 2)
        } else {
            String::new()
        };
        let v = self.str_val(format!("{pos}{msg}").as_bytes());
        LuaError { value: v }
    }

    /// "bad argument #i to 'f' (msg)", naming the function as the caller
    /// did (a method call shifts argument numbers, like `luaL_argerror`).
    pub(crate) fn arg_error(&mut self, i: usize, msg: &str) -> LuaError {
        let (kind, name) = self.called_name();
        if kind == "method" {
            if i == 1 {
                return self.native_error(&format!("calling '{name}' on bad self ({msg})"));
            }
            return self.native_error(&format!("bad argument #{} to '{name}' ({msg})", i - 1));
        }
        self.native_error(&format!("bad argument #{i} to '{name}' ({msg})"))
    }

    /// How the running native was named at its call site: `(kind, name)`.
    fn called_name(&self) -> (&'static str, String) {
        let n = self.frames.len();
        if n >= 2
            && let Some(f @ Frame { proto: Some(p), .. }) = self.frames.get(n - 2)
        {
            let at = f.pc().saturating_sub(1);
            if let Some(
                crate::bytecode::Instr::Call { a, .. } | crate::bytecode::Instr::TailCall { a, .. },
            ) = p.code.get(at)
                && let Some((kind, name)) = crate::debuginfo::obj_name(p, at, *a, &self.heap)
                && kind != "constant"
            {
                return (kind, name);
            }
        }
        if let Some(f) = self.frames.last()
            && let Value::Func(r) = self.stack[f.func]
            && let Obj::Native(nat) = &self.heap.slot(r).obj
        {
            let q = if nat.lib.is_empty() {
                nat.name.to_string()
            } else {
                format!("{}.{}", nat.lib, nat.name)
            };
            return ("global", q);
        }
        ("global", "?".to_string())
    }

    /// A type name for messages, honouring `__name`.
    pub(crate) fn type_name_of(&self, v: Value) -> String {
        if let Some(m) = self.metatable(v)
            && let Value::Str(s) = self.heap.raw_get_str(m, self.tm(Tm::Name))
        {
            return String::from_utf8_lossy(self.heap.str_bytes(s)).into_owned();
        }
        v.type_name().to_string()
    }

    /// Render an error value for the top level (`lua.c`'s msghandler).
    pub(crate) fn error_message(&mut self, e: &LuaError) -> String {
        match e.value {
            Value::Str(s) => String::from_utf8_lossy(self.heap.str_bytes(s)).into_owned(),
            Value::Int(_) | Value::Float(_) => crate::number_fmt::fmt_number(e.value),
            v => {
                if !self.get_tm(v, Tm::ToString).is_nil()
                    && let Ok(b) = self.tostring_bytes(v)
                {
                    return String::from_utf8_lossy(&b).into_owned();
                }
                format!("(error object is a {} value)", self.type_name_of(v))
            }
        }
    }

    // ------------------------------------------------------- upvalues

    /// The open upvalue cell for stack slot `idx`, creating it if needed.
    pub(crate) fn find_upval(&mut self, idx: usize) -> GcRef {
        let pos = self.open_upvals.partition_point(|&(i, _)| i < idx);
        if let Some(&(i, r)) = self.open_upvals.get(pos)
            && i == idx
        {
            return r;
        }
        let r = self.heap.alloc_upval(Upval::Open(idx));
        self.open_upvals.insert(pos, (idx, r));
        r
    }

    /// Close all open upvalues at or above stack slot `level`.
    #[inline]
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(&(i, r)) = self.open_upvals.last() {
            if i < level {
                break;
            }
            let v = self.stack[i];
            self.heap.set_upval(r, Upval::Closed(v));
            self.open_upvals.pop();
        }
    }

    /// Read an upvalue cell. Matches the cell in place (no copy of the
    /// whole cell) and keeps the impossible non-upvalue case out of line.
    #[inline(always)]
    pub(crate) fn upval_get(&self, r: GcRef) -> Value {
        match &self.heap.slot(r).obj {
            Obj::Upval(Upval::Closed(v)) => *v,
            Obj::Upval(Upval::Open(i)) => self.stack[*i],
            o => not_an_upvalue(o),
        }
    }

    /// Write an upvalue cell (in place, like `upval_get`).
    #[inline(always)]
    pub(crate) fn upval_set(&mut self, r: GcRef, v: Value) {
        match &mut self.heap.slot_mut(r).obj {
            Obj::Upval(Upval::Closed(c)) => *c = v,
            Obj::Upval(Upval::Open(i)) => {
                let i = *i;
                self.stack[i] = v
            }
            o => not_an_upvalue(o),
        }
    }

    // ---------------------------------------------------------- calls

    /// Prepare a call of the value at `func` with `nargs` arguments above it.
    /// For a Lua function pushes a frame and returns true (the caller runs
    /// the interpreter); a native function runs to completion here, its
    /// results moved to `func..` (and `top` set when `nresults == -1`).
    pub(crate) fn precall(
        &mut self,
        func: usize,
        mut nargs: usize,
        nresults: i32,
    ) -> LResult<bool> {
        loop {
            let fv = self.stack[func];
            let Value::Func(r) = fv else {
                let h = self.get_tm(fv, Tm::Call);
                if h.is_nil() {
                    let tn = self.type_name_of(fv);
                    return Err(self.rt_error(&format!("attempt to call a {tn} value")));
                }
                self.ensure_stack(func + nargs + 2)?;
                self.stack.copy_within(func..func + 1 + nargs, func + 1);
                self.stack[func] = h;
                nargs += 1;
                continue;
            };
            return match &self.heap.slot(r).obj {
                Obj::Closure(c) => {
                    let p = ProtoRef::new(c);
                    self.push_lua_frame(func, nargs, nresults, p)?;
                    Ok(true)
                }
                Obj::Native(n) => {
                    let f = n.f;
                    self.call_native(f, func, nargs, nresults)?;
                    Ok(false)
                }
                o => panic!("vm: function value refers to {o:?}"),
            };
        }
    }

    #[inline(always)]
    pub(crate) fn push_lua_frame(
        &mut self,
        func: usize,
        nargs: usize,
        nresults: i32,
        p: ProtoRef,
    ) -> LResult<()> {
        if self.frames.len() >= MAX_FRAMES {
            return Err(self.rt_error("stack overflow"));
        }
        let np = p.nparams as usize;
        let (base, nvarargs) = if p.vararg {
            let base = func + 1 + nargs;
            self.ensure_stack(base + p.max_stack as usize + 1)?;
            for i in 0..np {
                self.stack[base + i] = if i < nargs {
                    self.stack[func + 1 + i]
                } else {
                    Value::Nil
                };
            }
            // Below `MAX_STACK` (the arguments are on the stack).
            (base, nargs.saturating_sub(np) as u32)
        } else {
            let base = func + 1;
            self.ensure_stack(base + p.max_stack as usize + 1)?;
            for i in nargs..np {
                self.stack[base + i] = Value::Nil;
            }
            (base, 0)
        };
        self.frames.push(Frame {
            func,
            base,
            saved_pc: p.code.as_ptr(),
            proto: Some(p),
            nresults,
            nvarargs,
        });
        Ok(())
    }

    pub(crate) fn call_native(
        &mut self,
        f: NativeFn,
        func: usize,
        nargs: usize,
        nresults: i32,
    ) -> LResult<()> {
        if self.frames.len() >= MAX_FRAMES {
            return Err(self.rt_error("stack overflow"));
        }
        self.frames.push(Frame {
            func,
            base: func + 1,
            saved_pc: std::ptr::null(),
            proto: None,
            nresults,
            nvarargs: 0,
        });
        self.top = func + 1 + nargs;
        let n = f(self, func + 1, nargs)?;
        self.frames.pop();
        let first = self.top - n;
        self.finish_results(func, first, n, nresults);
        Ok(())
    }

    /// Move `n` results from `first` to `func`, adjusting to `nresults`.
    #[inline(always)]
    pub(crate) fn finish_results(&mut self, func: usize, first: usize, n: usize, nresults: i32) {
        if nresults < 0 {
            if first != func {
                self.stack.copy_within(first..first + n, func);
            }
            self.top = func + n;
        } else {
            let want = nresults as usize;
            let m = n.min(want);
            if first != func && m > 0 {
                self.stack.copy_within(first..first + m, func);
            }
            if func + want > self.stack.len() {
                self.stack.resize(func + want + 16, Value::Nil);
            }
            for i in m..want {
                self.stack[func + i] = Value::Nil;
            }
            self.top = func + want;
        }
    }

    /// Call the value at `func` with `nargs` arguments; results land at
    /// `func..` (all of them if `nresults == -1`, then `top` marks the end).
    pub(crate) fn call_at(&mut self, func: usize, nargs: usize, nresults: i32) -> LResult<()> {
        if self.c_depth >= MAX_C_DEPTH {
            return Err(self.rt_error("C stack overflow"));
        }
        let depth = self.frames.len();
        if self.precall(func, nargs, nresults)? {
            self.c_depth += 1;
            let r = self.execute(depth);
            self.c_depth -= 1;
            r?;
        }
        Ok(())
    }

    /// Call `f` with `args` from Rust; returns (first index, count) of the
    /// results, which sit on the stack until the caller resets `top`.
    pub(crate) fn call_value(
        &mut self,
        f: Value,
        args: &[Value],
        nresults: i32,
    ) -> LResult<(usize, usize)> {
        let at = self.scratch_top();
        self.ensure_stack(at + args.len() + 2)?;
        self.stack[at] = f;
        for (i, a) in args.iter().enumerate() {
            self.stack[at + 1 + i] = *a;
        }
        let saved_top = self.top;
        self.top = at + 1 + args.len();
        self.call_at(at, args.len(), nresults)?;
        let n = self.top - at;
        if self.frames.last().is_some_and(|f| f.proto.is_some()) {
            // A Lua frame's registers are not delimited by `top`.
            let _ = saved_top;
        }
        Ok((at, n))
    }

    /// Call `f` and return its first result.
    pub(crate) fn call1(&mut self, f: Value, args: &[Value]) -> LResult<Value> {
        let saved = self.top;
        let (at, _) = self.call_value(f, args, 1)?;
        let v = self.stack[at];
        self.top = saved;
        Ok(v)
    }

    /// Protected call of the value at `func` (natives: pcall). On error the
    /// frames, upvalues and depth are unwound and the error returned.
    pub(crate) fn pcall_at(&mut self, func: usize, nargs: usize, nresults: i32) -> LResult<()> {
        let depth = self.frames.len();
        let c_depth = self.c_depth;
        let r = self.call_at(func, nargs, nresults);
        if r.is_err() {
            self.close_upvals(func);
            self.frames.truncate(depth);
            self.c_depth = c_depth;
        }
        r
    }

    // ------------------------------------------------------------ gc

    /// Run a collection now. Every live value must be in a root.
    pub(crate) fn collect(&mut self) -> LResult<()> {
        let mut live_top = self.top;
        for f in &self.frames {
            let end = match &f.proto {
                Some(p) => f.base + p.max_stack as usize + 1,
                None => f.base,
            };
            live_top = live_top.max(end);
        }
        let live_top = live_top.min(self.stack.len());
        for v in &mut self.stack[live_top..] {
            *v = Value::Nil;
        }
        let mut c = self.heap.begin_collect();
        for v in &mut self.stack[..live_top] {
            c.value(v);
        }
        for (_, r) in &mut self.open_upvals {
            c.gc_ref(r);
        }
        c.value(&mut self.globals);
        c.value(&mut self.string_meta);
        c.value(&mut self.loaded);
        for v in &mut self.tm_names {
            c.value(v);
        }
        c.finish();
        if self.heap.live > self.max_memory {
            return Err(self.rt_error("not enough memory"));
        }
        if self.heap.debt == 0 && self.heap.live + self.heap.threshold > self.max_memory {
            self.heap.threshold = self.max_memory.saturating_sub(self.heap.live).max(4096);
        }
        Ok(())
    }

    // ------------------------------------------------------- loading

    /// Compile `src` into a closure value (main chunk with `_ENV` = `env`).
    pub(crate) fn load_chunk(
        &mut self,
        src: &[u8],
        chunkname: &str,
        env: Value,
    ) -> Result<Value, String> {
        let display = chunk_id(chunkname);
        let ast = crate::parser::parse_chunk(src, &display).map_err(|e| e.0)?;
        let proto =
            crate::compiler::compile_chunk(&ast, &display, &mut self.heap).map_err(|e| e.0)?;
        let up = self.heap.alloc_upval(Upval::Closed(env));
        let c = self.heap.alloc_closure(Closure {
            proto,
            upvals: vec![up].into_boxed_slice(),
        });
        Ok(Value::Func(c))
    }

    /// Register a native function value.
    pub(crate) fn native(&mut self, name: &'static str, f: NativeFn) -> Value {
        Value::Func(self.heap.alloc_native(Native {
            f,
            name,
            lib: "",
            upvals: Vec::new(),
        }))
    }

    /// Set `t[name] = v` for string `name` (library setup).
    pub(crate) fn set_str_field(&mut self, t: Value, name: &str, v: Value) {
        if let Value::Table(t) = t {
            let k = self.heap.intern(name.as_bytes());
            self.heap.raw_set_str(t, k, v);
        }
    }

    /// Get `t[name]` raw for string `name`.
    pub(crate) fn get_str_field(&mut self, t: Value, name: &str) -> Value {
        match t {
            Value::Table(t) => {
                let k = self.heap.intern(name.as_bytes());
                self.heap.raw_get_str(t, k)
            }
            _ => Value::Nil,
        }
    }

    /// Set the `arg` global: script name at 0, arguments at 1.. .
    pub fn set_args(&mut self, script: &str, args: &[String]) {
        let t = self.heap.alloc_table(Table::default());
        let s = self.str_val(script.as_bytes());
        let _ = self.heap.raw_set(t, Value::Int(0), s);
        for (i, a) in args.iter().enumerate() {
            let s = self.str_val(a.as_bytes());
            let _ = self.heap.raw_set(t, Value::Int(i as i64 + 1), s);
        }
        let g = self.globals;
        self.set_str_field(g, "arg", Value::Table(t));
    }

    /// Compile and run `src` as a chunk named `chunkname` (as given to
    /// `load`: `"=name"` or `"@file"` for a display name). Returns the
    /// chunk's results converted with `tostring`.
    pub fn run_string(&mut self, src: &str, chunkname: &str) -> Result<Vec<String>, Error> {
        self.run_bytes(src.as_bytes(), chunkname, &[])
    }

    /// Like [`Vm::run_string`] with byte source and script arguments (`...`).
    pub fn run_bytes(
        &mut self,
        src: &[u8],
        chunkname: &str,
        args: &[String],
    ) -> Result<Vec<String>, Error> {
        let env = self.globals;
        let f = self
            .load_chunk(src, chunkname, env)
            .map_err(Error::Syntax)?;
        let base = self.top;
        self.ensure_stack(base + args.len() + 2)
            .map_err(|_| Error::Runtime("stack overflow".into()))?;
        self.stack[base] = f;
        for (i, a) in args.iter().enumerate() {
            let s = self.str_val(a.as_bytes());
            self.stack[base + 1 + i] = s;
        }
        self.top = base + 1 + args.len();
        let depth = self.frames.len();
        let r = self.pcall_at(base, args.len(), -1);
        let res = match r {
            Ok(()) => {
                let mut out = Vec::new();
                for i in base..self.top {
                    let v = self.stack[i];
                    match self.tostring_bytes(v) {
                        Ok(b) => out.push(String::from_utf8_lossy(&b).into_owned()),
                        Err(e) => out.push(self.error_message(&e)),
                    }
                }
                Ok(out)
            }
            Err(e) => Err(Error::Runtime(self.error_message(&e))),
        };
        self.frames.truncate(depth);
        self.top = base;
        res
    }
}

/// Lua's `luaO_chunkid`: the display name of a chunk.
pub fn chunk_id(name: &str) -> String {
    if let Some(rest) = name.strip_prefix('=') {
        return rest.chars().take(59).collect();
    }
    if let Some(rest) = name.strip_prefix('@') {
        if rest.len() <= 59 {
            return rest.to_string();
        }
        let tail: String = rest
            .chars()
            .rev()
            .take(56)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return format!("...{tail}");
    }
    let first = name.lines().next().unwrap_or("");
    let truncated = first.len() < name.len();
    let max = 60 - 15;
    if !truncated && first.len() <= max {
        format!("[string \"{first}\"]")
    } else {
        let cut: String = first.chars().take(max.min(first.len())).collect();
        format!("[string \"{cut}...\"]")
    }
}

/// An upvalue reference that names another kind of object: a VM bug.
#[cold]
#[inline(never)]
fn not_an_upvalue(o: &Obj) -> ! {
    panic!("vm: expected upvalue, found {o:?}")
}
