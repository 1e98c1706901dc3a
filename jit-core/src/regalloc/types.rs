//! The vocabulary shared by the client and the allocator: registers, virtual
//! registers, locations, operands and the target's register environment.

/// A register class: which register file a value lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegClass {
    /// General-purpose integer registers (`Int` and `Ref` values).
    Gpr = 0,
    /// SSE registers (`Float` values).
    Xmm = 1,
}

impl RegClass {
    /// Both classes, in index order.
    pub const ALL: [RegClass; 2] = [RegClass::Gpr, RegClass::Xmm];
}

/// A physical register: a class and the hardware number the encoder uses
/// (x86 ModRM numbering, 0..=15), so `x86::Gpr`/`x86::Xmm` map 1:1. Kept
/// as one dense index (class * 32 + number): registers index the
/// allocator's tables and sets directly.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PReg(u8);

impl PReg {
    /// A general-purpose register by hardware number (below 32).
    pub const fn gpr(num: u8) -> PReg {
        PReg(num & 31)
    }
    /// An SSE register by hardware number (below 32).
    pub const fn xmm(num: u8) -> PReg {
        PReg(32 | (num & 31))
    }
    /// A register of `class` by hardware number (below 32).
    pub const fn new(class: RegClass, num: u8) -> PReg {
        match class {
            RegClass::Gpr => PReg::gpr(num),
            RegClass::Xmm => PReg::xmm(num),
        }
    }
    /// Its register file.
    pub const fn class(self) -> RegClass {
        if self.0 >= 32 {
            RegClass::Xmm
        } else {
            RegClass::Gpr
        }
    }
    /// Its hardware register number.
    pub const fn num(self) -> u8 {
        self.0 & 31
    }
    /// Dense index over both classes (0..64), for tables indexed by register.
    pub(crate) const fn index(self) -> usize {
        self.0 as usize
    }
    pub(crate) const fn from_index(index: usize) -> PReg {
        PReg((index & 63) as u8)
    }
}

impl core::fmt::Debug for PReg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PReg")
            .field("class", &self.class())
            .field("num", &self.num())
            .finish()
    }
}

/// A set of physical registers of both classes (a bit per register).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PRegSet {
    bits: u64,
}

impl PRegSet {
    /// The empty set.
    pub const EMPTY: PRegSet = PRegSet { bits: 0 };

    /// The set of the given registers.
    pub const fn of(regs: &[PReg]) -> PRegSet {
        let mut set = PRegSet::EMPTY;
        let mut i = 0;
        while i < regs.len() {
            set = set.with(regs[i]);
            i += 1;
        }
        set
    }
    /// The set of GPRs `nums` plus XMMs `xmm_nums`, written as bit masks.
    pub const fn from_masks(gpr_mask: u32, xmm_mask: u32) -> PRegSet {
        PRegSet {
            bits: gpr_mask as u64 | (xmm_mask as u64) << 32,
        }
    }
    /// This set plus `reg`.
    #[must_use]
    pub const fn with(self, reg: PReg) -> PRegSet {
        PRegSet {
            bits: self.bits | 1 << reg.index(),
        }
    }
    /// Adds `reg`.
    pub fn insert(&mut self, reg: PReg) {
        self.bits |= 1 << reg.index();
    }
    /// Removes `reg`.
    pub fn remove(&mut self, reg: PReg) {
        self.bits &= !(1 << reg.index());
    }
    /// Whether `reg` is in the set.
    pub const fn contains(self, reg: PReg) -> bool {
        self.bits & 1 << reg.index() != 0
    }
    /// Union.
    #[must_use]
    pub const fn union(self, other: PRegSet) -> PRegSet {
        PRegSet {
            bits: self.bits | other.bits,
        }
    }
    /// Registers of `self` not in `other`.
    #[must_use]
    pub const fn minus(self, other: PRegSet) -> PRegSet {
        PRegSet {
            bits: self.bits & !other.bits,
        }
    }
    /// Intersection.
    #[must_use]
    pub const fn intersect(self, other: PRegSet) -> PRegSet {
        PRegSet {
            bits: self.bits & other.bits,
        }
    }
    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }
    /// Number of registers in the set.
    pub const fn len(self) -> u32 {
        self.bits.count_ones()
    }
    /// The registers of one class.
    #[must_use]
    pub const fn of_class(self, class: RegClass) -> PRegSet {
        let mask = 0xFFFF_FFFFu64 << (class as u32 * 32);
        PRegSet {
            bits: self.bits & mask,
        }
    }
    /// The registers, GPRs first, each class in ascending hardware number.
    pub fn iter(self) -> impl Iterator<Item = PReg> {
        let mut bits = self.bits;
        core::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let index = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(PReg::from_index(index))
        })
    }
}

/// A virtual register: a value of the client's code, defined once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VReg(pub u32);

