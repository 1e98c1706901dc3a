//! Running x86-32 code inside a 64-bit Linux x86-64 process (compatibility mode).
//!
//! Linux with IA-32 emulation lets a 64-bit process switch the CPU into
//! 32-bit compatibility mode by far-calling the flat 32-bit user code segment
//! (selector `0x23`), and back by far-calling or far-returning to the 64-bit
//! one (`0x33`). This is how the x86-32 backend is executed in ordinary
//! `cargo test`, not only decoded. The facts this module relies on (checked
//! on the development machine, see DESIGN.md):
//!
//! - 32-bit code, its stack and every byte it touches live below 4 GiB;
//! - the far call into 32-bit code pushes a 32-bit return EIP, so it must be
//!   issued from code below 4 GiB: hence a small 64-bit trampoline in a
//!   low code block, not inline assembly in the (high) Rust text;
//! - Linux leaves DS and ES null in 64-bit processes: the trampoline loads
//!   the flat data selector `0x2b` before 32-bit code touches memory;
//! - 32-bit code ends with a near `ret`, so a 32-bit stub sits between the
//!   trampoline's far call and the entry point: `call entry; retf`;
//! - the reverse direction: 32-bit code near-calls a 32-bit thunk that
//!   far-calls a 64-bit stub below 4 GiB, which calls an `extern "C"` Rust
//!   function on an aligned stack and leaves with a 32-bit-operand `retf`.
//!
//! The machine code is hand-assembled here (each instruction documented
//! next to its bytes); it is a fixed handful of instructions and must not
//! depend on the encoder it helps to test.
//!
//! Upper halves of 64-bit registers are architecturally undefined after a
//! mode switch, so nothing 64-bit is carried across one in a register: the
//! 64-bit stack pointer is saved in memory, and the stubs rebuild 64-bit
//! values from 32-bit moves (which zero-extend).

use core::cell::Cell;
use core::fmt;

use jit_core::memory::{CodeBlock, ExecutableMemory, MemoryError, Placement, Region};
use std::vec::Vec;

use crate::unix::UnixMemory;

/// Flat 32-bit user code segment of Linux x86-64 (`__USER32_CS`).
const USER32_CS: u16 = 0x23;
/// Flat 64-bit user code segment of Linux x86-64 (`__USER_CS`).
const USER64_CS: u16 = 0x33;
/// Flat user data segment (`__USER_DS`), loaded into DS and ES for 32-bit code.
const USER_DS: u32 = 0x2b;
/// Size of the gate's code block: trampoline, two entry stubs, reverse stubs.
const CODE_SIZE: usize = 16 * 1024;
/// Bytes at the top of the stack region kept for the gate itself: the saved
/// 64-bit stack pointer and the far-call frame.
const GATE_DATA: usize = 64;
/// Offset of the saved 64-bit RSP below the top of the stack region.
const SAVED_RSP_BELOW_TOP: usize = 16;
/// Size of one reverse stub: 32-bit thunk, far pointer, 64-bit stub.
const REVERSE_STUB_MAX: usize = 96;

/// Default size of the 32-bit stack.
pub const DEFAULT_STACK_SIZE: usize = 256 * 1024;
/// Most stack arguments one [`Gate32::call32`] passes.
pub const MAX_ARGS: usize = 4096;
/// Most arguments a reverse-gate target takes (all passed in registers).
pub const MAX_REVERSE_ARGS: usize = 6;

/// Why a gate operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateError {
    /// Reserving or protecting the gate's memory failed.
    Memory(MemoryError),
    /// A region the gate relies on does not lie entirely below 4 GiB.
    NotBelow4GiB {
        /// Start of the offending region.
        addr: usize,
        /// Its length in bytes.
        len: usize,
    },
    /// More stack arguments than [`MAX_ARGS`] (or than the stack holds).
    TooManyArgs {
        /// Arguments passed.
        given: usize,
        /// The limit.
        max: usize,
    },
    /// The gate is already running 32-bit code (a reverse-gate callback
    /// called back into the same gate); one gate has one stack.
    Busy,
    /// The gate's code block has no room for another reverse stub.
    CodeFull,
}

