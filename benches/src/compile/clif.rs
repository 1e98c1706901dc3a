//! Translation of our trace IR to Cranelift IR, and the two ways the bench
//! uses Cranelift: compiling to bytes (compile-time benchmark) and loading
//! into a `JITModule` (code-speed benchmark).
//!
//! The CLIF function has the same entry convention as our backend,
//! `fn(inputs: *const u64, out: *mut u64) -> u32`: the entry block loads
//! the inputs, every exit stores its values to `out[k]` and returns the
//! index of the exit's op in the trace. Mapping is one to one: SSA values map
//! to CLIF values, a `Label` is a block with one parameter per loop value, a
//! `Jump` a jump with arguments, a guard a `brif` to its own cold exit block,
//! loads/stores use `base (+ index * scale)` and the offset immediate, calls
//! are `call_indirect` through an imported signature.

use std::error::Error;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    AbiParam, Block, BlockArg, Function, InstBuilder, MemFlagsData, SigRef, UserFuncName,
    Value as CValue, types,
};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, ir};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};
use jit_core::ir::{
    Callee, ConvOp, FloatBinOp, FloatCmpOp, FloatUnOp, GuardKind, IntBinOp, IntUnOp, Op, Outcome,
    OvfOp, RefCmpOp, RetType, Trace, Type, Val, Value,
};

/// A Cranelift ISA for the host at `opt_level` (`"none"`, `"speed"`).
pub fn host_isa(opt_level: &str) -> Result<OwnedTargetIsa, Box<dyn Error>> {
    let mut flags = settings::builder();
    flags.set("opt_level", opt_level)?;
    // Production JITs run without the IR verifier; it is a debugging aid.
    flags.set("enable_verifier", "false")?;
    let isa = cranelift_native::builder()?.finish(settings::Flags::new(flags))?;
    Ok(isa)
}

fn clif_type(t: Type) -> ir::Type {
    match t {
        Type::Int | Type::Ref => types::I64,
        Type::Float => types::F64,
    }
}

/// The entry signature: `(inputs, out) -> exit op index`.
fn entry_signature(isa: &OwnedTargetIsa) -> ir::Signature {
    let mut sig = ir::Signature::new(isa.default_call_conv());
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    sig
}

/// Translates traces into a reused `Context` (warm allocations, as a JIT
/// built on Cranelift would keep them).
pub struct Translator {
    fctx: FunctionBuilderContext,
    vals: Vec<CValue>,
    exits: Vec<(Block, usize)>,
    labels: Vec<Block>,
    sigs: Vec<Option<SigRef>>,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Translator")
    }
}

impl Default for Translator {
    fn default() -> Self {
        Self::new()
    }
}

impl Translator {
    /// A translator with empty scratch state.
    pub fn new() -> Self {
        Translator {
            fctx: FunctionBuilderContext::new(),
            vals: Vec::new(),
            exits: Vec::new(),
            labels: Vec::new(),
            sigs: Vec::new(),
        }
    }

