//! Lua 5.4 patterns: `string.find`, `string.match`, `string.gmatch` and
//! `string.gsub` over byte slices.
//!
//! The matcher is a line-by-line port of `lstrlib.c`'s backtracking
//! matcher, so results, the order in which errors are detected, and the
//! "pattern too complex" limit (`MAXCCALLS` = 200 nested matcher calls)
//! are those of `lua5.4`. Recursion is bounded by that limit, so a hostile
//! pattern produces an error, never a stack overflow: the matcher needs
//! under 64 KiB of stack in release builds and under 512 KiB in debug builds
//! (tested).
//!
//! Positions in the API follow Lua: `init` arguments are 1-based and may
//! be negative; returned positions are 1-based; [`Capture::Str`] ranges are
//! 0-based byte ranges into the subject, ready for slicing.

use std::borrow::Cow;
use std::ops::Range;

use super::index::start_offset;

/// Maximum number of captures in a pattern (`LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;
/// Maximum nesting of matcher calls before "pattern too complex" (`MAXCCALLS`).
pub const MAX_MATCH_DEPTH: usize = 200;

const ESC: u8 = b'%';
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// One capture value: a substring (0-based byte range of the subject) or a
/// position capture `()` (1-based position, as Lua returns it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Capture {
    /// A captured substring `subject[range]`.
    Str(Range<usize>),
    /// A position capture: the 1-based index where it matched.
    Position(usize),
}

/// State of one capture slot while matching.
#[derive(Clone, Copy, Debug)]
enum CapLen {
    Unfinished,
    Position,
    Closed(usize),
}

/// The matcher (`MatchState` in `lstrlib.c`).
struct Matcher<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    depth_left: usize,
    level: usize,
    capture: [(usize, CapLen); MAX_CAPTURES],
}

type Step = Result<Option<usize>, String>;

/// C's `<ctype.h>` classes in the "C" locale (bytes >= 128 are in none),
/// plus `%z` (the zero byte).
fn match_class(c: u8, class: u8) -> bool {
    let res = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => matches!(c, b' ' | b'\t'..=b'\r'),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        // Deprecated in Lua 5.2 but still accepted by 5.4.
        b'z' => c == 0,
        _ => return class == c,
    };
    if class.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