impl From<MemoryError> for GateError {
    fn from(e: MemoryError) -> Self {
        GateError::Memory(e)
    }
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateError::Memory(e) => write!(f, "gate memory: {e}"),
            GateError::NotBelow4GiB { addr, len } => {
                write!(f, "region {addr:#x}+{len:#x} is not below 4 GiB")
            }
            GateError::TooManyArgs { given, max } => {
                write!(f, "{given} arguments passed, at most {max} supported")
            }
            GateError::Busy => f.write_str("gate is already running 32-bit code"),
            GateError::CodeFull => f.write_str("gate code block is full"),
        }
    }
}

impl std::error::Error for GateError {}

/// Writable, non-executable memory below 4 GiB, for data that 32-bit code
/// reads or writes (buffers, deopt areas, globals of test programs).
///
/// 32-bit code may write it behind Rust's back while it runs; Rust code must
/// only look at the bytes between calls.
#[derive(Debug)]
pub struct LowBuffer {
    mem: UnixMemory,
    region: Region,
}

impl LowBuffer {
    /// Reserve at least `len` zeroed bytes below 4 GiB (rounded up to pages).
    pub fn new(len: usize) -> Result<Self, GateError> {
        let mut mem = UnixMemory::new();
        let region = mem.reserve(len, Placement::Below4GiB)?;
        let buffer = Self { mem, region };
        if !buffer.region.is_below_4gib() {
            return Err(GateError::NotBelow4GiB {
                addr: buffer.region.addr(),
                len: buffer.region.len,
            });
        }
        Ok(buffer)
    }

    /// The 32-bit address of the first byte.
    pub fn addr32(&self) -> u32 {
        // `new` checked that the whole region is below 4 GiB.
        self.region.addr() as u32
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.region.len
    }

    /// Whether the buffer is empty (never true: reservations are at least a page).
    pub fn is_empty(&self) -> bool {
        self.region.len == 0
    }

    /// The underlying region.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// Raw pointer to the first byte, for handing the buffer to 32-bit code.
    pub fn as_ptr(&self) -> *mut u8 {
        self.region.ptr.as_ptr()
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the region is a live read-write mapping of `len` bytes owned
        // by `self`; no `&mut` to it exists while `&self` is borrowed.
        unsafe { core::slice::from_raw_parts(self.region.ptr.as_ptr(), self.region.len) }
    }

    /// The bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`, and `&mut self` makes this the only reference.
        unsafe { core::slice::from_raw_parts_mut(self.region.ptr.as_ptr(), self.region.len) }
    }
}

impl Drop for LowBuffer {
    fn drop(&mut self) {
        let region = Region {
            ptr: self.region.ptr,
            len: self.region.len,
        };
        // SAFETY: the region came from `self.mem.reserve` and is released once,
        // here; `as_slice`/`as_mut_slice` borrows cannot outlive `self`.
        let _ = unsafe { self.mem.release(region) };
    }
}

/// The gate's 32-bit stack: read-write memory below 4 GiB whose lowest page
/// is an inaccessible guard, so a runaway 32-bit recursion faults instead of
/// overwriting whatever mapping lies below. The gate's own data (saved RSP,
/// far-call frame) sits in the top [`GATE_DATA`] bytes.
#[derive(Debug)]
struct Stack32 {
    mem: UnixMemory,
    region: Region,
    guard: usize,
}

impl Stack32 {
    fn new(size: usize) -> Result<Self, GateError> {
        let mut mem = UnixMemory::new();
        let guard = mem.page_size();
        let len = size
            .checked_add(GATE_DATA + guard)
            .ok_or(MemoryError::OutOfMemory)?;
        let region = mem.reserve(len, Placement::Below4GiB)?;
        // Owned from here on, so an early return releases the mapping.
        let stack = Self { mem, region, guard };
        if !stack.region.is_below_4gib() {
            return Err(GateError::NotBelow4GiB {
                addr: stack.region.addr(),
                len: stack.region.len,
            });
        }
        // SAFETY: the first page of a mapping this stack owns; nothing refers to it.
        let rc =
            unsafe { libc::mprotect(stack.region.ptr.as_ptr().cast(), guard, libc::PROT_NONE) };
        if rc != 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            return Err(GateError::Memory(MemoryError::ProtectFailed(errno)));
        }
        Ok(stack)
    }

    /// The lowest address 32-bit code may use (just above the guard page).
    fn bottom(&self) -> usize {
        self.region.addr() + self.guard
    }
}

