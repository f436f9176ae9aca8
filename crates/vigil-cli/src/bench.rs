//! `vigil bench`: ingestion throughput on logs generated in memory, per format, parse-only
//! (framing + parsing + accounting) and through the full scanner with the engine `vigil scan` uses
//! by default (bundled intelligence). Inputs and measured work come from
//! `vigil_core::sample::bench`, as in the console's benchmark page.
//! Single-threaded, so the figures are per core.

use std::io::Write as _;
use std::time::{Duration, Instant};

use clap::Args;
use vigil_core::sample::bench::{default_engine, full_scan, parse_only, BenchFormat};

#[derive(Args)]
pub struct BenchArgs {
    /// Approximate size of each generated input, in MiB.
    #[arg(long, default_value_t = 64)]
    mib: usize,
    /// Runs per measurement; the best is reported.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Also measure gzip-compressed CloudTrail (compressing the input takes a few seconds).
    #[arg(long)]
    gzip: bool,
    /// Measure only the inputs whose name contains this text (`cloudtrail`, `vpcflow`, `route53`),
    /// e.g. to profile one of them.
    #[arg(long)]
    only: Option<String>,
    /// Skip the full scan: measure framing + parsing + accounting only.
    #[arg(long)]
    parse_only: bool,
}

pub fn run(args: &BenchArgs) -> Result<(), String> {
    if args.mib == 0 || args.rounds == 0 {
        return Err("--mib and --rounds must be at least 1".into());
    }
    let target = args.mib << 20;
    let wanted = |name: &str| args.only.as_deref().is_none_or(|only| name.contains(only));
    let mut inputs: Vec<(&str, Vec<u8>)> = BenchFormat::ALL
        .into_iter()
        .filter(|f| wanted(f.name()))
        .map(|f| (f.name(), f.generate(target)))
        .collect();
    if args.gzip && wanted("cloudtrail (json.gz)") {
        let plain = match inputs.iter().find(|(name, _)| name.starts_with("cloudtrail")) {
            Some((_, data)) => data.clone(),
            None => BenchFormat::CloudTrail.generate(target),
        };
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&plain).map_err(|e| e.to_string())?;
        inputs.push(("cloudtrail (json.gz)", enc.finish().map_err(|e| e.to_string())?));
    }
    if inputs.is_empty() {
        return Err(format!("--only {:?} matches no input", args.only.as_deref().unwrap_or("")));
    }
    println!(
        "{:<22} {:>7} {:>9} {:>6} | {:>18} {:>13} | {:>18} {:>13}",
        "input",
        "MiB",
        "records",
        "B/rec",
        "parse MB/s (wall)",
        "parse ev/s",
        "scan MB/s (wall)",
        "scan ev/s"
    );
    for (name, data) in &inputs {
        let (events, parse) = best(args.rounds, || (), |()| parse_only(data))?;
        let scan = if args.parse_only {
            None
        } else {
            // The engine is built (bundled intelligence decoded) outside the timed part.
            let (scan_events, scan) =
                best(args.rounds, default_engine, |engine| Ok(full_scan(engine, data).0))?;
            if events != scan_events {
                return Err(format!("{name}: parse-only saw {events} events, the scan {scan_events}"));
            }
            Some(scan)
        };
        let mb = data.len() as f64 / 1e6;
        let rate = |t: Duration| (mb / t.as_secs_f64(), thousands((events as f64 / t.as_secs_f64()) as u64));
        let (parse_mb, parse_ev) = rate(parse.cpu);
        let scan_columns = match scan {
            Some(scan) => {
                let (scan_mb, scan_ev) = rate(scan.cpu);
                format!("{scan_mb:>8.0} ({:>7.0}) {scan_ev:>13}", mb / scan.wall.as_secs_f64())
            }
            None => format!("{:>18} {:>13}", "-", "-"),
        };
        println!(
            "{:<22} {:>7.1} {:>9} {:>6} | {:>8.0} ({:>7.0}) {:>13} | {}",
            name,
            data.len() as f64 / (1 << 20) as f64,
            events,
            data.len() as u64 / events.max(1),
            parse_mb,
            mb / parse.wall.as_secs_f64(),
            parse_ev,
            scan_columns,
        );
    }
    println!(
        "Rates per core: input bytes (MB = 10^6) and events per second of this thread's CPU time, one thread; \
         wall-clock MB/s in parentheses (lower when other processes share the cores)."
    );
    Ok(())
}

/// The best of several runs, by CPU time.
struct Timing {
    cpu: Duration,
    wall: Duration,
}

/// Times `f` (not `setup`, which makes what `f` consumes) `rounds` times.
fn best<S>(
    rounds: usize,
    mut setup: impl FnMut() -> S,
    mut f: impl FnMut(S) -> Result<u64, String>,
) -> Result<(u64, Timing), String> {
    let mut best = Timing { cpu: Duration::MAX, wall: Duration::MAX };
    let mut n = 0;
    for _ in 0..rounds {
        let input = setup();
        let (c, w) = (thread_cpu_time(), Instant::now());
        n = f(input)?;
        let cpu = thread_cpu_time().saturating_sub(c);
        let wall = w.elapsed();
        // Without a CPU clock, wall time is all there is.
        let cpu = if cpu.is_zero() { wall } else { cpu };
        if cpu < best.cpu {
            best = Timing { cpu, wall };
        }
    }
    Ok((n, best))
}

/// CPU time consumed by the calling thread.
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes into it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    Duration::ZERO
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
