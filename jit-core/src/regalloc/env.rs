//! The target description as data: which registers the allocator may use
//! and which survive calls.

use super::types::{PReg, PRegSet, RegClass};

/// The register environment of a target ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegEnv {
    /// Registers the allocator may hand out, both classes. Preference among
    /// free registers follows ascending hardware number.
    pub allocatable: PRegSet,
    /// Registers a callee preserves. Values live across a call go here (or
    /// to the stack); the prologue must save those listed in
    /// [`crate::regalloc::Output::callee_saved_used`].
    pub callee_saved: PRegSet,
    /// Registers a call destroys (informational; each call's clobber set is
    /// given per instruction by the client).
    pub caller_saved: PRegSet,
    /// Registers reserved for the client's own sequences (e.g. lowering a
    /// stack-to-stack [`crate::regalloc::Edit::Move`]); never allocated.
    pub scratch: PRegSet,
}

const RAX: u8 = 0;
const RCX: u8 = 1;
const RDX: u8 = 2;
const RBX: u8 = 3;
const RSI: u8 = 6;
const RDI: u8 = 7;

impl RegEnv {
    /// x86-64 System V: 13 GPRs (all but rsp, rbp = frame pointer, r11 =
    /// scratch) and all 16 XMMs; callee-saved rbx, r12-r15; no XMM survives calls.
    pub const fn x86_64_sysv() -> RegEnv {
        let gprs: u32 = 0xFFFF & !(1 << 4 | 1 << 5 | 1 << 11);
        let callee: u32 = 1 << RBX | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15;
        RegEnv {
            allocatable: PRegSet::from_masks(gprs, 0xFFFF),
            callee_saved: PRegSet::from_masks(callee, 0),
            caller_saved: PRegSet::from_masks(0xFFFF & !(callee | 1 << 4 | 1 << 5), 0xFFFF),
            scratch: PRegSet::from_masks(1 << 11, 0),
        }
    }

    /// x86-64 Windows: as SysV but rsi, rdi and xmm6-xmm15 are callee-saved.
    pub const fn x86_64_win64() -> RegEnv {
        let gprs: u32 = 0xFFFF & !(1 << 4 | 1 << 5 | 1 << 11);
        let callee: u32 = 1 << RBX | 1 << RSI | 1 << RDI | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15;
        let xmm_callee: u32 = 0xFFC0;
        RegEnv {
            allocatable: PRegSet::from_masks(gprs, 0xFFFF),
            callee_saved: PRegSet::from_masks(callee, xmm_callee),
            caller_saved: PRegSet::from_masks(0xFFFF & !(callee | 1 << 4 | 1 << 5), 0x003F),
            scratch: PRegSet::from_masks(1 << 11, 0),
        }
    }

    /// x86-32 cdecl: the 6 GPRs eax ecx edx ebx esi edi (esp = stack, ebp =
    /// frame pointer) and xmm0-xmm7; callee-saved ebx, esi, edi. No scratch
    /// register: the client lowers stack-to-stack moves with `push`/`pop`.
    pub const fn x86_32() -> RegEnv {
        let gprs: u32 = 1 << RAX | 1 << RCX | 1 << RDX | 1 << RBX | 1 << RSI | 1 << RDI;
        let callee: u32 = 1 << RBX | 1 << RSI | 1 << RDI;
        RegEnv {
            allocatable: PRegSet::from_masks(gprs, 0xFF),
            callee_saved: PRegSet::from_masks(callee, 0),
            caller_saved: PRegSet::from_masks(1 << RAX | 1 << RCX | 1 << RDX, 0xFF),
            scratch: PRegSet::EMPTY,
        }
    }

    /// Registers of `class` the allocator may hand out.
    pub fn allocatable_of(&self, class: RegClass) -> PRegSet {
        self.allocatable.minus(self.scratch).of_class(class)
    }

    /// Whether the allocator may hand out `reg`.
    pub fn is_allocatable(&self, reg: PReg) -> bool {
        self.allocatable.minus(self.scratch).contains(reg)
    }
}