impl Drop for Stack32 {
    fn drop(&mut self) {
        let region = Region {
            ptr: self.region.ptr,
            len: self.region.len,
        };
        // SAFETY: the region came from `self.mem.reserve` and is released once,
        // here; munmap does not care that the guard page is inaccessible.
        let _ = unsafe { self.mem.release(region) };
    }
}

/// A 64-bit `extern "C"` function that 32-bit code may call through the
/// reverse gate: up to [`MAX_REVERSE_ARGS`] `u32` arguments, returning `u64`
/// (given to 32-bit code in EDX:EAX), `u32` (EAX; EDX is then unspecified)
/// or `f64` (in x87 `st(0)`, as cdecl returns a `double`).
pub trait ReverseTarget: sealed::Sealed + Copy {
    /// Number of `u32` arguments.
    const ARITY: usize;
    /// The result is an `f64`, returned to 32-bit code in `st(0)`.
    const F64: bool;
    /// The function's address.
    fn address(self) -> usize;
}

mod sealed {
    /// Only the function-pointer types listed in this module are targets.
    pub trait Sealed {}
}

macro_rules! reverse_targets {
    ($($arity:literal => ($($arg:ty),*);)*) => {$(
        reverse_targets!(@ret $arity, ($($arg),*), u64, false);
        reverse_targets!(@ret $arity, ($($arg),*), u32, false);
        reverse_targets!(@ret $arity, ($($arg),*), f64, true);
    )*};
    (@ret $arity:literal, ($($arg:ty),*), $ret:ty, $f64:literal) => {
        impl sealed::Sealed for extern "C" fn($($arg),*) -> $ret {}
        impl ReverseTarget for extern "C" fn($($arg),*) -> $ret {
            const ARITY: usize = $arity;
            const F64: bool = $f64;
            fn address(self) -> usize {
                self as usize
            }
        }
    };
}

reverse_targets! {
    0 => ();
    1 => (u32);
    2 => (u32, u32);
    3 => (u32, u32, u32);
    4 => (u32, u32, u32, u32);
    5 => (u32, u32, u32, u32, u32);
    6 => (u32, u32, u32, u32, u32, u32);
}

/// The compat-mode gate: everything needed to call 32-bit code from 64-bit
/// Rust and 64-bit Rust from 32-bit code, all placed below 4 GiB.
///
/// One gate owns one 32-bit stack, so it runs one 32-bit call at a time: it
/// is neither `Send` nor `Sync`, and a nested call (from a reverse-gate
/// callback) is refused with [`GateError::Busy`]. Create one gate per thread.
#[derive(Debug)]
pub struct Gate32 {
    code: CodeBlock<UnixMemory>,
    stack: Stack32,
    /// Address of the m16:32 far pointer to the integer-returning entry stub.
    far_int: u32,
    /// Address of the m16:32 far pointer to the st(0)-returning entry stub.
    far_f64: u32,
    busy: Cell<bool>,
}

/// The trampoline's signature: entry EIP, ESP for the arguments, RSP for the
/// far-call frame, address of the far pointer to the entry stub; returns EDX:EAX.
type Trampoline = unsafe extern "C" fn(u64, u64, u64, u64) -> u64;

impl Gate32 {
    /// A gate with a [`DEFAULT_STACK_SIZE`] 32-bit stack.
    pub fn new() -> Result<Self, GateError> {
        Self::with_stack_size(DEFAULT_STACK_SIZE)
    }

    /// A gate whose 32-bit stack has at least `stack_size` bytes (plus a few
    /// bytes the gate keeps at its top).
    pub fn with_stack_size(stack_size: usize) -> Result<Self, GateError> {
        let stack = Stack32::new(stack_size)?;
        let mut code = CodeBlock::new(UnixMemory::new(), CODE_SIZE, Placement::Below4GiB)?;
        if !code.region().is_below_4gib() {
            return Err(GateError::NotBelow4GiB {
                addr: code.addr(),
                len: code.capacity(),
            });
        }
        let saved_rsp = (stack.region.end() - SAVED_RSP_BELOW_TOP) as u64;
        let mut asm = Asm::new(code.addr() as u64);
        emit_trampoline(&mut asm, saved_rsp);
        asm.align(16);
        let stub_int = asm.here32();
        emit_entry_stub(&mut asm, false);
        asm.align(16);
        let stub_f64 = asm.here32();
        emit_entry_stub(&mut asm, true);
        asm.align(8);
        let far_int = asm.far_pointer(stub_int, USER32_CS);
        let far_f64 = asm.far_pointer(stub_f64, USER32_CS);
        code.write(0, &asm.bytes)?;
        code.seal()?;
        let gate = Self {
            code,
            stack,
            far_int,
            far_f64,
            busy: Cell::new(false),
        };
        gate.check_invariants()?;
        Ok(gate)
    }

