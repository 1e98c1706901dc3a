//! Register bytecode: an 8-byte instruction enum (a compact encoding the
//! dispatch loop matches on directly) and function prototypes.
//!
//! Conventions follow Lua 5.4: `R[x]` is register `x` of the current frame,
//! `K[x]` a constant, `U[x]` an upvalue. Conditional tests skip the next
//! instruction (always a `Jmp`) when the condition differs from `k`.
//! A count of `0` in `Call`/`Return`/`SetList` operands means "up to top".

use crate::value::Value;
use std::cell::Cell;
use std::rc::Rc;

/// One instruction.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Instr {
    /// `R[a] = R[b]`
    Move {
        a: u8,
        b: u8,
    },
    /// `R[a] = K[k]`
    LoadK {
        a: u8,
        k: u32,
    },
    /// `R[a] = integer i`
    LoadI {
        a: u8,
        i: i32,
    },
    /// `R[a] = v`
    LoadBool {
        a: u8,
        v: bool,
    },
    /// `R[a..=a+n] = nil`
    LoadNil {
        a: u8,
        n: u8,
    },
    /// `R[a] = U[u]`
    GetUpval {
        a: u8,
        u: u8,
    },
    /// `U[u] = R[a]`
    SetUpval {
        a: u8,
        u: u8,
    },
    /// `R[a] = U[u][K[k]]` (string key; globals)
    GetTabUp {
        a: u8,
        u: u8,
        k: u16,
    },
    /// `U[u][K[k]] = R[c]`
    SetTabUp {
        u: u8,
        c: u8,
        k: u16,
    },
    /// `R[a] = R[b][R[c]]`
    GetTable {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `R[a] = R[b][i]` (integer key)
    GetTableI {
        a: u8,
        b: u8,
        i: u16,
    },
    /// `R[a] = R[b][K[k]]` (string key)
    GetField {
        a: u8,
        b: u8,
        k: u16,
    },
    /// `R[a][R[b]] = R[c]`
    SetTable {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `R[a][i] = R[c]` (integer key)
    SetTableI {
        a: u8,
        c: u8,
        i: u16,
    },
    /// `R[a][R[b]] = K[k]` (constant value)
    SetTableK {
        a: u8,
        b: u8,
        k: u16,
    },
    /// `R[a][K[k]] = R[c]` (string key)
    SetField {
        a: u8,
        c: u8,
        k: u16,
    },
    /// `R[a] = {} with size hints`
    NewTable {
        a: u8,
        narr: u16,
        nhash: u8,
    },
    /// `R[a+1] = R[b]; R[a] = R[b][K[k]]`
    SelfOp {
        a: u8,
        b: u8,
        k: u16,
    },
    Add {
        a: u8,
        b: u8,
        c: u8,
    },
    Sub {
        a: u8,
        b: u8,
        c: u8,
    },
    Mul {
        a: u8,
        b: u8,
        c: u8,
    },
    Div {
        a: u8,
        b: u8,
        c: u8,
    },
    Mod {
        a: u8,
        b: u8,
        c: u8,
    },
    Pow {
        a: u8,
        b: u8,
        c: u8,
    },
    IDiv {
        a: u8,
        b: u8,
        c: u8,
    },
    BAnd {
        a: u8,
        b: u8,
        c: u8,
    },
    BOr {
        a: u8,
        b: u8,
        c: u8,
    },
    BXor {
        a: u8,
        b: u8,
        c: u8,
    },
    Shl {
        a: u8,
        b: u8,
        c: u8,
    },
    Shr {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `R[a] = R[b] + K[c]` (numeric constant)
    AddK {
        a: u8,
        b: u8,
        c: u8,
    },
    SubK {
        a: u8,
        b: u8,
        c: u8,
    },
    MulK {
        a: u8,
        b: u8,
        c: u8,
    },
    ModK {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `R[a] = K[c] + R[b]` (numeric constant on the left; metamethods see
    /// the operands in source order)
    AddKL {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `R[a] = K[c] * R[b]`
    MulKL {
        a: u8,
        b: u8,
        c: u8,
    },
    DivK {
        a: u8,
        b: u8,
        c: u8,
    },
    IDivK {
        a: u8,
        b: u8,
        c: u8,
    },
    PowK {
        a: u8,
        b: u8,
        c: u8,
    },
    Unm {
        a: u8,
        b: u8,
    },
    BNot {
        a: u8,
        b: u8,
    },
    Not {
        a: u8,
        b: u8,
    },
    Len {
        a: u8,
        b: u8,
    },
    /// `R[a] = R[a] .. ... .. R[a+n-1]`
    Concat {
        a: u8,
        n: u8,
    },
    /// pc += j
    Jmp {
        j: i32,
    },
    /// `if ((R[a] == R[b]) ~= k) then pc++`
    Eq {
        a: u8,
        b: u8,
        k: bool,
    },
    Lt {
        a: u8,
        b: u8,
        k: bool,
    },
    Le {
        a: u8,
        b: u8,
        k: bool,
    },
    /// `if ((R[a] < i) ~= k) then pc++` (immediate operand: the integer
    /// `i`, or the float `i` when `f`)
    LtI {
        a: u8,
        i: i16,
        k: bool,
        f: bool,
    },
    /// `if ((R[a] <= i) ~= k) then pc++`
    LeI {
        a: u8,
        i: i16,
        k: bool,
        f: bool,
    },
    /// `if ((R[a] > i) ~= k) then pc++`
    GtI {
        a: u8,
        i: i16,
        k: bool,
        f: bool,
    },
    /// `if ((R[a] >= i) ~= k) then pc++`
    GeI {
        a: u8,
        i: i16,
        k: bool,
        f: bool,
    },
    /// `if ((R[a] == K[c]) ~= k) then pc++`
    EqK {
        a: u8,
        c: u16,
        k: bool,
    },
    /// `if (truthy(R[a]) ~= k) then pc++`
    Test {
        a: u8,
        k: bool,
    },
    /// `if (truthy(R[b]) == k) then R[a] = R[b] else pc++`
    TestSet {
        a: u8,
        b: u8,
        k: bool,
    },
    /// `R[a..a+c-2] = R[a](R[a+1..a+b-1])`
    Call {
        a: u8,
        b: u8,
        c: u8,
    },
    /// `return R[a](R[a+1..a+b-1])`
    TailCall {
        a: u8,
        b: u8,
    },
    /// `return R[a..a+b-2]`
    Return {
        a: u8,
        b: u8,
    },
    /// Numeric for setup: skip loop (pc += j + 1) when it runs zero times.
    ForPrep {
        a: u8,
        j: i32,
    },
    /// Numeric for step: jump back (pc -= j) while iterating.
    ForLoop {
        a: u8,
        j: i32,
    },
    /// `R[a+3..a+2+c] = R[a](R[a+1], R[a+2])`
    TForCall {
        a: u8,
        c: u8,
    },
    /// `if R[a+3] ~= nil then R[a+2] = R[a+3]; pc -= j`
    TForLoop {
        a: u8,
        j: i32,
    },
    /// `R[a][start+i] = R[a+i], 1 <= i <= n`
    SetList {
        a: u8,
        n: u8,
        start: u32,
    },
    /// `R[a] = closure(protos[p])`
    Closure {
        a: u8,
        p: u32,
    },
    /// `R[a..a+n-2] = varargs`
    VarArg {
        a: u8,
        n: u8,
    },
    /// `Close upvalues >= R[a]`
    Close {
        a: u8,
    },
}

const _: () = assert!(std::mem::size_of::<Instr>() == 8);

/// How a closure captures one upvalue.
#[derive(Debug, Clone, PartialEq)]
pub struct UpvalDesc {
    /// Variable name (for error messages).
    pub name: String,
    /// True: the enclosing function's register `index`; false: its upvalue `index`.
    pub in_stack: bool,
    /// Register or upvalue index.
    pub index: u8,
}

/// A local variable's live range (for error messages naming locals).
#[derive(Debug, Clone)]
pub struct LocVar {
    /// Name.
    pub name: String,
    /// Register.
    pub reg: u8,
    /// First pc where it is active.
    pub start: u32,
    /// First pc where it is dead.
    pub end: u32,
}

/// A compiled function.
#[derive(Debug)]
pub struct Proto {
    /// Instructions.
    pub code: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    /// Constants (cells: the collector updates string references in place).
    pub consts: Box<[Cell<Value>]>,
    /// Table-key hash of each constant (stable across collections), so
    /// field accesses need not look the key string up in the heap.
    pub const_hashes: Box<[u64]>,
    /// Per constant: the hash-part position where a field keyed by this
    /// (string) constant was last found, an inline cache for field
    /// accesses. Any value is safe: a stale hint only costs a lookup.
    pub slot_hints: Box<[Cell<u32>]>,
    /// Like `slot_hints`, for the lookup in the `__index` table of a
    /// metatable (methods of a class).
    pub class_hints: Box<[Cell<u32>]>,
    /// Nested functions.
    pub protos: Vec<Rc<Proto>>,
    /// Upvalue descriptions.
    pub upvals: Vec<UpvalDesc>,
    /// Local variable ranges.
    pub locvars: Vec<LocVar>,
    /// Fixed parameter count.
    pub nparams: u8,
    /// Whether it takes `...`.
    pub vararg: bool,
    /// Registers needed.
    pub max_stack: u8,
    /// Display chunk name (for "FILE:LINE:" positions).
    pub chunk: Rc<str>,
    /// Line where defined (0 for a main chunk).
    pub line: u32,
    /// Collector cycle in which the constants were last updated.
    pub gc_mark: Cell<u64>,
}
