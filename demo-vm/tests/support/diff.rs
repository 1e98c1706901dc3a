//! A small line diff for failure messages: the common head and tail are
//! skipped and the differing middle is shown as `-expected` / `+actual`.

/// Lines of context kept around the differing region.
const CONTEXT: usize = 2;
/// At most this many lines are shown per side.
const MAX_LINES: usize = 30;

/// A readable diff of `expected` against `actual`; empty when they are equal.
pub fn line_diff(expected: &str, actual: &str) -> String {
    if expected == actual {
        return String::new();
    }
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let act: Vec<&str> = actual.split_inclusive('\n').collect();
    let head = exp.iter().zip(&act).take_while(|(a, b)| a == b).count();
    let tail = exp[head..]
        .iter()
        .rev()
        .zip(act[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    let ctx_start = head.saturating_sub(CONTEXT);
    out.push_str(&format!("@@ from line {} @@\n", ctx_start + 1));
    for line in &exp[ctx_start..head] {
        push_line(&mut out, ' ', line);
    }
    push_side(&mut out, '-', &exp[head..exp.len() - tail]);
    push_side(&mut out, '+', &act[head..act.len() - tail]);
    let ctx_end = (exp.len() - tail + CONTEXT).min(exp.len());
    for line in &exp[exp.len() - tail..ctx_end] {
        push_line(&mut out, ' ', line);
    }
    out
}

fn push_side(out: &mut String, mark: char, lines: &[&str]) {
    for line in lines.iter().take(MAX_LINES) {
        push_line(out, mark, line);
    }
    if lines.len() > MAX_LINES {
        out.push_str(&format!(
            "{mark} ... {} more lines\n",
            lines.len() - MAX_LINES
        ));
    }
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    match line.strip_suffix('\n') {
        Some(body) => {
            out.push_str(body);
            out.push('\n');
        }
        None => {
            out.push_str(line);
            out.push_str("\n\\ no newline at end\n");
        }
    }
}
