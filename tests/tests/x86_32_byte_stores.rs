//! x86-32 byte stores whose value is also the address base: only
//! `eax..ebx` have byte forms, so the value is fixed in `eax` while the
//! same value, as the base, may sit in any register (`esi`/`edi` among
//! them). Under growing register pressure (0..=5 other live values) every
//! such store must write exactly the byte the interpreter writes, and
//! every value must come out unchanged. Executed through the compat-mode
//! gate.

use bumpalo::Bump;
use jit_core::backend::{Compiler, Target};
use jit_core::ir::interp::run;
use jit_core::ir::{Addr, IntBinOp, MemDesc, NoCalls, Trace, TraceBuilder, Type, Val, WordSize};
use os_glue::gate32::{Gate32, LowBuffer};
use os_glue::unix::UnixMemory;
use tests::low::run32;

/// Whether `code` (32-bit) has `mov byte [esi/edi + d], al`: a byte store
/// whose base is not byte-addressable, its value fixed in `eax`.
fn stores_al_through_esi_or_edi(code: &[u8]) -> bool {
    use iced_x86::{Decoder, DecoderOptions, MemorySize, Mnemonic, OpKind, Register};
    Decoder::new(32, code, DecoderOptions::NONE)
        .into_iter()
        .any(|i| {
            i.mnemonic() == Mnemonic::Mov
                && i.op0_kind() == OpKind::Memory
                && i.memory_size() == MemorySize::UInt8
                && matches!(i.memory_base(), Register::ESI | Register::EDI)
                && i.op1_kind() == OpKind::Register
                && i.op1_register() == Register::AL
        })
}

/// `others` live ints, then the address `x` (an `Int`): `y = x + others[0]`
/// (keeps `x` busy), `store.i1 [x + 3] = x`, `store.i1 [x + x*1 - x + 5]`
/// style stores through `y`, finish with everything.
fn trace(others: usize, x_first: bool) -> Trace {
    let mut b = TraceBuilder::new(WordSize::W32);
    let mut vals = Vec::new();
    let x = if x_first {
        let x = b.input(Type::Int);
        vals.extend((0..others).map(|_| b.input(Type::Int)));
        x
    } else {
        vals.extend((0..others).map(|_| b.input(Type::Int)));
        b.input(Type::Int)
    };
    let byte = MemDesc::int(1, false);
    b.store(byte, Addr::field(x, 3), x);
    let one = b.const_int(1);
    let y = b.int_bin(IntBinOp::Add, x, one);
    b.store(byte, Addr::field(y, 5), y);
    b.store(byte, Addr::field(x, 9), y);
    let back = b.load(byte, Addr::field(x, 3));
    let mut out = vals.clone();
    out.extend([x, y, back]);
    b.finish(&out, 0);
    b.build().expect("valid trace")
}

#[test]
fn byte_stores_of_the_base_value_write_the_interpreters_bytes() {
    let gate = Gate32::new().expect("gate");
    let mut scratch = LowBuffer::new(4096).expect("low buffer");
    let mut data = LowBuffer::new(4096).expect("low data");
    let bump = Bump::new();
    let mut through_non_byte_base = 0;
    for others in 0..=5 {
        for x_first in [false, true] {
            let t = trace(others, x_first);
            for strategy in [
                Compiler::new(Target::Cdecl32),
                Compiler::all_slots(Target::Cdecl32),
            ] {
                let c = strategy
                    .compile(&t, UnixMemory::new(), &bump)
                    .expect("compile");
                through_non_byte_base += usize::from(stores_al_through_esi_or_edi(c.code()));
                for start in [0x40usize, 0x1C7] {
                    let x = data.addr32() as i64 + start as i64;
                    let mut inputs: Vec<Val> =
                        (0..others).map(|k| Val::Int(-7 * k as i64 - 1)).collect();
                    let at = if x_first { 0 } else { others };
                    inputs.insert(at, Val::Int(x));
                    data.as_mut_slice().fill(0xEE);
                    // SAFETY: the stores and the load hit `data` (x + 3..=10).
                    let expected = unsafe { run(&t, &inputs, &mut NoCalls, 100) }.expect("interp");
                    let want = data.as_slice().to_vec();
                    assert_eq!(want[start + 3], x as u8);
                    data.as_mut_slice().fill(0xEE);
                    let got = run32(&gate, &mut scratch, &c, &inputs);
                    assert!(
                        got.same(&expected),
                        "others {others} x_first {x_first}: {got:?} != {expected:?}\n{t}"
                    );
                    assert!(
                        data.as_slice() == &want[..],
                        "others {others} x_first {x_first}: memory differs\n{t}"
                    );
                }
            }
        }
    }
    // The interesting shape really occurs (pressure pushes the base out
    // of the byte registers).
    assert!(through_non_byte_base > 0, "no store through esi/edi");
}
