//! Hand-assembled x86-32 code run through the compat-mode gate, in an
//! ordinary 64-bit test process: constants, stack arguments, loops, memory
//! through DS, doubles in st(0), and calls back into 64-bit Rust.
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use os_glue::gate32::{Gate32, GateError, LowBuffer, MAX_ARGS};
use tests::low::low_code;
use tests::maps::{assert_no_writable_executable_mapping, perms_at};

/// 32-bit `mov eax, imm32` (B8 id).
fn mov_eax(value: u32) -> Vec<u8> {
    let mut code = vec![0xB8];
    code.extend_from_slice(&value.to_le_bytes());
    code
}

/// Run `code` (32-bit, cdecl) with `args` through a fresh gate.
fn run32(code: &[u8], args: &[u32]) -> u64 {
    let gate = Gate32::new().unwrap();
    let code = low_code(code);
    // SAFETY: every test's code is a complete cdecl function that touches only
    // its arguments and memory below 4 GiB that the test provides.
    unsafe { gate.call32(code.entry, args) }.unwrap()
}

#[test]
fn the_gate_lives_below_4gib_and_respects_w_x() {
    let gate = Gate32::new().unwrap();
    gate.check_invariants().unwrap();
    assert!(gate.code_region().is_below_4gib());
    assert!(gate.stack_region().is_below_4gib());
    assert_eq!(perms_at(gate.code_region().addr()).as_deref(), Some("r-xp"));
    let (stack, page) = (gate.stack_region(), 4096);
    assert_eq!(
        perms_at(stack.addr()).as_deref(),
        Some("---p"),
        "guard page"
    );
    assert_eq!(perms_at(stack.addr() + page).as_deref(), Some("rw-p"));
    assert_eq!(perms_at(stack.end() - 1).as_deref(), Some("rw-p"));
    assert_no_writable_executable_mapping();
}

#[test]
fn returns_a_constant() {
    let mut code = mov_eax(42);
    code.push(0xC3); // ret
    assert_eq!(run32(&code, &[]) as u32, 42);
}

#[test]
fn returns_edx_eax_as_one_u64() {
    let mut code = mov_eax(0x8765_4321);
    code.extend_from_slice(&[0xBA, 0x01, 0x00, 0x00, 0x00]); // mov edx, 1
    code.push(0xC3); // ret
    assert_eq!(run32(&code, &[]), 0x1_8765_4321);
}

#[test]
fn runs_in_32_bit_mode_where_0x48_is_dec_eax() {
    // In 64-bit mode 48 C3 would be `rex.w ret` and return 5.
    let mut code = mov_eax(5);
    code.push(0x48); // dec eax
    code.push(0xC3); // ret
    assert_eq!(run32(&code, &[]) as u32, 4);
}

#[test]
fn sums_its_stack_arguments() {
    let code = [
        0x8B, 0x44, 0x24, 0x04, // mov eax, [esp+4]
        0x03, 0x44, 0x24, 0x08, // add eax, [esp+8]
        0x03, 0x44, 0x24, 0x0C, // add eax, [esp+12]
        0xC3, // ret
    ];
    assert_eq!(run32(&code, &[100, 20, 3]) as u32, 123);
}

#[test]
fn sums_many_stack_arguments_indexed_by_a_count() {
    // f(n, a1, ..., an) = a1 + ... + an, walking the arguments from the last.
    let code = [
        0x8B, 0x4C, 0x24, 0x04, // mov ecx, [esp+4]        ; n >= 1
        0x31, 0xC0, // xor eax, eax
        0x03, 0x44, 0x8C, 0x04, // L: add eax, [esp+ecx*4+4]
        0x49, // dec ecx
        0x75, 0xF9, // jnz L
        0xC3, // ret
    ];
    let n = 300u32;
    let mut args = vec![n];
    args.extend(1..=n);
    assert_eq!(run32(&code, &args) as u32, n * (n + 1) / 2);
}

