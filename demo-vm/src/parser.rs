//! Recursive-descent parser from tokens to the [`crate::ast`] tree, with Lua's
//! syntax error messages and a nesting limit (never a host stack overflow).

use crate::ast::*;
use crate::lexer::{Lexer, SyntaxError, Tok};

/// Deepest expression/statement nesting accepted.
const MAX_DEPTH: u32 = 190;

/// Parser state: the lexer plus one token of lookahead.
#[derive(Debug)]
pub struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Tok,
    near: String,
    ahead: Option<(Tok, String, u32)>,
    depth: u32,
    /// Line of the current token.
    line: u32,
    vararg_stack: Vec<bool>,
}

/// Parse a whole chunk.
pub fn parse_chunk(src: &[u8], chunk: &str) -> Result<Chunk, SyntaxError> {
    let mut p = Parser {
        lex: Lexer::new(src, chunk),
        tok: Tok::Eof,
        near: String::new(),
        ahead: None,
        depth: 0,
        line: 1,
        vararg_stack: vec![true],
    };
    p.advance()?;
    let b = p.block()?;
    if p.tok != Tok::Eof {
        return Err(p.err("'<eof>' expected"));
    }
    Ok(Chunk {
        block: b,
        eof_line: p.line,
    })
}

fn binop(t: &Tok) -> Option<(BinOp, u8, u8)> {
    let Tok::Sym(s) = t else { return None };
    Some(match *s {
        "or" => (BinOp::Or, 1, 1),
        "and" => (BinOp::And, 2, 2),
        "<" => (BinOp::Lt, 3, 3),
        ">" => (BinOp::Gt, 3, 3),
        "<=" => (BinOp::Le, 3, 3),
        ">=" => (BinOp::Ge, 3, 3),
        "~=" => (BinOp::Ne, 3, 3),
        "==" => (BinOp::Eq, 3, 3),
        "|" => (BinOp::BOr, 4, 4),
        "~" => (BinOp::BXor, 5, 5),
        "&" => (BinOp::BAnd, 6, 6),
        "<<" => (BinOp::Shl, 7, 7),
        ">>" => (BinOp::Shr, 7, 7),
        ".." => (BinOp::Concat, 9, 8),
        "+" => (BinOp::Add, 10, 10),
        "-" => (BinOp::Sub, 10, 10),
        "*" => (BinOp::Mul, 11, 11),
        "/" => (BinOp::Div, 11, 11),
        "//" => (BinOp::IDiv, 11, 11),
        "%" => (BinOp::Mod, 11, 11),
        "^" => (BinOp::Pow, 14, 13),
        _ => return None,
    })
}

const UNARY_PRIORITY: u8 = 12;

impl<'a> Parser<'a> {
    fn advance(&mut self) -> Result<(), SyntaxError> {
        if let Some((t, n, l)) = self.ahead.take() {
            self.tok = t;
            self.near = n;
            self.line = l;
            return Ok(());
        }
        let t = self.lex.next_token()?;
        self.near = self.lex.near_text(&t);
        self.line = self.lex.line;
        self.tok = t;
        Ok(())
    }

    fn peek_ahead(&mut self) -> Result<&Tok, SyntaxError> {
        if self.ahead.is_none() {
            let t = self.lex.next_token()?;
            let n = self.lex.near_text(&t);
            self.ahead = Some((t, n, self.lex.line));
        }
        Ok(self.ahead.as_ref().map(|a| &a.0).unwrap_or(&Tok::Eof))
    }

    fn err(&self, msg: &str) -> SyntaxError {
        let mut e = self.lex.error_near(msg, Some(&self.near));
        if self.ahead.is_some() {
            // Report the line of the current token, not the lookahead's.
            e = SyntaxError(e.0.replacen(
                &format!(":{}:", self.lex.line),
                &format!(":{}:", self.line),
                1,
            ));
        }
        e
    }

    fn is(&self, s: &str) -> bool {
        matches!(&self.tok, Tok::Sym(x) if *x == s)
    }

    fn accept(&mut self, s: &str) -> Result<bool, SyntaxError> {
        if self.is(s) {
            self.advance()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), SyntaxError> {
        if self.accept(s)? {
            Ok(())
        } else {
            Err(self.err(&format!("'{s}' expected")))
        }
    }

    fn expect_match(&mut self, what: &str, who: &str, line: u32) -> Result<(), SyntaxError> {
        if self.accept(what)? {
            return Ok(());
        }
        if line == self.line {
            Err(self.err(&format!("'{what}' expected")))
        } else {
            Err(self.err(&format!(
                "'{what}' expected (to close '{who}' at line {line})"
            )))
        }
    }

    fn name(&mut self) -> Result<String, SyntaxError> {
        if let Tok::Name(n) = &self.tok {
            let n = n.clone();
            self.advance()?;
            Ok(n)
        } else {
            Err(self.err("<name> expected"))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError("C stack overflow".into()));
        }
        Ok(())
    }

