//! Base library: print, type, tostring, tonumber, pairs/ipairs/next,
//! select, raw*, metatables, assert/error/pcall/xpcall, load/dofile/require,
//! collectgarbage, unpack.

use crate::error::{LResult, LuaError};
use crate::heap::Table;
use crate::value::Value;
use crate::vm::{Tm, Vm};

/// Install the base functions and the `package` table.
pub fn open(vm: &mut Vm) {
    let g = vm.globals;
    let funcs: &[(&'static str, crate::vm::NativeFn)] = &[
        ("print", print),
        ("type", type_),
        ("tostring", tostring),
        ("tonumber", tonumber),
        ("ipairs", ipairs),
        ("next", next),
        ("select", select),
        ("rawget", rawget),
        ("rawset", rawset),
        ("rawequal", rawequal),
        ("rawlen", rawlen),
        ("setmetatable", setmetatable),
        ("getmetatable", getmetatable),
        ("assert", assert),
        ("error", error),
        ("pcall", pcall),
        ("xpcall", xpcall),
        ("collectgarbage", collectgarbage),
        ("unpack", crate::stdlib::table::unpack),
        ("load", load),
        ("dofile", dofile),
        ("require", require),
    ];
    for (n, f) in funcs {
        let fv = vm.native(n, *f);
        vm.set_str_field(g, n, fv);
    }
    let next_fn = vm.get_str_field(g, "next");
    let pairs_fn = vm.native_with("pairs", pairs, vec![next_fn]);
    vm.set_str_field(g, "pairs", pairs_fn);
    vm.set_str_field(g, "_G", g);
    let v = vm.str_val(b"Lua 5.4");
    vm.set_str_field(g, "_VERSION", v);
    let package = Value::Table(vm.heap.alloc_table(Table::default()));
    let path = vm.str_val(b"./?.lua;./?/init.lua");
    vm.set_str_field(package, "path", path);
    let loaded = vm.loaded;
    vm.set_str_field(package, "loaded", loaded);
    vm.set_str_field(g, "package", package);
    vm.set_str_field(loaded, "_G", g);
    vm.set_str_field(loaded, "package", package);
}

fn print(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    for i in 0..n {
        if i > 0 {
            vm.out.push(b'\t');
        }
        let v = vm.stack[base + i];
        let b = vm.tostring_bytes(v)?;
        vm.out.extend_from_slice(&b);
    }
    vm.out.push(b'\n');
    if vm.out.len() > 1 << 14 {
        vm.flush_output();
    }
    Ok(0)
}

fn type_(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let t = vm.stack[base].type_name();
    let s = vm.str_val(t.as_bytes());
    vm.push(s);
    Ok(1)
}

fn tostring(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let v = vm.stack[base];
    if let Value::Str(_) = v {
        vm.push(v);
        return Ok(1);
    }
    let b = vm.tostring_bytes(v)?;
    let s = vm.str_val(&b);
    vm.push(s);
    Ok(1)
}

fn tonumber(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = vm.arg(base, n, 0);
    if n < 2 || vm.arg(base, n, 1).is_nil() {
        vm.check_any(n, 0)?;
        let r = match v {
            Value::Int(_) | Value::Float(_) => v,
            Value::Str(_) => vm.to_number(v).unwrap_or(Value::Nil),
            _ => Value::Nil,
        };
        vm.push(r);
        return Ok(1);
    }
    let b = vm.check_int(base, n, 1)?;
    let Value::Str(s) = v else {
        let got = vm.type_name_of(v);
        return Err(vm.arg_error(1, &format!("string expected, got {got}")));
    };
    if !(2..=36).contains(&b) {
        return Err(vm.arg_error(2, "base out of range"));
    }
    let r = crate::stdlib::lstr::number::str_to_int_base(vm.heap.str_bytes(s), b as u32);
    vm.push(r.map_or(Value::Nil, Value::Int));
    Ok(1)
}

fn ipairs_aux(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let i = vm.check_int(base, n, 1)?.wrapping_add(1);
    let t = vm.arg(base, n, 0);
    let v = match t {
        Value::Table(tr) if vm.heap.table_meta(tr).is_none() => vm.heap.table(tr).get_int(i),
        _ => vm.index(t, Value::Int(i), crate::meta::Opnd::None)?,
    };
    if v.is_nil() {
        vm.push(Value::Nil);
        return Ok(1);
    }
    vm.push(Value::Int(i));
    vm.push(v);
    Ok(2)
}

fn ipairs(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let t = vm.stack[base];
    let f = vm.native("ipairs_aux", ipairs_aux);
    vm.push(f);
    vm.push(t);
    vm.push(Value::Int(0));
    Ok(3)
}

fn pairs(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let t = vm.stack[base];
    let mm = match vm.metatable(t) {
        Some(m) => {
            let k = vm.heap.intern(b"__pairs");
            vm.heap.raw_get_str(m, k)
        }
        None => Value::Nil,
    };
    if !mm.is_nil() {
        let (at, _) = vm.call_value(mm, &[t], 3)?;
        let (a, b, c) = (vm.stack[at], vm.stack[at + 1], vm.stack[at + 2]);
        vm.top = at;
        vm.push(a);
        vm.push(b);
        vm.push(c);
        return Ok(3);
    }
    if !matches!(t, Value::Table(_)) {
        let got = vm.type_name_of(t);
        return Err(vm.arg_error(1, &format!("table expected, got {got}")));
    }
    let nf = vm.native_upval(0);
    vm.push(nf);
    vm.push(t);
    vm.push(Value::Nil);
    Ok(3)
}

fn next(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let k = vm.arg(base, n, 1);
    let k = match k {
        Value::Float(f) => crate::value::float_to_int_exact(f)
            .map(Value::Int)
            .unwrap_or(k),
        _ => k,
    };
    let h = vm.heap.key_hash(k);
    match vm.heap.table(t).next(k, h) {
        Ok(Some((k, v))) => {
            vm.push(k);
            vm.push(v);
            Ok(2)
        }
        Ok(None) => {
            vm.push(Value::Nil);
            Ok(1)
        }
        Err(_) => {
            let m = vm.str_val(b"invalid key to 'next'");
            Err(LuaError { value: m })
        }
    }
}

fn select(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    if let Value::Str(s) = vm.arg(base, n, 0)
        && vm.heap.str_bytes(s) == b"#"
    {
        vm.push(Value::Int(n as i64 - 1));
        return Ok(1);
    }
    let i = vm.check_int(base, n, 0)?;
    let nvar = n as i64 - 1;
    let start = if i < 0 {
        if -i > nvar {
            return Err(vm.arg_error(1, "index out of range"));
        }
        nvar + i
    } else if i == 0 {
        return Err(vm.arg_error(1, "index out of range"));
    } else {
        (i - 1).min(nvar)
    };
    // Results are the arguments after `start`: they already sit below top.
    Ok((nvar - start) as usize)
}

fn rawget(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let k = vm.arg(base, n, 1);
    let v = vm.heap.raw_get(t, k);
    vm.push(v);
    Ok(1)
}

fn rawset(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let (k, v) = (vm.arg(base, n, 1), vm.arg(base, n, 2));
    vm.raw_set_checked(t, k, v)?;
    vm.push(Value::Table(t));
    Ok(1)
}

fn rawequal(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 1)?;
    let eq = vm.stack[base].raw_eq(vm.stack[base + 1]);
    vm.push(Value::Bool(eq));
    Ok(1)
}

