//! Lexer: Lua 5.4 tokens from a byte slice, with Lua's error messages.

use crate::number_fmt::str_to_number;
use crate::value::Value;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier.
    Name(String),
    /// A string literal (decoded bytes).
    Str(Vec<u8>),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A keyword or operator symbol, spelled as in source.
    Sym(&'static str),
    /// End of input.
    Eof,
}

const KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

const SYMBOLS: &[&str] = &[
    "...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::", "+", "-", "*", "/", "%", "^", "#",
    "&", "~", "|", "<", ">", "=", "(", ")", "{", "}", "[", "]", ";", ":", ",", ".",
];

/// A syntax error: message already formatted as `CHUNK:LINE: msg near 'tok'`.
#[derive(Debug, Clone)]
pub struct SyntaxError(pub String);

/// The lexer state.
#[derive(Debug)]
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Current line (1-based).
    pub line: u32,
    chunk: String,
    /// Source range of the last token read (for "near" messages).
    pub tok_start: usize,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Lexer<'a> {
    /// A lexer over `src`; `chunk` is the display name used in messages.
    pub fn new(src: &'a [u8], chunk: &str) -> Lexer<'a> {
        let mut pos = 0;
        if src.first() == Some(&b'#') {
            while pos < src.len() && src[pos] != b'\n' {
                pos += 1;
            }
        }
        Lexer {
            src,
            pos,
            line: 1,
            chunk: chunk.to_string(),
            tok_start: 0,
        }
    }

    /// Format an error at the current line with a "near" part.
    pub fn error_near(&self, msg: &str, near: Option<&str>) -> SyntaxError {
        match near {
            Some(n) => SyntaxError(format!("{}:{}: {} near {}", self.chunk, self.line, msg, n)),
            None => SyntaxError(format!("{}:{}: {}", self.chunk, self.line, msg)),
        }
    }

    /// The "near" text for a token that was just read.
    pub fn near_text(&self, tok: &Tok) -> String {
        match tok {
            Tok::Eof => "<eof>".to_string(),
            _ => {
                let end = self.pos.min(self.src.len());
                format!(
                    "'{}'",
                    String::from_utf8_lossy(&self.src[self.tok_start.min(end)..end])
                )
            }
        }
    }

    fn peek(&self) -> u8 {
        self.src.get(self.pos).copied().unwrap_or(0)
    }
    fn peek_at(&self, n: usize) -> u8 {
        self.src.get(self.pos + n).copied().unwrap_or(0)
    }

    fn newline(&mut self) {
        let c = self.src[self.pos];
        self.pos += 1;
        let d = self.peek();
        if (d == b'\n' || d == b'\r') && d != c {
            self.pos += 1;
        }
        self.line += 1;
    }

    fn err_here(&self, msg: &str) -> SyntaxError {
        let end = self.pos.min(self.src.len());
        let near = String::from_utf8_lossy(&self.src[self.tok_start.min(end)..end]).into_owned();
        self.error_near(msg, Some(&format!("'{near}'")))
    }

    /// Read the next token.
    pub fn next_token(&mut self) -> Result<Tok, SyntaxError> {
        loop {
            self.tok_start = self.pos;
            if self.pos >= self.src.len() {
                return Ok(Tok::Eof);
            }
            let c = self.src[self.pos];
            match c {
                b'\n' | b'\r' => self.newline(),
                b' ' | b'\t' | 0x0b | 0x0c => self.pos += 1,
                b'-' if self.peek_at(1) == b'-' => {
                    self.pos += 2;
                    if self.peek() == b'['
                        && let Some(level) = self.long_bracket_level()
                    {
                        self.long_string(level, true)?;
                        continue;
                    }
                    while self.pos < self.src.len() && !matches!(self.src[self.pos], b'\n' | b'\r')
                    {
                        self.pos += 1;
                    }
                }
                b'[' => {
                    if let Some(level) = self.long_bracket_level() {
                        let s = self.long_string(level, false)?;
                        return Ok(Tok::Str(s));
                    }
                    self.pos += 1;
                    return Ok(Tok::Sym("["));
                }
                b'"' | b'\'' => return self.short_string(c),
                b'0'..=b'9' => return self.number(),
                b'.' if self.peek_at(1).is_ascii_digit() => return self.number(),
                _ if is_name_start(c) => {
                    let start = self.pos;
                    while self.pos < self.src.len() && is_name_char(self.src[self.pos]) {
                        self.pos += 1;
                    }
                    let word = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
                    if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                        return Ok(Tok::Sym(k));
                    }
                    return Ok(Tok::Name(word.to_string()));
                }
                _ => {
                    for s in SYMBOLS {
                        if self.src[self.pos..].starts_with(s.as_bytes()) {
                            self.pos += s.len();
                            return Ok(Tok::Sym(s));
                        }
                    }
                    self.pos += 1;
                    let shown = if c.is_ascii_graphic() {
                        format!("'{}'", c as char)
                    } else {
                        format!("'<\\{c}>'")
                    };
                    return Err(self.error_near("unexpected symbol", Some(&shown)));
                }
            }
        }
    }

    /// At `[`: the level of a long bracket `[==[`, if it is one.
    fn long_bracket_level(&self) -> Option<usize> {
        let mut p = self.pos + 1;
        let mut level = 0;
        while self.src.get(p) == Some(&b'=') {
            level += 1;
            p += 1;
        }
        if self.src.get(p) == Some(&b'[') {
            Some(level)
        } else {
            None
        }
    }

    fn long_string(&mut self, level: usize, comment: bool) -> Result<Vec<u8>, SyntaxError> {
        let start_line = self.line;
        self.pos += level + 2;
        if matches!(self.peek(), b'\n' | b'\r') {
            self.newline();
        }
        let mut out = Vec::new();
        loop {
            if self.pos >= self.src.len() {
                let what = if comment { "comment" } else { "string" };
                let msg = format!("unfinished long {what} (starting at line {start_line})");
                return Err(self.error_near(&msg, Some("<eof>")));
            }
            let c = self.src[self.pos];
            if c == b']' {
                let mut p = self.pos + 1;
                let mut l = 0;
                while self.src.get(p) == Some(&b'=') {
                    l += 1;
                    p += 1;
                }
                if l == level && self.src.get(p) == Some(&b']') {
                    self.pos = p + 1;
                    return Ok(out);
                }
                out.push(c);
                self.pos += 1;
            } else if c == b'\n' || c == b'\r' {
                self.newline();
                out.push(b'\n');
            } else {
                out.push(c);
                self.pos += 1;
            }
        }
    }

    fn short_string(&mut self, quote: u8) -> Result<Tok, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            if self.pos >= self.src.len() {
                return Err(self.error_near("unfinished string", Some("<eof>")));
            }
            let c = self.src[self.pos];
            if c == quote {
                self.pos += 1;
                return Ok(Tok::Str(out));
            }
            match c {
                b'\n' | b'\r' => return Err(self.err_here("unfinished string")),
                b'\\' => {
                    self.pos += 1;
                    let e = self.peek();
                    match e {
                        b'n' => {
                            out.push(b'\n');
                            self.pos += 1;
                        }
                        b't' => {
                            out.push(b'\t');
                            self.pos += 1;
                        }
                        b'r' => {
                            out.push(b'\r');
                            self.pos += 1;
                        }
                        b'a' => {
                            out.push(7);
                            self.pos += 1;
                        }
                        b'b' => {
                            out.push(8);
                            self.pos += 1;
                        }
                        b'f' => {
                            out.push(12);
                            self.pos += 1;
                        }
                        b'v' => {
                            out.push(11);
                            self.pos += 1;
                        }
                        b'\\' | b'"' | b'\'' => {
                            out.push(e);
                            self.pos += 1;
                        }
                        b'\n' | b'\r' => {
                            out.push(b'\n');
                            self.newline();
                        }
                        b'x' => {
                            self.pos += 1;
                            let mut v = 0u32;
                            for _ in 0..2 {
                                let d = self.peek();
                                let Some(x) = (d as char).to_digit(16) else {
                                    if self.pos < self.src.len() {
                                        self.pos += 1;
                                    }
                                    return Err(self.err_here("hexadecimal digit expected"));
                                };
                                v = v * 16 + x;
                                self.pos += 1;
                            }
                            out.push(v as u8);
                        }
                        b'z' => {
                            self.pos += 1;
                            while self.pos < self.src.len()
                                && self.src[self.pos].is_ascii_whitespace()
                            {
                                if matches!(self.src[self.pos], b'\n' | b'\r') {
                                    self.newline();
                                } else {
                                    self.pos += 1;
                                }
                            }
                        }
                        b'u' => {
                            self.pos += 1;
                            if self.peek() != b'{' {
                                return Err(self.err_here("missing '{' in \\u{xxxx}"));
                            }
                            self.pos += 1;
                            let mut v: u64 = 0;
                            let mut n = 0;
                            while let Some(x) = (self.peek() as char).to_digit(16) {
                                v = v * 16 + x as u64;
                                if v > 0x7FFF_FFFF {
                                    return Err(self.err_here("UTF-8 value too large"));
                                }
                                self.pos += 1;
                                n += 1;
                            }
                            if n == 0 {
                                return Err(self.err_here("hexadecimal digit expected"));
                            }
                            if self.peek() != b'}' {
                                return Err(self.err_here("missing '}' in \\u{xxxx}"));
                            }
                            self.pos += 1;
                            utf8_encode(v as u32, &mut out);
                        }
                        b'0'..=b'9' => {
                            let mut v = 0u32;
                            for _ in 0..3 {
                                let d = self.peek();
                                if !d.is_ascii_digit() {
                                    break;
                                }
                                v = v * 10 + (d - b'0') as u32;
                                self.pos += 1;
                            }
                            if v > 255 {
                                return Err(self.err_here("decimal escape too large"));
                            }
                            out.push(v as u8);
                        }
                        _ => {
                            if self.pos < self.src.len() {
                                self.pos += 1;
                            }
                            return Err(self.err_here("invalid escape sequence"));
                        }
                    }
                }
                _ => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let hex = self.peek() == b'0' && matches!(self.peek_at(1), b'x' | b'X');
        if hex {
            self.pos += 2;
        }
        loop {
            let c = self.peek();
            let exp = if hex {
                matches!(c, b'p' | b'P')
            } else {
                matches!(c, b'e' | b'E')
            };
            if exp {
                self.pos += 1;
                if matches!(self.peek(), b'+' | b'-') {
                    self.pos += 1;
                }
            } else if c.is_ascii_hexdigit() || c == b'.' || is_name_char(c) {
                self.pos += 1;
            } else {
                break;
            }
        }
        match str_to_number(&self.src[start..self.pos]) {
            Some(Value::Int(i)) => Ok(Tok::Int(i)),
            Some(Value::Float(f)) => Ok(Tok::Float(f)),
            _ => Err(self.err_here("malformed number")),
        }
    }
}

/// Append the UTF-8 encoding (extended to 31 bits, as Lua does) of `v`.
pub fn utf8_encode(v: u32, out: &mut Vec<u8>) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    let mut buf = [0u8; 8];
    let mut n = 0;
    let mut x = v;
    let mut mfb = 0x3fu32;
    loop {
        buf[7 - n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        mfb >>= 1;
        if x <= mfb {
            break;
        }
    }
    buf[7 - n] = ((!mfb << 1) | x) as u8;
    n += 1;
    out.extend_from_slice(&buf[8 - n..]);
}