    /// Replaces `ctx.func` with the CLIF translation of `trace` (x86-64 only).
    pub fn translate(&mut self, trace: &Trace, isa: &OwnedTargetIsa, ctx: &mut Context) {
        ctx.clear();
        ctx.func = Function::with_name_signature(UserFuncName::default(), entry_signature(isa));
        let call_conv = isa.default_call_conv();
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut self.fctx);
        self.vals.clear();
        self.vals.resize(trace.num_values(), CValue::from_u32(0));
        self.exits.clear();
        self.labels.clear();
        self.sigs.clear();
        self.sigs.resize(trace.raw().sigs.len(), None);
        let mem = MemFlagsData::new().with_notrap();
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let (inp, out) = (b.block_params(entry)[0], b.block_params(entry)[1]);
        let mut ovf = None;
        let v = |vals: &Vec<CValue>, x: Value| vals[x.index()];
        for (i, &op) in trace.ops().iter().enumerate() {
            let result = match op {
                Op::Input(t) => {
                    let k = trace.op_values(i).start as i32;
                    Some(b.ins().load(clif_type(t), mem, inp, 8 * k))
                }
                Op::ConstInt(c) => Some(b.ins().iconst(types::I64, c)),
                Op::ConstRef(c) => Some(b.ins().iconst(types::I64, c as i64)),
                Op::ConstFloat(bits) => Some(b.ins().f64const(f64::from_bits(bits))),
                Op::IntBin(o, x, y) => Some(int_bin(&mut b, o, v(&self.vals, x), v(&self.vals, y))),
                Op::IntUn(o, x) => Some(int_un(&mut b, o, v(&self.vals, x))),
                Op::IntOvf(o, x, y) => {
                    let (x, y) = (v(&self.vals, x), v(&self.vals, y));
                    let (r, of) = match o {
                        OvfOp::Add => b.ins().sadd_overflow(x, y),
                        OvfOp::Sub => b.ins().ssub_overflow(x, y),
                        OvfOp::Mul => b.ins().smul_overflow(x, y),
                    };
                    ovf = Some(of);
                    Some(r)
                }
                Op::FloatBin(o, x, y) => {
                    let (x, y) = (v(&self.vals, x), v(&self.vals, y));
                    Some(match o {
                        FloatBinOp::Add => b.ins().fadd(x, y),
                        FloatBinOp::Sub => b.ins().fsub(x, y),
                        FloatBinOp::Mul => b.ins().fmul(x, y),
                        FloatBinOp::Div => b.ins().fdiv(x, y),
                        // minsd/maxsd semantics (`a < b ? a : b`), not IEEE min.
                        FloatBinOp::Min => {
                            let c = b.ins().fcmp(FloatCC::LessThan, x, y);
                            b.ins().select(c, x, y)
                        }
                        FloatBinOp::Max => {
                            let c = b.ins().fcmp(FloatCC::GreaterThan, x, y);
                            b.ins().select(c, x, y)
                        }
                    })
                }
                Op::FloatUn(o, x) => {
                    let x = v(&self.vals, x);
                    Some(match o {
                        FloatUnOp::Neg => b.ins().fneg(x),
                        FloatUnOp::Abs => b.ins().fabs(x),
                        FloatUnOp::Sqrt => b.ins().sqrt(x),
                    })
                }
                Op::FloatCmp(o, x, y) => {
                    let cc = match o {
                        FloatCmpOp::Lt => FloatCC::LessThan,
                        FloatCmpOp::Le => FloatCC::LessThanOrEqual,
                        FloatCmpOp::Gt => FloatCC::GreaterThan,
                        FloatCmpOp::Ge => FloatCC::GreaterThanOrEqual,
                        FloatCmpOp::Eq => FloatCC::Equal,
                        FloatCmpOp::Ne => FloatCC::NotEqual,
                    };
                    let c = b.ins().fcmp(cc, v(&self.vals, x), v(&self.vals, y));
                    Some(b.ins().uextend(types::I64, c))
                }
                Op::Conv(c, x) => Some(conv(&mut b, c, v(&self.vals, x))),
                Op::RefCmp(o, x, y) => {
                    let cc = if o == RefCmpOp::Eq {
                        IntCC::Equal
                    } else {
                        IntCC::NotEqual
                    };
                    let c = b.ins().icmp(cc, v(&self.vals, x), v(&self.vals, y));
                    Some(b.ins().uextend(types::I64, c))
                }
                Op::RefIsNull(x) => {
                    let c = b.ins().icmp_imm_s(IntCC::Equal, v(&self.vals, x), 0);
                    Some(b.ins().uextend(types::I64, c))
                }
                Op::Load(d, a) => {
                    let p = address(&mut b, &self.vals, &a);
                    let ins = b.ins();
                    Some(match (d.ty, d.size, d.signed) {
                        (Type::Float, _, _) => ins.load(types::F64, mem, p, a.offset),
                        (_, 8, _) => ins.load(types::I64, mem, p, a.offset),
                        (_, 4, true) => ins.sload32(mem, p, a.offset),
                        (_, 4, false) => ins.uload32(mem, p, a.offset),
                        (_, 2, true) => ins.sload16(types::I64, mem, p, a.offset),
                        (_, 2, false) => ins.uload16(types::I64, mem, p, a.offset),
                        (_, _, true) => ins.sload8(types::I64, mem, p, a.offset),
                        (_, _, false) => ins.uload8(types::I64, mem, p, a.offset),
                    })
                }
                Op::Store(d, a, x) => {
                    let p = address(&mut b, &self.vals, &a);
                    let x = v(&self.vals, x);
                    let ins = b.ins();
                    match (d.ty, d.size) {
                        (Type::Float, _) | (_, 8) => ins.store(mem, x, p, a.offset),
                        (_, 4) => ins.istore32(mem, x, p, a.offset),
                        (_, 2) => ins.istore16(mem, x, p, a.offset),
                        _ => ins.istore8(mem, x, p, a.offset),
                    };
                    None
                }
                Op::Call { callee, sig, args } => {
                    let sref = sig_ref(&mut self.sigs, &mut b, trace, sig.0 as usize, call_conv);
                    let f = match callee {
                        Callee::Const(a) => b.ins().iconst(types::I64, a as i64),
                        Callee::Value(x) => v(&self.vals, x),
                    };
                    let argv: Vec<CValue> =
                        trace.args(args).iter().map(|&x| v(&self.vals, x)).collect();
                    let call = b.ins().call_indirect(sref, f, &argv);
                    match trace.sig(sig).ret {
                        None => None,
                        Some(rt) => {
                            let r = b.inst_results(call)[0];
                            Some(extend_ret(&mut b, rt, r))
                        }
                    }
                }
                Op::CondCall {
                    cond,
                    callee,
                    sig,
                    args,
                } => {
                    let sref = sig_ref(&mut self.sigs, &mut b, trace, sig.0 as usize, call_conv);
                    let (yes, cont) = (b.create_block(), b.create_block());
                    b.ins().brif(v(&self.vals, cond), yes, &[], cont, &[]);
                    b.switch_to_block(yes);
                    let f = match callee {
                        Callee::Const(a) => b.ins().iconst(types::I64, a as i64),
                        Callee::Value(x) => v(&self.vals, x),
                    };
                    let argv: Vec<CValue> =
                        trace.args(args).iter().map(|&x| v(&self.vals, x)).collect();
                    b.ins().call_indirect(sref, f, &argv);
                    b.ins().jump(cont, &[]);
                    b.switch_to_block(cont);
                    None
                }
                Op::Guard { kind, .. } => {
                    let exit = b.create_block();
                    b.set_cold_block(exit);
                    let cont = b.create_block();
                    self.exits.push((exit, i));
                    // `(c, true)`: leave when `c` is non-zero; `(c, false)`: when zero.
                    let (c, exit_if_set) = match kind {
                        GuardKind::True(x) | GuardKind::NonNull(x) => (v(&self.vals, x), false),
                        GuardKind::False(x) | GuardKind::IsNull(x) => (v(&self.vals, x), true),
                        GuardKind::Value(x, y) => {
                            let (mut x, mut y) = (v(&self.vals, x), v(&self.vals, y));
                            if b.func.dfg.value_type(x) == types::F64 {
                                x = b.ins().bitcast(types::I64, MemFlagsData::new(), x);
                                y = b.ins().bitcast(types::I64, MemFlagsData::new(), y);
                            }
                            (b.ins().icmp(IntCC::Equal, x, y), false)
                        }
                        GuardKind::Class {
                            obj,
                            offset,
                            expected,
                        } => {
                            let w = b.ins().load(types::I64, mem, v(&self.vals, obj), offset);
                            (
                                b.ins().icmp(IntCC::Equal, w, v(&self.vals, expected)),
                                false,
                            )
                        }
                        GuardKind::NoOverflow => {
                            (ovf.unwrap_or_else(|| b.ins().iconst(types::I8, 0)), true)
                        }
                        GuardKind::Overflow => {
                            (ovf.unwrap_or_else(|| b.ins().iconst(types::I8, 0)), false)
                        }
                        GuardKind::NotInvalidated { cell } => {
                            let p = b.ins().iconst(types::I64, cell as i64);
                            (b.ins().load(types::I64, mem, p, 0), true)
                        }
                    };
                    if exit_if_set {
                        b.ins().brif(c, exit, &[], cont, &[]);
                    } else {
                        b.ins().brif(c, cont, &[], exit, &[]);
                    }
                    b.switch_to_block(cont);
                    None
                }
                Op::Label { args } => {
                    let block = b.create_block();
                    for &x in trace.args(args) {
                        b.append_block_param(block, clif_type(trace.value_type(x)));
                    }
                    let argv: Vec<BlockArg> = trace
                        .args(args)
                        .iter()
                        .map(|&x| BlockArg::Value(v(&self.vals, x)))
                        .collect();
                    b.ins().jump(block, &argv);
                    b.switch_to_block(block);
                    let params = trace.op_values(i);
                    for (k, &p) in b.block_params(block).iter().enumerate() {
                        self.vals[params.start as usize + k] = p;
                    }
                    self.labels.push(block);
                    None
                }
                Op::Jump { label, args } => {
                    let argv: Vec<BlockArg> = trace
                        .args(args)
                        .iter()
                        .map(|&x| BlockArg::Value(v(&self.vals, x)))
                        .collect();
                    b.ins().jump(self.labels[label.0 as usize], &argv);
                    None
                }
                Op::Finish { values, .. } => {
                    for (k, &x) in trace.args(values).iter().enumerate() {
                        b.ins().store(mem, v(&self.vals, x), out, 8 * k as i32);
                    }
                    let r = b.ins().iconst(types::I32, i as i64);
                    b.ins().return_(&[r]);
                    None
                }
            };
            if let Some(r) = result {
                let dst = trace.op_values(i).start as usize;
                self.vals[dst] = r;
            }
        }
        for &(block, i) in &self.exits {
            b.switch_to_block(block);
            if let Op::Guard { fail, .. } = trace.ops()[i] {
                for (k, x) in trace.fail_args(fail).iter().enumerate() {
                    if let Some(x) = x {
                        b.ins().store(mem, self.vals[x.index()], out, 8 * k as i32);
                    }
                }
            }
            let r = b.ins().iconst(types::I32, i as i64);
            b.ins().return_(&[r]);
        }
        b.seal_all_blocks();
        b.finalize(isa.frontend_config());
    }
}