fn rawlen(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = match vm.arg(base, n, 0) {
        Value::Table(t) => vm.heap.table(t).length(),
        Value::Str(s) => vm.heap.str_bytes(s).len() as i64,
        v => {
            let got = vm.type_name_of(v);
            return Err(vm.arg_error(1, &format!("table or string expected, got {got}")));
        }
    };
    vm.push(Value::Int(v));
    Ok(1)
}

fn setmetatable(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let t = vm.check_table(base, n, 0)?;
    let m = match vm.arg(base, n, 1) {
        Value::Nil if n >= 2 => None,
        Value::Table(m) => Some(m),
        v => {
            let got = if n < 2 {
                "no value".to_string()
            } else {
                vm.type_name_of(v)
            };
            return Err(vm.arg_error(2, &format!("nil or table expected, got {got}")));
        }
    };
    if let Some(old) = vm.heap.table_meta(t) {
        let k = vm.tm(Tm::Metatable);
        if !vm.heap.raw_get_str(old, k).is_nil() {
            return Err(vm.native_error("cannot change a protected metatable"));
        }
    }
    vm.heap.table_mut(t).meta = m;
    vm.push(Value::Table(t));
    Ok(1)
}

fn getmetatable(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let v = vm.stack[base];
    let r = match vm.metatable(v) {
        None => Value::Nil,
        Some(m) => {
            let k = vm.tm(Tm::Metatable);
            let p = vm.heap.raw_get_str(m, k);
            if p.is_nil() { Value::Table(m) } else { p }
        }
    };
    vm.push(r);
    Ok(1)
}

