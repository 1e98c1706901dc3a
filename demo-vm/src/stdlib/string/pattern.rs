//! `string.find`, `string.match`, `string.gmatch` and `string.gsub`: Lua
//! values in, [`lstr::pattern`](crate::stdlib::lstr::pattern) on bytes, Lua
//! values out.
//!
//! `find`, `match` and `gmatch` run no Lua code, so they match on the heap
//! strings in place (no copy per call: a `find` loop over a long string
//! stays linear). `gsub` copies subject and pattern first: a replacement
//! function or a table's `__index` runs Lua code, which may collect and
//! move every string.

use super::{NativeErr, bytes_arg, opt_int_arg};
use crate::error::LResult;
use crate::meta::Opnd;
use crate::number_fmt::fmt_number;
use crate::stdlib::lstr::pattern::{self, Capture, Replacement};
use crate::value::{GcRef, Value};
use crate::vm::Vm;

/// A capture as a Lua value: a substring of `s`, or an integer position.
fn capture_value(vm: &mut Vm, s: &[u8], c: &Capture) -> Value {
    match c {
        Capture::Str(r) => vm.str_val(&s[r.clone()]),
        Capture::Position(p) => Value::Int(*p as i64),
    }
}

/// Push every capture of a match in the heap string `s`; returns how many.
fn push_captures(vm: &mut Vm, s: GcRef, caps: &[Capture]) -> LResult<usize> {
    vm.ensure_stack(vm.top + caps.len())?;
    for c in caps {
        let v = match c {
            Capture::Str(r) => {
                let sub = vm.heap.str_bytes(s)[r.clone()].to_vec();
                vm.str_val(&sub)
            }
            Capture::Position(p) => Value::Int(*p as i64),
        };
        vm.push(v);
    }
    Ok(caps.len())
}

/// `string.find(s, pattern [, init [, plain]])`.
pub(super) fn find(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let p = vm.check_str(base, n, 1)?;
    let init = vm.opt_int(base, n, 2, 1)?;
    let plain = vm.arg(base, n, 3).truthy();
    let found = pattern::find(vm.heap.str_bytes(s), vm.heap.str_bytes(p), init, plain);
    match found {
        Ok(Some((start, end, caps))) => {
            vm.push(Value::Int(start as i64));
            vm.push(Value::Int(end as i64));
            Ok(2 + push_captures(vm, s, &caps)?)
        }
        Ok(None) => {
            vm.push(Value::Nil);
            Ok(1)
        }
        Err(m) => Err(vm.native_error(&m)),
    }
}

/// `string.match(s, pattern [, init])`.
pub(super) fn match_(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let p = vm.check_str(base, n, 1)?;
    let init = vm.opt_int(base, n, 2, 1)?;
    let found = pattern::match_(vm.heap.str_bytes(s), vm.heap.str_bytes(p), init);
    match found {
        Ok(Some(caps)) => push_captures(vm, s, &caps),
        Ok(None) => {
            vm.push(Value::Nil);
            Ok(1)
        }
        Err(m) => Err(vm.native_error(&m)),
    }
}

/// Upvalue slots of the `gmatch` iterator: subject, search pattern (see
/// [`search_pattern`]), the 0-based offset where the next search starts,
/// and the end offset of the last match (-1 before the first match).
const GM_SUBJECT: usize = 0;
const GM_PATTERN: usize = 1;
const GM_SRC: usize = 2;
const GM_LAST: usize = 3;

/// `string.gmatch(s, pattern [, init])`: an iterator closure whose state is
/// the two strings and two offsets.
pub(super) fn gmatch(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let p = vm.check_str(base, n, 1)?;
    let init = vm.opt_int(base, n, 2, 1)?;
    let len = vm.heap.str_bytes(s).len();
    let src = crate::stdlib::lstr::index::start_offset(init, len).min(len + 1);
    let search = search_pattern(vm.heap.str_bytes(p));
    let search = vm.str_val(&search);
    let upvals = vec![
        Value::Str(s),
        search,
        Value::Int(src as i64),
        Value::Int(-1),
    ];
    let it = vm.native_with("gmatch_aux", gmatch_aux, upvals);
    vm.push(it);
    Ok(1)
}

