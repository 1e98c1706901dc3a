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

/// `io.read(...)`: each format reads one value from stdin; reading stops at
/// the first format that fails, which yields `nil` (as `g_read` in liolib.c).
fn read(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.flush_output();
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    for i in 0..n.max(1) {
        let v = if n == 0 {
            read_line(vm, &mut lock, false)
        } else {
            match vm.arg(base, n, i) {
                Value::Int(k) => {
                    let mut buf = vec![0u8; k.max(0) as usize];
                    let got = lock.read(&mut buf).unwrap_or(0);
                    if got == 0 && k > 0 {
                        Value::Nil
                    } else {
                        vm.str_val(&buf[..got])
                    }
                }
                _ => {
                    let s = vm.check_str(base, n, i)?;
                    let fmt = vm.heap.str_bytes(s).iter().copied().find(|&c| c != b'*');
                    match fmt {
                        Some(b'l') => read_line(vm, &mut lock, false),
                        Some(b'L') => read_line(vm, &mut lock, true),
                        Some(b'a') => {
                            let mut all = Vec::new();
                            let _ = lock.read_to_end(&mut all);
                            vm.str_val(&all)
                        }
                        Some(b'n') => read_number(&mut lock).unwrap_or(Value::Nil),
                        _ => return Err(vm.arg_error(i + 1, "invalid format")),
                    }
                }
            }
        };
        vm.push(v);
        if v.is_nil() {
            return Ok(i + 1);
        }
    }
    Ok(n.max(1))
}

/// One line, without (`l`) or with (`L`) its newline; `nil` at end of input.
fn read_line(vm: &mut Vm, input: &mut impl BufRead, keep_newline: bool) -> Value {
    let mut line = Vec::new();
    match input.read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => Value::Nil,
        Ok(_) => {
            if !keep_newline && line.last() == Some(&b'\n') {
                line.pop();
            }
            vm.str_val(&line)
        }
    }
}

/// `io.read("n")` as liolib.c's `l_getn`: skip spaces, take the longest
/// prefix that looks like a numeral (at most 200 bytes, one byte of
/// look-ahead left unread), then convert it; `None` if it is no number.
fn read_number(input: &mut impl BufRead) -> Option<Value> {
    struct Numeral<'a, R: BufRead> {
        input: &'a mut R,
        text: Vec<u8>,
    }
    impl<R: BufRead> Numeral<'_, R> {
        fn peek(&mut self) -> Option<u8> {
            self.input.fill_buf().ok()?.first().copied()
        }
        /// Takes the look-ahead byte if it is one of `set`.
        fn accept(&mut self, set: &[u8]) -> bool {
            match self.peek() {
                Some(c) if set.contains(&c) && self.text.len() < 200 => {
                    self.text.push(c);
                    self.input.consume(1);
                    true
                }
                _ => false,
            }
        }
        fn digits(&mut self, hex: bool) -> usize {
            let mut count = 0;
            while let Some(c) = self.peek() {
                let ok = if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                };
                if !ok || !self.accept(&[c]) {
                    break;
                }
                count += 1;
            }
            count
        }
    }
    while let Some(c) = input.fill_buf().ok()?.first().copied() {
        if !c.is_ascii_whitespace() {
            break;
        }
        input.consume(1);
    }
    let mut n = Numeral {
        input,
        text: Vec::new(),
    };
    n.accept(b"-+");
    let (mut count, mut hex) = (0, false);
    if n.accept(b"0") {
        if n.accept(b"xX") {
            hex = true;
        } else {
            count = 1;
        }
    }
    count += n.digits(hex);
    if n.accept(b".") {
        count += n.digits(hex);
    }
    if count > 0 && n.accept(if hex { b"pP" } else { b"eE" }) {
        n.accept(b"-+");
        n.digits(false);
    }
    crate::number_fmt::str_to_number(&n.text)
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
