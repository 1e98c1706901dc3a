//! Registers, operand sizes and condition codes shared by both modes.

/// The processor mode code is encoded for. Forms that do not exist in a mode are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 32-bit protected mode: 8 GPRs, 8 XMM registers, no REX, no RIP-relative addressing.
    X86,
    /// 64-bit long mode: 16 GPRs, 16 XMM registers.
    X64,
}

impl Mode {
    /// Number of general-purpose (and XMM) registers addressable in this mode.
    #[inline]
    pub const fn register_count(self) -> u8 {
        match self {
            Mode::X86 => 8,
            Mode::X64 => 16,
        }
    }

    /// Size of a pointer / machine word in bytes.
    #[inline]
    pub const fn word_bytes(self) -> u32 {
        match self {
            Mode::X86 => 4,
            Mode::X64 => 8,
        }
    }
}

/// A general-purpose register by hardware number (0..=15).
///
/// The name says the 64-bit register; the operand [`Size`] of an instruction
/// picks the view (`RAX` with `Size::D` is `eax`). In 32-bit mode only 0..=7 exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gpr(u8);

macro_rules! gpr_consts {
    ($($name:ident = $n:expr),* $(,)?) => {
        impl Gpr { $(
            #[doc = concat!("Register number ", stringify!($n), ".")]
            pub const $name: Gpr = Gpr($n);
        )* }
    };
}
gpr_consts!(
    RAX = 0,
    RCX = 1,
    RDX = 2,
    RBX = 3,
    RSP = 4,
    RBP = 5,
    RSI = 6,
    RDI = 7,
    R8 = 8,
    R9 = 9,
    R10 = 10,
    R11 = 11,
    R12 = 12,
    R13 = 13,
    R14 = 14,
    R15 = 15
);

impl Gpr {
    /// The register with hardware number `n`, if `n < 16`.
    #[inline]
    pub const fn from_number(n: u8) -> Option<Gpr> {
        if n < 16 { Some(Gpr(n)) } else { None }
    }

    /// Hardware number 0..=15 (the low three bits go in ModRM/SIB, bit 3 in REX).
    #[inline]
    pub const fn number(self) -> u8 {
        self.0
    }
}

/// An SSE register by hardware number (0..=15; 0..=7 in 32-bit mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Xmm(u8);

macro_rules! xmm_consts {
    ($($name:ident = $n:expr),* $(,)?) => {
        impl Xmm { $(
            #[doc = concat!("SSE register number ", stringify!($n), ".")]
            pub const $name: Xmm = Xmm($n);
        )* }
    };
}
xmm_consts!(
    XMM0 = 0,
    XMM1 = 1,
    XMM2 = 2,
    XMM3 = 3,
    XMM4 = 4,
    XMM5 = 5,
    XMM6 = 6,
    XMM7 = 7,
    XMM8 = 8,
    XMM9 = 9,
    XMM10 = 10,
    XMM11 = 11,
    XMM12 = 12,
    XMM13 = 13,
    XMM14 = 14,
    XMM15 = 15
);

impl Xmm {
    /// The register with hardware number `n`, if `n < 16`.
    #[inline]
    pub const fn from_number(n: u8) -> Option<Xmm> {
        if n < 16 { Some(Xmm(n)) } else { None }
    }

    /// Hardware number 0..=15.
    #[inline]
    pub const fn number(self) -> u8 {
        self.0
    }
}

/// Operand size of an integer instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Size {
    /// 8 bits. In 64-bit mode registers 4..=7 are `spl bpl sil dil` (needs a REX prefix);
    /// in 32-bit mode they would be `ah ch dh bh`, which this encoder refuses.
    B,
    /// 16 bits (operand-size prefix 0x66).
    W,
    /// 32 bits (the default; in 64-bit mode writes zero-extend to 64 bits).
    D,
    /// 64 bits (REX.W); refused in 32-bit mode.
    Q,
}

impl Size {
    /// Width in bytes.
    #[inline]
    pub const fn bytes(self) -> u32 {
        match self {
            Size::B => 1,
            Size::W => 2,
            Size::D => 4,
            Size::Q => 8,
        }
    }

    /// Bit mask of this size, for [`crate::x86::forms::Sizes`].
    #[inline]
    pub(crate) const fn bit(self) -> u8 {
        match self {
            Size::B => 1,
            Size::W => 2,
            Size::D => 4,
            Size::Q => 8,
        }
    }
}

/// A condition code (the low nibble of `jcc`, `setcc`, `cmovcc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cond {
    /// Overflow.
    O = 0,
    /// No overflow.
    NO = 1,
    /// Below (unsigned <, carry).
    B = 2,
    /// Above or equal (unsigned >=, no carry).
    AE = 3,
    /// Equal (zero).
    E = 4,
    /// Not equal (not zero).
    NE = 5,
    /// Below or equal (unsigned <=).
    BE = 6,
    /// Above (unsigned >).
    A = 7,
    /// Sign.
    S = 8,
    /// No sign.
    NS = 9,
    /// Parity (unordered after `ucomisd`).
    P = 10,
    /// No parity.
    NP = 11,
    /// Less (signed <).
    L = 12,
    /// Greater or equal (signed >=).
    GE = 13,
    /// Less or equal (signed <=).
    LE = 14,
    /// Greater (signed >).
    G = 15,
}

impl Cond {
    /// All sixteen conditions in encoding order.
    pub const ALL: [Cond; 16] = [
        Cond::O,
        Cond::NO,
        Cond::B,
        Cond::AE,
        Cond::E,
        Cond::NE,
        Cond::BE,
        Cond::A,
        Cond::S,
        Cond::NS,
        Cond::P,
        Cond::NP,
        Cond::L,
        Cond::GE,
        Cond::LE,
        Cond::G,
    ];

    /// The opposite condition (true exactly when `self` is false).
    #[inline]
    pub const fn invert(self) -> Cond {
        Cond::ALL[(self as u8 ^ 1) as usize]
    }

    /// The 4-bit condition number.
    #[inline]
    pub const fn code(self) -> u8 {
        self as u8
    }
}