/// The pattern to give `lstr`'s `find` so that it searches exactly like
/// `gmatch` (`lstr`'s `GMatch` keeps its offsets private, so the iterator
/// cannot keep one in a VM closure). `find` differs from `gmatch` in two
/// ways, both undone here without changing matches or errors:
/// * `find` anchors on a leading `^`; `gmatch` matches it literally, as `%^`;
/// * `find` searches plainly when the pattern has no special characters,
///   where `gmatch` runs the matcher, which rejects a `)` closing no
///   capture ("invalid pattern capture"). Writing the first byte `c` as
///   the class `[c]` forces the matcher; a first byte `)` gets `()` before
///   it, which fails at the first attempt just as `)` alone does.
fn search_pattern(p: &[u8]) -> Vec<u8> {
    const SPECIALS: &[u8] = b"^$*+?.([%-";
    let mut out = Vec::with_capacity(p.len() + 3);
    match p.first() {
        Some(b'^') => out.push(b'%'),
        Some(&c) if !p.iter().any(|b| SPECIALS.contains(b)) => {
            if c == b')' {
                out.extend_from_slice(b"()");
            } else {
                out.extend_from_slice(&[b'[', c, b']']);
                out.extend_from_slice(&p[1..]);
                return out;
            }
        }
        _ => {}
    }
    out.extend_from_slice(p);
    out
}

/// Store `v` in upvalue slot `i` of the running native function.
fn set_native_upval(vm: &mut Vm, i: usize, v: Value) {
    use crate::heap::Obj;
    if let Some(f) = vm.frames.last()
        && let Value::Func(r) = vm.stack[f.func]
        && let Obj::Native(nf) = &mut vm.heap.slot_mut(r).obj
        && let Some(slot) = nf.upvals.get_mut(i)
    {
        *slot = v;
    }
}

fn upval_offset(vm: &Vm, i: usize) -> Option<usize> {
    match vm.native_upval(i) {
        Value::Int(x) => usize::try_from(x).ok(),
        _ => None,
    }
}

/// One step of a `gmatch` iterator (`gmatch_aux`): the next match's
/// captures (the whole match if the pattern has none), or no values when
/// done.
///
/// The search is `lstr`'s `find` from the saved offset with the pattern
/// from [`search_pattern`]. Lua 5.4 skips an empty match ending where the
/// previous match ended; that is the only match a search from there can
/// return with that end, and the search then resumes one byte further.
fn gmatch_aux(vm: &mut Vm, _base: usize, _n: usize) -> LResult<usize> {
    let (Value::Str(sr), Value::Str(pr)) =
        (vm.native_upval(GM_SUBJECT), vm.native_upval(GM_PATTERN))
    else {
        return Err(vm.native_error("gmatch iterator has lost its state"));
    };
    let len = vm.heap.str_bytes(sr).len();
    let mut src = upval_offset(vm, GM_SRC).unwrap_or(len + 1);
    let last = upval_offset(vm, GM_LAST);
    while src <= len {
        let (s, p) = (vm.heap.str_bytes(sr), vm.heap.str_bytes(pr));
        let found = pattern::find(s, p, src as i64 + 1, false);
        let (start, end, caps) = match found {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(m) => return Err(vm.native_error(&m)),
        };
        let start = start - 1;
        if start == end && Some(end) == last {
            src = start + 1;
            continue;
        }
        set_native_upval(vm, GM_SRC, Value::Int(end as i64));
        set_native_upval(vm, GM_LAST, Value::Int(end as i64));
        if caps.is_empty() {
            let whole = [Capture::Str(start..end)];
            return push_captures(vm, sr, &whole);
        }
        return push_captures(vm, sr, &caps);
    }
    set_native_upval(vm, GM_SRC, Value::Int(len as i64 + 1));
    Ok(0)
}

