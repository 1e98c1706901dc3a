//! Differential tests: `demo_vm::stdlib::lstr` against the real `lua5.4`.
//!
//! Each test builds one Lua script holding a batch of cases, runs it in a
//! single `lua5.4` process, and compares every output line with what the
//! Rust implementation produces. Results travel hex-encoded, so any byte
//! (newlines, zeros) survives. `lua5.4` must be on PATH (CI installs it).

use demo_vm::stdlib::lstr::number::{self, Number};
use quickcheck::{Arbitrary, Gen};
use std::io::Write;
use std::process::{Command, Stdio};

/// Lua prelude: `H(s)` hex-encodes a string; `R(ok, ...)` renders a pcall
/// result as `ok:<hex values joined by ,>` or `err:<hex message>`.
const PRELUDE: &str = r##"
local function H(s)
  local t = {}
  for i = 1, #s, 4000 do
    local c = string.sub(s, i, i + 3999)
    t[#t + 1] = string.format(string.rep("%02x", #c), string.byte(c, 1, -1))
  end
  return table.concat(t)
end
local function V(v)
  if math.type(v) == "integer" then return "i" .. H(tostring(v))
  elseif math.type(v) == "float" then return "f" .. H(string.format("%a", v))
  elseif v == nil then return "nil" else return "s" .. H(tostring(v)) end
end
function R(ok, ...)
  if not ok then
    local m = string.gsub(tostring(...), "'string%.(%a+)'", "'%1'")
    return "err:" .. H(m)
  end
  local t = {}
  for i = 1, select("#", ...) do t[i] = V((select(i, ...))) end
  return "ok:" .. table.concat(t, ",")
end
function D(x) return (string.unpack("<d", string.pack("<i8", x))) end
"##;

/// Hex-encodes bytes like the prelude's `H`.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02x}")).collect()
}

/// Runs `body` (after the prelude) in one `lua5.4` process; returns stdout lines.
pub fn run_lua(body: &str) -> Vec<String> {
    let mut child = match Command::new("lua5.4")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot run `lua5.4` ({e}): install it (e.g. `apt-get install lua5.4`); \
             these differential tests need the reference interpreter"
        ),
    };
    let script = format!("{PRELUDE}\n{body}");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(script.as_bytes())
        .expect("write script to lua5.4");
    let out = child.wait_with_output().expect("lua5.4 runs");
    assert!(
        out.status.success(),
        "lua5.4 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("hex output")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A Lua string literal holding exactly `b`.
pub fn lua_lit(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        s.push_str(&format!("\\{c}"));
    }
    s.push('"');
    s
}

/// Renders a float as the prelude's `V` does.
fn v_float(x: f64) -> String {
    let spec = demo_vm::stdlib::lstr::cfmt::Spec {
        conv: b'a',
        ..Default::default()
    };
    format!("f{}", hex(&demo_vm::stdlib::lstr::cfmt::float(x, &spec)))
}

fn v_number(n: Option<Number>) -> String {
    match n {
        None => "nil".into(),
        Some(Number::Int(i)) => format!("i{}", hex(i.to_string().as_bytes())),
        Some(Number::Float(f)) => v_float(f),
    }
}