/// The imported CLIF signature for trace signature `sig` (imported once per function).
fn sig_ref(
    sigs: &mut [Option<SigRef>],
    b: &mut FunctionBuilder,
    trace: &Trace,
    sig: usize,
    cc: cranelift_codegen::isa::CallConv,
) -> SigRef {
    if let Some(s) = sigs[sig] {
        return s;
    }
    let ts = &trace.raw().sigs[sig];
    let mut s = ir::Signature::new(cc);
    s.params
        .extend(ts.args.iter().map(|&t| AbiParam::new(clif_type(t))));
    if let Some(rt) = ts.ret {
        let ty = match rt {
            RetType::Float => types::F64,
            _ => types::I64,
        };
        s.returns.push(AbiParam::new(ty));
    }
    let r = b.import_signature(s);
    sigs[sig] = Some(r);
    r
}

fn bool_to_int(b: &mut FunctionBuilder, c: CValue) -> CValue {
    b.ins().uextend(types::I64, c)
}

fn int_bin(b: &mut FunctionBuilder, o: IntBinOp, x: CValue, y: CValue) -> CValue {
    let cmp = |b: &mut FunctionBuilder, cc: IntCC| {
        let c = b.ins().icmp(cc, x, y);
        bool_to_int(b, c)
    };
    match o {
        IntBinOp::Add => b.ins().iadd(x, y),
        IntBinOp::Sub => b.ins().isub(x, y),
        IntBinOp::Mul => b.ins().imul(x, y),
        IntBinOp::And => b.ins().band(x, y),
        IntBinOp::Or => b.ins().bor(x, y),
        IntBinOp::Xor => b.ins().bxor(x, y),
        // CLIF masks shift counts to the type width, like x86.
        IntBinOp::Shl => b.ins().ishl(x, y),
        IntBinOp::Sar => b.ins().sshr(x, y),
        IntBinOp::Shr => b.ins().ushr(x, y),
        IntBinOp::SDiv => b.ins().sdiv(x, y),
        IntBinOp::SRem => b.ins().srem(x, y),
        IntBinOp::UDiv => b.ins().udiv(x, y),
        IntBinOp::URem => b.ins().urem(x, y),
        IntBinOp::UMulH => b.ins().umulhi(x, y),
        IntBinOp::Eq => cmp(b, IntCC::Equal),
        IntBinOp::Ne => cmp(b, IntCC::NotEqual),
        IntBinOp::Lt => cmp(b, IntCC::SignedLessThan),
        IntBinOp::Le => cmp(b, IntCC::SignedLessThanOrEqual),
        IntBinOp::Gt => cmp(b, IntCC::SignedGreaterThan),
        IntBinOp::Ge => cmp(b, IntCC::SignedGreaterThanOrEqual),
        IntBinOp::Ult => cmp(b, IntCC::UnsignedLessThan),
        IntBinOp::Ule => cmp(b, IntCC::UnsignedLessThanOrEqual),
        IntBinOp::Ugt => cmp(b, IntCC::UnsignedGreaterThan),
        IntBinOp::Uge => cmp(b, IntCC::UnsignedGreaterThanOrEqual),
    }
}