/// Converts what a replacement table or function produced (`add_value`):
/// nil/false keep the match, strings and numbers replace it, anything
/// else is an error.
fn replacement_text(vm: &mut Vm, v: Value) -> Result<Option<Vec<u8>>, NativeErr> {
    match v {
        Value::Nil | Value::Bool(false) => Ok(None),
        Value::Str(r) => Ok(Some(vm.heap.str_bytes(r).to_vec())),
        Value::Int(_) | Value::Float(_) => Ok(Some(fmt_number(v).into_bytes())),
        other => Err(NativeErr::Msg(format!(
            "invalid replacement value (a {})",
            other.type_name()
        ))),
    }
}

/// The new text of a `gsub` result, `None` when it equals the subject.
fn changed((out, count): (std::borrow::Cow<'_, [u8]>, i64)) -> (Option<Vec<u8>>, i64) {
    match out {
        std::borrow::Cow::Borrowed(_) => (None, count),
        std::borrow::Cow::Owned(v) => (Some(v), count),
    }
}

/// `string.gsub(s, pattern, repl [, n])`.
pub(super) fn gsub(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = bytes_arg(vm, base, n, 0)?;
    let p = bytes_arg(vm, base, n, 1)?;
    let repl = vm.arg(base, n, 2);
    let max_n = opt_int_arg(vm, base, n, 3)?;
    // The replacement (argument 3) stays on the stack, a root: read it
    // from there at each call since a collection may move it.
    let repl_slot = base + 2;
    let result = match repl {
        Value::Str(_) | Value::Int(_) | Value::Float(_) => {
            let r = bytes_arg(vm, base, n, 2)?;
            pattern::gsub::<NativeErr>(&s, &p, Replacement::Str(&r), max_n).map(changed)
        }
        Value::Table(_) => {
            let mut cb = |caps: &[Capture]| -> Result<Option<Vec<u8>>, NativeErr> {
                let key = capture_value(vm, &s, &caps[0]);
                let t = vm.stack[repl_slot];
                let v = vm.index(t, key, Opnd::None)?;
                replacement_text(vm, v)
            };
            pattern::gsub(&s, &p, Replacement::Table(&mut cb), max_n).map(changed)
        }
        Value::Func(_) => {
            let mut cb = |caps: &[Capture]| -> Result<Option<Vec<u8>>, NativeErr> {
                let args: Vec<Value> = caps.iter().map(|c| capture_value(vm, &s, c)).collect();
                let f = vm.stack[repl_slot];
                let v = vm.call1(f, &args)?;
                replacement_text(vm, v)
            };
            pattern::gsub(&s, &p, Replacement::Function(&mut cb), max_n).map(changed)
        }
        other => {
            let got = if n < 3 {
                "no value".to_string()
            } else {
                vm.type_name_of(other)
            };
            return Err(vm.arg_error(3, &format!("string/function/table expected, got {got}")));
        }
    };
    match result {
        Ok((out, count)) => {
            let v = match (out, vm.stack[base]) {
                (None, subject @ Value::Str(_)) => subject,
                (Some(out), _) => vm.str_val(&out),
                (None, _) => vm.str_val(&s),
            };
            vm.push(v);
            vm.push(Value::Int(count));
            Ok(2)
        }
        Err(e) => Err(e.raise(vm)),
    }
}

#[cfg(test)]
mod tests {
    use super::search_pattern;

    #[test]
    fn gmatch_search_pattern_keeps_gmatch_semantics_under_find() {
        assert_eq!(search_pattern(b"^a"), b"%^a");
        assert_eq!(search_pattern(b"ab)"), b"[a]b)");
        assert_eq!(search_pattern(b")x"), b"())x");
        assert_eq!(search_pattern(b"%a+"), b"%a+");
        assert_eq!(search_pattern(b""), b"");
    }
}