/// Compares Lua's lines with ours, reporting every mismatch with its case.
fn compare(cases: &[String], lua: &[String], ours: &[String]) {
    assert_eq!(lua.len(), ours.len(), "line count differs");
    let bad: Vec<String> = cases
        .iter()
        .zip(lua.iter().zip(ours))
        .filter(|(_, (l, o))| l != o)
        .map(|(c, (l, o))| format!("{c}\n   lua: {l}\n  ours: {o}"))
        .take(20)
        .collect();
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn tonumber_inputs() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        "0",
        "-0",
        "1",
        "+1",
        "-1",
        " 10 ",
        "\t\n10\x0b\x0c\r",
        "1.",
        ".5",
        ".",
        "1e",
        "1e+",
        "1e-2",
        "1E2",
        "1.5e+300",
        "1e400",
        "-1e400",
        "1e-400",
        "0x",
        "0x10",
        "0X1f",
        "-0x10",
        "0x.8",
        "0x8.",
        "0x1p4",
        "0x1P-1074",
        "0x1p-1075",
        "0x1.8p3",
        "0x1.fffffffffffff8p0",
        "0xffffffffffffffff",
        "0x1ffffffffffffffff",
        "0xffffffffffffffffffff.8p-4",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "inf",
        "nan",
        "-inf",
        "infinity",
        "0x1n",
        "1 2",
        "- 1",
        "--1",
        "1x",
        "0x1p",
        "0x1p+",
        "1..2",
        "0.1",
        "3.14159265358979323846",
        "2.2250738585072011e-308",
        "4.9406564584124654e-324",
        "2.4703282292062328e-324",
        "0x0.0000000000001p-1022",
        "123456789012345678901234567890",
        "00012",
        "0x",
        "e5",
        "0x.p1",
        "1e+5 ",
        " ",
        "",
        "5\0",
        "1_000",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    v.push(b"0x1.0000000000000800000000000000001p0".to_vec());
    v
}

#[test]
fn tonumber_matches_lua() {
    let inputs = tonumber_inputs();
    let mut body = String::new();
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for s in &inputs {
        body.push_str(&format!("print(R(pcall(tonumber, {})))\n", lua_lit(s)));
        cases.push(format!("tonumber({s:?})"));
        ours.push(format!("ok:{}", v_number(number::str_to_number(s))));
    }
    for s in [
        "ff",
        " -zz ",
        "102",
        "",
        "1.0",
        "7fffffffffffffff",
        "ffffffffffffffffff",
        "Zz",
    ] {
        for base in [2u32, 10, 16, 36] {
            body.push_str(&format!(
                "print(R(pcall(tonumber, {}, {base})))\n",
                lua_lit(s.as_bytes())
            ));
            cases.push(format!("tonumber({s:?}, {base})"));
            let r = number::str_to_int_base(s.as_bytes(), base).map(Number::Int);
            ours.push(format!("ok:{}", v_number(r)));
        }
    }
    compare(&cases, &run_lua(&body), &ours);
}

/// Random doubles: raw bit patterns (every exponent), quickcheck's floats
/// (specials and small values) and short decimals.
fn random_floats(n: usize) -> Vec<f64> {
    let mut g = Gen::new(1000);
    (0..n)
        .map(|i| match i % 3 {
            0 => f64::from_bits(u64::arbitrary(&mut g)),
            1 => f64::arbitrary(&mut g),
            _ => f64::from(i32::arbitrary(&mut g)) / 1000.0,
        })
        .collect()
}

#[test]
fn random_floats_print_like_lua_and_round_trip() {
    let xs = random_floats(3000);
    let mut body = String::from("for _, b in ipairs{");
    for x in &xs {
        body.push_str(&format!("{},", x.to_bits() as i64));
    }
    body.push_str(
        "} do local x = D(b) print(H(string.format('%.14g|%.17g|%.3e|%.20f', x, x, x, x)) .. ' ' .. H(tostring(x))) end\n",
    );
    let lua = run_lua(&body);
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for &x in &xs {
        let f = |conv: u8, p: usize| {
            let spec = demo_vm::stdlib::lstr::cfmt::Spec {
                conv,
                precision: Some(p),
                ..Default::default()
            };
            String::from_utf8(demo_vm::stdlib::lstr::cfmt::float(x, &spec)).unwrap()
        };
        let joined = format!(
            "{}|{}|{}|{}",
            f(b'g', 14),
            f(b'g', 17),
            f(b'e', 3),
            f(b'f', 20)
        );
        let ts = number::float_to_string(x);
        cases.push(format!("{x:e} (bits {:#x})", x.to_bits()));
        ours.push(format!("{} {}", hex(joined.as_bytes()), hex(ts.as_bytes())));
        // %.17g always round-trips; tostring round-trips when it is exact.
        if x.is_finite() {
            let back = number::str_to_number(f(b'g', 17).as_bytes());
            let same = match back {
                Some(Number::Float(v)) => v.to_bits() == x.to_bits(),
                Some(Number::Int(i)) => i as f64 == x,
                None => false,
            };
            assert!(same, "%.17g of {x:e} does not read back: {back:?}");
            let a = String::from_utf8(demo_vm::stdlib::lstr::cfmt::float(
                x,
                &demo_vm::stdlib::lstr::cfmt::Spec {
                    conv: b'a',
                    ..Default::default()
                },
            ))
            .unwrap();
            let back_a = number::str_to_number(a.as_bytes());
            assert!(
                matches!(back_a, Some(Number::Float(v)) if v.to_bits() == x.to_bits()),
                "%a of {x:e} = {a} reads back as {back_a:?}"
            );
            let t = number::str_to_number(ts.as_bytes());
            assert!(
                matches!(t, Some(Number::Float(_))),
                "tostring({x:e}) = {ts} reads back as a float"
            );
        }
    }
    compare(&cases, &lua, &ours);
}