    fn block_end(&self) -> bool {
        matches!(&self.tok, Tok::Eof)
            || self.is("end")
            || self.is("else")
            || self.is("elseif")
            || self.is("until")
    }

    fn block(&mut self) -> Result<Block, SyntaxError> {
        self.enter()?;
        let mut stmts = Vec::new();
        while !self.block_end() {
            if self.is("return") {
                let line = self.line;
                self.advance()?;
                let exprs = if self.block_end() || self.is(";") {
                    Vec::new()
                } else {
                    self.exprlist()?
                };
                self.accept(";")?;
                stmts.push(Stmt {
                    kind: StmtKind::Return(exprs),
                    line,
                });
                if !self.block_end() {
                    return Err(self.err("'<eof>' expected"));
                }
                break;
            }
            if let Some(s) = self.statement()? {
                stmts.push(s);
            }
        }
        self.depth -= 1;
        Ok(stmts)
    }

    fn statement(&mut self) -> Result<Option<Stmt>, SyntaxError> {
        let line = self.line;
        let kind = match &self.tok {
            Tok::Sym(";") => {
                self.advance()?;
                return Ok(None);
            }
            Tok::Sym("if") => {
                self.advance()?;
                let mut arms = Vec::new();
                let cond = self.expr()?;
                self.expect("then")?;
                let b = self.block()?;
                arms.push((cond, b));
                let mut els = None;
                loop {
                    if self.accept("elseif")? {
                        let c = self.expr()?;
                        self.expect("then")?;
                        let b = self.block()?;
                        arms.push((c, b));
                    } else if self.accept("else")? {
                        els = Some(self.block()?);
                        self.expect_match("end", "if", line)?;
                        break;
                    } else {
                        self.expect_match("end", "if", line)?;
                        break;
                    }
                }
                StmtKind::If(arms, els)
            }
            Tok::Sym("while") => {
                self.advance()?;
                let c = self.expr()?;
                self.expect("do")?;
                let b = self.block()?;
                self.expect_match("end", "while", line)?;
                StmtKind::While(c, b)
            }
            Tok::Sym("do") => {
                self.advance()?;
                let b = self.block()?;
                self.expect_match("end", "do", line)?;
                StmtKind::Do(b)
            }
            Tok::Sym("for") => {
                self.advance()?;
                let n1 = self.name()?;
                if self.accept("=")? {
                    let start = self.expr()?;
                    self.expect(",")?;
                    let limit = self.expr()?;
                    let step = if self.accept(",")? {
                        Some(self.expr()?)
                    } else {
                        None
                    };
                    self.expect("do")?;
                    let b = self.block()?;
                    self.expect_match("end", "for", line)?;
                    StmtKind::NumFor(n1, start, limit, step, b)
                } else if self.is(",") || self.is("in") {
                    let mut names = vec![n1];
                    while self.accept(",")? {
                        names.push(self.name()?);
                    }
                    self.expect("in")?;
                    let exprs = self.exprlist()?;
                    self.expect("do")?;
                    let b = self.block()?;
                    self.expect_match("end", "for", line)?;
                    StmtKind::GenFor(names, exprs, b)
                } else {
                    return Err(self.err("'=' or 'in' expected"));
                }
            }
            Tok::Sym("repeat") => {
                self.advance()?;
                let b = self.block()?;
                self.expect_match("until", "repeat", line)?;
                let c = self.expr()?;
                StmtKind::Repeat(b, c)
            }
            Tok::Sym("function") => {
                self.advance()?;
                let n = self.name()?;
                let mut full = n.clone();
                let mut target = Expr {
                    kind: ExprKind::Name(n),
                    line,
                };
                let mut is_method = false;
                while self.is(".") || self.is(":") {
                    let method = self.is(":");
                    self.advance()?;
                    let key = self.name()?;
                    full.push(if method { ':' } else { '.' });
                    full.push_str(&key);
                    target = Expr {
                        kind: ExprKind::Index(
                            Box::new(target),
                            Box::new(Expr {
                                kind: ExprKind::Str(key.into_bytes()),
                                line,
                            }),
                        ),
                        line,
                    };
                    if method {
                        is_method = true;
                        break;
                    }
                }
                let body = self.funcbody(line, is_method, full)?;
                StmtKind::Assign(
                    vec![target],
                    vec![Expr {
                        kind: ExprKind::Function(Box::new(body)),
                        line,
                    }],
                )
            }
            Tok::Sym("local") => {
                self.advance()?;
                if self.accept("function")? {
                    let n = self.name()?;
                    let body = self.funcbody(line, false, n.clone())?;
                    StmtKind::LocalFunction(n, Box::new(body))
                } else {
                    let mut names = Vec::new();
                    loop {
                        let n = self.name()?;
                        let attr = if self.accept("<")? {
                            let a = self.name()?;
                            if a != "const" && a != "close" {
                                return Err(self
                                    .lex
                                    .error_near(&format!("unknown attribute '{a}'"), None));
                            }
                            self.expect(">")?;
                            Some(a)
                        } else {
                            None
                        };
                        names.push((n, attr));
                        if !self.accept(",")? {
                            break;
                        }
                    }
                    let exprs = if self.accept("=")? {
                        self.exprlist()?
                    } else {
                        Vec::new()
                    };
                    StmtKind::Local(names, exprs)
                }
            }
            Tok::Sym("::") => {
                self.advance()?;
                let n = self.name()?;
                self.expect("::")?;
                StmtKind::Label(n)
            }
            Tok::Sym("break") => {
                self.advance()?;
                StmtKind::Break
            }
            Tok::Sym("goto") => {
                self.advance()?;
                StmtKind::Goto(self.name()?)
            }
            _ => {
                let e = self.suffixedexp()?;
                if self.is("=") || self.is(",") {
                    let mut targets = vec![e];
                    while self.accept(",")? {
                        targets.push(self.suffixedexp()?);
                    }
                    for t in &targets {
                        if !matches!(t.kind, ExprKind::Name(_) | ExprKind::Index(..)) {
                            return Err(self.err("syntax error"));
                        }
                    }
                    self.expect("=")?;
                    let exprs = self.exprlist()?;
                    StmtKind::Assign(targets, exprs)
                } else if matches!(e.kind, ExprKind::Call(..) | ExprKind::Method(..)) {
                    StmtKind::Call(e)
                } else {
                    return Err(self.err("syntax error"));
                }
            }
        };
        Ok(Some(Stmt { kind, line }))
    }