impl<'a> Matcher<'a> {
    fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        Matcher {
            src,
            pat,
            depth_left: MAX_MATCH_DEPTH,
            level: 0,
            capture: [(0, CapLen::Unfinished); MAX_CAPTURES],
        }
    }

    /// `reprepstate`: resets captures and the depth budget for a new attempt.
    fn reset(&mut self) {
        self.level = 0;
        self.depth_left = MAX_MATCH_DEPTH;
    }

    /// Pattern byte at `p`, or 0 past the end (C's terminating NUL).
    fn pat_at(&self, p: usize) -> u8 {
        self.pat.get(p).copied().unwrap_or(0)
    }

    /// Subject byte at `s`, or 0 past the end (C's terminating NUL).
    fn src_at(&self, s: usize) -> u8 {
        self.src.get(s).copied().unwrap_or(0)
    }

    fn class_end(&self, mut p: usize) -> Result<usize, String> {
        let c = self.pat_at(p);
        p += 1;
        if c == ESC {
            if p >= self.pat.len() {
                return Err("malformed pattern (ends with '%')".into());
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.pat_at(p) == b'^' {
                p += 1;
            }
            loop {
                if p >= self.pat.len() {
                    return Err("malformed pattern (missing ']')".into());
                }
                let cc = self.pat[p];
                p += 1;
                if cc == ESC && p < self.pat.len() {
                    p += 1;
                }
                if self.pat_at(p) == b']' {
                    break;
                }
            }
            return Ok(p + 1);
        }
        Ok(p)
    }

    /// `matchbracketclass`: `p` at `[`, `ec` at the closing `]`.
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut sig = true;
        if self.pat_at(p + 1) == b'^' {
            sig = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                break;
            }
            let pc = self.pat[p];
            if pc == ESC {
                p += 1;
                if match_class(c, self.pat_at(p)) {
                    return sig;
                }
            } else if self.pat_at(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if pc <= c && c <= self.pat[p] {
                    return sig;
                }
            } else if pc == c {
                return sig;
            }
        }
        !sig
    }

    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        if s >= self.src.len() {
            return false;
        }
        let c = self.src[s];
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat_at(p + 1)),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            pc => pc == c,
        }
    }

    fn match_balance(&self, s: usize, p: usize) -> Step {
        if p + 1 >= self.pat.len() {
            return Err("malformed pattern (missing arguments to '%b')".into());
        }
        if s >= self.src.len() || self.src[s] != self.pat[p] {
            return Ok(None);
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        let mut depth = 1;
        for i in s + 1..self.src.len() {
            let c = self.src[i];
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                depth += 1;
            }
        }
        Ok(None)
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Step {
        let mut i = 0;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        loop {
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> Step {
        loop {
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, what: CapLen) -> Step {
        if self.level >= MAX_CAPTURES {
            return Err("too many captures".into());
        }
        self.capture[self.level] = (s, what);
        self.level += 1;
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.level -= 1;
        }
        Ok(res)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Step {
        let l = (0..self.level)
            .rev()
            .find(|&l| matches!(self.capture[l].1, CapLen::Unfinished))
            .ok_or_else(|| String::from("invalid pattern capture"))?;
        self.capture[l].1 = CapLen::Closed(s - self.capture[l].0);
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.capture[l].1 = CapLen::Unfinished;
        }
        Ok(res)
    }

    fn match_capture(&self, s: usize, digit: u8) -> Step {
        let l = usize::from(digit.wrapping_sub(b'1'));
        let invalid = || {
            format!(
                "invalid capture index %{}",
                i32::from(digit) - i32::from(b'0')
            )
        };
        if l >= self.level {
            return Err(invalid());
        }
        match self.capture[l] {
            (_, CapLen::Unfinished) => Err(invalid()),
            (_, CapLen::Position) => Ok(None),
            (start, CapLen::Closed(len)) => {
                let ok = self.src.len() - s >= len
                    && self.src[start..start + len] == self.src[s..s + len];
                Ok(ok.then_some(s + len))
            }
        }
    }

    /// `match`: tries to match the pattern from `p` at subject position
    /// `s`; returns the end of the match.
    fn do_match(&mut self, s: usize, p: usize) -> Step {
        if self.depth_left == 0 {
            return Err("pattern too complex".into());
        }
        self.depth_left -= 1;
        let res = self.match_body(s, p);
        self.depth_left += 1;
        res
    }

    fn match_body(&mut self, mut s: usize, mut p: usize) -> Step {
        loop {
            if p == self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.pat_at(p + 1) == b')' {
                        self.start_capture(s, p + 2, CapLen::Position)
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                ESC if self.pat_at(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESC if self.pat_at(p + 1) == b'f' => {
                    p += 2;
                    if self.pat_at(p) != b'[' {
                        return Err("missing '[' after '%f' in pattern".into());
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.src[s - 1] };
                    if !self.match_bracket_class(previous, p, ep - 1)
                        && self.match_bracket_class(self.src_at(s), p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                ESC if self.pat_at(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.pat[p + 1])? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let suffix = self.pat_at(ep);
                    if !self.single_match(s, p, ep) {
                        if matches!(suffix, b'*' | b'?' | b'-') {
                            p = ep + 1;
                            continue;
                        }
                        return Ok(None);
                    }
                    match suffix {
                        b'?' => {
                            if let Some(r) = self.do_match(s + 1, ep + 1)? {
                                return Ok(Some(r));
                            }
                            p = ep + 1;
                        }
                        b'+' => return self.max_expand(s + 1, p, ep),
                        b'*' => return self.max_expand(s, p, ep),
                        b'-' => return self.min_expand(s, p, ep),
                        _ => {
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        }
    }

    /// `get_onecapture`: capture `i`, or the whole match `s..e` when the
    /// pattern has no captures and `i == 0`.
    fn capture_value(&self, i: usize, s: usize, e: usize) -> Result<Capture, String> {
        if i >= self.level {
            if i != 0 {
                return Err(format!("invalid capture index %{}", i + 1));
            }
            return Ok(Capture::Str(s..e));
        }
        match self.capture[i] {
            (_, CapLen::Unfinished) => Err("unfinished capture".into()),
            (start, CapLen::Position) => Ok(Capture::Position(start + 1)),
            (start, CapLen::Closed(len)) => Ok(Capture::Str(start..start + len)),
        }
    }

    /// `push_captures`: all captures, or the whole match if there are none
    /// and `whole` is given.
    fn captures(&self, whole: Option<(usize, usize)>) -> Result<Vec<Capture>, String> {
        let (s, e) = whole.unwrap_or((0, 0));
        let n = if self.level == 0 && whole.is_some() {
            1
        } else {
            self.level
        };
        (0..n).map(|i| self.capture_value(i, s, e)).collect()
    }
}

fn has_specials(p: &[u8]) -> bool {
    p.iter().any(|c| SPECIALS.contains(c))
}

/// Plain substring search (`lmemfind`); an empty needle matches at once.
fn find_plain(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Shared body of `find` and `match_` (`str_find_aux`); returns the
/// matcher's start and end offsets and captures.
fn find_aux(
    s: &[u8],
    p: &[u8],
    init: i64,
    plain: bool,
    find: bool,
) -> Result<Option<(usize, usize, Vec<Capture>)>, String> {
    let init = start_offset(init, s.len());
    if init > s.len() {
        return Ok(None);
    }
    if find && (plain || !has_specials(p)) {
        return Ok(find_plain(&s[init..], p).map(|at| (init + at, init + at + p.len(), Vec::new())));
    }
    let anchor = p.first() == Some(&b'^');
    let p = if anchor { &p[1..] } else { p };
    let mut m = Matcher::new(s, p);
    let mut s1 = init;
    loop {
        m.reset();
        if let Some(e) = m.do_match(s1, 0)? {
            let caps = if find {
                m.captures(None)?
            } else {
                m.captures(Some((s1, e)))?
            };
            return Ok(Some((s1, e, caps)));
        }
        s1 += 1;
        if anchor || s1 > s.len() {
            return Ok(None);
        }
    }
}

/// `string.find(s, pat, init, plain)`: on success the 1-based start and
/// inclusive end of the match, and the pattern's captures (empty if it has
/// none). `Ok(None)` is Lua's `fail`; `Err` carries Lua's error message.
pub fn find(
    s: &[u8],
    pat: &[u8],
    init: i64,
    plain: bool,
) -> Result<Option<(usize, usize, Vec<Capture>)>, String> {
    Ok(find_aux(s, pat, init, plain, true)?.map(|(a, e, caps)| (a + 1, e, caps)))
}

/// `string.match(s, pat, init)`: the captures, or the whole match as a
/// single capture when the pattern has none.
pub fn match_(s: &[u8], pat: &[u8], init: i64) -> Result<Option<Vec<Capture>>, String> {
    Ok(find_aux(s, pat, init, false, false)?.map(|(_, _, caps)| caps))
}

/// The state of a `string.gmatch` iterator. It stores offsets only, so the
/// VM can keep it in a closure while its strings live in its own heap; pass
/// the same subject and pattern to every [`GMatch::next_match`] call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GMatch {
    src: usize,
    last_match: Option<usize>,
}

impl GMatch {
    /// Starts iterating over a subject of length `len` from Lua's `init`.
    pub fn new(len: usize, init: i64) -> Self {
        GMatch {
            src: start_offset(init, len).min(len + 1),
            last_match: None,
        }
    }

    /// The next match's captures (whole match if the pattern has none), or
    /// `None` when exhausted. An empty match right where the previous match
    /// ended is skipped (Lua 5.4's `lastmatch` rule). `^` is not an anchor
    /// here, as in Lua.
    pub fn next_match(&mut self, s: &[u8], pat: &[u8]) -> Result<Option<Vec<Capture>>, String> {
        let mut m = Matcher::new(s, pat);
        let mut src = self.src;
        while src <= s.len() {
            m.reset();
            if let Some(e) = m.do_match(src, 0)?
                && Some(e) != self.last_match
            {
                self.src = e;
                self.last_match = Some(e);
                return m.captures(Some((src, e))).map(Some);
            }
            src += 1;
        }
        self.src = src;
        Ok(None)
    }
}

/// A callback computing a replacement from captures: `Ok(None)` (Lua's
/// `nil`/`false`) keeps the matched text; `Ok(Some(bytes))` replaces it.
/// Callbacks for a table index with the first capture; for a function,
/// they call it with all captures. Converting the Lua result (numbers to
/// strings, "invalid replacement value (a table)") is the caller's job.
pub type ReplaceFn<'r, E> = dyn FnMut(&[Capture]) -> Result<Option<Vec<u8>>, E> + 'r;

/// What `string.gsub` substitutes for each match.
pub enum Replacement<'r, E> {
    /// A string with `%0`-`%9` and `%%` escapes (also used for numbers,
    /// converted by the caller).
    Str(&'r [u8]),
    /// A table: the callback receives only the first capture (or the whole
    /// match).
    Table(&'r mut ReplaceFn<'r, E>),
    /// A function: the callback receives all captures (or the whole match).
    Function(&'r mut ReplaceFn<'r, E>),
}

impl<E> std::fmt::Debug for Replacement<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Replacement::Str(s) => f.debug_tuple("Str").field(s).finish(),
            Replacement::Table(_) => f.write_str("Table(..)"),
            Replacement::Function(_) => f.write_str("Function(..)"),
        }
    }
}

/// Appends one capture's text (`Position` as its decimal index).
fn push_capture(out: &mut Vec<u8>, s: &[u8], cap: &Capture) {
    match cap {
        Capture::Str(r) => out.extend_from_slice(&s[r.clone()]),
        Capture::Position(p) => out.extend_from_slice(p.to_string().as_bytes()),
    }
}

/// `add_s`: expands a replacement string for the match `b..e`.
fn add_string(
    m: &Matcher<'_>,
    out: &mut Vec<u8>,
    repl: &[u8],
    b: usize,
    e: usize,
) -> Result<(), String> {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        i += 1;
        if c != ESC {
            out.push(c);
            continue;
        }
        let d = repl.get(i).copied().unwrap_or(0);
        i += 1;
        match d {
            ESC => out.push(ESC),
            b'0' => out.extend_from_slice(&m.src[b..e]),
            b'1'..=b'9' => {
                let cap = m.capture_value(usize::from(d - b'1'), b, e)?;
                push_capture(out, m.src, &cap);
            }
            _ => return Err("invalid use of '%' in replacement string".into()),
        }
    }
    Ok(())
}

/// `string.gsub(s, pat, repl, max_n)`: the result (borrowed when nothing
/// changed) and the number of matches. `max_n = None` means unlimited.
pub fn gsub<'s, E: From<String>>(
    s: &'s [u8],
    pat: &[u8],
    repl: Replacement<'_, E>,
    max_n: Option<i64>,
) -> Result<(Cow<'s, [u8]>, i64), E> {
    let mut repl = repl;
    let anchor = pat.first() == Some(&b'^');
    let p = if anchor { &pat[1..] } else { pat };
    let max_n = max_n.unwrap_or(i64::MAX);
    let mut m = Matcher::new(s, p);
    let mut out = Vec::new();
    let mut src = 0;
    let mut last_match = None;
    let mut n = 0;
    let mut changed = false;
    while n < max_n {
        m.reset();
        let e = m.do_match(src, 0)?;
        match e {
            Some(e) if Some(e) != last_match => {
                n += 1;
                let whole = Capture::Str(src..e);
                let value = match &mut repl {
                    Replacement::Str(r) => {
                        add_string(&m, &mut out, r, src, e)?;
                        changed = true;
                        None
                    }
                    Replacement::Table(f) => {
                        let first = m.capture_value(0, src, e)?;
                        Some(f(std::slice::from_ref(&first))?)
                    }
                    Replacement::Function(f) => {
                        let caps = m.captures(Some((src, e)))?;
                        Some(f(&caps)?)
                    }
                };
                match value {
                    Some(Some(v)) => {
                        out.extend_from_slice(&v);
                        changed = true;
                    }
                    Some(None) => push_capture(&mut out, s, &whole),
                    None => {}
                }
                src = e;
                last_match = Some(e);
            }
            _ if src < s.len() => {
                out.push(s[src]);
                src += 1;
            }
            _ => break,
        }
        if anchor {
            break;
        }
    }
    if !changed {
        return Ok((Cow::Borrowed(s), n));
    }
    out.extend_from_slice(&s[src..]);
    Ok((Cow::Owned(out), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &[u8], caps: &[Capture]) -> Vec<String> {
        caps.iter()
            .map(|c| {
                let mut v = Vec::new();
                push_capture(&mut v, s, c);
                String::from_utf8_lossy(&v).into_owned()
            })
            .collect()
    }

    fn m(s: &str, p: &str) -> Result<Option<Vec<String>>, String> {
        Ok(match_(s.as_bytes(), p.as_bytes(), 1)?.map(|c| texts(s.as_bytes(), &c)))
    }

    fn sub(s: &str, p: &str, r: &str) -> Result<(String, i64), String> {
        let (v, n) = gsub::<String>(
            s.as_bytes(),
            p.as_bytes(),
            Replacement::Str(r.as_bytes()),
            None,
        )?;
        Ok((String::from_utf8_lossy(&v).into_owned(), n))
    }

    #[test]
    fn classes_sets_and_quantifiers() {
        assert_eq!(m("hello world", "%a+").unwrap(), Some(vec!["hello".into()]));
        assert_eq!(
            m("key = value", "(%w+)%s*=%s*(%w+)").unwrap(),
            Some(vec!["key".into(), "value".into()])
        );
        assert_eq!(m("x=[a]]", "%[(.-)%]").unwrap(), Some(vec!["a".into()]));
        assert_eq!(
            m("THE (quick) fox", "%f[%a]%a+").unwrap(),
            Some(vec!["THE".into()])
        );
        assert_eq!(
            m("f(a(b)c)d", "%b()").unwrap(),
            Some(vec!["(a(b)c)".into()])
        );
        assert_eq!(m("abcabc", "(abc)%1").unwrap(), Some(vec!["abc".into()]));
        assert_eq!(
            m("abc", "()b()").unwrap(),
            Some(vec!["2".into(), "3".into()])
        );
        assert_eq!(m("a]b", "[]]").unwrap(), Some(vec!["]".into()]));
        assert_eq!(m("-x", "[a-]").unwrap(), Some(vec!["-".into()]));
    }

    #[test]
    fn find_positions_and_init() {
        assert_eq!(find(b"abc", b"b", -1, false).unwrap(), None);
        assert_eq!(
            find(b"abc", b"b", -10, false).unwrap(),
            Some((2, 2, vec![]))
        );
        assert_eq!(find(b"abc", b"", 4, false).unwrap(), Some((4, 3, vec![])));
        assert_eq!(find(b"abc", b"", 10, false).unwrap(), None);
        assert_eq!(find(b"a.c", b".", 1, true).unwrap(), Some((2, 2, vec![])));
        assert_eq!(find(b"abc", b"^b", 1, false).unwrap(), None);
    }

    #[test]
    fn gsub_rules() {
        assert_eq!(sub("abc", "", "-").unwrap(), ("-a-b-c-".into(), 4));
        assert_eq!(sub("abc", "b*", "-").unwrap(), ("-a-c-".into(), 3));
        assert_eq!(sub("abc", "()", "%1").unwrap(), ("1a2b3c4".into(), 4));
        assert_eq!(sub("hello", "l", "%%").unwrap(), ("he%%o".into(), 2));
        assert_eq!(sub("abc", "%w", "%0%0").unwrap(), ("aabbcc".into(), 3));
        let mut upper = |c: &[Capture]| -> Result<Option<Vec<u8>>, String> {
            Ok(match &c[0] {
                Capture::Str(r) if r.start == 0 => None,
                _ => Some(b"X".to_vec()),
            })
        };
        let (v, n) = gsub(b"abc", b"%w", Replacement::Function(&mut upper), Some(2)).unwrap();
        assert_eq!((&*v, n), (&b"aXc"[..], 2));
    }

    #[test]
    fn gmatch_skips_empty_match_after_previous_match() {
        let mut g = GMatch::new(3, 1);
        let mut out = Vec::new();
        while let Some(c) = g.next_match(b"abc", b"b*").unwrap() {
            out.extend(texts(b"abc", &c));
        }
        assert_eq!(out, ["", "b", ""]);
    }

    /// The depth limit bounds Rust stack use: the deepest patterns run on a
    /// thread with a small stack (debug builds have the largest frames).
    #[test]
    fn deep_patterns_fit_a_small_stack() {
        let worker = std::thread::Builder::new()
            .stack_size(STACK_BUDGET)
            .spawn(|| {
                let s = "a".repeat(400);
                for p in [
                    "a?".repeat(300),
                    "a-".repeat(300),
                    "a*".repeat(300),
                    "(a)".repeat(31),
                    format!("{}{}", "(".repeat(32), ")".repeat(32)),
                    "()".repeat(32) + &"a?".repeat(300),
                    "%f[a]".repeat(300) + "b",
                ] {
                    let _ = match_(s.as_bytes(), p.as_bytes(), 1);
                    let _ =
                        gsub::<String>(s.as_bytes(), p.as_bytes(), Replacement::Str(b"x"), None);
                }
            })
            .unwrap();
        worker.join().unwrap();
    }

    /// Stack given to the matcher above: measured need is under 512 KiB in
    /// debug builds and under 64 KiB in release builds.
    const STACK_BUDGET: usize = if cfg!(debug_assertions) { 512 } else { 128 } * 1024;

    #[test]
    fn errors_like_lua() {
        let err = |p: &str| m("abc", p).unwrap_err();
        assert_eq!(err("%"), "malformed pattern (ends with '%')");
        assert_eq!(err("[a"), "malformed pattern (missing ']')");
        assert_eq!(err("%fa"), "missing '[' after '%f' in pattern");
        assert_eq!(err("(a)%2"), "invalid capture index %2");
        assert_eq!(err("(a"), "unfinished capture");
        assert_eq!(err("a)"), "invalid pattern capture");
        assert_eq!(err("%b"), "malformed pattern (missing arguments to '%b')");
        assert_eq!(err(&"()".repeat(33)), "too many captures");
        assert_eq!(
            m(&"a".repeat(300), &"a?".repeat(300)).unwrap_err(),
            "pattern too complex"
        );
        assert_eq!(
            sub("abc", "a", "%x").unwrap_err(),
            "invalid use of '%' in replacement string"
        );
        assert_eq!(
            sub("abc", "(a)", "%2").unwrap_err(),
            "invalid capture index %2"
        );
    }
}
