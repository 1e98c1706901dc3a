//! `jit-core`: turn typed traces into x86-64 or x86-32 machine code.
//!
//! This crate is `#![no_std]` + `alloc`: it runs in a kernel or on bare metal as
//! well as inside an ordinary process. The pieces, in data-flow order:
//!
//! - [`x86`]: one encoder for both x86-32 and x86-64, driven by a table of
//!   instruction forms; forms that do not exist in a mode are refused.
//! - [`backend`]: lowers verified traces for x86-64 SysV, Win64 or x86-32
//!   cdecl ([`backend::Compiler`]), places them in executable memory and
//!   runs them ([`backend::CompiledTrace`]), reporting which exit was taken.
//! - [`memory`]: the [`memory::ExecutableMemory`] trait that platform crates
//!   (`os-glue`) implement, and W^X helpers on top of it.
//!
//! See `../shared/DESIGN.md` in the repository for the blueprint.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod backend;
pub mod ir;
pub mod memory;
pub mod regalloc;
pub mod x86;
