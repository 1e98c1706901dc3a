#![warn(missing_docs)]
//! `demo-vm`: a Lua 5.4 subset VM, the worked example of embedding `jit-core`.
//!
//! Pipeline: [`lexer`] -> [`parser`] (AST in [`ast`]) -> [`compiler`]
//! (register bytecode, [`bytecode`]) -> `interp` (the dispatch loop) with a
//! moving copying collector ([`heap`]) that finds every reference through
//! precise roots.
//!
//! ```
//! use demo_vm::{Vm, Limits};
//! let mut vm = Vm::new();
//! let out = vm.run_string("local t = {} for i = 1, 10 do t[i] = i * i end return #t, t[10]", "=doc").unwrap();
//! assert_eq!(out, vec!["10".to_string(), "100".to_string()]);
//!
//! vm.set_limits(Limits { max_memory: None, max_instructions: Some(10_000) });
//! let err = vm.run_string("while true do end", "=loop").unwrap_err();
//! assert!(err.message().contains("instruction limit exceeded"));
//! ```

pub mod ast;
pub mod bytecode;
pub mod compiler;
mod debuginfo;
pub mod error;
pub mod heap;
mod interp;
pub mod lexer;
mod meta;
pub mod number_fmt;
pub mod parser;
pub mod stdlib;
pub mod value;
pub mod vm;

pub use error::Error;
pub use value::Value;
pub use vm::{Limits, Stats, Vm};
