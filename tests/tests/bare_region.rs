//! The bare-metal provider: bump allocation out of a static buffer, range
//! validation instead of protection changes, and W^X bookkeeping through
//! `CodeBlock` without any OS.

use jit_core::memory::{
    CodeBlock, CodeState, ExecutableMemory, MemoryError, Placement, Protection,
};
use os_glue::bare::StaticRegion;

/// A fresh `&'static mut` buffer, as a kernel would carve out of its image.
fn static_buffer(len: usize) -> &'static mut [u8] {
    Box::leak(vec![0u8; len].into_boxed_slice())
}

#[test]
fn reservations_are_aligned_disjoint_and_rounded_to_the_granule() {
    let mut provider = StaticRegion::with_granule(static_buffer(4096 * 4), 256).unwrap();
    let a = provider.reserve(10, Placement::Anywhere).unwrap();
    let b = provider.reserve(300, Placement::Anywhere).unwrap();
    assert_eq!((a.len, b.len), (256, 512));
    assert_eq!(a.addr() % 256, 0);
    assert_eq!(b.addr() % 256, 0);
    assert!(a.end() <= b.addr(), "regions overlap: {a:?} {b:?}");
}

#[test]
fn an_exhausted_buffer_reports_out_of_memory_and_releasing_the_top_region_frees_it() {
    let mut provider = StaticRegion::new(static_buffer(1024));
    let first = provider.reserve(512, Placement::Anywhere).unwrap();
    let before = provider.remaining();
    let top = provider.reserve(256, Placement::Anywhere).unwrap();
    assert!(provider.reserve(1024, Placement::Anywhere) == Err(MemoryError::OutOfMemory));
    let top_addr = top.addr();
    // SAFETY: `top` came from this provider and nothing points into it.
    unsafe { provider.release(top) }.unwrap();
    assert_eq!(provider.remaining(), before);
    let again = provider.reserve(256, Placement::Anywhere).unwrap();
    assert_eq!(again.addr(), top_addr);
    // SAFETY: both regions came from this provider and nothing points into them.
    unsafe {
        provider.release(again).unwrap();
        provider.release(first).unwrap();
    }
}

#[test]
fn zero_lengths_and_bad_granules_are_refused() {
    let mut provider = StaticRegion::new(static_buffer(256));
    assert_eq!(
        provider.reserve(0, Placement::Anywhere),
        Err(MemoryError::BadRange)
    );
    assert_eq!(
        StaticRegion::with_granule(static_buffer(256), 48).unwrap_err(),
        MemoryError::BadRange
    );
}

#[test]
fn protection_requests_are_validated_but_change_nothing() {
    let mut provider = StaticRegion::new(static_buffer(1024));
    let region = provider.reserve(128, Placement::Anywhere).unwrap();
    // SAFETY: `region` came from this provider and is live.
    unsafe {
        assert_eq!(
            provider.protect(&region, 0, 128, Protection::ReadExecute),
            Ok(())
        );
        assert_eq!(
            provider.protect(&region, 0, 192, Protection::ReadWrite),
            Err(MemoryError::BadRange)
        );
        assert_eq!(
            provider.protect(&region, 8, 64, Protection::ReadWrite),
            Err(MemoryError::BadRange)
        );
    }
    // Still writable after "sealing": bare metal has no MMU programming here.
    // SAFETY: the region is live, owned by this test and 128 bytes long.
    unsafe { region.ptr.as_ptr().write(0xC3) };
}

#[test]
fn a_region_from_elsewhere_is_refused() {
    let mut provider = StaticRegion::new(static_buffer(512));
    let mut other = StaticRegion::new(static_buffer(512));
    let foreign = other.reserve(64, Placement::Anywhere).unwrap();
    // SAFETY: deliberately violating "from this provider" is caught by the range check.
    let result = unsafe { provider.protect(&foreign, 0, 64, Protection::ReadWrite) };
    assert_eq!(result, Err(MemoryError::BadRange));
}

#[test]
fn code_blocks_keep_their_w_x_discipline_on_bare_memory() {
    let mut provider = StaticRegion::new(static_buffer(4096));
    let block_addr = {
        let mut block = CodeBlock::new(&mut provider, 100, Placement::Anywhere).unwrap();
        assert_eq!(block.capacity(), 128);
        block.append(&[0xB8, 1, 0, 0, 0, 0xC3]).unwrap();
        block.seal().unwrap();
        assert_eq!(block.append(&[0x90]), Err(MemoryError::WrongState));
        block.patch(1, &[2]).unwrap();
        assert_eq!(block.state(), CodeState::Sealed);
        assert_eq!(block.code(), &[0xB8, 2, 0, 0, 0, 0xC3]);
        block.addr()
    };
    // Dropping the block gave its (topmost) region back: the next one reuses it.
    let next = provider.reserve(100, Placement::Anywhere).unwrap();
    assert_eq!(next.addr(), block_addr);
}

#[test]
fn below_4gib_is_checked_against_the_buffer_address() {
    let buffer = static_buffer(256);
    let low = (buffer.as_ptr() as u64) + 256 <= 1 << 32;
    let mut provider = StaticRegion::new(buffer);
    let result = provider.reserve(64, Placement::Below4GiB);
    if low {
        assert!(result.is_ok());
    } else {
        assert_eq!(result, Err(MemoryError::PlacementUnavailable));
    }
}
