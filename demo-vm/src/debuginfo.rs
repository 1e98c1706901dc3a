//! Naming values for error messages, as Lua's `getobjname` does: a register
//! is a named local if a local is active there, otherwise the instruction
//! that last loaded it tells whether it came from a global, a field, an
//! upvalue, a method or a string constant.

use crate::bytecode::{Instr, Proto};
use crate::value::Value;

/// The local variable in register `reg` at `pc`, if any.
pub fn local_name(p: &Proto, reg: u8, pc: usize) -> Option<&str> {
    p.locvars
        .iter()
        .rev()
        .find(|v| v.reg == reg && (v.start as usize) <= pc && pc < v.end as usize)
        .map(|v| v.name.as_str())
}

fn writes(i: &Instr, reg: u8) -> bool {
    use Instr::*;
    match *i {
        Move { a, .. }
        | LoadK { a, .. }
        | LoadI { a, .. }
        | LoadBool { a, .. }
        | GetUpval { a, .. }
        | GetTabUp { a, .. }
        | GetTable { a, .. }
        | GetField { a, .. }
        | NewTable { a, .. }
        | Add { a, .. }
        | Sub { a, .. }
        | Mul { a, .. }
        | Div { a, .. }
        | Mod { a, .. }
        | Pow { a, .. }
        | IDiv { a, .. }
        | BAnd { a, .. }
        | BOr { a, .. }
        | BXor { a, .. }
        | Shl { a, .. }
        | Shr { a, .. }
        | AddK { a, .. }
        | SubK { a, .. }
        | MulK { a, .. }
        | ModK { a, .. }
        | DivK { a, .. }
        | IDivK { a, .. }
        | PowK { a, .. }
        | AddKL { a, .. }
        | MulKL { a, .. }
        | GetTableI { a, .. }
        | Unm { a, .. }
        | BNot { a, .. }
        | Not { a, .. }
        | Len { a, .. }
        | Concat { a, .. }
        | TestSet { a, .. }
        | Closure { a, .. } => a == reg,
        LoadNil { a, n } => reg >= a && reg <= a + n,
        SelfOp { a, .. } => reg == a || reg == a + 1,
        Call { a, .. } | TailCall { a, .. } | VarArg { a, .. } => reg >= a,
        TForCall { a, .. } => reg >= a + 3,
        ForPrep { a, .. } | ForLoop { a, .. } => reg >= a && reg <= a + 3,
        _ => false,
    }
}

/// The last instruction before `lastpc` that set `reg` (ignoring writes
/// inside conditionally skipped code, like Lua's `findsetreg`).
fn find_set_reg(p: &Proto, lastpc: usize, reg: u8) -> Option<usize> {
    let mut setreg = None;
    let mut jmptarget = 0usize;
    for pc in 0..lastpc.min(p.code.len()) {
        let i = &p.code[pc];
        if let Instr::Jmp { j } = i {
            let dest = pc as i64 + 1 + *j as i64;
            if dest as usize <= lastpc && dest as usize > jmptarget && dest > pc as i64 {
                jmptarget = dest as usize;
            }
            continue;
        }
        if writes(i, reg) {
            setreg = if pc < jmptarget { None } else { Some(pc) };
        }
    }
    setreg
}

fn const_str(p: &Proto, k: usize, heap: &crate::heap::Heap) -> Option<String> {
    match p.consts.get(k)?.get() {
        Value::Str(s) => Some(String::from_utf8_lossy(heap.str_bytes(s)).into_owned()),
        _ => None,
    }
}

/// `(kind, name)` describing register `reg` at instruction `pc`.
pub fn obj_name(
    p: &Proto,
    pc: usize,
    reg: u8,
    heap: &crate::heap::Heap,
) -> Option<(&'static str, String)> {
    if let Some(n) = local_name(p, reg, pc) {
        return Some(("local", n.to_string()));
    }
    let setpc = find_set_reg(p, pc, reg)?;
    match p.code[setpc] {
        Instr::Move { a, b } if b < a => obj_name(p, setpc, b, heap),
        Instr::GetTabUp { u, k, .. } => {
            let name = const_str(p, k as usize, heap)?;
            let kind = if p.upvals.get(u as usize).is_some_and(|d| d.name == "_ENV") {
                "global"
            } else {
                "field"
            };
            Some((kind, name))
        }
        Instr::GetField { b, k, .. } => {
            let name = const_str(p, k as usize, heap)?;
            let kind = if local_name(p, b, setpc) == Some("_ENV") {
                "global"
            } else {
                "field"
            };
            Some((kind, name))
        }
        Instr::GetTable { c, .. } => {
            let int_key = find_set_reg(p, setpc, c).is_some_and(
                |kpc| matches!(p.code[kpc], Instr::LoadI { i, .. } if (0..=255).contains(&i)),
            );
            let name = match obj_name(p, setpc, c, heap) {
                Some(("constant", n)) => n,
                _ if int_key => "integer index".to_string(),
                _ => "?".to_string(),
            };
            Some(("field", name))
        }
        Instr::GetTableI { .. } => Some(("field", "integer index".to_string())),
        Instr::GetUpval { u, .. } => Some(("upvalue", p.upvals.get(u as usize)?.name.clone())),
        Instr::LoadK { k, .. } => Some(("constant", const_str(p, k as usize, heap)?)),
        Instr::SelfOp { k, .. } => Some(("method", const_str(p, k as usize, heap)?)),
        _ => None,
    }
}
