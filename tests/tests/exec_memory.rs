//! Executable memory from the OS under W^X, checked against what the kernel
//! reports in `/proc/self/maps`, and run: hand-assembled x86-64 code is
//! written, sealed, executed, patched and executed again.
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use jit_core::memory::{CodeBlock, CodeState, ExecutableMemory, MemoryError, Placement};
use os_glue::unix::UnixMemory;
use tests::maps::{Mapping, assert_no_writable_executable_mapping, perms_at, read};

/// x86-64 `mov eax, imm32` (B8 id) then `ret` (C3): a function returning `value`.
fn return_constant(value: u32) -> [u8; 6] {
    let v = value.to_le_bytes();
    [0xB8, v[0], v[1], v[2], v[3], 0xC3]
}

/// Call the sealed code at `offset` as `extern "C" fn() -> u32`.
fn run(block: &CodeBlock<UnixMemory>, offset: usize) -> u32 {
    let entry = block.entry(offset).expect("sealed code has an entry");
    // SAFETY: the bytes at `entry` are a complete x86-64 function (built by
    // `return_constant`) that follows the C ABI and touches no memory.
    let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(entry) };
    f()
}

fn page_size() -> usize {
    UnixMemory::new().page_size()
}

#[test]
fn sealed_code_runs_and_a_patch_changes_its_constant() {
    let mut block = CodeBlock::new(UnixMemory::new(), 64, Placement::Anywhere).unwrap();
    block.append(&return_constant(42)).unwrap();
    block.seal().unwrap();
    assert_eq!(run(&block, 0), 42);
    // Patch the imm32 of `mov eax, imm32` (bytes 1..5).
    block.patch(1, &7u32.to_le_bytes()).unwrap();
    assert_eq!(run(&block, 0), 7);
    assert_eq!(block.code(), &return_constant(7));
}

#[test]
fn no_page_is_writable_and_executable_while_writing_sealing_and_patching() {
    let page = page_size();
    let mut block = CodeBlock::new(UnixMemory::new(), 2 * page, Placement::Anywhere).unwrap();
    let (first, second) = (block.addr(), block.addr() + page);
    block.write(0, &return_constant(1)).unwrap();
    block.write(page, &return_constant(2)).unwrap();
    assert_eq!(perms_at(first).as_deref(), Some("rw-p"));
    assert_eq!(perms_at(second).as_deref(), Some("rw-p"));
    assert_no_writable_executable_mapping();

    block.seal().unwrap();
    assert_eq!(perms_at(first).as_deref(), Some("r-xp"));
    assert_eq!(perms_at(second).as_deref(), Some("r-xp"));
    assert_no_writable_executable_mapping();
    assert_eq!((run(&block, 0), run(&block, page)), (1, 2));

    // Mid-patch, only the touched (second) page is reopened, and not executable.
    block
        .patch_with(page + 1, 4, |imm| {
            assert_eq!(perms_at(second).as_deref(), Some("rw-p"));
            assert_eq!(perms_at(first).as_deref(), Some("r-xp"));
            assert_no_writable_executable_mapping();
            imm.copy_from_slice(&9u32.to_le_bytes());
        })
        .unwrap();
    assert_eq!(perms_at(first).as_deref(), Some("r-xp"));
    assert_eq!(perms_at(second).as_deref(), Some("r-xp"));
    assert_no_writable_executable_mapping();
    assert_eq!((run(&block, 0), run(&block, page)), (1, 9));
}

#[test]
fn a_patch_across_a_page_boundary_reopens_both_pages_only() {
    let page = page_size();
    let mut block = CodeBlock::new(UnixMemory::new(), 3 * page, Placement::Anywhere).unwrap();
    // The function straddles the boundary between pages 0 and 1: its imm32 is split.
    let start = page - 3;
    block.write(start, &return_constant(5)).unwrap();
    block.seal().unwrap();
    assert_eq!(run(&block, start), 5);
    let base = block.addr();
    block
        .patch_with(start + 1, 4, |imm| {
            assert_eq!(perms_at(base).as_deref(), Some("rw-p"));
            assert_eq!(perms_at(base + page).as_deref(), Some("rw-p"));
            assert_eq!(perms_at(base + 2 * page).as_deref(), Some("r-xp"));
            assert_no_writable_executable_mapping();
            imm.copy_from_slice(&0xDEAD_BEEFu32.to_le_bytes());
        })
        .unwrap();
    assert_eq!(run(&block, start), 0xDEAD_BEEF);
    assert_no_writable_executable_mapping();
}

