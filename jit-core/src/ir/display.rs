//! A readable dump of a trace, for logs and `--trace`. One op per line:
//!
//! ```text
//! trace w64: 2 inputs, 9 values
//!    0  i0 = input
//!    3  i3 = int_add i0, i2
//!    4  guard_true i3 #7 [i0, _, i2]
//!    5  label L0(i4 = i0, f5 = f1)
//!    9  jump L0(i8, f5)
//! ```
//!
//! Values are named by type letter (`i` Int, `r` Ref, `f` Float) and index.

use core::fmt::{self, Display, Formatter};

use super::Trace;
use super::op::{
    Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op, OvfOp,
    RefCmpOp,
};
use super::types::{Addr, MemDesc, Type, Value, WordSize};

impl Display for Trace {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let word = match self.word() {
            WordSize::W32 => "w32",
            WordSize::W64 => "w64",
        };
        writeln!(
            f,
            "trace {word}: {} inputs, {} values",
            self.input_types().len(),
            self.num_values()
        )?;
        for (i, op) in self.ops().iter().enumerate() {
            write!(f, "{i:>4}  ")?;
            if let Some(v) = self
                .op_result(i)
                .filter(|_| !matches!(op, Op::Label { .. }))
            {
                write!(f, "{} = ", self.name(v))?;
            }
            self.fmt_op(f, i, op)?;
            writeln!(f)?;
        }
        Ok(())
    }
}

/// A value with its type letter, e.g. `i3`.
struct Name(Type, Value);

impl Display for Name {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.0.prefix(), self.1.0)
    }
}

impl Trace {
    fn name(&self, v: Value) -> Name {
        Name(self.value_type(v), v)
    }

    fn fmt_list(&self, f: &mut Formatter<'_>, vals: &[Value]) -> fmt::Result {
        for (k, &v) in vals.iter().enumerate() {
            let sep = if k == 0 { "" } else { ", " };
            write!(f, "{sep}{}", self.name(v))?;
        }
        Ok(())
    }

    fn fmt_addr(&self, f: &mut Formatter<'_>, a: &Addr) -> fmt::Result {
        write!(f, "[{}", self.name(a.base))?;
        if let Some((index, size)) = a.index {
            write!(f, " + {}*{size}", self.name(index))?;
        }
        match a.offset {
            0 => f.write_str("]"),
            o if o < 0 => write!(f, " - {}]", -(o as i64)),
            o => write!(f, " + {o}]"),
        }
    }

