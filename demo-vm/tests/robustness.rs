//! Robustness: random bytes and random token sequences never panic the
//! lexer, parser, compiler or interpreter; resource limits and deep
//! recursion produce catchable Lua errors instead of host crashes.

use demo_vm::{Limits, Vm};
use quickcheck::{Arbitrary, Gen, QuickCheck};

const TOKENS: &[&str] = &[
    "local",
    "function",
    "end",
    "if",
    "then",
    "else",
    "elseif",
    "while",
    "do",
    "for",
    "in",
    "repeat",
    "until",
    "return",
    "break",
    "goto",
    "::",
    "and",
    "or",
    "not",
    "nil",
    "true",
    "false",
    "x",
    "y",
    "t",
    "f",
    "print",
    "1",
    "2.5",
    "0x10",
    "\"s\"",
    "'q'",
    "[[long]]",
    "...",
    "..",
    "=",
    "==",
    "~=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "^",
    "#",
    "&",
    "|",
    "~",
    "<<",
    ">>",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ":",
    ",",
    ".",
    "--c\n",
    "\n",
    "setmetatable",
    "pcall",
    "error",
    "string",
    "table",
    "<const>",
    "<close>",
];

#[derive(Clone, Debug)]
struct TokenSoup(String);

impl Arbitrary for TokenSoup {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = usize::arbitrary(g) % 60;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(g.choose(TOKENS).copied().unwrap_or("x"));
            s.push(' ');
        }
        TokenSoup(s)
    }
}

/// Run `src` under tight limits on a thread with room for nested calls.
fn run_limited(src: Vec<u8>) -> bool {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut vm = Vm::new();
            vm.set_capture(true);
            vm.set_limits(Limits {
                max_memory: Some(16 << 20),
                max_instructions: Some(20_000),
            });
            // Ok or a clean error are both fine; a panic fails the join.
            let _ = vm.run_bytes(&src, "=fuzz", &[]);
            true
        })
        .expect("spawn")
        .join()
        .is_ok()
}

#[test]
fn random_bytes_never_panic() {
    fn prop(bytes: Vec<u8>) -> bool {
        run_limited(bytes)
    }
    QuickCheck::new()
        .tests(300)
        .quickcheck(prop as fn(Vec<u8>) -> bool);
}

#[test]
fn random_token_sequences_never_panic() {
    fn prop(t: TokenSoup) -> bool {
        run_limited(t.0.into_bytes())
    }
    QuickCheck::new()
        .tests(400)
        .quickcheck(prop as fn(TokenSoup) -> bool);
}

#[test]
fn deeply_nested_source_is_a_clean_error() {
    in_big_thread(|| {
        let src = format!("x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let mut vm = Vm::new();
        let e = vm.run_string(&src, "=deep").unwrap_err();
        assert!(e.message().contains("overflow"), "{e}");
        let src = format!("{}{}", "do ".repeat(50_000), "end ".repeat(50_000));
        assert!(vm.run_string(&src, "=deep").is_err());
        // Nesting well within the limit still works.
        let src = format!("return {}1{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(vm.run_string(&src, "=ok").unwrap(), vec!["1".to_string()]);
    });
}

fn in_big_thread<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic");
}

#[test]
fn infinite_recursion_is_a_catchable_stack_overflow() {
    in_big_thread(|| {
        let mut vm = Vm::new();
        let out = vm
            .run_string(
                "local function f(n) return 1 + f(n + 1) end
                 local ok, e = pcall(f, 1)
                 return ok, e",
                "=rec",
            )
            .unwrap();
        assert_eq!(out[0], "false");
        assert!(out[1].ends_with("stack overflow"), "{:?}", out);
        // Nested pcall through Rust frames hits the C-level bound instead.
        let out = vm
            .run_string(
                "local function g() return pcall(g) end return select('#', g())",
                "=c",
            )
            .unwrap();
        assert!(out[0].parse::<i64>().unwrap() > 100);
    });
}

#[test]
fn instruction_limit_raises_catchable_error() {
    let mut vm = Vm::new();
    vm.set_limits(Limits {
        max_memory: None,
        max_instructions: Some(100_000),
    });
    let out = vm
        .run_string("return pcall(function() while true do end end)", "=lim")
        .unwrap();
    assert_eq!(out[0], "false");
    assert!(out[1].contains("instruction limit exceeded"), "{out:?}");
}

#[test]
fn memory_limit_raises_catchable_error() {
    let mut vm = Vm::new();
    vm.set_limits(Limits {
        max_memory: Some(8 << 20),
        max_instructions: None,
    });
    let out = vm
        .run_string(
            "local t = {} return pcall(function() for i = 1, 1e8 do t[i] = {i} end end)",
            "=mem",
        )
        .unwrap();
    assert_eq!(out[0], "false");
    assert!(out[1].contains("not enough memory"), "{out:?}");
}

#[test]
fn garbage_heavy_loop_keeps_heap_bounded() {
    let mut vm = Vm::new();
    vm.run_string(
        "for i = 1, 300000 do local t = {i, tostring(i), {}} end",
        "=churn",
    )
    .unwrap();
    let s = vm.stats();
    assert!(s.collections > 0, "{s:?}");
    assert!(s.bytes_allocated > 20 << 20, "{s:?}");
    assert!(s.live_bytes < 4 << 20, "live heap should stay small: {s:?}");
}

#[test]
fn instructions_are_counted_only_on_request() {
    let src = "local s = 0 for i = 1, 100 do s = s + i end return s";
    let mut vm = Vm::new();
    assert_eq!(vm.run_string(src, "=count").unwrap(), vec!["5050"]);
    assert_eq!(vm.stats().instructions, 0, "counting is off by default");
    let mut vm = Vm::new();
    vm.set_count_instructions(true);
    assert_eq!(vm.run_string(src, "=count").unwrap(), vec!["5050"]);
    let n = vm.stats().instructions;
    // Two instructions per iteration (add, loop) plus setup and return.
    assert!((200..260).contains(&n), "counted {n}");
}
