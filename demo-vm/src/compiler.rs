//! Compiler: AST -> register bytecode ([`Proto`]), one function at a time,
//! with Lua's register discipline (locals in the low registers, temporaries
//! above), short-circuit jump lists for conditions and folding of constant
//! arithmetic.

use crate::ast::*;
use crate::bytecode::{Instr, LocVar, Proto, UpvalDesc};
use crate::heap::Heap;
use crate::value::Value;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Registers a function may use.
const MAX_REGS: usize = 250;
/// Items stored per `SetList`.
const FIELDS_PER_FLUSH: usize = 50;

#[derive(Debug, Hash, PartialEq, Eq)]
enum ConstKey {
    Nil,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Vec<u8>),
}

#[derive(Debug)]
struct ActVar {
    name: String,
    read_only: bool,
    locvar: usize,
}

#[derive(Debug)]
struct BlockScope {
    nactvar: usize,
    is_loop: bool,
    breaks: Vec<usize>,
    captured: bool,
    nlabels: usize,
    first_goto: usize,
}

#[derive(Debug)]
struct Label {
    name: String,
    pc: usize,
    nactvar: usize,
    line: u32,
}

#[derive(Debug)]
struct PendingGoto {
    name: String,
    /// Index of the `Close` placeholder; the `Jmp` follows it.
    pc: usize,
    nactvar: usize,
    line: u32,
}

#[derive(Debug)]
struct FuncState {
    code: Vec<Instr>,
    lines: Vec<u32>,
    consts: Vec<Value>,
    const_map: HashMap<ConstKey, u32>,
    protos: Vec<Rc<Proto>>,
    upvals: Vec<UpvalDesc>,
    actvars: Vec<ActVar>,
    locvars: Vec<LocVar>,
    blocks: Vec<BlockScope>,
    labels: Vec<Label>,
    gotos: Vec<PendingGoto>,
    freereg: usize,
    max_stack: usize,
    nparams: u8,
    vararg: bool,
    line: u32,
}

enum VarLoc {
    Local(u8),
    Upval(u8),
    Global,
}

/// A compile error (already formatted with position).
#[derive(Debug)]
pub struct CompileError(pub String);

type R<T> = Result<T, CompileError>;

/// Compile a parsed chunk into its main function prototype. String constants
/// are interned in `heap` (no collection can happen while compiling).
pub fn compile_chunk(parsed: &Chunk, chunk: &str, heap: &mut Heap) -> R<Rc<Proto>> {
    let mut c = Compiler {
        fs: Vec::new(),
        heap,
        chunk: Rc::from(chunk),
        cur_line: 1,
    };
    c.open_function(0, true);
    c.fs.last_mut().unwrap().upvals.push(UpvalDesc {
        name: "_ENV".into(),
        in_stack: true,
        index: 0,
    });
    c.block(&parsed.block)?;
    c.close_function(0, parsed.eof_line)
}

struct Compiler<'h> {
    fs: Vec<FuncState>,
    heap: &'h mut Heap,
    chunk: Rc<str>,
    cur_line: u32,
}

enum Num {
    I(i64),
    F(f64),
}

fn const_num(e: &Expr) -> Option<Num> {
    match &e.kind {
        ExprKind::Int(i) => Some(Num::I(*i)),
        ExprKind::Float(f) => Some(Num::F(*f)),
        ExprKind::Paren(x) => const_num(x),
        ExprKind::Un(UnOp::Neg, x) => match const_num(x)? {
            Num::I(i) => Some(Num::I(i.wrapping_neg())),
            Num::F(f) => Some(Num::F(-f)),
        },
        ExprKind::Bin(op, a, b) => {
            let (a, b) = (const_num(a)?, const_num(b)?);
            fold_arith(*op, a, b)
        }
        _ => None,
    }
}

fn fold_arith(op: BinOp, a: Num, b: Num) -> Option<Num> {
    use crate::value::{int_floor_div, int_mod};
    let tf = |n: &Num| match n {
        Num::I(i) => *i as f64,
        Num::F(f) => *f,
    };
    let r = match (op, &a, &b) {
        (BinOp::Add, Num::I(x), Num::I(y)) => Num::I(x.wrapping_add(*y)),
        (BinOp::Sub, Num::I(x), Num::I(y)) => Num::I(x.wrapping_sub(*y)),
        (BinOp::Mul, Num::I(x), Num::I(y)) => Num::I(x.wrapping_mul(*y)),
        (BinOp::IDiv, Num::I(x), Num::I(y)) if *y != 0 => Num::I(int_floor_div(*x, *y)),
        (BinOp::Mod, Num::I(x), Num::I(y)) if *y != 0 => Num::I(int_mod(*x, *y)),
        (BinOp::Add, _, _) => Num::F(tf(&a) + tf(&b)),
        (BinOp::Sub, _, _) => Num::F(tf(&a) - tf(&b)),
        (BinOp::Mul, _, _) => Num::F(tf(&a) * tf(&b)),
        (BinOp::Div, _, _) => Num::F(tf(&a) / tf(&b)),
        (BinOp::Pow, _, _) => Num::F(tf(&a).powf(tf(&b))),
        _ => return None,
    };
    if let Num::F(f) = r
        && (f.is_nan() || f == 0.0 || f.is_infinite())
    {
        return None;
    }
    Some(r)
}

/// A numeric literal usable as a compare immediate: `(value, is_float)`
/// for integers, and floats with an integer value, in `i16` range.
fn small_imm(e: &Expr) -> Option<(i16, bool)> {
    match e.kind {
        ExprKind::Int(i) => i16::try_from(i).ok().map(|i| (i, false)),
        ExprKind::Float(f) if f == f.trunc() && (-32768.0..=32767.0).contains(&f) => {
            // `-0.0` compares like `0.0`; the slow path passes `0.0`, which
            // no comparison (or `__lt` handler) can tell apart... except
            // by its sign, so keep that one in a register.
            (!(f == 0.0 && f.is_sign_negative())).then_some((f as i16, true))
        }
        _ => None,
    }
}

/// An integer literal in `0..=255` (an integer table key for the
/// `GetTableI`/`SetTableI` forms; the range of Lua's `GETI`/`SETI`, so error
/// messages name the same things).
fn small_index(e: &Expr) -> Option<u16> {
    match e.kind {
        ExprKind::Int(i) => u8::try_from(i).ok().map(u16::from),
        _ => None,
    }
}

