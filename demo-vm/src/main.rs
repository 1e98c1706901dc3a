//! `demo-vm` command line: run a file, a `-e` chunk, or a REPL on stdin.

use demo_vm::{Error, Vm};
use std::io::BufRead;
use std::process::ExitCode;

const USAGE: &str = "usage: demo-vm [--stats] [-e CODE] [FILE [ARGS...]]";

struct Options {
    stats: bool,
    exec: Vec<String>,
    script: Option<String>,
    args: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        stats: false,
        exec: Vec::new(),
        script: None,
        args: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--stats" => o.stats = true,
            "-e" => o.exec.push(
                it.next()
                    .ok_or_else(|| format!("'-e' needs argument\n{USAGE}"))?,
            ),
            "-h" | "--help" => return Err(USAGE.to_string()),
            // `demo-vm run FILE` (DESIGN.md's spelling) and `demo-vm FILE` are the same.
            "run" if o.script.is_none() && o.exec.is_empty() => {
                let file = it
                    .next()
                    .ok_or_else(|| format!("'run' needs a file\n{USAGE}"))?;
                o.script = Some(file);
                o.args = it.collect();
                break;
            }
            _ => {
                o.script = Some(a);
                o.args = it.collect();
                break;
            }
        }
    }
    Ok(o)
}

fn report(vm: &mut Vm, e: &Error) {
    vm.flush_output();
    match e {
        Error::Syntax(m) => eprintln!("demo-vm: {m}"),
        Error::Runtime(m) => eprintln!("demo-vm: {m}\nstack traceback:\n\t[C]: in ?"),
    }
}

fn repl(vm: &mut Vm) {
    let stdin = std::io::stdin();
    let mut pending = String::new();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if pending.is_empty() && line.trim().is_empty() {
            continue;
        }
        pending.push_str(&line);
        pending.push('\n');
        // Like lua.c: try as an expression first, then as a statement; an
        // error "near <eof>" means the chunk is incomplete, so read more.
        let expr = format!("return {pending}");
        let mut incomplete = false;
        let r = match vm.run_string(&expr, "=stdin") {
            Err(Error::Syntax(m)) => {
                incomplete = m.ends_with("near <eof>");
                vm.run_string(&pending, "=stdin")
            }
            other => other,
        };
        match r {
            Err(Error::Syntax(m)) if incomplete || m.ends_with("near <eof>") => continue,
            Ok(vals) => {
                vm.flush_output();
                if !vals.is_empty() {
                    println!("{}", vals.join("\t"));
                }
            }
            Err(e) => {
                vm.flush_output();
                eprintln!("demo-vm: {}", e.message());
            }
        }
        pending.clear();
    }
    if !pending.is_empty()
        && let Err(e) = vm.run_string(&pending, "=stdin")
    {
        vm.flush_output();
        eprintln!("demo-vm: {}", e.message());
    }
}

fn run(o: Options) -> ExitCode {
    let mut vm = Vm::new();
    vm.set_count_instructions(o.stats);
    let start = std::time::Instant::now();
    let mut code = ExitCode::SUCCESS;
    for src in &o.exec {
        if let Err(e) = vm.run_string(src, "=(command line)") {
            report(&mut vm, &e);
            code = ExitCode::FAILURE;
            break;
        }
    }
    if code == ExitCode::SUCCESS {
        if let Some(script) = &o.script {
            vm.set_args(script, &o.args);
            match std::fs::read(script) {
                Ok(src) => {
                    if let Err(e) = vm.run_bytes(&src, &format!("@{script}"), &o.args) {
                        report(&mut vm, &e);
                        code = ExitCode::FAILURE;
                    }
                }
                Err(e) => {
                    eprintln!("demo-vm: cannot open {script}: {e}");
                    code = ExitCode::FAILURE;
                }
            }
        } else if o.exec.is_empty() {
            repl(&mut vm);
        }
    }
    vm.flush_output();
    if o.stats {
        let s = vm.stats();
        eprintln!(
            "stats: instructions={} gc_runs={} bytes_allocated={} live_bytes={} time={:.3}s",
            s.instructions,
            s.collections,
            s.bytes_allocated,
            s.live_bytes,
            start.elapsed().as_secs_f64()
        );
    }
    code
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::FAILURE;
        }
    };
    // Natives that call back into Lua nest on the Rust stack (bounded by
    // MAX_C_DEPTH); give them generous room regardless of the platform default.
    let h = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(o));
    match h.map(|h| h.join()) {
        Ok(Ok(c)) => c,
        _ => ExitCode::FAILURE,
    }
}
