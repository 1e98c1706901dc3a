//! The syntax tree produced by the parser and consumed by the compiler.

/// Binary operators (including the short-circuit ones).
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// Unary operators.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    Len,
    BNot,
}

/// An expression with the source line it starts on.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Line used for error positions.
    pub line: u32,
}

/// Expression forms.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum ExprKind {
    Nil,
    True,
    False,
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    Vararg,
    Function(Box<FuncBody>),
    Name(String),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Method(Box<Expr>, String, Vec<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Un(UnOp, Box<Expr>),
    Table(Vec<Field>),
    Paren(Box<Expr>),
}

/// A table constructor field.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum Field {
    Positional(Expr),
    Named(String, Expr),
    Keyed(Expr, Expr),
}

/// A function body.
#[derive(Debug, Clone)]
pub struct FuncBody {
    /// Parameter names.
    pub params: Vec<String>,
    /// Whether it ends with `...`.
    pub vararg: bool,
    /// Whether it is a method (`function a:b()`), adding `self`.
    pub is_method: bool,
    /// The body.
    pub block: Block,
    /// Line of `function`.
    pub line: u32,
    /// Line of the closing `end`.
    pub end_line: u32,
    /// Line of the token after `end`: where lua5.4 reports errors found
    /// when the function is closed (an undefined `goto` label).
    pub close_line: u32,
    /// Name for tracebacks.
    pub name: String,
}

/// A parsed chunk: its statements and the line of its end of file.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The main function's body.
    pub block: Block,
    /// Line of the end of file, where errors found when closing the main
    /// function are reported.
    pub eof_line: u32,
}

/// A sequence of statements.
pub type Block = Vec<Stmt>;

/// A statement with its line.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Line used for error positions.
    pub line: u32,
}

/// Statement forms.
#[allow(missing_docs)]
#[derive(Debug, Clone)]
pub enum StmtKind {
    Local(Vec<(String, Option<String>)>, Vec<Expr>),
    Assign(Vec<Expr>, Vec<Expr>),
    Call(Expr),
    Do(Block),
    While(Expr, Block),
    Repeat(Block, Expr),
    If(Vec<(Expr, Block)>, Option<Block>),
    NumFor(String, Expr, Expr, Option<Expr>, Block),
    GenFor(Vec<String>, Vec<Expr>, Block),
    LocalFunction(String, Box<FuncBody>),
    Return(Vec<Expr>),
    Break,
    Goto(String),
    Label(String),
}