    /// Verify what the gate's machine code assumes: its code, its stack and
    /// its far pointers lie below 4 GiB, the far pointers lie inside the
    /// sealed code, and the far-call frame is 16-byte aligned.
    pub fn check_invariants(&self) -> Result<(), GateError> {
        for region in [self.code.region(), &self.stack.region] {
            if !region.is_below_4gib() {
                return Err(GateError::NotBelow4GiB {
                    addr: region.addr(),
                    len: region.len,
                });
            }
        }
        let code = self.code.addr()..self.code.addr() + self.code.len();
        for far in [self.far_int, self.far_f64] {
            let far = far as usize;
            if !(code.contains(&far) && code.contains(&(far + 5))) {
                return Err(GateError::Memory(MemoryError::BadRange));
            }
        }
        if !self.far_frame_top().is_multiple_of(16) {
            return Err(GateError::Memory(MemoryError::BadRange));
        }
        Ok(())
    }

    /// The gate's code block (trampoline, stubs): below 4 GiB, sealed.
    pub fn code_region(&self) -> &Region {
        self.code.region()
    }

    /// The 32-bit stack: below 4 GiB, read-write, never executable, its
    /// lowest page an inaccessible guard.
    pub fn stack_region(&self) -> &Region {
        &self.stack.region
    }

    /// Call the 32-bit cdecl function at `entry` with `args` pushed as its
    /// stack arguments (`args[0]` at `[esp+4]` on entry); returns EDX:EAX.
    ///
    /// # Safety
    ///
    /// `entry` must be valid 32-bit code below 4 GiB that follows cdecl
    /// (preserves EBX, ESI, EDI, EBP, ESP; leaves with `ret`), touches only
    /// memory below 4 GiB that it may touch, and calls 64-bit code only
    /// through reverse stubs of this gate.
    pub unsafe fn call32(&self, entry: u32, args: &[u32]) -> Result<u64, GateError> {
        // SAFETY: forwarded from this function's contract.
        unsafe { self.call_through(self.far_int, entry, args) }
    }

    /// Like [`Gate32::call32`], for a function returning a `double` in x87
    /// `st(0)` (cdecl): the entry stub pops `st(0)` after the call.
    ///
    /// # Safety
    ///
    /// As for [`Gate32::call32`], and the function must return a value in
    /// `st(0)` (leaving the x87 stack otherwise empty).
    pub unsafe fn call32_f64(&self, entry: u32, args: &[u32]) -> Result<f64, GateError> {
        // SAFETY: forwarded from this function's contract.
        let bits = unsafe { self.call_through(self.far_f64, entry, args) }?;
        Ok(f64::from_bits(bits))
    }

    /// Make a 32-bit address that 32-bit code can `call` (cdecl, arguments
    /// on its stack) to run the 64-bit function `f`. The result comes back
    /// in EDX:EAX (an `f64` result in x87 `st(0)`); EBX, ESI, EDI and EBP
    /// are preserved.
    ///
    /// `f` runs on the gate's 32-bit stack (with the thread's usual TLS), so
    /// it must fit in what the 32-bit code left of that stack; it must not
    /// unwind (an `extern "C"` function aborts on panic anyway).
    pub fn reverse_stub<F: ReverseTarget>(&mut self, f: F) -> Result<u32, GateError> {
        const { assert!(F::ARITY <= MAX_REVERSE_ARGS) };
        let start = self.code.len().next_multiple_of(16);
        if start + REVERSE_STUB_MAX > self.code.capacity() {
            return Err(GateError::CodeFull);
        }
        let mut asm = Asm::new(self.code.addr() as u64 + start as u64);
        let thunk = emit_reverse_stub(&mut asm, f.address() as u64, F::ARITY, F::F64);
        debug_assert!(asm.bytes.len() <= REVERSE_STUB_MAX);
        self.code.patch(start, &asm.bytes)?;
        Ok(thunk)
    }