fn int_un(b: &mut FunctionBuilder, o: IntUnOp, x: CValue) -> CValue {
    let narrow = |b: &mut FunctionBuilder, t: ir::Type, signed: bool| {
        let n = b.ins().ireduce(t, x);
        if signed {
            b.ins().sextend(types::I64, n)
        } else {
            b.ins().uextend(types::I64, n)
        }
    };
    match o {
        IntUnOp::Neg => b.ins().ineg(x),
        IntUnOp::Not => b.ins().bnot(x),
        IntUnOp::IsZero => {
            let c = b.ins().icmp_imm_s(IntCC::Equal, x, 0);
            bool_to_int(b, c)
        }
        IntUnOp::IsTrue => {
            let c = b.ins().icmp_imm_s(IntCC::NotEqual, x, 0);
            bool_to_int(b, c)
        }
        IntUnOp::Sext8 => narrow(b, types::I8, true),
        IntUnOp::Sext16 => narrow(b, types::I16, true),
        IntUnOp::Sext32 => narrow(b, types::I32, true),
        IntUnOp::Zext8 => narrow(b, types::I8, false),
        IntUnOp::Zext16 => narrow(b, types::I16, false),
        IntUnOp::Zext32 => narrow(b, types::I32, false),
    }
}

fn conv(b: &mut FunctionBuilder, c: ConvOp, x: CValue) -> CValue {
    match c {
        ConvOp::IntToFloat => b.ins().fcvt_from_sint(types::F64, x),
        // cvttsd2si semantics: NaN and out-of-range give i64::MIN.
        ConvOp::FloatToInt => {
            let sat = b.ins().fcvt_to_sint_sat(types::I64, x);
            let nan = b.ins().fcmp(FloatCC::Unordered, x, x);
            let limit = b.ins().f64const(9_223_372_036_854_775_808.0_f64);
            let big = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, limit);
            let bad = b.ins().bor(nan, big);
            let min = b.ins().iconst(types::I64, i64::MIN);
            b.ins().select(bad, min, sat)
        }
        ConvOp::FloatBitsToInt => b.ins().bitcast(types::I64, MemFlagsData::new(), x),
        ConvOp::IntBitsToFloat => b.ins().bitcast(types::F64, MemFlagsData::new(), x),
        ConvOp::IntToRef | ConvOp::RefToInt => x,
    }
}