    fn fmt_op(&self, f: &mut Formatter<'_>, i: usize, op: &Op) -> fmt::Result {
        match *op {
            Op::Input(_) => f.write_str("input"),
            Op::ConstInt(c) => write!(f, "const {c}"),
            Op::ConstFloat(bits) => write!(f, "const {:?} ({bits:#x})", f64::from_bits(bits)),
            Op::ConstRef(c) => write!(f, "const_ref {c:#x}"),
            Op::IntBin(o, a, b) => {
                write!(f, "{} {}, {}", int_bin_name(o), self.name(a), self.name(b))
            }
            Op::IntUn(o, a) => write!(f, "{} {}", int_un_name(o), self.name(a)),
            Op::IntOvf(o, a, b) => {
                let n = match o {
                    OvfOp::Add => "int_add_ovf",
                    OvfOp::Sub => "int_sub_ovf",
                    OvfOp::Mul => "int_mul_ovf",
                };
                write!(f, "{n} {}, {}", self.name(a), self.name(b))
            }
            Op::FloatBin(o, a, b) => write!(
                f,
                "{} {}, {}",
                float_bin_name(o),
                self.name(a),
                self.name(b)
            ),
            Op::FloatUn(o, a) => {
                let n = match o {
                    FloatUnOp::Neg => "float_neg",
                    FloatUnOp::Abs => "float_abs",
                    FloatUnOp::Sqrt => "float_sqrt",
                };
                write!(f, "{n} {}", self.name(a))
            }
            Op::FloatCmp(o, a, b) => write!(
                f,
                "{} {}, {}",
                float_cmp_name(o),
                self.name(a),
                self.name(b)
            ),
            Op::Conv(o, a) => write!(f, "{} {}", conv_name(o), self.name(a)),
            Op::RefCmp(o, a, b) => {
                let n = if o == RefCmpOp::Eq {
                    "ref_eq"
                } else {
                    "ref_ne"
                };
                write!(f, "{n} {}, {}", self.name(a), self.name(b))
            }
            Op::RefIsNull(a) => write!(f, "ref_is_null {}", self.name(a)),
            Op::Load(d, ref a) => {
                write!(f, "load.{} ", MemName(d))?;
                self.fmt_addr(f, a)
            }
            Op::Store(d, ref a, v) => {
                write!(f, "store.{} ", MemName(d))?;
                self.fmt_addr(f, a)?;
                write!(f, ", {}", self.name(v))
            }
            Op::Call { callee, sig, args } => {
                f.write_str("call ")?;
                self.fmt_call(f, callee, sig.0, args)
            }
            Op::CondCall {
                cond,
                callee,
                sig,
                args,
            } => {
                write!(f, "cond_call {} ? ", self.name(cond))?;
                self.fmt_call(f, callee, sig.0, args)
            }
            Op::Guard { ref kind, id, fail } => {
                self.fmt_guard(f, kind)?;
                write!(f, " #{id} [")?;
                for (k, v) in self.fail_args(fail).iter().enumerate() {
                    let sep = if k == 0 { "" } else { ", " };
                    match v {
                        Some(v) => write!(f, "{sep}{}", self.name(*v))?,
                        None => write!(f, "{sep}_")?,
                    }
                }
                f.write_str("]")
            }
            Op::Label { args } => {
                let label = self.ops()[..i]
                    .iter()
                    .filter(|o| matches!(o, Op::Label { .. }))
                    .count();
                write!(f, "label L{label}(")?;
                for (k, (&init, p)) in self.args(args).iter().zip(self.op_values(i)).enumerate() {
                    let sep = if k == 0 { "" } else { ", " };
                    write!(f, "{sep}{} = {}", self.name(Value(p)), self.name(init))?;
                }
                f.write_str(")")
            }
            Op::Jump { label, args } => {
                write!(f, "jump L{}(", label.0)?;
                self.fmt_list(f, self.args(args))?;
                f.write_str(")")
            }
            Op::Finish { id, values } => {
                write!(f, "finish #{id} (")?;
                self.fmt_list(f, self.args(values))?;
                f.write_str(")")
            }
        }
    }

    fn fmt_call(
        &self,
        f: &mut Formatter<'_>,
        callee: Callee,
        sig: u32,
        args: super::ArgRange,
    ) -> fmt::Result {
        match callee {
            Callee::Const(a) => write!(f, "{a:#x}(")?,
            Callee::Value(v) => write!(f, "{}(", self.name(v))?,
        }
        self.fmt_list(f, self.args(args))?;
        write!(f, ") sig{sig}")?;
        let s = self.sig(super::SigId(sig));
        if s.flags.may_gc {
            f.write_str(" may_gc")?;
        }
        if s.flags.may_deopt {
            f.write_str(" may_deopt")?;
        }
        Ok(())
    }

    fn fmt_guard(&self, f: &mut Formatter<'_>, kind: &GuardKind) -> fmt::Result {
        match *kind {
            GuardKind::True(v) => write!(f, "guard_true {}", self.name(v)),
            GuardKind::False(v) => write!(f, "guard_false {}", self.name(v)),
            GuardKind::Value(a, b) => write!(f, "guard_value {}, {}", self.name(a), self.name(b)),
            GuardKind::NonNull(v) => write!(f, "guard_nonnull {}", self.name(v)),
            GuardKind::IsNull(v) => write!(f, "guard_isnull {}", self.name(v)),
            GuardKind::Class {
                obj,
                offset,
                expected,
            } => {
                write!(
                    f,
                    "guard_class [{} + {offset}] == {}",
                    self.name(obj),
                    self.name(expected)
                )
            }
            GuardKind::NoOverflow => f.write_str("guard_no_overflow"),
            GuardKind::Overflow => f.write_str("guard_overflow"),
            GuardKind::NotInvalidated { cell } => write!(f, "guard_not_invalidated {cell:#x}"),
        }
    }
}