#[test]
fn a_loop_sums_one_to_n() {
    let code = [
        0x8B, 0x4C, 0x24, 0x04, // mov ecx, [esp+4]
        0x31, 0xC0, // xor eax, eax
        0x85, 0xC9, // test ecx, ecx
        0x74, 0x05, // jz done
        0x01, 0xC8, // L: add eax, ecx
        0x49, // dec ecx
        0x75, 0xFB, // jnz L
        0xC3, // done: ret
    ];
    let gate = Gate32::new().unwrap();
    let code = low_code(&code);
    for n in [0u32, 1, 10, 100_000] {
        // SAFETY: the loop reads only its argument.
        let sum = unsafe { gate.call32(code.entry, &[n]) }.unwrap() as u32;
        assert_eq!(
            sum,
            (u64::from(n) * (u64::from(n) + 1) / 2) as u32,
            "n = {n}"
        );
    }
}

#[test]
fn reads_and_writes_memory_through_ds() {
    let mut data = LowBuffer::new(64).unwrap();
    data.as_mut_slice()[8..12].copy_from_slice(&0xCAFE_F00Du32.to_le_bytes());
    let base = data.addr32();
    let read = [
        0x8B, 0x44, 0x24, 0x04, // mov eax, [esp+4]   ; pointer
        0x8B, 0x00, // mov eax, [eax]         ; DS-relative load
        0xC3, // ret
    ];
    assert_eq!(run32(&read, &[base + 8]) as u32, 0xCAFE_F00D);

    // An absolute moffs32 store: A3 stores EAX at [disp32] through DS.
    let mut write = mov_eax(0x1234_5678);
    write.push(0xA3); // mov [abs32], eax
    write.extend_from_slice(&(base + 16).to_le_bytes());
    write.push(0xC3); // ret
    run32(&write, &[]);
    assert_eq!(&data.as_slice()[16..20], &0x1234_5678u32.to_le_bytes());
}

#[test]
fn returns_a_double_in_st0() {
    let code = [
        0xDD, 0x44, 0x24, 0x04, // fld qword [esp+4]
        0xD8, 0xC0, // fadd st0, st0
        0xC3, // ret
    ];
    let gate = Gate32::new().unwrap();
    let code = low_code(&code);
    let x = 1.25f64.to_bits();
    // SAFETY: the function reads its two argument words and returns in st(0).
    let doubled = unsafe { gate.call32_f64(code.entry, &[x as u32, (x >> 32) as u32]) }.unwrap();
    assert_eq!(doubled, 2.5);

    let one_plus_pi = [
        0xD9, 0xE8, // fld1
        0xD9, 0xEB, // fldpi
        0xDE, 0xC1, // faddp st1, st0
        0xC3, // ret
    ];
    let code = low_code(&one_plus_pi);
    // SAFETY: as above, without arguments.
    let value = unsafe { gate.call32_f64(code.entry, &[]) }.unwrap();
    assert_eq!(value, 1.0 + std::f64::consts::PI);
}

extern "C" fn mul_add(a: u32, b: u32, c: u32) -> u64 {
    u64::from(a) * u64::from(b) + u64::from(c)
}

extern "C" fn wide() -> u64 {
    0x0123_4567_89AB_CDEF
}

extern "C" fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

extern "C" fn sum6(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32) -> u64 {
    [a, b, c, d, e, f]
        .iter()
        .map(|&x| u64::from(x))
        .sum::<u64>()
        * 10
        + u64::from(f)
}

#[test]
fn calls_a_64_bit_rust_function_and_uses_its_result() {
    let mut gate = Gate32::new().unwrap();
    let stub = gate
        .reverse_stub(mul_add as extern "C" fn(u32, u32, u32) -> u64)
        .unwrap();
    // f(x) = mul_add(x, 3, 4) + 1
    let mut code = vec![
        0x6A, 0x04, // push 4                 ; c
        0x6A, 0x03, // push 3                 ; b
        0xFF, 0x74, 0x24, 0x0C, // push dword [esp+12]   ; a = x
    ];
    code.extend(mov_eax(stub)); // mov eax, stub
    code.extend_from_slice(&[
        0xFF, 0xD0, // call eax
        0x83, 0xC4, 0x0C, // add esp, 12
        0x40, // inc eax
        0xC3, // ret
    ]);
    let code = low_code(&code);
    // SAFETY: the code calls only the gate's reverse stub.
    let r = unsafe { gate.call32(code.entry, &[1000]) }.unwrap();
    assert_eq!(r as u32, 3005);
}

