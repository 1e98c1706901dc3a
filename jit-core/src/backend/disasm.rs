//! Disassembly listings of compiled traces (feature `disasm`): every
//! instruction with its offset, bytes and the IR op it came from, using the
//! op-to-code ranges recorded during lowering.

use alloc::string::String;
use core::fmt::Write;

use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter};

use super::exec::CompiledTrace;
use crate::ir::Trace;
use crate::memory::ExecutableMemory;
use crate::x86::Mode;

/// A listing of `compiled` (compiled from `trace`): one line per
/// instruction, `offset  text  ; op N: <op>` at the first instruction of
/// each op; code after the last op (guard stubs, the shared exit) is
/// labelled `stubs`.
pub fn listing<M: ExecutableMemory>(compiled: &CompiledTrace<M>, trace: &Trace) -> String {
    let bitness = match compiled.target().mode() {
        Mode::X64 => 64,
        Mode::X86 => 32,
    };
    let code = compiled.code();
    let base = compiled.entry_address() as u64;
    let mut decoder = Decoder::with_ip(bitness, code, base, DecoderOptions::NONE);
    let mut fmt = IntelFormatter::new();
    let mut out = String::new();
    let mut text = String::new();
    let mut inst = Instruction::default();
    let ranges: alloc::vec::Vec<_> = compiled.op_ranges().collect();
    let body_end = ranges.last().map_or(0, |r| r.end);
    let mut next = 0;
    let mut stubs = false;
    while decoder.can_decode() {
        decoder.decode_out(&mut inst);
        let off = (inst.ip() - base) as u32;
        if next < ranges.len() && ranges[next].start == off {
            let op = ranges[next].op as usize;
            let _ = writeln!(out, "; op {op}: {:?}", trace.ops()[op]);
            next += 1;
        } else if !stubs && off >= body_end && next == ranges.len() {
            stubs = true;
            let _ = writeln!(out, "; stubs and shared exit");
        }
        text.clear();
        fmt.format(&inst, &mut text);
        let _ = writeln!(out, "{off:6x}  {text}");
    }
    out
}