/// An 8-byte frame slot chosen by the allocator (numbered from 0; the client
/// decides where slot `n` sits in its frame). `Xmm` spills use 8 bytes too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpillSlot(pub u32);

/// Where a value is at one point of the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Allocation {
    /// In a physical register.
    Reg(PReg),
    /// In a spill slot of the frame.
    Stack(SpillSlot),
    /// Nowhere: the vreg is a client constant; materialise it (as a move
    /// source, or as an immediate for a guard exit). Materialisation must not
    /// touch the flags (use `mov`, never `xor r, r`).
    Const(VReg),
    /// In the condition flags (a comparison feeding the next guard).
    Flags,
}

/// Per-vreg facts the allocator needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VRegInfo {
    /// Register file of the value.
    pub class: RegClass,
    /// The value is a GC reference: reported at safepoints wherever it lives.
    pub is_ref: bool,
    /// The value is a constant known to the client: it has no defining
    /// instruction, is never spilled, and is rematerialised on use.
    pub is_const: bool,
}

/// Whether an operand reads or writes its vreg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// Read before the instruction writes anything.
    Use,
    /// Written at the end of the instruction (may share a register with a
    /// use whose value dies here).
    Def,
}

/// Where an operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// Any allocatable register of the vreg's class.
    Reg,
    /// A register or a spill slot (x86 memory operand forms).
    RegOrStack,
    /// This exact register (call arguments, results, shift counts, ...).
    Fixed(PReg),
    /// Defs only: the value arrives in this spill slot (a bridge or trace
    /// entry taking over a guard's frame state). The slot must be free.
    FixedStack(SpillSlot),
    /// Defs only: the register of the use operand at this index of the
    /// instruction's operand list (2-operand x86 forms like `add dst, src`).
    Reuse(u8),
    /// The condition flags, not a register: a comparison's def consumed by
    /// later instructions' `Flags` uses with no flag-clobbering instruction
    /// in between.
    Flags,
}

/// One operand of an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operand {
    /// The value read or written.
    pub vreg: VReg,
    /// Read or write.
    pub kind: OperandKind,
    /// Where it must be.
    pub constraint: Constraint,
}

impl Operand {
    /// A use of `vreg` constrained by `constraint`.
    pub const fn use_(vreg: VReg, constraint: Constraint) -> Operand {
        Operand {
            vreg,
            kind: OperandKind::Use,
            constraint,
        }
    }
    /// A def of `vreg` constrained by `constraint`.
    pub const fn def(vreg: VReg, constraint: Constraint) -> Operand {
        Operand {
            vreg,
            kind: OperandKind::Def,
            constraint,
        }
    }
}

/// The role of an instruction for the allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstKind {
    /// An ordinary instruction (arithmetic, call, guard, finish, ...).
    Op,
    /// The loop header. Its branch args are existing vregs; from here on each
    /// stays in one location (reported by [`crate::regalloc::Output::label_locations`])
    /// at the top of every iteration.
    Label,
    /// The back edge, the last instruction: its branch args are moved
    /// (in parallel) into the label's locations.
    Jump,
}

/// Per-instruction facts the allocator needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstInfo {
    /// Op, Label or Jump.
    pub kind: InstKind,
    /// Registers whose contents the instruction destroys (caller-saved
    /// registers at a call). Values live after it are moved out first.
    pub clobbers: PRegSet,
    /// Whether the instruction changes the condition flags.
    pub clobbers_flags: bool,
    /// Whether the instruction may run the GC: the output lists where every
    /// live `is_ref` value is kept across it.
    pub safepoint: bool,
}

impl InstInfo {
    /// An ordinary instruction that clobbers the flags and nothing else.
    pub const fn op() -> InstInfo {
        InstInfo {
            kind: InstKind::Op,
            clobbers: PRegSet::EMPTY,
            clobbers_flags: true,
            safepoint: false,
        }
    }
}

/// The client's code, as the allocator sees it (the regalloc2 shape: the
/// client implements this over its own IR; nothing is copied).
pub trait Function {
    /// Number of instructions (numbered 0..n in program order).
    fn num_insts(&self) -> usize;
    /// Number of vregs (numbered 0..n).
    fn num_vregs(&self) -> usize;
    /// Facts about one vreg.
    fn vreg_info(&self, vreg: VReg) -> VRegInfo;
    /// Facts about one instruction.
    fn inst_info(&self, inst: usize) -> InstInfo;
    /// Operands of an `Op` (empty for `Label` and `Jump`).
    fn operands(&self, inst: usize) -> &[Operand];
    /// Vregs carried by a `Label` or `Jump` (empty for an `Op`).
    fn branch_args(&self, inst: usize) -> &[VReg];
    /// Fail-args of a guard: vregs whose locations are reported for the exit
    /// taken *after* the instruction ran (so they survive its clobbers and
    /// are not overwritten by its defs).
    fn exit_args(&self, inst: usize) -> &[VReg];
}