fn is_multi(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Call(..) | ExprKind::Method(..) | ExprKind::Vararg
    )
}

impl Compiler<'_> {
    fn f(&mut self) -> &mut FuncState {
        self.fs.last_mut().unwrap()
    }

    fn err(&self, msg: &str) -> CompileError {
        CompileError(format!("{}:{}: {}", self.chunk, self.cur_line, msg))
    }

    fn open_function(&mut self, line: u32, vararg: bool) {
        self.fs.push(FuncState {
            code: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            protos: Vec::new(),
            upvals: Vec::new(),
            actvars: Vec::new(),
            locvars: Vec::new(),
            blocks: vec![BlockScope {
                nactvar: 0,
                is_loop: false,
                breaks: Vec::new(),
                captured: false,
                nlabels: 0,
                first_goto: 0,
            }],
            labels: Vec::new(),
            gotos: Vec::new(),
            freereg: 0,
            max_stack: 2,
            nparams: 0,
            vararg,
            line,
        });
    }

    /// Finishes the innermost function. `close_line` is where lua5.4's parser
    /// stands when it closes the function (the token after `end`, or the end
    /// of file), the line it reports undefined `goto` labels at.
    fn close_function(&mut self, end_line: u32, close_line: u32) -> R<Rc<Proto>> {
        if let Some(g) = self.f().gotos.first() {
            let (name, line) = (g.name.clone(), g.line);
            self.cur_line = close_line;
            return Err(self.err(&format!(
                "no visible label '{name}' for <goto> at line {line}"
            )));
        }
        self.cur_line = end_line.max(self.cur_line);
        self.emit(Instr::Return { a: 0, b: 1 });
        let pc = self.f().code.len() as u32;
        let mut fs = self.fs.pop().unwrap();
        for v in fs.actvars.drain(..) {
            fs.locvars[v.locvar].end = pc;
        }
        let const_hashes = fs.consts.iter().map(|&v| self.heap.key_hash(v)).collect();
        let hints = || fs.consts.iter().map(|_| Cell::new(0)).collect();
        let (slot_hints, class_hints) = (hints(), hints());
        Ok(Rc::new(Proto {
            const_hashes,
            slot_hints,
            class_hints,
            code: fs.code,
            lines: fs.lines,
            consts: fs.consts.into_iter().map(Cell::new).collect(),
            protos: fs.protos,
            upvals: fs.upvals,
            locvars: fs.locvars,
            nparams: fs.nparams,
            vararg: fs.vararg,
            max_stack: fs.max_stack.min(255) as u8,
            chunk: self.chunk.clone(),
            line: fs.line,
            gc_mark: Cell::new(0),
        }))
    }

    fn emit(&mut self, i: Instr) -> usize {
        let line = self.cur_line;
        let f = self.f();
        f.code.push(i);
        f.lines.push(line);
        f.code.len() - 1
    }

    fn pc(&mut self) -> usize {
        self.f().code.len()
    }

    fn emit_jmp(&mut self) -> usize {
        self.emit(Instr::Jmp { j: 0 })
    }

    fn patch_to(&mut self, jmp: usize, target: usize) {
        let j = target as i32 - (jmp as i32 + 1);
        match &mut self.f().code[jmp] {
            Instr::Jmp { j: jj } => *jj = j,
            other => panic!("compiler: patching a non-jump {other:?}"),
        }
    }

    fn patch_here(&mut self, jumps: Vec<usize>) {
        let here = self.pc();
        for j in jumps {
            self.patch_to(j, here);
        }
    }

    fn alloc_regs(&mut self, n: usize) -> R<u8> {
        let f = self.f();
        let r = f.freereg;
        f.freereg += n;
        if f.freereg > MAX_REGS {
            return Err(self.err("function or expression needs too many registers"));
        }
        if f.freereg > f.max_stack {
            f.max_stack = f.freereg;
        }
        Ok(r as u8)
    }

    fn alloc_reg(&mut self) -> R<u8> {
        self.alloc_regs(1)
    }

    fn set_free(&mut self, r: usize) {
        self.f().freereg = r;
    }

    fn free(&self) -> usize {
        self.fs.last().unwrap().freereg
    }

    fn nactvar(&self) -> usize {
        self.fs.last().unwrap().actvars.len()
    }

    fn add_const(&mut self, v: ConstKey) -> R<u32> {
        if let Some(&i) = self.f().const_map.get(&v) {
            return Ok(i);
        }
        let val = match &v {
            ConstKey::Nil => Value::Nil,
            ConstKey::Bool(b) => Value::Bool(*b),
            ConstKey::Int(i) => Value::Int(*i),
            ConstKey::Float(b) => Value::Float(f64::from_bits(*b)),
            ConstKey::Str(s) => self.heap.str_value(s),
        };
        let f = self.f();
        let i = f.consts.len() as u32;
        f.consts.push(val);
        f.const_map.insert(v, i);
        Ok(i)
    }

    fn str_const(&mut self, s: &[u8]) -> R<u16> {
        let k = self.add_const(ConstKey::Str(s.to_vec()))?;
        u16::try_from(k).map_err(|_| self.err("too many constants"))
    }

    // ---------------------------------------------------------------- scopes

    fn enter_block(&mut self, is_loop: bool) {
        let nactvar = self.nactvar();
        let f = self.f();
        let nlabels = f.labels.len();
        let first_goto = f.gotos.len();
        f.blocks.push(BlockScope {
            nactvar,
            is_loop,
            breaks: Vec::new(),
            captured: false,
            nlabels,
            first_goto,
        });
    }

    /// Leave a block; returns its break jumps (for loops to patch).
    fn leave_block(&mut self) -> Vec<usize> {
        let pc = self.pc() as u32;
        let f = self.f();
        let b = f.blocks.pop().unwrap();
        while f.actvars.len() > b.nactvar {
            let v = f.actvars.pop().unwrap();
            f.locvars[v.locvar].end = pc;
        }
        f.labels.truncate(b.nlabels);
        // Pending gotos leaving this block now refer to the enclosing level.
        for g in f.gotos[b.first_goto..].iter_mut() {
            if g.nactvar > b.nactvar {
                g.nactvar = b.nactvar;
            }
        }
        f.freereg = b.nactvar;
        if b.captured && !f.blocks.is_empty() {
            self.emit(Instr::Close { a: b.nactvar as u8 });
        }
        b.breaks
    }

    fn add_local(&mut self, name: &str, read_only: bool) -> R<()> {
        let reg = self.nactvar();
        if reg >= 200 {
            return Err(self.err("too many local variables (limit is 200)"));
        }
        let pc = self.pc() as u32;
        let f = self.f();
        f.locvars.push(LocVar {
            name: name.to_string(),
            reg: reg as u8,
            start: pc,
            end: u32::MAX,
        });
        let locvar = f.locvars.len() - 1;
        f.actvars.push(ActVar {
            name: name.to_string(),
            read_only,
            locvar,
        });
        if f.freereg < f.actvars.len() {
            f.freereg = f.actvars.len();
            if f.freereg > f.max_stack {
                f.max_stack = f.freereg;
            }
        }
        Ok(())
    }

    fn find_var(&mut self, level: usize, name: &str) -> Option<VarLoc> {
        let fs = &mut self.fs[level];
        if let Some(i) = fs.actvars.iter().rposition(|v| v.name == name) {
            return Some(VarLoc::Local(i as u8));
        }
        if let Some(i) = fs.upvals.iter().position(|u| u.name == name) {
            return Some(VarLoc::Upval(i as u8));
        }
        if level == 0 {
            return None;
        }
        let (in_stack, index) = match self.find_var(level - 1, name)? {
            VarLoc::Local(r) => {
                let parent = &mut self.fs[level - 1];
                // Mark the block that owns the register as needing a close.
                for b in parent.blocks.iter_mut().rev() {
                    if b.nactvar <= r as usize {
                        b.captured = true;
                        break;
                    }
                }
                (true, r)
            }
            VarLoc::Upval(u) => (false, u),
            VarLoc::Global => return None,
        };
        let fs = &mut self.fs[level];
        fs.upvals.push(UpvalDesc {
            name: name.to_string(),
            in_stack,
            index,
        });
        Some(VarLoc::Upval((fs.upvals.len() - 1) as u8))
    }

    fn resolve(&mut self, name: &str) -> R<VarLoc> {
        let level = self.fs.len() - 1;
        let loc = self.find_var(level, name).unwrap_or(VarLoc::Global);
        if let VarLoc::Upval(_) = loc
            && self.f().upvals.len() > 255
        {
            return Err(self.err("too many upvalues (limit is 255)"));
        }
        Ok(loc)
    }

    fn env(&mut self) -> R<VarLoc> {
        match self.resolve("_ENV")? {
            VarLoc::Global => Err(self.err("no _ENV in scope")),
            l => Ok(l),
        }
    }

    // ------------------------------------------------------------ statements

    fn block(&mut self, b: &Block) -> R<()> {
        for (i, s) in b.iter().enumerate() {
            let rest_void = b[i + 1..]
                .iter()
                .all(|s| matches!(s.kind, StmtKind::Label(_)));
            self.stmt(s, rest_void)?;
            let nact = self.nactvar();
            self.set_free(nact);
        }
        Ok(())
    }

    fn scoped_block(&mut self, b: &Block, is_loop: bool) -> R<Vec<usize>> {
        self.enter_block(is_loop);
        self.block(b)?;
        Ok(self.leave_block())
    }

    fn stmt(&mut self, s: &Stmt, last_in_block: bool) -> R<()> {
        self.cur_line = s.line;
        match &s.kind {
            StmtKind::Local(names, exprs) => {
                for (_, attr) in names {
                    if attr.as_deref() == Some("close") {
                        return Err(self.err("to-be-closed variables (<close>) are not supported"));
                    }
                }
                let base = self.free();
                self.explist(exprs, names.len() as i32)?;
                self.set_free(base + names.len());
                for (n, attr) in names {
                    self.add_local(n, attr.is_some())?;
                }
            }
            StmtKind::LocalFunction(name, body) => {
                self.add_local(name, false)?;
                let r = (self.nactvar() - 1) as u8;
                self.function(body, r)?;
                // The local's debug range starts after the closure exists.
            }
            StmtKind::Assign(targets, exprs) => self.assign(targets, exprs)?,
            StmtKind::Call(e) => {
                let base = self.free();
                self.call(e, 0)?;
                self.set_free(base);
            }
            StmtKind::Do(b) => {
                self.scoped_block(b, false)?;
            }
            StmtKind::While(cond, body) => {
                let start = self.pc();
                let exits = self.cond_jumps(cond, false)?;
                let breaks = self.scoped_block(body, true)?;
                let j = self.emit_jmp();
                self.patch_to(j, start);
                self.patch_here(exits);
                self.patch_here(breaks);
            }
            StmtKind::Repeat(body, cond) => {
                let start = self.pc();
                self.enter_block(true);
                self.block(body)?;
                self.cur_line = cond.line;
                let captured = self.f().blocks.last().unwrap().captured;
                if captured {
                    let level = self.f().blocks.last().unwrap().nactvar as u8;
                    let exits = self.cond_jumps(cond, true)?;
                    self.emit(Instr::Close { a: level });
                    let j = self.emit_jmp();
                    self.patch_to(j, start);
                    self.patch_here(exits);
                    self.emit(Instr::Close { a: level });
                } else {
                    let back = self.cond_jumps(cond, false)?;
                    for j in back {
                        self.patch_to(j, start);
                    }
                }
                let breaks = self.leave_block();
                self.patch_here(breaks);
            }
            StmtKind::If(arms, els) => {
                let mut ends = Vec::new();
                for (i, (cond, body)) in arms.iter().enumerate() {
                    self.cur_line = cond.line;
                    let next = self.cond_jumps(cond, false)?;
                    self.scoped_block(body, false)?;
                    if i + 1 < arms.len() || els.is_some() {
                        ends.push(self.emit_jmp());
                    }
                    self.patch_here(next);
                }
                if let Some(b) = els {
                    self.scoped_block(b, false)?;
                }
                self.patch_here(ends);
            }
            StmtKind::NumFor(var, start, limit, step, body) => {
                self.enter_block(true);
                let base = self.alloc_regs(3)?;
                self.expr(start, base)?;
                self.expr(limit, base + 1)?;
                match step {
                    Some(e) => self.expr(e, base + 2)?,
                    None => {
                        self.emit(Instr::LoadI { a: base + 2, i: 1 });
                    }
                }
                self.cur_line = s.line;
                // Three hidden control locals.
                self.add_local("(for state)", true)?;
                self.add_local("(for state)", true)?;
                self.add_local("(for state)", true)?;
                let prep = self.emit(Instr::ForPrep { a: base, j: 0 });
                let body_start = self.pc();
                self.enter_block(false);
                self.add_local(var, false)?;
                self.block(body)?;
                self.leave_block();
                self.cur_line = s.line;
                let lp = self.pc();
                self.emit(Instr::ForLoop {
                    a: base,
                    j: (lp + 1 - body_start) as i32,
                });
                let after = self.pc();
                if let Instr::ForPrep { j, .. } = &mut self.f().code[prep] {
                    *j = (after - (prep + 1)) as i32;
                }
                let breaks = self.leave_block();
                self.patch_here(breaks);
            }
            StmtKind::GenFor(names, exprs, body) => {
                self.enter_block(true);
                let base = self.free() as u8;
                self.explist(exprs, 3)?;
                self.set_free(base as usize + 3);
                self.add_local("(for state)", true)?;
                self.add_local("(for state)", true)?;
                self.add_local("(for state)", true)?;
                // Room for the call: function + 2 args copied above the control slots.
                self.alloc_regs(3)?;
                self.set_free(base as usize + 3);
                let jmp = self.emit_jmp();
                let body_start = self.pc();
                self.enter_block(false);
                for n in names {
                    self.add_local(n, false)?;
                }
                self.block(body)?;
                self.leave_block();
                self.patch_here(vec![jmp]);
                self.cur_line = s.line;
                self.emit(Instr::TForCall {
                    a: base,
                    c: names.len() as u8,
                });
                let lp = self.pc();
                self.emit(Instr::TForLoop {
                    a: base,
                    j: (lp + 1 - body_start) as i32,
                });
                let breaks = self.leave_block();
                self.patch_here(breaks);
            }
            StmtKind::Return(exprs) => self.ret(exprs)?,
            StmtKind::Break => {
                let nact = self.nactvar();
                let f = self.f();
                let Some(bi) = f.blocks.iter().rposition(|b| b.is_loop) else {
                    return Err(self.err(&format!("break outside loop at line {}", s.line)));
                };
                let level = f.blocks[bi].nactvar;
                if nact > level {
                    self.emit(Instr::Close { a: level as u8 });
                }
                let j = self.emit_jmp();
                self.f().blocks[bi].breaks.push(j);
            }
            StmtKind::Goto(name) => {
                let nact = self.nactvar();
                let found = self
                    .f()
                    .labels
                    .iter()
                    .rev()
                    .find(|l| &l.name == name)
                    .map(|l| (l.pc, l.nactvar));
                match found {
                    Some((pc, lvl)) => {
                        if nact > lvl {
                            self.emit(Instr::Close { a: lvl as u8 });
                        }
                        let j = self.emit_jmp();
                        self.patch_to(j, pc);
                    }
                    None => {
                        let pc = self.emit(Instr::Close { a: 255 });
                        self.emit_jmp();
                        self.f().gotos.push(PendingGoto {
                            name: name.clone(),
                            pc,
                            nactvar: nact,
                            line: s.line,
                        });
                    }
                }
            }
            StmtKind::Label(name) => {
                let f = self.f();
                if let Some(l) = f.labels.iter().find(|l| &l.name == name) {
                    let line = l.line;
                    return Err(self.err(&format!("label '{name}' already defined on line {line}")));
                }
                let block = f.blocks.last().unwrap();
                let nactvar = if last_in_block {
                    block.nactvar
                } else {
                    f.actvars.len()
                };
                let first_goto = block.first_goto;
                let pc = f.code.len();
                f.labels.push(Label {
                    name: name.clone(),
                    pc,
                    nactvar,
                    line: s.line,
                });
                // Resolve pending forward gotos of this block (and nested ones).
                let mut i = first_goto;
                while i < self.f().gotos.len() {
                    if &self.f().gotos[i].name == name {
                        let g = self.f().gotos.remove(i);
                        if g.nactvar < nactvar {
                            let vname = self.f().actvars[g.nactvar].name.clone();
                            self.cur_line = g.line;
                            return Err(self.err(&format!(
                                "<goto {}> at line {} jumps into the scope of local '{}'",
                                name, g.line, vname
                            )));
                        }
                        self.f().code[g.pc] = if g.nactvar > nactvar {
                            Instr::Close { a: nactvar as u8 }
                        } else {
                            Instr::Jmp { j: 0 }
                        };
                        self.patch_to(g.pc + 1, pc);
                    } else {
                        i += 1;
                    }
                }
            }
        }
        Ok(())
    }

    fn ret(&mut self, exprs: &[Expr]) -> R<()> {
        if exprs.len() == 1 {
            let e = &exprs[0];
            if matches!(e.kind, ExprKind::Call(..) | ExprKind::Method(..)) {
                let base = self.free();
                self.call(e, -1)?;
                // Turn the call into a tail call.
                let last = self.pc() - 1;
                if let Instr::Call { a, b, .. } = self.f().code[last] {
                    self.f().code[last] = Instr::TailCall { a, b };
                }
                self.emit(Instr::Return {
                    a: base as u8,
                    b: 0,
                });
                return Ok(());
            }
            if !is_multi(e) {
                let r = self.expr_any(e)?;
                self.emit(Instr::Return { a: r, b: 2 });
                return Ok(());
            }
        }
        let base = self.free() as u8;
        let n = self.explist(exprs, -1)?;
        self.emit(Instr::Return {
            a: base,
            b: if n < 0 { 0 } else { n as u8 + 1 },
        });
        Ok(())
    }

    fn assign(&mut self, targets: &[Expr], exprs: &[Expr]) -> R<()> {
        enum Target {
            Local(u8),
            Upval(u8),
            Global(u16),
            Index(u8, u8),
            Field(u8, u16),
        }
        // Fast path: one target, one value.
        if targets.len() == 1 && exprs.len() == 1 {
            let e = &exprs[0];
            match &targets[0].kind {
                ExprKind::Name(n) => match self.resolve(n)? {
                    VarLoc::Local(r) => {
                        self.check_writable(r)?;
                        if matches!(e.kind, ExprKind::Bin(op, ..) if !matches!(op, BinOp::And | BinOp::Or | BinOp::Concat | BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge))
                            || matches!(
                                e.kind,
                                ExprKind::Int(_)
                                    | ExprKind::Float(_)
                                    | ExprKind::Str(_)
                                    | ExprKind::Nil
                                    | ExprKind::True
                                    | ExprKind::False
                                    | ExprKind::Name(_)
                                    | ExprKind::Index(..)
                                    | ExprKind::Un(..)
                            )
                        {
                            return self.expr(e, r);
                        }
                        let v = self.expr_any(e)?;
                        self.emit(Instr::Move { a: r, b: v });
                        return Ok(());
                    }
                    VarLoc::Upval(u) => {
                        let v = self.expr_any(e)?;
                        self.emit(Instr::SetUpval { a: v, u });
                        return Ok(());
                    }
                    VarLoc::Global => {
                        let k = self.str_const(n.as_bytes())?;
                        let v = self.expr_any(e)?;
                        return self.store_global(k, v);
                    }
                },
                ExprKind::Index(t, key) => {
                    let tr = self.expr_any(t)?;
                    if let ExprKind::Str(s) = &key.kind {
                        let k = self.str_const(s)?;
                        let v = self.expr_any(e)?;
                        self.cur_line = targets[0].line;
                        self.emit(Instr::SetField { a: tr, c: v, k });
                    } else if let Some(i) = small_index(key) {
                        let v = self.expr_any(e)?;
                        self.cur_line = targets[0].line;
                        self.emit(Instr::SetTableI { a: tr, c: v, i });
                    } else {
                        let kr = self.expr_any(key)?;
                        if let Some(k) = self.small_const(e)? {
                            self.cur_line = targets[0].line;
                            self.emit(Instr::SetTableK { a: tr, b: kr, k });
                            return Ok(());
                        }
                        let v = self.expr_any(e)?;
                        self.cur_line = targets[0].line;
                        self.emit(Instr::SetTable { a: tr, b: kr, c: v });
                    }
                    return Ok(());
                }
                _ => return Err(self.err("syntax error")),
            }
        }
        let mut ts = Vec::new();
        for t in targets {
            ts.push(match &t.kind {
                ExprKind::Name(n) => match self.resolve(n)? {
                    VarLoc::Local(r) => {
                        self.check_writable(r)?;
                        Target::Local(r)
                    }
                    VarLoc::Upval(u) => Target::Upval(u),
                    VarLoc::Global => Target::Global(self.str_const(n.as_bytes())?),
                },
                ExprKind::Index(tb, key) => {
                    let tr = self.expr_to_new(tb)?;
                    if let ExprKind::Str(s) = &key.kind {
                        Target::Field(tr, self.str_const(s)?)
                    } else {
                        Target::Index(tr, self.expr_to_new(key)?)
                    }
                }
                _ => return Err(self.err("syntax error")),
            });
        }
        let base = self.free() as u8;
        self.explist(exprs, targets.len() as i32)?;
        for (i, t) in ts.iter().enumerate().rev() {
            let v = base + i as u8;
            match *t {
                Target::Local(r) => {
                    self.emit(Instr::Move { a: r, b: v });
                }
                Target::Upval(u) => {
                    self.emit(Instr::SetUpval { a: v, u });
                }
                Target::Global(k) => self.store_global(k, v)?,
                Target::Index(t, k) => {
                    self.emit(Instr::SetTable { a: t, b: k, c: v });
                }
                Target::Field(t, k) => {
                    self.emit(Instr::SetField { a: t, c: v, k });
                }
            }
        }
        Ok(())
    }

    /// The constant index of a literal value expression, if it has one
    /// that fits a 16-bit operand.
    fn small_const(&mut self, e: &Expr) -> R<Option<u16>> {
        let k = match &e.kind {
            ExprKind::Nil => ConstKey::Nil,
            ExprKind::True => ConstKey::Bool(true),
            ExprKind::False => ConstKey::Bool(false),
            ExprKind::Int(i) => ConstKey::Int(*i),
            ExprKind::Float(f) => ConstKey::Float(f.to_bits()),
            ExprKind::Str(s) => ConstKey::Str(s.clone()),
            _ => return Ok(None),
        };
        Ok(u16::try_from(self.add_const(k)?).ok())
    }

    fn check_writable(&mut self, r: u8) -> R<()> {
        let v = &self.f().actvars[r as usize];
        if v.read_only {
            let n = v.name.clone();
            return Err(self.err(&format!("attempt to assign to const variable '{n}'")));
        }
        Ok(())
    }

    fn store_global(&mut self, k: u16, v: u8) -> R<()> {
        match self.env()? {
            VarLoc::Upval(u) => self.emit(Instr::SetTabUp { u, c: v, k }),
            VarLoc::Local(r) => self.emit(Instr::SetField { a: r, c: v, k }),
            VarLoc::Global => unreachable!("env() never returns Global"),
        };
        Ok(())
    }

    /// Compile `exprs` into consecutive registers starting at the current free
    /// register, adjusted to `want` values (`-1`: all; returns -1 if open).
    fn explist(&mut self, exprs: &[Expr], want: i32) -> R<i32> {
        let base = self.free();
        let n = exprs.len();
        for (i, e) in exprs.iter().enumerate() {
            let last = i + 1 == n;
            if last && is_multi(e) {
                let have = i as i32;
                let rest = if want < 0 { -1 } else { (want - have).max(0) };
                let r = self.free();
                self.multi(e, rest)?;
                if rest < 0 {
                    return Ok(-1);
                }
                self.set_free(r + rest as usize);
                if want >= 0 && (rest as usize + i) < want as usize {
                    unreachable!("multi() produced the requested count")
                }
                let total = base + want as usize;
                if self.free() < total {
                    self.alloc_regs(total - self.free())?;
                }
                self.set_free(total);
                return Ok(want);
            }
            if want >= 0 && i >= want as usize {
                // Extra values: evaluate for side effects only.
                let save = self.free();
                self.expr_to_new(e)?;
                self.set_free(save);
            } else {
                self.expr_to_new(e)?;
            }
        }
        if want < 0 {
            return Ok(n as i32);
        }
        let want = want as usize;
        if n < want {
            let r = self.alloc_regs(want - n)?;
            self.emit(Instr::LoadNil {
                a: r,
                n: (want - n - 1) as u8,
            });
        }
        self.set_free(base + want);
        Ok(want as i32)
    }

    /// A multi-value expression (call or `...`) at the free register with
    /// `want` results (-1 = all, setting top).
    fn multi(&mut self, e: &Expr, want: i32) -> R<()> {
        match &e.kind {
            ExprKind::Vararg => {
                let a = self.alloc_reg()?;
                if want > 1 {
                    self.alloc_regs(want as usize - 1)?;
                }
                self.emit(Instr::VarArg {
                    a,
                    n: (want + 1) as u8,
                });
                Ok(())
            }
            _ => {
                self.call(e, want)?;
                Ok(())
            }
        }
    }

    // ----------------------------------------------------------- expressions

    /// Compile a call at the free register; `want` results (-1 = all).
    fn call(&mut self, e: &Expr, want: i32) -> R<u8> {
        let base;
        let args: &[Expr];
        let mut nfixed = 0;
        match &e.kind {
            ExprKind::Call(f, a) => {
                base = self.expr_to_new(f)?;
                args = a;
            }
            ExprKind::Method(obj, name, a) => {
                let o = self.expr_any(obj)?;
                if o as usize >= self.nactvar() && o as usize + 1 == self.free() {
                    // The object sits in a temporary: reuse it as the call base.
                    self.set_free(o as usize);
                }
                base = self.alloc_reg()?;
                self.alloc_reg()?;
                let k = self.str_const(name.as_bytes())?;
                self.cur_line = e.line;
                self.emit(Instr::SelfOp { a: base, b: o, k });
                args = a;
                nfixed = 1;
            }
            _ => return Err(self.err("not a call")),
        }
        let n = self.explist(args, -1)?;
        self.cur_line = e.line;
        let b = if n < 0 { 0 } else { (n + nfixed + 1) as u8 };
        self.emit(Instr::Call {
            a: base,
            b,
            c: (want + 1) as u8,
        });
        self.set_free(base as usize);
        if want > 0 {
            self.alloc_regs(want as usize)?;
        }
        Ok(base)
    }

    /// Compile into a new register at the top; returns it.
    fn expr_to_new(&mut self, e: &Expr) -> R<u8> {
        let r = self.alloc_reg()?;
        self.expr(e, r)?;
        self.set_free(r as usize + 1);
        Ok(r)
    }

    /// A register holding the value: a local's own register, or a new temporary.
    fn expr_any(&mut self, e: &Expr) -> R<u8> {
        if let ExprKind::Name(n) = &e.kind
            && let VarLoc::Local(r) = self.resolve(n)?
        {
            return Ok(r);
        }
        self.expr_to_new(e)
    }

    fn load_const(&mut self, k: ConstKey, dst: u8) -> R<()> {
        if let ConstKey::Int(i) = k
            && let Ok(i) = i32::try_from(i)
        {
            self.emit(Instr::LoadI { a: dst, i });
            return Ok(());
        }
        let k = self.add_const(k)?;
        self.emit(Instr::LoadK { a: dst, k });
        Ok(())
    }

    /// Compile `e` so its (single) value ends in register `dst`.
    fn expr(&mut self, e: &Expr, dst: u8) -> R<()> {
        let save_line = self.cur_line;
        self.cur_line = e.line;
        let top = self.free().max(dst as usize + 1);
        match &e.kind {
            ExprKind::Nil => {
                self.emit(Instr::LoadNil { a: dst, n: 0 });
            }
            ExprKind::True => {
                self.emit(Instr::LoadBool { a: dst, v: true });
            }
            ExprKind::False => {
                self.emit(Instr::LoadBool { a: dst, v: false });
            }
            ExprKind::Int(i) => self.load_const(ConstKey::Int(*i), dst)?,
            ExprKind::Float(f) => self.load_const(ConstKey::Float(f.to_bits()), dst)?,
            ExprKind::Str(s) => self.load_const(ConstKey::Str(s.clone()), dst)?,
            ExprKind::Vararg => {
                self.emit(Instr::VarArg { a: dst, n: 2 });
            }
            ExprKind::Function(body) => self.function(body, dst)?,
            ExprKind::Name(n) => match self.resolve(n)? {
                VarLoc::Local(r) => {
                    if r != dst {
                        self.emit(Instr::Move { a: dst, b: r });
                    }
                }
                VarLoc::Upval(u) => {
                    self.emit(Instr::GetUpval { a: dst, u });
                }
                VarLoc::Global => {
                    let k = self.str_const(n.as_bytes())?;
                    match self.env()? {
                        VarLoc::Upval(u) => self.emit(Instr::GetTabUp { a: dst, u, k }),
                        VarLoc::Local(r) => self.emit(Instr::GetField { a: dst, b: r, k }),
                        VarLoc::Global => unreachable!("env() never returns Global"),
                    };
                }
            },
            ExprKind::Index(t, key) => {
                let tr = self.expr_any(t)?;
                if let ExprKind::Str(s) = &key.kind {
                    let k = self.str_const(s)?;
                    self.cur_line = e.line;
                    self.emit(Instr::GetField { a: dst, b: tr, k });
                } else if let Some(i) = small_index(key) {
                    self.cur_line = e.line;
                    self.emit(Instr::GetTableI { a: dst, b: tr, i });
                } else {
                    let kr = self.expr_any(key)?;
                    self.cur_line = e.line;
                    self.emit(Instr::GetTable {
                        a: dst,
                        b: tr,
                        c: kr,
                    });
                }
            }
            ExprKind::Call(..) | ExprKind::Method(..) => {
                if dst as usize + 1 == self.free() && dst as usize >= self.nactvar() {
                    // `dst` is the topmost temporary: call right there, so
                    // the result needs no `Move`.
                    self.set_free(dst as usize);
                }
                let base = self.call(e, 1)?;
                if base != dst {
                    self.emit(Instr::Move { a: dst, b: base });
                }
            }
            ExprKind::Paren(inner) => self.expr(inner, dst)?,
            ExprKind::Un(op, x) => {
                if let (UnOp::Neg, Some(n)) = (op, const_num(e)) {
                    match n {
                        Num::I(i) => self.load_const(ConstKey::Int(i), dst)?,
                        Num::F(f) => self.load_const(ConstKey::Float(f.to_bits()), dst)?,
                    }
                } else if *op == UnOp::Not {
                    let r = self.expr_any(x)?;
                    self.emit(Instr::Not { a: dst, b: r });
                } else {
                    let r = self.expr_any(x)?;
                    self.cur_line = e.line;
                    self.emit(match op {
                        UnOp::Neg => Instr::Unm { a: dst, b: r },
                        UnOp::Len => Instr::Len { a: dst, b: r },
                        UnOp::BNot => Instr::BNot { a: dst, b: r },
                        UnOp::Not => unreachable!("handled above"),
                    });
                }
            }
            ExprKind::Bin(op, a, b) => self.binary(e, *op, a, b, dst)?,
            ExprKind::Table(fields) => self.table(fields, dst)?,
        }
        self.set_free(top.max(self.nactvar()));
        self.cur_line = save_line;
        Ok(())
    }

    fn binary(&mut self, e: &Expr, op: BinOp, a: &Expr, b: &Expr, dst: u8) -> R<()> {
        match op {
            BinOp::And | BinOp::Or => {
                let save = self.free();
                self.expr(a, dst)?;
                self.set_free(save.max(dst as usize + 1));
                self.emit(Instr::Test {
                    a: dst,
                    k: op == BinOp::Or,
                });
                let j = self.emit_jmp();
                self.expr(b, dst)?;
                self.patch_here(vec![j]);
                return Ok(());
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let jt = self.cond_jumps(e, true)?;
                self.emit(Instr::LoadBool { a: dst, v: false });
                let jend = self.emit_jmp();
                self.patch_here(jt);
                self.emit(Instr::LoadBool { a: dst, v: true });
                self.patch_here(vec![jend]);
                return Ok(());
            }
            BinOp::Concat => {
                // Collect the right-associative chain into consecutive registers.
                let mut items = vec![a];
                let mut rest = b;
                while let ExprKind::Bin(BinOp::Concat, x, y) = &rest.kind {
                    items.push(x);
                    rest = y;
                }
                items.push(rest);
                let base = self.free();
                for it in &items {
                    self.expr_to_new(it)?;
                }
                self.cur_line = e.line;
                self.emit(Instr::Concat {
                    a: base as u8,
                    n: items.len() as u8,
                });
                if base as u8 != dst {
                    self.emit(Instr::Move {
                        a: dst,
                        b: base as u8,
                    });
                }
                return Ok(());
            }
            _ => {}
        }
        if let Some(n) = const_num(e) {
            return match n {
                Num::I(i) => self.load_const(ConstKey::Int(i), dst),
                Num::F(f) => self.load_const(ConstKey::Float(f.to_bits()), dst),
            };
        }
        if matches!(op, BinOp::Add | BinOp::Mul)
            && matches!(a.kind, ExprKind::Int(_) | ExprKind::Float(_))
        {
            // Numeric constant left operand of a commutative operator.
            let key = match a.kind {
                ExprKind::Int(i) => ConstKey::Int(i),
                ExprKind::Float(f) => ConstKey::Float(f.to_bits()),
                _ => unreachable!("matched above"),
            };
            let k = self.add_const(key)?;
            if let Ok(c) = u8::try_from(k) {
                let rb = self.expr_any(b)?;
                self.cur_line = e.line;
                self.emit(if op == BinOp::Add {
                    Instr::AddKL { a: dst, b: rb, c }
                } else {
                    Instr::MulKL { a: dst, b: rb, c }
                });
                return Ok(());
            }
        }
        let ra = self.expr_any(a)?;
        // Numeric constant right operand: use the K form when the index fits.
        let kform = match (&b.kind, op) {
            (
                ExprKind::Int(_) | ExprKind::Float(_),
                BinOp::Add
                | BinOp::Sub
                | BinOp::Mul
                | BinOp::Mod
                | BinOp::Div
                | BinOp::IDiv
                | BinOp::Pow,
            ) => {
                let key = match b.kind {
                    ExprKind::Int(i) => ConstKey::Int(i),
                    ExprKind::Float(f) => ConstKey::Float(f.to_bits()),
                    _ => unreachable!("matched above"),
                };
                let k = self.add_const(key)?;
                if k < 256 { Some(k as u8) } else { None }
            }
            _ => None,
        };
        self.cur_line = e.line;
        if let Some(c) = kform {
            self.emit(match op {
                BinOp::Add => Instr::AddK { a: dst, b: ra, c },
                BinOp::Sub => Instr::SubK { a: dst, b: ra, c },
                BinOp::Mul => Instr::MulK { a: dst, b: ra, c },
                BinOp::Mod => Instr::ModK { a: dst, b: ra, c },
                BinOp::Div => Instr::DivK { a: dst, b: ra, c },
                BinOp::IDiv => Instr::IDivK { a: dst, b: ra, c },
                _ => Instr::PowK { a: dst, b: ra, c },
            });
            return Ok(());
        }
        let rb = self.expr_any(b)?;
        self.cur_line = e.line;
        let (a, b, c) = (dst, ra, rb);
        self.emit(match op {
            BinOp::Add => Instr::Add { a, b, c },
            BinOp::Sub => Instr::Sub { a, b, c },
            BinOp::Mul => Instr::Mul { a, b, c },
            BinOp::Div => Instr::Div { a, b, c },
            BinOp::Mod => Instr::Mod { a, b, c },
            BinOp::Pow => Instr::Pow { a, b, c },
            BinOp::IDiv => Instr::IDiv { a, b, c },
            BinOp::BAnd => Instr::BAnd { a, b, c },
            BinOp::BOr => Instr::BOr { a, b, c },
            BinOp::BXor => Instr::BXor { a, b, c },
            BinOp::Shl => Instr::Shl { a, b, c },
            BinOp::Shr => Instr::Shr { a, b, c },
            _ => unreachable!("non-arithmetic operators handled above"),
        });
        Ok(())
    }

    /// Emit jumps taken when `truthy(e) == jump_if`; falls through otherwise.
    fn cond_jumps(&mut self, e: &Expr, jump_if: bool) -> R<Vec<usize>> {
        let save = self.free();
        self.cur_line = e.line;
        let r = match &e.kind {
            ExprKind::True | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                if jump_if {
                    vec![self.emit_jmp()]
                } else {
                    Vec::new()
                }
            }
            ExprKind::Nil | ExprKind::False => {
                if jump_if {
                    Vec::new()
                } else {
                    vec![self.emit_jmp()]
                }
            }
            ExprKind::Un(UnOp::Not, x) => self.cond_jumps(x, !jump_if)?,
            ExprKind::Paren(x) => self.cond_jumps(x, jump_if)?,
            ExprKind::Bin(BinOp::And, a, b) => {
                if jump_if {
                    let jf = self.cond_jumps(a, false)?;
                    let jt = self.cond_jumps(b, true)?;
                    self.patch_here(jf);
                    jt
                } else {
                    let mut j = self.cond_jumps(a, false)?;
                    j.extend(self.cond_jumps(b, false)?);
                    j
                }
            }
            ExprKind::Bin(BinOp::Or, a, b) => {
                if jump_if {
                    let mut j = self.cond_jumps(a, true)?;
                    j.extend(self.cond_jumps(b, true)?);
                    j
                } else {
                    let jt = self.cond_jumps(a, true)?;
                    let jf = self.cond_jumps(b, false)?;
                    self.patch_here(jt);
                    jf
                }
            }
            ExprKind::Bin(op @ (BinOp::Eq | BinOp::Ne), a, b) => {
                let k = if *op == BinOp::Eq { jump_if } else { !jump_if };
                let ra = self.expr_any(a)?;
                let kc = match &b.kind {
                    ExprKind::Str(s) => Some(ConstKey::Str(s.clone())),
                    ExprKind::Int(i) => Some(ConstKey::Int(*i)),
                    ExprKind::Nil => Some(ConstKey::Nil),
                    ExprKind::True => Some(ConstKey::Bool(true)),
                    ExprKind::False => Some(ConstKey::Bool(false)),
                    _ => None,
                };
                let mut done = false;
                if let Some(kc) = kc {
                    let c = self.add_const(kc)?;
                    if let Ok(c) = u16::try_from(c) {
                        self.cur_line = e.line;
                        self.emit(Instr::EqK { a: ra, c, k });
                        done = true;
                    }
                }
                if !done {
                    let rb = self.expr_any(b)?;
                    self.cur_line = e.line;
                    self.emit(Instr::Eq { a: ra, b: rb, k });
                }
                vec![self.emit_jmp()]
            }
            ExprKind::Bin(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b)
                if small_imm(b).is_some() =>
            {
                let (i, f) = small_imm(b).expect("guarded above");
                let ra = self.expr_any(a)?;
                let k = jump_if;
                self.cur_line = e.line;
                self.emit(match op {
                    BinOp::Lt => Instr::LtI { a: ra, i, k, f },
                    BinOp::Le => Instr::LeI { a: ra, i, k, f },
                    BinOp::Gt => Instr::GtI { a: ra, i, k, f },
                    _ => Instr::GeI { a: ra, i, k, f },
                });
                vec![self.emit_jmp()]
            }
            ExprKind::Bin(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b) => {
                let ra = self.expr_any(a)?;
                let rb = self.expr_any(b)?;
                self.cur_line = e.line;
                self.emit(match op {
                    BinOp::Lt => Instr::Lt {
                        a: ra,
                        b: rb,
                        k: jump_if,
                    },
                    BinOp::Le => Instr::Le {
                        a: ra,
                        b: rb,
                        k: jump_if,
                    },
                    BinOp::Gt => Instr::Lt {
                        a: rb,
                        b: ra,
                        k: jump_if,
                    },
                    _ => Instr::Le {
                        a: rb,
                        b: ra,
                        k: jump_if,
                    },
                });
                vec![self.emit_jmp()]
            }
            _ => {
                let r = self.expr_any(e)?;
                self.emit(Instr::Test { a: r, k: jump_if });
                vec![self.emit_jmp()]
            }
        };
        self.set_free(save);
        Ok(r)
    }

    fn table(&mut self, fields: &[Field], dst: u8) -> R<()> {
        let t = self.alloc_reg()?;
        let narr = fields
            .iter()
            .filter(|f| matches!(f, Field::Positional(_)))
            .count();
        let nhash = fields.len() - narr;
        self.emit(Instr::NewTable {
            a: t,
            narr: narr.min(65535) as u16,
            nhash: nhash.min(255) as u8,
        });
        let mut pending = 0usize;
        let mut stored = 0usize;
        for (i, f) in fields.iter().enumerate() {
            match f {
                Field::Positional(e) => {
                    let last = i + 1 == fields.len();
                    if last && is_multi(e) {
                        self.multi(e, -1)?;
                        self.emit(Instr::SetList {
                            a: t,
                            n: 0,
                            start: stored as u32,
                        });
                        self.set_free(t as usize + 1);
                        pending = 0;
                        continue;
                    }
                    self.expr_to_new(e)?;
                    pending += 1;
                    if pending == FIELDS_PER_FLUSH {
                        self.emit(Instr::SetList {
                            a: t,
                            n: pending as u8,
                            start: stored as u32,
                        });
                        stored += pending;
                        pending = 0;
                        self.set_free(t as usize + 1);
                    }
                }
                Field::Named(n, e) => {
                    let save = self.free();
                    let k = self.str_const(n.as_bytes())?;
                    let v = self.expr_any(e)?;
                    self.emit(Instr::SetField { a: t, c: v, k });
                    self.set_free(save);
                }
                Field::Keyed(k, e) => {
                    let save = self.free();
                    let kr = self.expr_any(k)?;
                    let v = self.expr_any(e)?;
                    self.emit(Instr::SetTable { a: t, b: kr, c: v });
                    self.set_free(save);
                }
            }
        }
        if pending > 0 {
            self.emit(Instr::SetList {
                a: t,
                n: pending as u8,
                start: stored as u32,
            });
        }
        if t != dst {
            self.emit(Instr::Move { a: dst, b: t });
        }
        Ok(())
    }

    fn function(&mut self, body: &FuncBody, dst: u8) -> R<()> {
        if self.fs.len() > 180 {
            return Err(self.err("C stack overflow"));
        }
        self.open_function(body.line, body.vararg);
        if body.is_method {
            self.add_local("self", false)?;
        }
        for p in &body.params {
            self.add_local(p, false)?;
        }
        let np = self.nactvar();
        self.f().nparams = np as u8;
        self.block(&body.block)?;
        let proto = self.close_function(body.end_line, body.close_line)?;
        let f = self.f();
        f.protos.push(proto);
        let p = (f.protos.len() - 1) as u32;
        self.cur_line = body.line;
        self.emit(Instr::Closure { a: dst, p });
        Ok(())
    }
}