#[test]
fn a_64_bit_result_reaches_32_bit_code_in_edx_eax() {
    let mut gate = Gate32::new().unwrap();
    let stub = gate.reverse_stub(wide as extern "C" fn() -> u64).unwrap();
    let mut code = mov_eax(stub);
    code.extend_from_slice(&[0xFF, 0xD0, 0xC3]); // call eax; ret (EDX:EAX pass through)
    let code = low_code(&code);
    // SAFETY: the code calls only the gate's reverse stub.
    let r = unsafe { gate.call32(code.entry, &[]) }.unwrap();
    assert_eq!(r, 0x0123_4567_89AB_CDEF);
}

#[test]
fn the_reverse_gate_preserves_esi_and_edi_and_passes_six_arguments() {
    let mut gate = Gate32::new().unwrap();
    let add2 = gate
        .reverse_stub(add as extern "C" fn(u32, u32) -> u32)
        .unwrap();
    let six = gate
        .reverse_stub(sum6 as extern "C" fn(u32, u32, u32, u32, u32, u32) -> u64)
        .unwrap();
    // g() = add(5, 7) + esi + edi, with esi/edi set before the call.
    let mut code = vec![
        0x56, // push esi
        0x57, // push edi
        0xBE, 0x11, 0x11, 0x11, 0x11, // mov esi, 0x11111111
        0xBF, 0x22, 0x22, 0x22, 0x22, // mov edi, 0x22222222
        0x6A, 0x07, // push 7
        0x6A, 0x05, // push 5
    ];
    code.extend(mov_eax(add2));
    code.extend_from_slice(&[
        0xFF, 0xD0, // call eax                ; the stub loads edi/esi with 5 and 7
        0x83, 0xC4, 0x08, // add esp, 8
        0x01, 0xF0, // add eax, esi
        0x01, 0xF8, // add eax, edi
        0x5F, // pop edi
        0x5E, // pop esi
        0xC3, // ret
    ]);
    let code = low_code(&code);
    // SAFETY: the code preserves esi/edi itself and calls only a reverse stub.
    let r = unsafe { gate.call32(code.entry, &[]) }.unwrap();
    assert_eq!(r as u32, 12 + 0x3333_3333);

    // h(a..f) forwards its six stack arguments to sum6.
    let mut code = Vec::new();
    for _ in 0..6 {
        code.extend_from_slice(&[0xFF, 0x74, 0x24, 0x18]); // push dword [esp+24] ; arguments f..a
    }
    code.extend(mov_eax(six));
    code.extend_from_slice(&[
        0xFF, 0xD0, // call eax
        0x83, 0xC4, 0x18, // add esp, 24
        0xC3, // ret
    ]);
    let code = low_code(&code);
    // SAFETY: the code reads its arguments and calls only a reverse stub.
    let r = unsafe { gate.call32(code.entry, &[1, 2, 3, 4, 5, 6]) }.unwrap();
    assert_eq!(r, 21 * 10 + 6);
}

thread_local! {
    static GATE: Cell<*const Gate32> = const { Cell::new(std::ptr::null()) };
    static NESTED: Cell<Option<Result<u64, GateError>>> = const { Cell::new(None) };
}

/// Tries to re-enter the gate that is running us; records what it said.
extern "C" fn reenter(entry: u32) -> u64 {
    let gate = GATE.with(Cell::get);
    // SAFETY: the test stored a pointer to a gate that outlives the call
    // running this callback; `entry` is valid 32-bit code.
    let result = unsafe { (*gate).call32(entry, &[]) };
    NESTED.with(|n| n.set(Some(result)));
    77
}

#[test]
fn re_entering_a_busy_gate_is_refused_and_thread_locals_work_in_callbacks() {
    let mut gate = Gate32::new().unwrap();
    let stub = gate
        .reverse_stub(reenter as extern "C" fn(u32) -> u64)
        .unwrap();
    let mut code = vec![0xFF, 0x74, 0x24, 0x04]; // push dword [esp+4]  ; entry to re-enter
    code.extend(mov_eax(stub));
    code.extend_from_slice(&[
        0xFF, 0xD0, // call eax
        0x83, 0xC4, 0x04, // add esp, 4
        0xC3, // ret
    ]);
    let code = low_code(&code);
    GATE.with(|g| g.set(&gate));
    // SAFETY: the code calls only a reverse stub; the callback's nested call is refused.
    let r = unsafe { gate.call32(code.entry, &[code.entry]) }.unwrap();
    GATE.with(|g| g.set(std::ptr::null()));
    assert_eq!(r as u32, 77);
    assert_eq!(NESTED.with(Cell::take), Some(Err(GateError::Busy)));
    // And the gate is usable again afterwards.
    let ret42 = low_code(&[0xB8, 42, 0, 0, 0, 0xC3]);
    // SAFETY: returns a constant.
    assert_eq!(unsafe { gate.call32(ret42.entry, &[]) }.unwrap() as u32, 42);
}