/// A `string.format` argument both as Lua source and as our [`FmtArg`].
#[derive(Clone, Debug)]
enum Val {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    /// A table whose `__tostring` returns "T".
    Table,
}

impl Val {
    fn lua(&self) -> String {
        match self {
            Val::Nil => "nil".into(),
            Val::Bool(b) => b.to_string(),
            Val::Int(i64::MIN) => "math.mininteger".into(),
            Val::Int(i) => format!("({i})"),
            Val::Float(f) => format!("D({})", f.to_bits() as i64),
            Val::Str(s) => lua_lit(s),
            Val::Table => "setmetatable({}, {__tostring = function() return 'T' end})".into(),
        }
    }

    fn arg(&self) -> FmtArg<'_> {
        match self {
            Val::Nil => FmtArg::Nil,
            Val::Bool(b) => FmtArg::Bool(*b),
            Val::Int(i) => FmtArg::Int(*i),
            Val::Float(f) => FmtArg::Float(*f),
            Val::Str(s) => FmtArg::Str(s),
            Val::Table => FmtArg::Other {
                type_name: "table",
                address: 0x1000,
            },
        }
    }
}

use demo_vm::stdlib::lstr::format::{FmtArg, format as lua_format};

/// Our rendering of `pcall(string.format, fmt, args...)` in the prelude's `R` form.
fn ours_format(fmt: &[u8], vals: &[Val]) -> String {
    let args: Vec<FmtArg<'_>> = vals.iter().map(Val::arg).collect();
    let mut ts = |_: usize| Ok::<_, String>(b"T".to_vec());
    match lua_format(fmt, &args, &mut ts) {
        Ok(s) => format!("ok:s{}", hex(&s)),
        Err(e) => format!("err:{}", hex(e.as_bytes())),
    }
}

fn format_values() -> Vec<Val> {
    let mut v: Vec<Val> = [0, 1, -1, 42, 65, 255, 100000, i64::MIN, i64::MAX]
        .into_iter()
        .map(Val::Int)
        .collect();
    v.extend(
        [
            0.0,
            -0.0,
            1.0,
            0.1,
            -2.5,
            0.125,
            1e300,
            1e-300,
            123456.789,
            1e15,
            1e16,
            2.0f64.powi(63),
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            5e-324,
            9.9999996,
            0.00001,
            65.0,
            1.5,
            3.0e-5,
        ]
        .into_iter()
        .map(Val::Float),
    );
    for s in [
        "",
        "abc",
        "3",
        " 0x10 ",
        "1.5",
        "a\0b",
        "quote\"\\\n\r\x7f9\x01",
    ] {
        v.push(Val::Str(s.as_bytes().to_vec()));
    }
    v.push(Val::Str(vec![b'x'; 150]));
    v.extend([Val::Nil, Val::Bool(true), Val::Table]);
    v
}