fn extend_ret(b: &mut FunctionBuilder, rt: RetType, r: CValue) -> CValue {
    let (t, signed) = match rt {
        RetType::I8 => (types::I8, true),
        RetType::U8 => (types::I8, false),
        RetType::I16 => (types::I16, true),
        RetType::U16 => (types::I16, false),
        RetType::I32 => (types::I32, true),
        RetType::U32 => (types::I32, false),
        RetType::Int | RetType::Ref | RetType::Float => return r,
    };
    let n = b.ins().ireduce(t, r);
    if signed {
        b.ins().sextend(types::I64, n)
    } else {
        b.ins().uextend(types::I64, n)
    }
}

fn address(b: &mut FunctionBuilder, vals: &[CValue], a: &jit_core::ir::Addr) -> CValue {
    let base = vals[a.base.index()];
    match a.index {
        None => base,
        Some((i, scale)) => {
            let off = b.ins().imul_imm_s(vals[i.index()], i64::from(scale));
            b.ins().iadd(base, off)
        }
    }
}

/// Compiles `trace` to machine code bytes with `isa`: translation plus
/// `Context::compile` (verification off unless the ISA flags enable it,
/// register allocation, emission). Returns the code size in bytes.
pub fn compile_bytes(
    tr: &mut Translator,
    trace: &Trace,
    isa: &OwnedTargetIsa,
    ctx: &mut Context,
    ctrl: &mut ControlPlane,
) -> Result<usize, Box<dyn Error>> {
    tr.translate(trace, isa, ctx);
    let code = ctx
        .compile(&**isa, ctrl)
        .map_err(|e| format!("cranelift: {:?}", e.inner))?;
    Ok(code.code_buffer().len())
}