/// `i4s`, `i1u`, `f8`, `r8`: type, size, signedness of an access.
struct MemName(MemDesc);

impl Display for MemName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{}{}", d.ty.prefix(), d.size)?;
        if d.ty == Type::Int {
            f.write_str(if d.signed { "s" } else { "u" })?;
        }
        Ok(())
    }
}

fn int_bin_name(o: IntBinOp) -> &'static str {
    match o {
        IntBinOp::Add => "int_add",
        IntBinOp::Sub => "int_sub",
        IntBinOp::Mul => "int_mul",
        IntBinOp::And => "int_and",
        IntBinOp::Or => "int_or",
        IntBinOp::Xor => "int_xor",
        IntBinOp::Shl => "int_shl",
        IntBinOp::Sar => "int_sar",
        IntBinOp::Shr => "int_shr",
        IntBinOp::SDiv => "int_sdiv",
        IntBinOp::SRem => "int_srem",
        IntBinOp::UDiv => "int_udiv",
        IntBinOp::URem => "int_urem",
        IntBinOp::UMulH => "int_umulh",
        IntBinOp::Eq => "int_eq",
        IntBinOp::Ne => "int_ne",
        IntBinOp::Lt => "int_lt",
        IntBinOp::Le => "int_le",
        IntBinOp::Gt => "int_gt",
        IntBinOp::Ge => "int_ge",
        IntBinOp::Ult => "uint_lt",
        IntBinOp::Ule => "uint_le",
        IntBinOp::Ugt => "uint_gt",
        IntBinOp::Uge => "uint_ge",
    }
}

fn int_un_name(o: IntUnOp) -> &'static str {
    match o {
        IntUnOp::Neg => "int_neg",
        IntUnOp::Not => "int_not",
        IntUnOp::IsZero => "int_is_zero",
        IntUnOp::IsTrue => "int_is_true",
        IntUnOp::Sext8 => "sext8",
        IntUnOp::Sext16 => "sext16",
        IntUnOp::Sext32 => "sext32",
        IntUnOp::Zext8 => "zext8",
        IntUnOp::Zext16 => "zext16",
        IntUnOp::Zext32 => "zext32",
    }
}

fn float_bin_name(o: FloatBinOp) -> &'static str {
    match o {
        FloatBinOp::Add => "float_add",
        FloatBinOp::Sub => "float_sub",
        FloatBinOp::Mul => "float_mul",
        FloatBinOp::Div => "float_div",
        FloatBinOp::Min => "float_min",
        FloatBinOp::Max => "float_max",
    }
}

fn float_cmp_name(o: FloatCmpOp) -> &'static str {
    match o {
        FloatCmpOp::Lt => "float_lt",
        FloatCmpOp::Le => "float_le",
        FloatCmpOp::Gt => "float_gt",
        FloatCmpOp::Ge => "float_ge",
        FloatCmpOp::Eq => "float_eq",
        FloatCmpOp::Ne => "float_ne",
    }
}

fn conv_name(o: ConvOp) -> &'static str {
    match o {
        ConvOp::IntToFloat => "int_to_float",
        ConvOp::FloatToInt => "float_to_int",
        ConvOp::FloatBitsToInt => "float_bits_to_int",
        ConvOp::IntBitsToFloat => "int_bits_to_float",
        ConvOp::IntToRef => "int_to_ref",
        ConvOp::RefToInt => "ref_to_int",
    }
}
