//! A code arena serves only the pieces it handed out: protecting or
//! releasing a piece of another arena (or of its own reservation but
//! misaligned) is a typed error that changes nothing, and flushing one is
//! ignored.

use jit_core::memory::{CodeArena, ExecutableMemory, MemoryError, Placement, Protection, Region};
use os_glue::unix::UnixMemory;

fn arena() -> CodeArena<UnixMemory> {
    CodeArena::new(UnixMemory::new(), 1 << 20, Placement::Anywhere).expect("arena")
}

#[test]
fn pieces_of_another_arena_are_refused_and_left_untouched() {
    let (a, b) = (arena(), arena());
    let (mut pa, mut pb) = (&a, &b);
    let page = pa.page_size();
    let foreign = pb.reserve(page, Placement::Anywhere).expect("reserve");
    // SAFETY: the calls are refused before touching memory (checked below);
    // the piece is writable and unused.
    unsafe {
        assert_eq!(
            pa.protect(&foreign, 0, page, Protection::ReadExecute),
            Err(MemoryError::BadRange)
        );
    }
    pa.flush_icache(&foreign, 0, 16);
    // Still writable: the foreign protect did not reach it.
    // SAFETY: the piece is a live, writable page of `b`.
    unsafe { foreign.ptr.as_ptr().write_volatile(0xC3) };
    let own = pa.reserve(page, Placement::Anywhere).expect("reserve");
    // A sub-page range of an own piece is refused too.
    // SAFETY: refused before any change.
    unsafe {
        assert_eq!(
            pa.protect(&own, 1, page - 1, Protection::ReadExecute),
            Err(MemoryError::BadRange)
        );
    }
    // A range that starts inside the arena but runs past its end.
    let past = Region {
        ptr: own.ptr,
        len: a.capacity() + page,
    };
    // SAFETY: refused before any change.
    unsafe { assert_eq!(pa.release(past), Err(MemoryError::BadRange)) };
    assert_eq!(a.live_blocks(), 1);
    // SAFETY: both pieces are unused.
    unsafe {
        pa.release(own).expect("release");
        pb.release(foreign).expect("release");
    }
    assert_eq!((a.used(), b.used()), (0, 0));
}