#[test]
fn string_format_matches_lua() {
    let values = format_values();
    let mut specs: Vec<String> = Vec::new();
    for conv in "diucxXoeEfgGaAsqp".chars() {
        for flags in ["", "-", "+", " ", "#", "0", "+0", "#0", "- +"] {
            for width in ["", "8", "25"] {
                for prec in ["", ".", ".0", ".3", ".17"] {
                    specs.push(format!("%{flags}{width}{prec}{conv}"));
                }
            }
        }
    }
    for odd in [
        "%",
        "%y",
        "%10y",
        "%5",
        "%100d",
        "%.100f",
        "%099.99f",
        "%05s",
        "%5q",
        "%F",
        "%lld",
        "%1.2.3f",
        "%---------------------d",
        "%--------------------d",
        "%5.3\0d",
        "abc%",
        "%%%d%%",
        "%c%c",
        "%i %s",
        "[%5s][%-5s]",
        "%.3c",
        "%#c",
        "%+s",
        "%00d",
        "%-099.99e",
    ] {
        specs.push(odd.to_owned());
    }
    let mut body = String::from("local V = {");
    for v in &values {
        body.push_str(&v.lua());
        body.push(',');
    }
    body.push_str("}\nlocal F = {");
    for f in &specs {
        body.push_str(&lua_lit(f.as_bytes()));
        body.push(',');
    }
    body.push_str(&format!(
        "}}\nfor _, f in ipairs(F) do for i = 1, {} do print(R(pcall(string.format, f, V[i], V[i]))) end end\n",
        values.len()
    ));
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for f in &specs {
        for v in &values {
            // %p of objects prints addresses, which differ by design.
            let addr = matches!(v, Val::Str(_) | Val::Table);
            cases.push(format!("string.format({f:?}, {v:?})"));
            if f.contains('p') && addr {
                ours.push(String::new());
            } else {
                ours.push(ours_format(f.as_bytes(), &[v.clone(), v.clone()]));
            }
        }
    }
    let mut lua = run_lua(&body);
    for (l, o) in lua.iter_mut().zip(&ours) {
        if o.is_empty() {
            l.clear();
        }
    }
    compare(&cases, &lua, &ours);
}

use demo_vm::stdlib::lstr::pattern::{self, Capture, GMatch, Replacement};