#[test]
fn operations_in_the_wrong_state_or_out_of_range_are_refused() {
    let mut block = CodeBlock::new(UnixMemory::new(), 16, Placement::Anywhere).unwrap();
    let capacity = block.capacity();
    assert_eq!(capacity, page_size());
    assert_eq!(block.entry(0), Err(MemoryError::WrongState));
    assert_eq!(block.patch(0, &[0xC3]), Err(MemoryError::WrongState));
    assert_eq!(block.unseal(), Err(MemoryError::WrongState));
    assert_eq!(
        block.write(capacity - 1, &[0x90, 0x90]),
        Err(MemoryError::BadRange)
    );
    assert_eq!(block.write(usize::MAX, &[0x90]), Err(MemoryError::BadRange));
    block.append(&return_constant(3)).unwrap();
    block.seal().unwrap();
    assert_eq!(block.seal(), Err(MemoryError::WrongState));
    assert_eq!(block.append(&[0x90]), Err(MemoryError::WrongState));
    assert_eq!(block.entry(6), Err(MemoryError::BadRange));
    assert_eq!(block.patch(capacity, &[0x90]), Err(MemoryError::BadRange));
    assert_eq!(block.state(), CodeState::Sealed);
    assert_eq!(run(&block, 0), 3);
}

#[test]
fn an_unsealed_block_takes_more_code_and_runs_it_after_resealing() {
    let mut block = CodeBlock::new(UnixMemory::new(), 64, Placement::Anywhere).unwrap();
    block.append(&return_constant(10)).unwrap();
    block.seal().unwrap();
    block.unseal().unwrap();
    assert_eq!(perms_at(block.addr()).as_deref(), Some("rw-p"));
    let second = block.append(&return_constant(20)).unwrap();
    block.seal().unwrap();
    assert_eq!((run(&block, 0), run(&block, second)), (10, 20));
}

#[test]
fn a_patch_may_add_code_past_the_written_part_of_a_sealed_block() {
    let mut block = CodeBlock::new(UnixMemory::new(), 64, Placement::Anywhere).unwrap();
    block.append(&return_constant(1)).unwrap();
    block.seal().unwrap();
    block.patch(32, &return_constant(77)).unwrap();
    assert_eq!(block.len(), 38);
    assert_eq!(run(&block, 32), 77);
}

#[test]
fn below_4gib_placement_is_honoured_and_runs() {
    let mut block = CodeBlock::new(UnixMemory::new(), 100, Placement::Below4GiB).unwrap();
    assert!(
        block.region().is_below_4gib(),
        "region at {:#x}",
        block.addr()
    );
    assert!(block.addr() + block.capacity() <= 1 << 32);
    block.append(&return_constant(4)).unwrap();
    block.seal().unwrap();
    assert_eq!(run(&block, 0), 4);
}

#[test]
fn releasing_a_block_unmaps_it() {
    // Seven pages: no other test maps an executable range that large, so a
    // thread that maps memory at the freed address meanwhile cannot fool us.
    let len = 7 * page_size();
    let mut block = CodeBlock::new(UnixMemory::new(), len, Placement::Anywhere).unwrap();
    block.append(&return_constant(0)).unwrap();
    block.seal().unwrap();
    let addr = block.addr();
    let covers_block = |m: &Mapping| m.start <= addr && addr + len <= m.end && m.perms == "r-xp";
    assert!(read().iter().any(covers_block));
    block.release().unwrap();
    assert!(!read().iter().any(covers_block));
}

#[test]
fn zero_length_reservations_are_refused() {
    assert_eq!(
        UnixMemory::new().reserve(0, Placement::Anywhere),
        Err(MemoryError::BadRange)
    );
}