#[test]
fn too_many_arguments_are_refused() {
    let gate = Gate32::new().unwrap();
    let code = low_code(&[0xC3]);
    let args = vec![0u32; MAX_ARGS + 1];
    // SAFETY: refused before any code runs.
    let result = unsafe { gate.call32(code.entry, &args) };
    assert_eq!(
        result,
        Err(GateError::TooManyArgs {
            given: MAX_ARGS + 1,
            max: MAX_ARGS
        })
    );
}

#[test]
fn reverse_stubs_run_out_with_a_typed_error() {
    let mut gate = Gate32::new().unwrap();
    let mut made = 0;
    let err = loop {
        match gate.reverse_stub(wide as extern "C" fn() -> u64) {
            Ok(_) => made += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, GateError::CodeFull);
    assert!(made > 100, "only {made} stubs fit");
    assert_no_writable_executable_mapping();
}

/// Guard page bounds for the overflow child's SIGSEGV handler.
static GUARD_START: AtomicUsize = AtomicUsize::new(0);
static GUARD_END: AtomicUsize = AtomicUsize::new(0);
/// Exit codes of the overflow child.
const FAULT_IN_GUARD: i32 = 42;
const FAULT_ELSEWHERE: i32 = 43;

extern "C" fn on_segv(_signal: i32, info: *mut libc::siginfo_t, _context: *mut std::ffi::c_void) {
    // SAFETY: the kernel passes a valid siginfo for an SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let in_guard =
        GUARD_START.load(Ordering::SeqCst) <= addr && addr < GUARD_END.load(Ordering::SeqCst);
    // SAFETY: _exit is async-signal-safe.
    unsafe {
        libc::_exit(if in_guard {
            FAULT_IN_GUARD
        } else {
            FAULT_ELSEWHERE
        })
    }
}

/// In the overflow child: report SIGSEGVs through `on_segv`, on an alternate
/// stack (the faulting 32-bit stack has no room left).
fn catch_segv_on_alternate_stack() {
    let alt = Box::leak(vec![0u8; 256 * 1024].into_boxed_slice());
    let stack = libc::stack_t {
        ss_sp: alt.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: alt.len(),
    };
    // SAFETY: `stack` describes a leaked buffer that lives for the rest of the process.
    let rc = unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) };
    assert_eq!(rc, 0);
    // SAFETY: an all-zero sigaction is a valid starting value.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction =
        on_segv as extern "C" fn(i32, *mut libc::siginfo_t, *mut std::ffi::c_void) as usize;
    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
    // SAFETY: installs a handler that only reads its arguments and calls _exit.
    let rc = unsafe { libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut()) };
    assert_eq!(rc, 0);
}

#[test]
fn a_32_bit_stack_overflow_hits_the_guard_page() {
    const CHILD: &str = "GATE32_OVERFLOW_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // In the child: recurse forever; the guard page must stop it.
        let gate = Gate32::with_stack_size(16 * 1024).unwrap();
        let guard = gate.stack_region().addr();
        GUARD_START.store(guard, Ordering::SeqCst);
        GUARD_END.store(guard + 4096, Ordering::SeqCst);
        let code = low_code(&[0xE8, 0xFB, 0xFF, 0xFF, 0xFF]); // L: call L
        catch_segv_on_alternate_stack();
        // SAFETY: deliberately overflows the 32-bit stack, in a child process
        // that exists only to die of it.
        let _ = unsafe { gate.call32(code.entry, &[]) };
        std::process::exit(0); // not reached: the handler exits
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "a_32_bit_stack_overflow_hits_the_guard_page",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(
        status.code(),
        Some(FAULT_IN_GUARD),
        "child ended with {status:?}"
    );
}
