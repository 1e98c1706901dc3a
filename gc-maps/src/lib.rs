//! `gc-maps`: what a moving collector needs from compiled frames.
//!
//! Precise stack maps (which frame slots and callee-saved registers hold live
//! GC references at each safepoint), callee-saved register tables, a code
//! registry mapping return addresses to maps, and a frame walker that yields
//! the address of every cell holding a reference so the collector can rewrite
//! it. `#![no_std]`; depends on no particular collector.
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
