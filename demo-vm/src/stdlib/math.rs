//! `math` library (with Lua 5.4's xoshiro256** generator, so seeded
//! sequences match the reference implementation).

use crate::error::LResult;
use crate::value::{Value, float_to_int_exact};
use crate::vm::Vm;

/// Install `math`.
pub fn open(vm: &mut Vm) {
    let m = crate::stdlib::new_lib(
        vm,
        "math",
        &[
            ("floor", floor),
            ("ceil", ceil),
            ("abs", abs),
            ("sqrt", |vm, b, n| f1(vm, b, n, f64::sqrt)),
            ("sin", |vm, b, n| f1(vm, b, n, f64::sin)),
            ("cos", |vm, b, n| f1(vm, b, n, f64::cos)),
            ("tan", |vm, b, n| f1(vm, b, n, f64::tan)),
            ("asin", |vm, b, n| f1(vm, b, n, f64::asin)),
            ("acos", |vm, b, n| f1(vm, b, n, f64::acos)),
            ("exp", |vm, b, n| f1(vm, b, n, f64::exp)),
            ("atan", atan),
            ("log", log),
            ("fmod", fmod),
            ("modf", modf),
            ("max", |vm, b, n| minmax(vm, b, n, true)),
            ("min", |vm, b, n| minmax(vm, b, n, false)),
            ("type", type_),
            ("tointeger", tointeger),
            ("random", random),
            ("randomseed", randomseed),
            ("ult", ult),
        ],
    );
    vm.set_str_field(m, "huge", Value::Float(f64::INFINITY));
    vm.set_str_field(m, "pi", Value::Float(std::f64::consts::PI));
    vm.set_str_field(m, "maxinteger", Value::Int(i64::MAX));
    vm.set_str_field(m, "mininteger", Value::Int(i64::MIN));
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    seed(vm, t as i64, std::process::id() as i64);
}

fn f1(vm: &mut Vm, base: usize, n: usize, f: fn(f64) -> f64) -> LResult<usize> {
    let x = vm.check_f64(base, n, 0)?;
    vm.push(Value::Float(f(x)));
    Ok(1)
}

fn float_to_int_value(f: f64) -> Value {
    match float_to_int_exact(f) {
        Some(i) => Value::Int(i),
        None => Value::Float(f),
    }
}

fn floor(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = match vm.check_num(base, n, 0)? {
        Value::Float(f) => float_to_int_value(f.floor()),
        v => v,
    };
    vm.push(v);
    Ok(1)
}

fn ceil(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = match vm.check_num(base, n, 0)? {
        Value::Float(f) => float_to_int_value(f.ceil()),
        v => v,
    };
    vm.push(v);
    Ok(1)
}

fn abs(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = match vm.check_num(base, n, 0)? {
        Value::Int(i) => Value::Int(i.wrapping_abs()),
        Value::Float(f) => Value::Float(f.abs()),
        v => v,
    };
    vm.push(v);
    Ok(1)
}

fn atan(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let y = vm.check_f64(base, n, 0)?;
    let x = if vm.arg(base, n, 1).is_nil() {
        1.0
    } else {
        vm.check_f64(base, n, 1)?
    };
    vm.push(Value::Float(y.atan2(x)));
    Ok(1)
}

fn log(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let x = vm.check_f64(base, n, 0)?;
    let r = if vm.arg(base, n, 1).is_nil() {
        x.ln()
    } else {
        let b = vm.check_f64(base, n, 1)?;
        if b == 2.0 {
            x.log2()
        } else if b == 10.0 {
            x.log10()
        } else {
            x.ln() / b.ln()
        }
    };
    vm.push(Value::Float(r));
    Ok(1)
}

fn fmod(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let (a, b) = (vm.check_num(base, n, 0)?, vm.check_num(base, n, 1)?);
    let r = match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            if y == 0 {
                return Err(vm.arg_error(2, "zero"));
            }
            if y == -1 {
                Value::Int(0)
            } else {
                Value::Int(x % y)
            }
        }
        _ => Value::Float(a.as_f64().unwrap_or(0.0) % b.as_f64().unwrap_or(0.0)),
    };
    vm.push(r);
    Ok(1)
}