fn assert(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    if vm.stack[base].truthy() {
        return Ok(n);
    }
    // Like Lua: behave as `error(msg or "assertion failed!", 1)`.
    let msg = if n >= 2 {
        vm.stack[base + 1]
    } else {
        vm.str_val(b"assertion failed!")
    };
    Err(positioned_error(vm, msg, 1))
}

/// An error value with "CHUNK:LINE:" of call level `level` prefixed to string messages.
fn positioned_error(vm: &mut Vm, v: Value, level: i64) -> LuaError {
    if let Value::Str(s) = v
        && level > 0
    {
        let idx = vm.frames.len() as i64 - 1 - level;
        if idx >= 0 {
            let pos = vm.where_(idx as usize);
            if !pos.is_empty() {
                let mut b = pos.into_bytes();
                b.extend_from_slice(vm.heap.str_bytes(s));
                let m = vm.str_val(&b);
                return LuaError { value: m };
            }
        }
    }
    LuaError { value: v }
}

fn error(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = vm.arg(base, n, 0);
    let level = vm.opt_int(base, n, 1, 1)?;
    Err(positioned_error(vm, v, level))
}

fn pcall(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    match vm.pcall_at(base, n - 1, -1) {
        Ok(()) => {
            let top = vm.top;
            vm.ensure_stack(top + 2)?;
            vm.stack.copy_within(base..top, base + 1);
            vm.stack[base] = Value::Bool(true);
            vm.top = top + 1;
            Ok(top + 1 - base)
        }
        Err(e) => {
            vm.top = base;
            vm.push(Value::Bool(false));
            vm.push(e.value);
            Ok(2)
        }
    }
}

fn xpcall(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    if n < 2 {
        return Err(vm.arg_error(2, "value expected"));
    }
    // Keep both on the stack (rooted): handler at base, function at base+1.
    vm.stack.swap(base, base + 1);
    match vm.pcall_at(base + 1, n - 2, -1) {
        Ok(()) => {
            let top = vm.top;
            vm.stack[base] = Value::Bool(true);
            vm.stack.copy_within(base + 1..top, base + 1);
            Ok(top - base)
        }
        Err(e) => {
            vm.top = base + 1;
            let h = vm.stack[base];
            let r = match vm.call_value(h, &[e.value], 1) {
                Ok((at, _)) => vm.stack[at],
                Err(e2) => e2.value,
            };
            vm.top = base;
            vm.push(Value::Bool(false));
            vm.push(r);
            Ok(2)
        }
    }
}

fn collectgarbage(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let opt = match vm.arg(base, n, 0) {
        Value::Nil => "collect".to_string(),
        _ => {
            let s = vm.check_str(base, n, 0)?;
            String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned()
        }
    };
    match opt.as_str() {
        "collect" => {
            vm.collect()?;
            vm.push(Value::Int(0));
        }
        "count" => {
            let kb = (vm.heap.live + vm.heap.debt) as f64 / 1024.0;
            vm.push(Value::Float(kb));
        }
        "step" => {
            vm.collect()?;
            vm.push(Value::Bool(true));
        }
        "isrunning" => vm.push(Value::Bool(true)),
        "stop" | "restart" | "setpause" | "setstepmul" => vm.push(Value::Int(0)),
        "incremental" | "generational" => {
            let s = vm.str_val(b"incremental");
            vm.push(s);
        }
        _ => {
            return Err(vm.arg_error(1, &format!("invalid option '{opt}'")));
        }
    }
    Ok(1)
}

