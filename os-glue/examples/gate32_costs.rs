//! Measures what the glue costs: a 64->32->64-bit round trip through the
//! compat-mode gate, a 32->64->32-bit reverse call, and a W^X patch of a
//! sealed code block (two `mprotect` calls).
//!
//! Run: `cargo run -p os-glue --release --example gate32_costs`

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() {
    use jit_core::memory::{CodeBlock, Placement};
    use os_glue::gate32::Gate32;
    use os_glue::unix::UnixMemory;
    use std::time::Instant;

    extern "C" fn one() -> u64 {
        1
    }

    fn low(bytes: &[u8]) -> (CodeBlock<UnixMemory>, u32) {
        let mut block = CodeBlock::new(UnixMemory::new(), bytes.len(), Placement::Below4GiB)
            .expect("low memory");
        block.append(bytes).expect("fits");
        block.seal().expect("seal");
        let entry = block.addr() as u32;
        (block, entry)
    }

    let mut gate = Gate32::new().expect("gate");
    let (_ret, ret_entry) = low(&[0xB8, 42, 0, 0, 0, 0xC3]); // mov eax, 42; ret
    let calls = 1_000_000u32;
    let start = Instant::now();
    for _ in 0..calls {
        // SAFETY: the code returns a constant.
        let r = unsafe { gate.call32(ret_entry, &[]) }.expect("call");
        std::hint::black_box(r);
    }
    let per_call = start.elapsed().as_nanos() as f64 / f64::from(calls);
    println!("call32 round trip (64->32->64): {per_call:.1} ns");

    let stub = gate
        .reverse_stub(one as extern "C" fn() -> u64)
        .expect("stub")
        .to_le_bytes();
    #[rustfmt::skip]
    let loop_code = [
        0x53, // push ebx
        0x8B, 0x5C, 0x24, 0x08, // mov ebx, [esp+8]   ; n >= 1
        0xB8, stub[0], stub[1], stub[2], stub[3], // L: mov eax, stub
        0xFF, 0xD0, // call eax
        0x4B, // dec ebx
        0x75, 0xF6, // jnz L
        0x5B, // pop ebx
        0xC3, // ret
    ];
    let (_loop, loop_entry) = low(&loop_code);
    let start = Instant::now();
    // SAFETY: the loop calls only the gate's reverse stub and preserves EBX.
    unsafe { gate.call32(loop_entry, &[calls]) }.expect("call");
    let per_call = start.elapsed().as_nanos() as f64 / f64::from(calls);
    println!("reverse call (32->64->32): {per_call:.1} ns");

    let mut block = CodeBlock::new(UnixMemory::new(), 64, Placement::Anywhere).expect("block");
    block.append(&[0xB8, 0, 0, 0, 0, 0xC3]).expect("fits");
    block.seal().expect("seal");
    let patches = 100_000u32;
    let start = Instant::now();
    for i in 0..patches {
        block.patch(1, &i.to_le_bytes()).expect("patch");
    }
    let per_patch = start.elapsed().as_nanos() as f64 / f64::from(patches);
    println!("W^X patch of a sealed block (reopen, write, reseal): {per_patch:.0} ns");
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {
    eprintln!("the compat-mode gate exists only on Linux x86-64");
}