/// The native entry of a Cranelift-compiled trace.
pub type Entry = unsafe extern "C" fn(*const u64, *mut u64) -> u32;

/// A trace compiled by Cranelift into a `JITModule` (which owns the code).
pub struct Jitted {
    /// Keeps the code alive.
    _module: JITModule,
    entry: Entry,
    /// Code size in bytes.
    pub size: usize,
}

impl std::fmt::Debug for Jitted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Jitted({} bytes)", self.size)
    }
}

impl Jitted {
    /// Compiles `trace` with `isa` into a fresh `JITModule`.
    pub fn new(trace: &Trace, isa: OwnedTargetIsa) -> Result<Jitted, Box<dyn Error>> {
        let mut tr = Translator::new();
        let mut ctx = Context::new();
        tr.translate(trace, &isa, &mut ctx);
        let sig = ctx.func.signature.clone();
        let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let id = module.declare_function("trace", Linkage::Local, &sig)?;
        module.define_function(id, &mut ctx)?;
        let size = ctx.compiled_code().map_or(0, |c| c.code_buffer().len());
        module.finalize_definitions()?;
        let p = module.get_finalized_function(id);
        // SAFETY: the function was compiled from a CLIF function with exactly this signature
        // in the host's default (SysV) calling convention.
        let entry: Entry = unsafe { std::mem::transmute::<*const u8, Entry>(p) };
        Ok(Jitted {
            _module: module,
            entry,
            size,
        })
    }

    /// Runs the code with raw input words; `out` receives exit values.
    ///
    /// # Safety
    /// The trace's memory accesses and calls must be valid for these inputs.
    pub unsafe fn run_raw(&self, inputs: &[u64], out: &mut [u64]) -> u32 {
        // SAFETY: forwarded to the caller; the buffers are large enough (caller's contract).
        unsafe { (self.entry)(inputs.as_ptr(), out.as_mut_ptr()) }
    }
}

/// Encodes inputs as the entry's words.
pub fn encode(inputs: &[Val]) -> Vec<u64> {
    inputs
        .iter()
        .map(|v| match *v {
            Val::Int(x) => x as u64,
            Val::Ref(r) => r as u64,
            Val::Float(f) => f.to_bits(),
        })
        .collect()
}

/// Turns an exit (op index and `out` words) into the interpreter's [`Outcome`].
pub fn decode(trace: &Trace, exit: u32, out: &[u64]) -> Result<Outcome, Box<dyn Error>> {
    let val = |t: Type, w: u64| match t {
        Type::Int => Val::Int(w as i64),
        Type::Ref => Val::Ref(w as usize),
        Type::Float => Val::Float(f64::from_bits(w)),
    };
    match trace.ops().get(exit as usize) {
        Some(&Op::Finish { id, values }) => Ok(Outcome::Finish {
            id,
            values: trace
                .args(values)
                .iter()
                .zip(out)
                .map(|(&x, &w)| val(trace.value_type(x), w))
                .collect(),
        }),
        Some(&Op::Guard { id, fail, .. }) => Ok(Outcome::GuardFailed {
            id,
            values: trace
                .fail_args(fail)
                .iter()
                .zip(out)
                .map(|(x, &w)| x.map(|x| val(trace.value_type(x), w)))
                .collect(),
        }),
        _ => Err(format!("cranelift code returned a bad exit {exit}").into()),
    }
}

/// Words the `out` buffer needs for any exit of `trace`.
pub fn out_words(trace: &Trace) -> usize {
    trace
        .ops()
        .iter()
        .map(|op| match *op {
            Op::Finish { values, .. } => values.len as usize,
            Op::Guard { fail, .. } => fail.len as usize,
            _ => 0,
        })
        .max()
        .unwrap_or(0)
        .max(1)
}
