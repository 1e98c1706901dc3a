//! `io` (write, read, lines, stdout:write), `os` (clock, time, getenv,
//! exit) and a minimal `debug.traceback`.

use crate::error::LResult;
use crate::heap::Table;
use crate::value::Value;
use crate::vm::Vm;
use std::io::{BufRead, Read};

/// Install `io` and `os`.
pub fn open(vm: &mut Vm) {
    let io = crate::stdlib::new_lib(
        vm,
        "io",
        &[("write", write), ("read", read), ("lines", lines)],
    );
    crate::stdlib::new_lib(vm, "debug", &[("traceback", traceback)]);
    let stdout = Value::Table(vm.heap.alloc_table(Table::default()));
    let w = vm.native("write", stdout_write);
    vm.set_str_field(stdout, "write", w);
    vm.set_str_field(io, "stdout", stdout);
    crate::stdlib::new_lib(
        vm,
        "os",
        &[
            ("clock", clock),
            ("time", time),
            ("getenv", getenv),
            ("exit", exit),
        ],
    );
}

fn write_args(vm: &mut Vm, base: usize, n: usize, first: usize) -> LResult<()> {
    for i in first..n {
        let v = vm.stack[base + i];
        match v {
            Value::Str(s) => {
                let b = vm.heap.str_bytes(s).to_vec();
                vm.out.extend_from_slice(&b);
            }
            Value::Int(_) | Value::Float(_) => {
                let s = crate::number_fmt::fmt_number_io(v);
                vm.out.extend_from_slice(s.as_bytes());
            }
            _ => {
                let got = vm.type_name_of(v);
                return Err(vm.arg_error(i + 1 - first, &format!("string expected, got {got}")));
            }
        }
    }
    if vm.out.len() > 1 << 14 {
        vm.flush_output();
    }
    Ok(())
}

fn write(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    write_args(vm, base, n, 0)?;
    let g = vm.globals;
    let io = vm.get_str_field(g, "io");
    let so = vm.get_str_field(io, "stdout");
    vm.push(so);
    Ok(1)
}

fn stdout_write(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    write_args(vm, base, n, 1)?;
    let me = vm.arg(base, n, 0);
    vm.push(me);
    Ok(1)
}

fn read(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.flush_output();
    let fmt = if n == 0 {
        "l".to_string()
    } else {
        match vm.arg(base, n, 0) {
            Value::Int(k) => {
                let mut buf = vec![0u8; k.max(0) as usize];
                let got = std::io::stdin().lock().read(&mut buf).unwrap_or(0);
                let r = if got == 0 && k > 0 {
                    Value::Nil
                } else {
                    vm.str_val(&buf[..got])
                };
                vm.push(r);
                return Ok(1);
            }
            _ => {
                let s = vm.check_str(base, n, 0)?;
                String::from_utf8_lossy(vm.heap.str_bytes(s))
                    .trim_start_matches('*')
                    .to_string()
            }
        }
    };
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let r = match fmt.chars().next() {
        Some('l') | Some('L') => {
            let mut line = Vec::new();
            match lock.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => Value::Nil,
                Ok(_) => {
                    if fmt.starts_with('l') && line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    vm.str_val(&line)
                }
            }
        }
        Some('a') => {
            let mut all = Vec::new();
            let _ = lock.read_to_end(&mut all);
            vm.str_val(&all)
        }
        Some('n') => {
            let mut line = String::new();
            // Read one whitespace-delimited token.
            let mut byte = [0u8; 1];
            while lock.read(&mut byte).unwrap_or(0) == 1 {
                let c = byte[0] as char;
                if c.is_ascii_whitespace() {
                    if line.is_empty() {
                        continue;
                    }
                    break;
                }
                line.push(c);
            }
            crate::number_fmt::str_to_number(line.as_bytes()).unwrap_or(Value::Nil)
        }
        _ => return Err(vm.arg_error(1, "invalid format")),
    };
    vm.push(r);
    Ok(1)
}

fn clock(vm: &mut Vm, _base: usize, _n: usize) -> LResult<usize> {
    let t = vm.start_time.elapsed().as_secs_f64();
    vm.push(Value::Float(t));
    Ok(1)
}

fn time(vm: &mut Vm, _base: usize, _n: usize) -> LResult<usize> {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    vm.push(Value::Int(t));
    Ok(1)
}

fn getenv(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let s = vm.check_str(base, n, 0)?;
    let name = String::from_utf8_lossy(vm.heap.str_bytes(s)).into_owned();
    let r = match std::env::var(name) {
        Ok(v) => vm.str_val(v.as_bytes()),
        Err(_) => Value::Nil,
    };
    vm.push(r);
    Ok(1)
}

fn exit(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let code = match vm.arg(base, n, 0) {
        Value::Nil | Value::Bool(true) => 0,
        Value::Bool(false) => 1,
        _ => vm.check_int(base, n, 0)? as i32,
    };
    vm.flush_output();
    std::process::exit(code)
}

fn lines_aux(vm: &mut Vm, _base: usize, _n: usize) -> LResult<usize> {
    vm.flush_output();
    let mut line = Vec::new();
    let r = match std::io::stdin().lock().read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => Value::Nil,
        Ok(_) => {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            vm.str_val(&line)
        }
    };
    vm.push(r);
    Ok(1)
}

/// `io.lines()`: iterate over the lines of standard input.
fn lines(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    if !vm.arg(base, n, 0).is_nil() {
        return Err(vm.native_error("io.lines: only standard input is supported"));
    }
    let f = vm.native("lines_aux", lines_aux);
    vm.push(f);
    Ok(1)
}

/// `debug.traceback([msg])`: the message followed by a (minimal) traceback.
fn traceback(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let m = vm.arg(base, n, 0);
    match m {
        Value::Str(s) => {
            let mut b = vm.heap.str_bytes(s).to_vec();
            b.extend_from_slice(b"\nstack traceback:\n\t[C]: in ?");
            let v = vm.str_val(&b);
            vm.push(v);
        }
        Value::Nil => {
            let v = vm.str_val(b"stack traceback:\n\t[C]: in ?");
            vm.push(v);
        }
        other => vm.push(other),
    }
    Ok(1)
}