    /// Top of the far-call frame: the 64-bit stack pointer when the trampoline
    /// far-calls the entry stub (16-byte aligned, below the saved RSP).
    fn far_frame_top(&self) -> usize {
        self.stack.region.end() - GATE_DATA
    }

    /// # Safety
    ///
    /// As for [`Gate32::call32`]; `far_ptr` is one of the gate's far pointers.
    unsafe fn call_through(
        &self,
        far_ptr: u32,
        entry: u32,
        args: &[u32],
    ) -> Result<u64, GateError> {
        let far_top = self.far_frame_top();
        let room = (far_top - self.stack.bottom()) / 2 / 4;
        let max = MAX_ARGS.min(room);
        if args.len() > max {
            return Err(GateError::TooManyArgs {
                given: args.len(),
                max,
            });
        }
        if self.busy.replace(true) {
            return Err(GateError::Busy);
        }
        let _busy = BusyGuard(&self.busy);
        // cdecl on Linux: ESP 16-byte aligned at the call, arguments upwards from it.
        let args_esp = (far_top - 16 - 4 * args.len()) & !15;
        // SAFETY: `[args_esp, args_esp + 4 * len)` lies inside the stack region
        // (at most half of it, checked above), which is read-write and owned by
        // the gate; no Rust reference into the stack exists, and no 32-bit code
        // runs on it (the busy flag was clear).
        unsafe {
            core::ptr::copy_nonoverlapping(args.as_ptr(), args_esp as *mut u32, args.len());
        }
        let trampoline = self.code.entry(0)?;
        // SAFETY: offset 0 of the sealed code block holds the trampoline,
        // assembled by `emit_trampoline` for exactly this signature.
        let trampoline: Trampoline = unsafe { core::mem::transmute(trampoline) };
        // SAFETY: the trampoline saves and restores every callee-saved register,
        // DS, ES and RSP; the stack and code it uses are below 4 GiB (checked at
        // creation); the called code's obligations are this function's contract.
        let result = unsafe {
            trampoline(
                entry as u64,
                args_esp as u64,
                far_top as u64,
                far_ptr as u64,
            )
        };
        Ok(result)
    }
}

/// Clears the busy flag when a call ends (also if it ends by unwinding).
struct BusyGuard<'a>(&'a Cell<bool>);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// A byte buffer that knows the absolute address it will be copied to.
struct Asm {
    base: u64,
    bytes: Vec<u8>,
}

impl Asm {
    fn new(base: u64) -> Self {
        Self {
            base,
            bytes: Vec::new(),
        }
    }

    /// Absolute address of the next byte.
    fn here(&self) -> u64 {
        self.base + self.bytes.len() as u64
    }

    /// [`Asm::here`] as a 32-bit address (all gate code is below 4 GiB).
    fn here32(&self) -> u32 {
        self.here() as u32
    }