fn load(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let chunk = vm.arg(base, n, 0);
    let src: Vec<u8> = match chunk {
        Value::Str(s) => vm.heap.str_bytes(s).to_vec(),
        Value::Func(_) => {
            let mut acc = Vec::new();
            loop {
                let f = vm.stack[base];
                let piece = vm.call1(f, &[])?;
                match piece {
                    Value::Nil => break,
                    Value::Str(s) => {
                        let b = vm.heap.str_bytes(s);
                        if b.is_empty() {
                            break;
                        }
                        acc.extend_from_slice(b);
                    }
                    _ => {
                        vm.push(Value::Nil);
                        let m = vm.str_val(b"reader function must return a string");
                        vm.push(m);
                        return Ok(2);
                    }
                }
            }
            acc
        }
        v => {
            let got = vm.type_name_of(v);
            return Err(vm.arg_error(1, &format!("function expected, got {got}")));
        }
    };
    let name = match vm.arg(base, n, 1) {
        Value::Str(s) => String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned(),
        _ => match chunk {
            Value::Str(_) => String::from_utf8_lossy(&src).into_owned(),
            _ => "=(load)".to_string(),
        },
    };
    let env = if n >= 4 {
        vm.stack[base + 3]
    } else {
        vm.globals
    };
    // Only text chunks exist here; `mode` may still forbid them, as in lua5.4.
    let kind = if src.first() == Some(&0x1b) {
        "binary"
    } else {
        "text"
    };
    let mode = match vm.arg(base, n, 2) {
        Value::Str(s) => Some(String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned()),
        _ => None,
    };
    let refused = match &mode {
        Some(m) if !m.contains(&kind[..1]) => {
            Some(format!("attempt to load a {kind} chunk (mode is '{m}')"))
        }
        _ if kind == "binary" => Some("binary chunks are not supported by demo-vm".to_string()),
        _ => None,
    };
    if let Some(msg) = refused {
        vm.push(Value::Nil);
        let m = vm.str_val(msg.as_bytes());
        vm.push(m);
        return Ok(2);
    }
    match vm.load_chunk(&src, &name, env) {
        Ok(f) => {
            vm.push(f);
            Ok(1)
        }
        Err(msg) => {
            vm.push(Value::Nil);
            let m = vm.str_val(msg.as_bytes());
            vm.push(m);
            Ok(2)
        }
    }
}

fn dofile(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let path = String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned();
    let src =
        std::fs::read(&path).map_err(|e| vm.native_error(&format!("cannot open {path} ({e})")))?;
    let g = vm.globals;
    let f = vm.load_chunk(&src, &format!("@{path}"), g).map_err(|m| {
        let v = vm.str_val(m.as_bytes());
        LuaError { value: v }
    })?;
    let at = vm.top;
    vm.push(f);
    vm.call_at(at, 0, -1)?;
    Ok(vm.top - at)
}

fn require(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let name_ref = vm.check_str(base, n, 0)?;
    let loaded = vm.loaded;
    let Value::Table(lt) = loaded else {
        unreachable!("package.loaded is a table")
    };
    let cached = vm.heap.raw_get_str(lt, name_ref);
    if !cached.is_nil() {
        vm.push(cached);
        return Ok(1);
    }
    let name = String::from_utf8_lossy(vm.heap.str_bytes(name_ref)).into_owned();
    let g = vm.globals;
    let package = vm.get_str_field(g, "package");
    let path = match vm.get_str_field(package, "path") {
        Value::Str(s) => String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned(),
        _ => return Err(vm.native_error("'package.path' must be a string")),
    };
    let file_name = name.replace('.', "/");
    let mut tried = format!("module '{name}' not found:\n\tno field package.preload['{name}']");
    let mut found = None;
    for templ in path.split(';') {
        let cand = templ.replace('?', &file_name);
        if std::path::Path::new(&cand).is_file() {
            found = Some(cand);
            break;
        }
        tried.push_str(&format!("\n\tno file '{cand}'"));
    }
    let Some(file) = found else {
        return Err(vm.native_error(&tried));
    };
    let src = std::fs::read(&file)
        .map_err(|e| vm.native_error(&format!("cannot read '{file}' ({e})")))?;
    let f = match vm.load_chunk(&src, &format!("@{file}"), g) {
        Ok(f) => f,
        Err(m) => {
            return Err(vm.native_error(&format!(
                "error loading module '{name}' from file '{file}':\n\t{m}"
            )));
        }
    };
    let fname = vm.str_val(file.as_bytes());
    let arg0 = vm.stack[base];
    let r = vm.call1(f, &[arg0, fname])?;
    let Value::Str(key) = vm.stack[base] else {
        unreachable!("checked above")
    };
    let Value::Table(lt) = vm.loaded else {
        unreachable!("package.loaded is a table")
    };
    let existing = vm.heap.raw_get_str(lt, key);
    let result = if !existing.is_nil() {
        existing
    } else if r.is_nil() {
        Value::Bool(true)
    } else {
        r
    };
    vm.heap.raw_set_str(lt, key, result);
    let fname = vm.str_val(file.as_bytes());
    vm.push(result);
    vm.push(fname);
    Ok(2)
}