    fn funcbody(
        &mut self,
        line: u32,
        is_method: bool,
        name: String,
    ) -> Result<FuncBody, SyntaxError> {
        self.enter()?;
        self.expect("(")?;
        let mut params = Vec::new();
        let mut vararg = false;
        if !self.is(")") {
            loop {
                if self.accept("...")? {
                    vararg = true;
                    break;
                }
                match &self.tok {
                    Tok::Name(_) => params.push(self.name()?),
                    _ => return Err(self.err("<name> or '...' expected")),
                }
                if !self.accept(",")? {
                    break;
                }
            }
        }
        self.expect(")")?;
        self.vararg_stack.push(vararg);
        let block = self.block()?;
        self.vararg_stack.pop();
        let end_line = self.line;
        self.expect_match("end", "function", line)?;
        let close_line = self.line;
        self.depth -= 1;
        Ok(FuncBody {
            params,
            vararg,
            is_method,
            block,
            line,
            end_line,
            close_line,
            name,
        })
    }

    fn exprlist(&mut self) -> Result<Vec<Expr>, SyntaxError> {
        let mut v = vec![self.expr()?];
        while self.accept(",")? {
            v.push(self.expr()?);
        }
        Ok(v)
    }

    /// Parse an expression.
    pub fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.subexpr(0)
    }

    fn subexpr(&mut self, limit: u8) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let line = self.line;
        let unop = match &self.tok {
            Tok::Sym("not") => Some(UnOp::Not),
            Tok::Sym("-") => Some(UnOp::Neg),
            Tok::Sym("#") => Some(UnOp::Len),
            Tok::Sym("~") => Some(UnOp::BNot),
            _ => None,
        };
        let mut left = if let Some(op) = unop {
            self.advance()?;
            let e = self.subexpr(UNARY_PRIORITY)?;
            fold_unary(op, e, line)
        } else {
            self.simpleexp()?
        };
        while let Some((op, lp, rp)) = binop(&self.tok) {
            if lp <= limit {
                break;
            }
            let line = self.line;
            self.advance()?;
            let right = self.subexpr(rp)?;
            left = Expr {
                kind: ExprKind::Bin(op, Box::new(left), Box::new(right)),
                line,
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn simpleexp(&mut self) -> Result<Expr, SyntaxError> {
        let line = self.line;
        let kind = match &self.tok {
            Tok::Int(i) => ExprKind::Int(*i),
            Tok::Float(f) => ExprKind::Float(*f),
            Tok::Str(s) => ExprKind::Str(s.clone()),
            Tok::Sym("nil") => ExprKind::Nil,
            Tok::Sym("true") => ExprKind::True,
            Tok::Sym("false") => ExprKind::False,
            Tok::Sym("...") => {
                if !self.vararg_stack.last().copied().unwrap_or(false) {
                    return Err(self.err("cannot use '...' outside a vararg function"));
                }
                ExprKind::Vararg
            }
            Tok::Sym("{") => return self.table(),
            Tok::Sym("function") => {
                self.advance()?;
                let b = self.funcbody(line, false, String::new())?;
                return Ok(Expr {
                    kind: ExprKind::Function(Box::new(b)),
                    line,
                });
            }
            _ => return self.suffixedexp(),
        };
        self.advance()?;
        Ok(Expr { kind, line })
    }

    fn primaryexp(&mut self) -> Result<Expr, SyntaxError> {
        let line = self.line;
        match &self.tok {
            Tok::Name(_) => {
                let n = self.name()?;
                Ok(Expr {
                    kind: ExprKind::Name(n),
                    line,
                })
            }
            Tok::Sym("(") => {
                self.advance()?;
                let e = self.expr()?;
                self.expect_match(")", "(", line)?;
                Ok(Expr {
                    kind: ExprKind::Paren(Box::new(e)),
                    line,
                })
            }
            _ => Err(self.err("unexpected symbol")),
        }
    }

    fn suffixedexp(&mut self) -> Result<Expr, SyntaxError> {
        self.enter()?;
        let mut e = self.primaryexp()?;
        let mut levels = 0;
        loop {
            let line = self.line;
            match &self.tok {
                Tok::Sym(".") => {
                    self.advance()?;
                    let n = self.name()?;
                    e = Expr {
                        kind: ExprKind::Index(
                            Box::new(e),
                            Box::new(Expr {
                                kind: ExprKind::Str(n.into_bytes()),
                                line,
                            }),
                        ),
                        line,
                    };
                }
                Tok::Sym("[") => {
                    self.advance()?;
                    let k = self.expr()?;
                    self.expect("]")?;
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(k)),
                        line,
                    };
                }
                Tok::Sym(":") => {
                    self.advance()?;
                    let n = self.name()?;
                    let args = self.callargs()?;
                    e = Expr {
                        kind: ExprKind::Method(Box::new(e), n, args),
                        line,
                    };
                }
                Tok::Sym("(") | Tok::Sym("{") | Tok::Str(_) => {
                    let args = self.callargs()?;
                    e = Expr {
                        kind: ExprKind::Call(Box::new(e), args),
                        line,
                    };
                }
                _ => break,
            }
            levels += 1;
            if levels > 10_000 {
                return Err(self.err("expression too complex"));
            }
        }
        self.depth -= 1;
        Ok(e)
    }

    fn callargs(&mut self) -> Result<Vec<Expr>, SyntaxError> {
        let line = self.line;
        match &self.tok {
            Tok::Str(s) => {
                let e = Expr {
                    kind: ExprKind::Str(s.clone()),
                    line,
                };
                self.advance()?;
                Ok(vec![e])
            }
            Tok::Sym("{") => Ok(vec![self.table()?]),
            Tok::Sym("(") => {
                self.advance()?;
                if self.accept(")")? {
                    return Ok(Vec::new());
                }
                let args = self.exprlist()?;
                self.expect_match(")", "(", line)?;
                Ok(args)
            }
            _ => Err(self.err("function arguments expected")),
        }
    }

    fn table(&mut self) -> Result<Expr, SyntaxError> {
        let line = self.line;
        self.expect("{")?;
        let mut fields = Vec::new();
        while !self.is("}") {
            if self.is("[") {
                self.advance()?;
                let k = self.expr()?;
                self.expect("]")?;
                self.expect("=")?;
                let v = self.expr()?;
                fields.push(Field::Keyed(k, v));
            } else if matches!(self.tok, Tok::Name(_))
                && matches!(self.peek_ahead()?, Tok::Sym("="))
            {
                let n = self.name()?;
                self.expect("=")?;
                let v = self.expr()?;
                fields.push(Field::Named(n, v));
            } else {
                fields.push(Field::Positional(self.expr()?));
            }
            if !self.accept(",")? && !self.accept(";")? {
                break;
            }
        }
        self.expect_match("}", "{", line)?;
        Ok(Expr {
            kind: ExprKind::Table(fields),
            line,
        })
    }
}

/// Fold `-<number literal>` at parse time (so `-9223372036854775808` style
/// literals and constant tables stay cheap).
fn fold_unary(op: UnOp, e: Expr, line: u32) -> Expr {
    match (op, &e.kind) {
        (UnOp::Neg, ExprKind::Int(i)) => Expr {
            kind: ExprKind::Int(i.wrapping_neg()),
            line,
        },
        (UnOp::Neg, ExprKind::Float(f)) => Expr {
            kind: ExprKind::Float(-f),
            line,
        },
        _ => Expr {
            kind: ExprKind::Un(op, Box::new(e)),
            line,
        },
    }
}