    fn emit(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn u32(&mut self, v: u32) {
        self.emit(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.emit(&v.to_le_bytes());
    }

    /// Pad with `int3` up to a multiple of `n` bytes.
    fn align(&mut self, n: u64) {
        while !self.here().is_multiple_of(n) {
            self.emit(&[0xCC]);
        }
    }

    /// Emit an `m16:32` far pointer (offset, then selector); returns its address.
    fn far_pointer(&mut self, offset: u32, selector: u16) -> u32 {
        let at = self.here32();
        self.u32(offset);
        self.emit(&selector.to_le_bytes());
        at
    }
}

/// The 64-bit trampoline (a SysV function, see [`Trampoline`]): rdi = entry,
/// rsi = ESP for the arguments, rdx = RSP for the far call, rcx = address of
/// the m16:32 far pointer to an entry stub.
fn emit_trampoline(asm: &mut Asm, saved_rsp: u64) {
    asm.emit(&[0x55]); // push rbp
    asm.emit(&[0x53]); // push rbx
    asm.emit(&[0x41, 0x54]); // push r12
    asm.emit(&[0x41, 0x55]); // push r13
    asm.emit(&[0x41, 0x56]); // push r14
    asm.emit(&[0x41, 0x57]); // push r15
    asm.emit(&[0x8C, 0xD8]); // mov eax, ds
    asm.emit(&[0x50]); // push rax
    asm.emit(&[0x8C, 0xC0]); // mov eax, es
    asm.emit(&[0x50]); // push rax
    asm.emit(&[0x48, 0xB8]); // mov rax, imm64 (address of the saved-RSP slot)
    asm.u64(saved_rsp);
    asm.emit(&[0x48, 0x89, 0x20]); // mov [rax], rsp
    asm.emit(&[0xB8]); // mov eax, imm32 (flat user data selector)
    asm.u32(USER_DS);
    asm.emit(&[0x8E, 0xD8]); // mov ds, ax
    asm.emit(&[0x8E, 0xC0]); // mov es, ax
    asm.emit(&[0x89, 0xF8]); // mov eax, edi      ; entry, for the stub's `call eax`
    asm.emit(&[0x48, 0x89, 0xD4]); // mov rsp, rdx ; far-call frame, below 4 GiB
    asm.emit(&[0x89, 0xF2]); // mov edx, esi      ; argument ESP, for the stub
    asm.emit(&[0xFF, 0x19]); // call far [rcx]    ; m16:32 -> compat mode
    // Back in 64-bit mode (the stub's `retf` popped CS = 0x33).
    asm.emit(&[0x48, 0xB9]); // mov rcx, imm64 (address of the saved-RSP slot)
    asm.u64(saved_rsp);
    asm.emit(&[0x48, 0x8B, 0x21]); // mov rsp, [rcx]
    asm.emit(&[0x59]); // pop rcx
    asm.emit(&[0x8E, 0xC1]); // mov es, cx
    asm.emit(&[0x59]); // pop rcx
    asm.emit(&[0x8E, 0xD9]); // mov ds, cx
    asm.emit(&[0x89, 0xC0]); // mov eax, eax      ; zero-extend EAX
    asm.emit(&[0x48, 0xC1, 0xE2, 0x20]); // shl rdx, 32
    asm.emit(&[0x48, 0x09, 0xD0]); // or rax, rdx  ; rax = EDX:EAX
    asm.emit(&[0x41, 0x5F]); // pop r15
    asm.emit(&[0x41, 0x5E]); // pop r14
    asm.emit(&[0x41, 0x5D]); // pop r13
    asm.emit(&[0x41, 0x5C]); // pop r12
    asm.emit(&[0x5B]); // pop rbx
    asm.emit(&[0x5D]); // pop rbp
    asm.emit(&[0xC3]); // ret
}

/// A 32-bit entry stub, reached by the trampoline's far call: EAX = entry,
/// EDX = ESP with the arguments, ESP = the far-call frame. With `pop_st0`,
/// the `double` the callee left in `st(0)` is returned in EDX:EAX.
fn emit_entry_stub(asm: &mut Asm, pop_st0: bool) {
    asm.emit(&[0x89, 0xE6]); // mov esi, esp   ; far frame (ESI survives cdecl calls)
    asm.emit(&[0x89, 0xD4]); // mov esp, edx   ; arguments
    asm.emit(&[0xFF, 0xD0]); // call eax
    if pop_st0 {
        asm.emit(&[0x83, 0xEC, 0x08]); // sub esp, 8
        asm.emit(&[0xDD, 0x1C, 0x24]); // fstp qword [esp]
        asm.emit(&[0x58]); // pop eax         ; low half of the double
        asm.emit(&[0x5A]); // pop edx         ; high half
    }
    asm.emit(&[0x89, 0xF4]); // mov esp, esi
    asm.emit(&[0xCB]); // retf (32-bit operand: pops EIP, CS = 0x33)
}

/// A reverse stub for a 64-bit function at `target` taking `arity` `u32`
/// arguments. Returns the 32-bit address 32-bit code calls.
///
/// Layout: a 32-bit thunk (`call far [ptr]; ret`), the m16:32 far pointer,
/// then the 64-bit stub it points to. With `f64`, the 64-bit stub passes
/// the target's `xmm0` result as EDX:EAX and the thunk loads it into
/// `st(0)` before returning.
fn emit_reverse_stub(asm: &mut Asm, target: u64, arity: usize, f64: bool) -> u32 {
    let thunk = asm.here32();
    let far_ptr = thunk + if f64 { 16 } else { 8 };
    let stub64 = thunk + if f64 { 32 } else { 16 };
    // 32-bit thunk.
    asm.emit(&[0xFF, 0x1D]); // call far [abs32]  ; m16:32 -> 64-bit mode (reads via DS = 0x2b)
    asm.u32(far_ptr);
    if f64 {
        asm.emit(&[0x52]); // push edx
        asm.emit(&[0x50]); // push eax
        asm.emit(&[0xDD, 0x04, 0x24]); // fld qword [esp] ; the double into st(0)
        asm.emit(&[0x83, 0xC4, 0x08]); // add esp, 8
    }
    asm.emit(&[0xC3]); // ret                 ; back to the 32-bit caller
    asm.align(8);
    asm.far_pointer(stub64, USER64_CS);
    asm.align(16);
    debug_assert_eq!(asm.here32(), stub64);
    // 64-bit stub. On entry: [rsp] = EIP and [rsp+4] = CS of the far call,
    // [rsp+8] = the 32-bit caller's return address, [rsp+12] = first argument.
    asm.emit(&[0x89, 0xE4]); // mov esp, esp     ; zero-extend RSP
    asm.emit(&[0x55]); // push rbp
    asm.emit(&[0x56]); // push rsi              ; callee-saved in cdecl, not in SysV
    asm.emit(&[0x57]); // push rdi              ; likewise
    asm.emit(&[0x48, 0x89, 0xE5]); // mov rbp, rsp ; first argument now at [rbp+36]
    asm.emit(&[0x48, 0x83, 0xE4, 0xF0]); // and rsp, -16 ; SysV call alignment
    // mov <reg>, [rbp + 36 + 4*i]: edi, esi, edx, ecx, r8d, r9d (zero-extending loads).
    const LOADS: [&[u8]; MAX_REVERSE_ARGS] = [
        &[0x8B, 0x7D],       // mov edi, [rbp+disp8]
        &[0x8B, 0x75],       // mov esi, [rbp+disp8]
        &[0x8B, 0x55],       // mov edx, [rbp+disp8]
        &[0x8B, 0x4D],       // mov ecx, [rbp+disp8]
        &[0x44, 0x8B, 0x45], // mov r8d, [rbp+disp8]
        &[0x44, 0x8B, 0x4D], // mov r9d, [rbp+disp8]
    ];
    for (i, load) in LOADS.iter().take(arity).enumerate() {
        asm.emit(load);
        asm.emit(&[36 + 4 * i as u8]);
    }
    asm.emit(&[0x48, 0xB8]); // mov rax, imm64 (the target)
    asm.u64(target);
    asm.emit(&[0xFF, 0xD0]); // call rax
    if f64 {
        asm.emit(&[0x66, 0x48, 0x0F, 0x7E, 0xC0]); // movq rax, xmm0
    }
    asm.emit(&[0x48, 0x89, 0xC2]); // mov rdx, rax
    asm.emit(&[0x48, 0xC1, 0xEA, 0x20]); // shr rdx, 32 ; EDX:EAX = rax
    asm.emit(&[0x48, 0x89, 0xEC]); // mov rsp, rbp
    asm.emit(&[0x5F]); // pop rdi
    asm.emit(&[0x5E]); // pop rsi
    asm.emit(&[0x5D]); // pop rbp
    asm.emit(&[0xCB]); // retf (32-bit operand, no REX.W: pops EIP, CS = 0x23)
    thunk
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
    use std::string::String;

    /// Decode `bytes` at `base` with an independent decoder, one line per
    /// instruction, `int3` padding dropped.
    fn listing(bitness: u32, base: u64, bytes: &[u8]) -> Vec<String> {
        let mut decoder = Decoder::with_ip(bitness, bytes, base, DecoderOptions::NONE);
        let mut formatter = IntelFormatter::new();
        formatter
            .options_mut()
            .set_space_after_operand_separator(true);
        let mut lines = Vec::new();
        for instruction in &mut decoder {
            assert!(
                !instruction.is_invalid(),
                "invalid bytes at {:#x}",
                instruction.ip()
            );
            let mut line = String::new();
            formatter.format(&instruction, &mut line);
            if line != "int3" {
                lines.push(line);
            }
        }
        lines
    }

    #[test]
    fn the_trampoline_decodes_as_documented() {
        let mut asm = Asm::new(0x1000_0000);
        emit_trampoline(&mut asm, 0x2003_fff0);
        let expected = [
            "push rbp",
            "push rbx",
            "push r12",
            "push r13",
            "push r14",
            "push r15",
            "mov eax, ds",
            "push rax",
            "mov eax, es",
            "push rax",
            "mov rax, 2003FFF0h",
            "mov [rax], rsp",
            "mov eax, 2Bh",
            "mov ds, ax",
            "mov es, ax",
            "mov eax, edi",
            "mov rsp, rdx",
            "mov edx, esi",
            "call far fword ptr [rcx]",
            "mov rcx, 2003FFF0h",
            "mov rsp, [rcx]",
            "pop rcx",
            "mov es, cx",
            "pop rcx",
            "mov ds, cx",
            "mov eax, eax",
            "shl rdx, 20h",
            "or rax, rdx",
            "pop r15",
            "pop r14",
            "pop r13",
            "pop r12",
            "pop rbx",
            "pop rbp",
            "ret",
        ];
        assert_eq!(listing(64, asm.base, &asm.bytes), expected);
    }

    #[test]
    fn the_entry_stubs_decode_as_documented_in_32_bit_mode() {
        let mut asm = Asm::new(0x1000_0000);
        emit_entry_stub(&mut asm, false);
        assert_eq!(
            listing(32, asm.base, &asm.bytes),
            [
                "mov esi, esp",
                "mov esp, edx",
                "call eax",
                "mov esp, esi",
                "ret far"
            ]
        );
        let mut asm = Asm::new(0x1000_0000);
        emit_entry_stub(&mut asm, true);
        assert_eq!(
            listing(32, asm.base, &asm.bytes),
            [
                "mov esi, esp",
                "mov esp, edx",
                "call eax",
                "sub esp, 8",
                "fstp qword ptr [esp], st",
                "pop eax",
                "pop edx",
                "mov esp, esi",
                "ret far",
            ]
        );
    }

    #[test]
    fn a_reverse_stub_decodes_as_documented_in_both_modes() {
        let base = 0x1000_0100;
        let mut asm = Asm::new(base);
        let thunk = emit_reverse_stub(&mut asm, 0x5555_1234_5678, 6, false);
        assert_eq!(thunk as u64, base);
        // The 32-bit thunk and the far pointer it reads.
        assert_eq!(
            listing(32, base, &asm.bytes[..7]),
            ["call far fword ptr [10000108h]", "ret"]
        );
        assert_eq!(&asm.bytes[8..14], &[0x10, 0x01, 0x00, 0x10, 0x33, 0x00]);
        // The 64-bit stub it points to.
        assert_eq!(
            listing(64, base + 16, &asm.bytes[16..]),
            [
                "mov esp, esp",
                "push rbp",
                "push rsi",
                "push rdi",
                "mov rbp, rsp",
                "and rsp, 0FFFFFFFFFFFFFFF0h",
                "mov edi, [rbp+24h]",
                "mov esi, [rbp+28h]",
                "mov edx, [rbp+2Ch]",
                "mov ecx, [rbp+30h]",
                "mov r8d, [rbp+34h]",
                "mov r9d, [rbp+38h]",
                "mov rax, 555512345678h",
                "call rax",
                "mov rdx, rax",
                "shr rdx, 20h",
                "mov rsp, rbp",
                "pop rdi",
                "pop rsi",
                "pop rbp",
                "ret far",
            ]
        );
    }

    #[test]
    fn a_float_reverse_stub_loads_the_result_into_st0() {
        let base = 0x1000_0100;
        let mut asm = Asm::new(base);
        let thunk = emit_reverse_stub(&mut asm, 0x5555_1234_5678, 6, true);
        assert_eq!(thunk as u64, base);
        assert!(asm.bytes.len() <= REVERSE_STUB_MAX);
        assert_eq!(
            listing(32, base, &asm.bytes[..15]),
            [
                "call far fword ptr [10000110h]",
                "push edx",
                "push eax",
                "fld st, qword ptr [esp]",
                "add esp, 8",
                "ret",
            ]
        );
        assert_eq!(&asm.bytes[16..22], &[0x20, 0x01, 0x00, 0x10, 0x33, 0x00]);
        let stub = listing(64, base + 32, &asm.bytes[32..]);
        let call = stub.iter().position(|l| l == "call rax").expect("call");
        assert_eq!(stub[call + 1], "movq rax, xmm0");
        assert_eq!(stub[call + 2], "mov rdx, rax");
        assert_eq!(stub.last().map(String::as_str), Some("ret far"));
    }
}