/// Lua side of one pattern case: find, match, gmatch (first two captures of
/// up to 51 iterations), gsub with a string, a limited `%1`, a function that
/// declines every second match, and a table.
const PATTERN_LUA: &str = r##"
function T(s, p, init)
  local out = {}
  local function add(...) for i = 1, select("#", ...) do out[#out+1] = V((select(i, ...))) end out[#out+1] = ";" end
  add(pcall(string.find, s, p, init))
  add(pcall(string.match, s, p, init))
  local ok, r = pcall(function()
    local r, n = {}, 0
    for a, b in string.gmatch(s, p, init) do
      n = n + 1 r[#r+1] = V(a) r[#r+1] = V(b)
      if n > 50 then break end
    end
    return table.concat(r, " ")
  end)
  -- the iterator's errors carry the calling line, which the VM adds itself
  if not ok then r = string.gsub(r, "^stdin:%d+: ", "") end
  add(ok, r)
  add(pcall(string.gsub, s, p, "<%0>"))
  add(pcall(string.gsub, s, p, "%1", 3))
  local k = 0
  add(pcall(string.gsub, s, p, function(...)
    k = k + 1
    if k % 2 == 0 then return nil end
    local t = {}
    for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
    return table.concat(t, "|")
  end))
  add(pcall(string.gsub, s, p, {a = "<A>", b = false, [2] = "two"}))
  return table.concat(out)
end
"##;

fn v_str(b: &[u8]) -> String {
    format!("s{}", hex(b))
}

fn v_int(i: i64) -> String {
    format!("i{}", hex(i.to_string().as_bytes()))
}

fn v_cap(s: &[u8], c: &Capture) -> String {
    match c {
        Capture::Str(r) => v_str(&s[r.clone()]),
        Capture::Position(p) => v_int(*p as i64),
    }
}

fn cap_text(s: &[u8], c: &Capture) -> Vec<u8> {
    match c {
        Capture::Str(r) => s[r.clone()].to_vec(),
        Capture::Position(p) => p.to_string().into_bytes(),
    }
}

/// Renders a pcall outcome: `true` + values, or `false` + message.
fn pcall_line<T>(r: Result<T, String>, ok: impl FnOnce(T) -> Vec<String>) -> String {
    let mut parts = match r {
        Ok(v) => {
            let mut p = vec![v_str(b"true")];
            p.extend(ok(v));
            p
        }
        Err(e) => vec![v_str(b"false"), v_str(e.as_bytes())],
    };
    parts.push(";".into());
    parts.concat()
}

fn gsub_line(r: Result<(std::borrow::Cow<'_, [u8]>, i64), String>) -> String {
    pcall_line(r, |(v, n)| vec![v_str(&v), v_int(n)])
}

/// Our side of [`PATTERN_LUA`]'s `T`.
fn ours_pattern(s: &[u8], p: &[u8], init: i64) -> String {
    let mut out = String::new();
    out += &pcall_line(pattern::find(s, p, init, false), |r| match r {
        None => vec!["nil".into()],
        Some((a, e, caps)) => {
            let mut v = vec![v_int(a as i64), v_int(e as i64)];
            v.extend(caps.iter().map(|c| v_cap(s, c)));
            v
        }
    });
    out += &pcall_line(pattern::match_(s, p, init), |r| match r {
        None => vec!["nil".into()],
        Some(caps) => caps.iter().map(|c| v_cap(s, c)).collect(),
    });
    let gm = (|| {
        let mut g = GMatch::new(s.len(), init);
        let mut r = Vec::new();
        let mut n = 0;
        while let Some(caps) = g.next_match(s, p)? {
            n += 1;
            r.push(v_cap(s, &caps[0]));
            r.push(caps.get(1).map_or("nil".into(), |c| v_cap(s, c)));
            if n > 50 {
                break;
            }
        }
        Ok(r.join(" "))
    })();
    out += &pcall_line(gm, |r| vec![v_str(r.as_bytes())]);
    out += &gsub_line(pattern::gsub(s, p, Replacement::Str(b"<%0>"), None));
    out += &gsub_line(pattern::gsub(s, p, Replacement::Str(b"%1"), Some(3)));
    let mut k = 0;
    let mut func = |caps: &[Capture]| -> Result<Option<Vec<u8>>, String> {
        k += 1;
        if k % 2 == 0 {
            return Ok(None);
        }
        let parts: Vec<Vec<u8>> = caps.iter().map(|c| cap_text(s, c)).collect();
        Ok(Some(parts.join(&b'|')))
    };
    out += &gsub_line(pattern::gsub(s, p, Replacement::Function(&mut func), None));
    let mut table = |caps: &[Capture]| -> Result<Option<Vec<u8>>, String> {
        Ok(match &caps[0] {
            Capture::Str(r) if &s[r.clone()] == b"a" => Some(b"<A>".to_vec()),
            Capture::Position(2) => Some(b"two".to_vec()),
            _ => None,
        })
    };
    out += &gsub_line(pattern::gsub(s, p, Replacement::Table(&mut table), None));
    out
}

fn check_patterns(cases: &[(Vec<u8>, Vec<u8>, i64)]) {
    let mut body = String::from(PATTERN_LUA);
    let mut names = Vec::new();
    let mut ours = Vec::new();
    for (s, p, init) in cases {
        body.push_str(&format!(
            "print(T({}, {}, {init}))\n",
            lua_lit(s),
            lua_lit(p)
        ));
        names.push(format!(
            "s={:?} p={:?} init={init}",
            String::from_utf8_lossy(s),
            String::from_utf8_lossy(p)
        ));
        ours.push(ours_pattern(s, p, *init));
    }
    compare(&names, &run_lua(&body), &ours);
}

#[test]
fn handwritten_patterns_match_lua() {
    let pairs: &[(&str, &str)] = &[
        ("hello world", "%a+"),
        ("hello world", "(o)(.)"),
        ("key = value", "(%w+)%s*=%s*(%w+)"),
        ("THE (quick) fox", "%f[%a]%a+"),
        ("f(a(b)c)d", "%b()"),
        ("abcabc", "(abc)%1"),
        ("abc", "()b()"),
        ("abc", "()"),
        ("abc", ""),
        ("abc", "b*"),
        ("a]b", "[]]"),
        ("a-b", "[a-]"),
        ("a^b", "[%^b]+"),
        ("x^y", "^x"),
        ("x^y", "%^y"),
        ("abc", "c$"),
        ("ab$c", "b$c"),
        ("abc", "%"),
        ("abc", "[a"),
        ("abc", "[^"),
        ("abc", "%fa"),
        ("abc", "%f"),
        ("abc", "(a)%2"),
        ("abc", "%0"),
        ("abc", "(a"),
        ("abc", "a)"),
        ("abc", ".)"),
        ("abc", "%b"),
        ("abc", "%ba"),
        ("aaa", "a-b"),
        ("aaab", "a-b"),
        ("aaab", "a*?"),
        ("  trim  ", "^%s*(.-)%s*$"),
        ("0x1F zz", "%x+"),
        ("\0a\0", "%z"),
        ("\0a\0", "[%z]"),
        ("\0a\0", "\0"),
        ("\0a\0", "%c"),
        ("abc\u{e9}", "[\u{80}-\u{ff}]+"),
        ("Hello, World!", "%p"),
        ("Hello, World!", "[%P]+"),
        ("Hello, World!", "%u%l*"),
        ("a.b.c", "%."),
        ("a.b.c", "."),
        ("one two  three", "(%S+)"),
        ("[[x]]", "%[(%b[])%]"),
        ("THE END", "%f[%z]"),
        ("THE END", "%f[%w]%w+%f[%W]"),
        ("abc", "a?b?c?d?"),
        ("aaa", "((a)(a))"),
        ("aaa", "(()a)"),
        ("hello", "(h)(e)(l)(l)(o)"),
        ("hello", "(l)%1"),
        ("hello", "(l)()%1"),
        ("(()", "%b()"),
        ("abc", "[a-c-e]+"),
        ("a-e", "[c-]+"),
        ("abc", "[%a-z]"),
        ("abc", "[]"),
        ("abc", "[^]"),
        ("]", "[^]]"),
        ("a", "%w-"),
    ];
    let mut cases = Vec::new();
    for (s, p) in pairs {
        for init in [1, 2, -1, -100, 0, 100] {
            cases.push((s.as_bytes().to_vec(), p.as_bytes().to_vec(), init));
        }
    }
    cases.push((b"a".repeat(300), b"a?".repeat(300), 1));
    cases.push((b"a".repeat(300), b"a?".repeat(150), 1));
    cases.push((b"a".repeat(250), b"(a)".repeat(40), 1));
    cases.push((b"a".repeat(100), b"a-".repeat(199), 1));
    cases.push((b"a".repeat(100), b"a-".repeat(200), 1));
    check_patterns(&cases);
}

/// Random patterns built from pattern tokens, on random short subjects.
fn random_pattern_cases(n: usize, g: &mut Gen) -> Vec<(Vec<u8>, Vec<u8>, i64)> {
    const TOKENS: &[&str] = &[
        "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%W", "%", "[", "]", "^", "$", "(", ")", "()",
        "*", "+", "-", "?", "%b()", "%bab", "%f[%w]", "%f[^a]", "%1", "%2", "[a-c]", "[^b]",
        "[%d.]", "%%", "%.", "%(", "x", " ", "\0",
    ];
    const SUBJECT: &[u8] = b"abc()x 1.a%^$[]\0";
    (0..n)
        .map(|_| {
            let plen = usize::arbitrary(g) % 7;
            let p: Vec<u8> = (0..plen)
                .flat_map(|_| g.choose(TOKENS).unwrap().bytes())
                .collect();
            let slen = usize::arbitrary(g) % 12;
            let s: Vec<u8> = (0..slen).map(|_| *g.choose(SUBJECT).unwrap()).collect();
            let init = i64::from(i8::arbitrary(g) % 14);
            (s, p, init)
        })
        .collect()
}

#[test]
fn random_patterns_match_lua() {
    let mut g = Gen::new(100);
    check_patterns(&random_pattern_cases(12000, &mut g));
}

/// Arbitrary bytes as pattern and subject: errors are fine, panics are not.
#[test]
fn arbitrary_patterns_never_panic() {
    fn prop(s: Vec<u8>, p: Vec<u8>, init: i8) -> bool {
        let init = i64::from(init);
        let _ = pattern::find(&s, &p, init, false);
        let _ = pattern::match_(&s, &p, init);
        let mut g = GMatch::new(s.len(), init);
        for _ in 0..20 {
            if !matches!(g.next_match(&s, &p), Ok(Some(_))) {
                break;
            }
        }
        let _ = pattern::gsub::<String>(&s, &p, Replacement::Str(&p), Some(5));
        true
    }
    quickcheck::QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(Vec<u8>, Vec<u8>, i8) -> bool);
}

#[test]
fn sub_and_byte_positions_match_lua() {
    use demo_vm::stdlib::lstr::index::{byte_range, sub_range};
    let positions: Vec<i64> = (-7..=7).chain([i64::MIN, i64::MAX, -(1 << 40)]).collect();
    let lit = |p: i64| {
        if p == i64::MIN {
            "math.mininteger".to_string()
        } else {
            format!("({p})")
        }
    };
    let mut body = String::new();
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for len in 0..5usize {
        let s: Vec<u8> = (b'a'..).take(len).collect();
        let ls = lua_lit(&s);
        for &i in &positions {
            body.push_str(&format!("print(R(pcall(string.byte, {ls}, {})))\n", lit(i)));
            cases.push(format!("byte({len}, {i})"));
            let r = byte_range(Some(i), None, len);
            let vals: Vec<String> = s[r].iter().map(|&b| v_int(i64::from(b))).collect();
            ours.push(format!("ok:{}", vals.join(",")));
            for &j in &positions {
                body.push_str(&format!(
                    "print(R(pcall(string.sub, {ls}, {}, {})))\n",
                    lit(i),
                    lit(j)
                ));
                cases.push(format!("sub({len}, {i}, {j})"));
                ours.push(format!("ok:{}", v_str(&s[sub_range(i, j, len)])));
            }
        }
    }
    compare(&cases, &run_lua(&body), &ours);
}

/// Random format strings (any mix of flags, digits, conversions, stray
/// `%`) with two random arguments: output and error must match, including
/// which error Lua reports first.
#[test]
fn random_format_strings_match_lua() {
    const PIECES: &[&str] = &[
        "%", "%", "%", "-", "+", " ", "#", "0", "1", "5", "9", ".", "d", "i", "u", "c", "o", "x",
        "X", "e", "E", "f", "g", "G", "a", "A", "s", "q", "y", "l", "\0", "ab", "%%", "12", ".3",
    ];
    let values = format_values();
    let mut g = Gen::new(100);
    let mut body = String::from("local V = {");
    for v in &values {
        body.push_str(&v.lua());
        body.push(',');
    }
    body.push_str("}\n");
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for _ in 0..6000 {
        let n = 1 + usize::arbitrary(&mut g) % 8;
        let f: String = (0..n).map(|_| *g.choose(PIECES).unwrap()).collect();
        let a = usize::arbitrary(&mut g) % values.len();
        let b = usize::arbitrary(&mut g) % values.len();
        if f.contains('p') {
            continue;
        }
        body.push_str(&format!(
            "print(R(pcall(string.format, {}, V[{}], V[{}])))\n",
            lua_lit(f.as_bytes()),
            a + 1,
            b + 1
        ));
        cases.push(format!(
            "string.format({f:?}, {:?}, {:?})",
            values[a], values[b]
        ));
        ours.push(ours_format(
            f.as_bytes(),
            &[values[a].clone(), values[b].clone()],
        ));
    }
    compare(&cases, &run_lua(&body), &ours);
}