fn modf(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let v = vm.check_num(base, n, 0)?;
    match v {
        Value::Int(_) => {
            vm.push(v);
            vm.push(Value::Float(0.0));
        }
        _ => {
            let x = v.as_f64().unwrap_or(0.0);
            let ip = if x < 0.0 { x.ceil() } else { x.floor() };
            vm.push(float_to_int_value(ip));
            vm.push(Value::Float(if x.is_infinite() { 0.0 } else { x - ip }));
        }
    }
    Ok(2)
}

fn minmax(vm: &mut Vm, base: usize, n: usize, max: bool) -> LResult<usize> {
    if n == 0 {
        return Err(vm.arg_error(1, "value expected"));
    }
    let mut best = vm.check_num(base, n, 0)?;
    for i in 1..n {
        let v = vm.check_num(base, n, i)?;
        let better = if max {
            vm.compare(best, v, false)?
        } else {
            vm.compare(v, best, false)?
        };
        if better {
            best = v;
        }
    }
    vm.push(best);
    Ok(1)
}

fn type_(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    vm.check_any(n, 0)?;
    let r = match vm.stack[base] {
        Value::Int(_) => vm.str_val(b"integer"),
        Value::Float(_) => vm.str_val(b"float"),
        _ => Value::Nil,
    };
    vm.push(r);
    Ok(1)
}

fn tointeger(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let r = match vm.arg(base, n, 0) {
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => float_to_int_exact(f).map(Value::Int).unwrap_or(Value::Nil),
        Value::Str(_) => {
            let v = vm.arg(base, n, 0);
            match vm.to_number(v) {
                Some(Value::Int(i)) => Value::Int(i),
                Some(Value::Float(f)) => {
                    float_to_int_exact(f).map(Value::Int).unwrap_or(Value::Nil)
                }
                _ => Value::Nil,
            }
        }
        _ => Value::Nil,
    };
    vm.push(r);
    Ok(1)
}

fn ult(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let (a, b) = (vm.check_int(base, n, 0)?, vm.check_int(base, n, 1)?);
    vm.push(Value::Bool((a as u64) < (b as u64)));
    Ok(1)
}

fn next_rand(s: &mut [u64; 4]) -> u64 {
    let r = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    r
}

fn seed(vm: &mut Vm, n1: i64, n2: i64) {
    vm.rng = [n1 as u64, 0xff, n2 as u64, 0];
    for _ in 0..16 {
        next_rand(&mut vm.rng);
    }
}

fn project(ran: u64, n: u64, s: &mut [u64; 4]) -> u64 {
    if n & n.wrapping_add(1) == 0 {
        return ran & n;
    }
    let mut lim = n;
    lim |= lim >> 1;
    lim |= lim >> 2;
    lim |= lim >> 4;
    lim |= lim >> 8;
    lim |= lim >> 16;
    lim |= lim >> 32;
    let mut r = ran & lim;
    while r > n {
        r = next_rand(s) & lim;
    }
    r
}

fn random(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    let rv = next_rand(&mut vm.rng);
    let (low, up) = match n {
        0 => {
            vm.push(Value::Float((rv >> 11) as f64 * (0.5f64).powi(53)));
            return Ok(1);
        }
        1 => {
            let m = vm.check_int(base, n, 0)?;
            if m == 0 {
                // math.random(0): an integer with all bits random.
                vm.push(Value::Int(rv as i64));
                return Ok(1);
            }
            (1, m)
        }
        2 => (vm.check_int(base, n, 0)?, vm.check_int(base, n, 1)?),
        _ => return Err(vm.native_error("wrong number of arguments")),
    };
    if low > up {
        return Err(vm.arg_error(n, "interval is empty"));
    }
    let r = project(rv, (up as u64).wrapping_sub(low as u64), &mut vm.rng);
    vm.push(Value::Int(r.wrapping_add(low as u64) as i64));
    Ok(1)
}

fn randomseed(vm: &mut Vm, base: usize, n: usize) -> LResult<usize> {
    if n == 0 {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        seed(vm, t, 0);
        return Ok(0);
    }
    let n1 = match vm.check_num(base, n, 0)? {
        Value::Int(i) => i,
        v => v.as_f64().unwrap_or(0.0) as i64,
    };
    let n2 = vm.opt_int(base, n, 1, 0)?;
    seed(vm, n1, n2);
    vm.push(Value::Int(n1));
    vm.push(Value::Int(n2));
    Ok(2)
}
