//! Runs the Lua benchmark programs in `benches/programs` with demo-vm,
//! `lua5.4` and `luajit`, checks that all three print identical output, and
//! prints median times, per-program ratios and the geometric means
//! (peer time / demo-vm time: above 1 means demo-vm is faster).
//!
//! ```text
//! cargo run --release -p benches --bin programs [-- [--quick] [NAME...]]
//! ```
//!
//! `--quick` runs each program once at its tiny `quick-size`; `NAME`s keep
//! only programs whose name contains one of them. Environment: `BENCH_RUNS`
//! (runs per implementation, default 3), `BENCH_CLOCK` (`cpu`, the default:
//! the child's user+system time, robust on a shared machine; or `wall`),
//! `DEMO_VM` / `DEMO_VM_ARGS` (see `locate`), `LUA54`, `LUAJIT`.

mod catalog;
mod locate;
mod runner;

use catalog::Program;
use runner::{Interp, Outcome};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: programs [--quick] [NAME...]\n\
    env: BENCH_RUNS=N (default 3), BENCH_CLOCK=cpu|wall, DEMO_VM=PATH, DEMO_VM_ARGS=ARGS, LUA54=PATH, LUAJIT=PATH";

/// Which clock the table reports.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Clock {
    Cpu,
    Wall,
}

#[derive(Debug)]
struct Options {
    quick: bool,
    runs: usize,
    clock: Clock,
    filters: Vec<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut quick = false;
    let mut filters = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--quick" => quick = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') => return Err(format!("unknown flag {s}\n{USAGE}")),
            s => filters.push(s.to_string()),
        }
    }
    let runs = match std::env::var("BENCH_RUNS") {
        _ if quick => 1,
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("BENCH_RUNS={v} is not a positive integer")),
        },
        Err(_) => 3,
    };
    let clock = match std::env::var("BENCH_CLOCK").as_deref() {
        Err(_) | Ok("cpu") => Clock::Cpu,
        Ok("wall") => Clock::Wall,
        Ok(v) => return Err(format!("BENCH_CLOCK={v}: expected `cpu` or `wall`")),
    };
    Ok(Options {
        quick,
        runs,
        clock,
        filters,
    })
}

/// Median time (seconds) of each implementation on one program.
#[derive(Debug)]
struct Row {
    name: String,
    secs: [f64; 3],
}

/// Run `program` `runs` times with every implementation, interleaved, and
/// check each output against lua5.4's.
fn bench_program(program: &Program, interps: &[Interp; 3], opts: &Options) -> Result<Row, String> {
    let size = opts.quick.then_some(program.quick_size);
    let mut samples: [Vec<f64>; 3] = Default::default();
    let mut reference: Option<String> = None;
    for _ in 0..opts.runs {
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(3);
        for interp in interps {
            let out = runner::run(interp, &program.path, size)
                .map_err(|e| format!("{}: {e}", program.name))?;
            outcomes.push(out);
        }
        // interps[1] is lua5.4, the reference implementation.
        let expected = reference.get_or_insert_with(|| outcomes[1].stdout.clone());
        if expected.trim().is_empty() {
            return Err(format!("{}: lua5.4 printed nothing", program.name));
        }
        for (interp, out) in interps.iter().zip(&outcomes) {
            if let Some(diff) = runner::first_difference(expected, &out.stdout) {
                return Err(format!(
                    "OUTPUT MISMATCH in {}: {} differs from lua5.4, {diff}\n--- lua5.4:\n{expected}--- {}:\n{}",
                    program.name, interp.label, interp.label, out.stdout
                ));
            }
        }
        for (s, out) in samples.iter_mut().zip(&outcomes) {
            let d = match opts.clock {
                Clock::Cpu => out.cpu,
                Clock::Wall => out.wall,
            };
            s.push(d.as_secs_f64());
        }
    }
    Ok(Row {
        name: program.name.clone(),
        secs: samples.map(median),
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Peer time / demo-vm time; times are floored at a microsecond so tiny
/// `--quick` runs never divide by zero.
fn ratio(peer: f64, demo: f64) -> f64 {
    let floor = Duration::from_micros(1).as_secs_f64();
    peer.max(floor) / demo.max(floor)
}

fn geomean(ratios: &[f64]) -> f64 {
    if ratios.is_empty() {
        return f64::NAN;
    }
    (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp()
}

fn run() -> Result<(), String> {
    let opts = parse_options()?;
    let root = catalog::workspace_root();
    let mut programs = catalog::load(&catalog::programs_dir()).map_err(|e| e.to_string())?;
    if !opts.filters.is_empty() {
        programs.retain(|p| opts.filters.iter().any(|f| p.name.contains(f.as_str())));
        if programs.is_empty() {
            return Err(format!("no program matches {:?}", opts.filters));
        }
    }
    let lua = locate::peer("lua5.4", "LUA54", "lua5.4")?;
    let jit = locate::peer("luajit", "LUAJIT", "luajit")?;
    let demo = locate::demo_vm(&root)?;
    let interps = [demo, lua, jit];
    for i in &interps {
        eprintln!("{:8} {}", i.label, i.exe.display());
    }

    let clock = match opts.clock {
        Clock::Cpu => "CPU time (user+sys)",
        Clock::Wall => "wall time",
    };
    let sizes = if opts.quick {
        "quick sizes"
    } else {
        "default sizes"
    };
    println!(
        "median {clock} in seconds of {} run(s), {sizes}; ratio = peer / demo-vm (above 1: demo-vm faster)",
        opts.runs
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>15} {:>15}  what",
        "program", "demo-vm", "lua5.4", "luajit", "lua5.4/demo-vm", "luajit/demo-vm"
    );
    let mut vs_lua = Vec::new();
    let mut vs_jit = Vec::new();
    for p in &programs {
        let row = bench_program(p, &interps, &opts)?;
        let [demo, lua, jit] = row.secs;
        let (rl, rj) = (ratio(lua, demo), ratio(jit, demo));
        vs_lua.push(rl);
        vs_jit.push(rj);
        println!(
            "{:<14} {:>9.3} {:>9.3} {:>9.3} {:>14.3}x {:>14.3}x  {}",
            row.name, demo, lua, jit, rl, rj, p.description
        );
        // Rows appear as programs finish; a failed flush only delays them.
        let _ = std::io::stdout().flush();
    }
    println!("geomean demo-vm vs lua5.4: {:.3}", geomean(&vs_lua));
    println!("geomean demo-vm vs luajit: {:.3}", geomean(&vs_jit));
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("programs: error: {msg}");
            ExitCode::FAILURE
        }
    }
}
