//! `vigil`: Vigil's detection core on the command line.
//!
//! - `vigil scan PATH... [--format json|jsonl|table|csv|asff|ocsf] [--output FILE]` — scans
//!   files and folders (walked recursively, in sorted order), writes findings to stdout (or
//!   FILE) in the chosen format (default `table`, coloured on a terminal) and a summary of what
//!   was read to stderr;
//! - `vigil bench` — ingestion throughput on generated logs;
//! - `vigil sample OUT_DIR` — writes a generated multi-account AWS world with attacks and its
//!   answer key (`expected-findings.json`).
//!
//! Exit status: 0 when the scan completed (whatever it found, whatever damage it reported), 2
//! for bad arguments or unreadable paths, 3 when nothing given could be analysed.

mod bench;
mod sample;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use vigil_core::detect::{Context, Engine};
use vigil_core::export::{self, Format as OutputFormat, RenderOptions};
use vigil_core::ingest::archive::is_zip;
use vigil_core::ingest::Format;
use vigil_core::intel::ListKind;
use vigil_core::scan::{ScanReport, Scanner};

#[derive(Parser)]
#[command(
    name = "vigil",
    version,
    about = "Threat detection for AWS logs (CloudTrail, VPC Flow Logs, Route 53 Resolver)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan log files and folders for threats.
    Scan(ScanArgs),
    /// Measure ingestion speed on generated CloudTrail, VPC flow and Route 53 logs.
    Bench(bench::BenchArgs),
    /// Write a generated multi-day, multi-account AWS world with attacks (raw log files and
    /// `expected-findings.json`).
    Sample(sample::SampleArgs),
}

#[derive(Args)]
struct ScanArgs {
    /// Files and folders (walked recursively). gzip and zip are recognised by content.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write the per-file account (records, events, skipped, errors, bytes) as JSON.
    #[arg(long, value_name = "FILE")]
    summary_json: Option<PathBuf>,
    /// Findings format: `json` is exactly what `aws guardduty get-findings` prints, `jsonl` one
    /// GuardDuty finding per line with Vigil's evidence and remediation, `asff` a Security Hub
    /// BatchImportFindings body, `ocsf` OCSF Detection Findings, `csv`, or `table` for people.
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = parse_format)]
    format: OutputFormat,
    /// Write the findings to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Colour the table: `auto` (when writing to a terminal and NO_COLOR is unset), `always`, `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
    /// Add Vigil's extension (why, evidence, remediation) to `--format json` as a `Vigil` object;
    /// left out by default so the output stays identical in shape to GuardDuty's.
    #[arg(long)]
    with_vigil: bool,
    /// A threat list (IPs, CIDRs, domains) in any format GuardDuty accepts (TXT, STIX,
    /// OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE) or a STIX 2.1 bundle; repeatable.
    /// Matches raise the `.Custom` finding types.
    #[arg(long = "threat-list", value_name = "FILE")]
    threat_lists: Vec<PathBuf>,
    /// A trusted list (same formats); repeatable. Trusted addresses and domains are never
    /// reported as a finding's remote party, whatever threat list names them.
    #[arg(long = "trusted-ips", value_name = "FILE")]
    trusted_lists: Vec<PathBuf>,
    /// Do not load the bundled threat intelligence (Tor, C2, mining, scanners, AWS ranges…).
    #[arg(long)]
    no_bundled_intel: bool,
    /// A baseline exported earlier (`--baseline-out`): accounts it covers are judged entirely
    /// against it, so every day of the input is scored.
    #[arg(long, value_name = "FILE")]
    baseline_in: Option<PathBuf>,
    /// Write what was learned (merged into `--baseline-in`, if given) as a baseline file, to
    /// judge later logs against.
    #[arg(long, value_name = "FILE")]
    baseline_out: Option<PathBuf>,
    /// Longest learning window: up to N days of each account's input, from its first day, are
    /// learned as the baseline before anything is scored (when no imported baseline covers the
    /// account), but never more than two thirds of the days the input spans, so shorter logs
    /// still get their last third scored (14 days of logs: learn 9, score 5).
    #[arg(long, value_name = "N", default_value_t = vigil_core::baseline::DEFAULT_LEARNING_DAYS)]
    learning_days: u32,
    /// A country and/or ASN database for baselines (a new country or AS of a principal's or
    /// bucket's source network is an unusual feature); repeatable. MaxMind-format `.mmdb`
    /// (GeoLite2/GeoIP2 Country or ASN, DB-IP lite, ip-location-db MMDB builds) or a VGEO table
    /// from scripts/build-geo.py. Files given answer before the bundled IPv4 country table.
    #[arg(long = "geoip", value_name = "FILE")]
    geoip: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<OutputFormat, String> {
    s.parse()
}

/// Exit statuses.
const EXIT_BAD_ARGUMENTS: u8 = 2;
const EXIT_NOTHING_ANALYSABLE: u8 = 3;

/// A failure that ends the command, with its exit status.
struct Failure {
    status: u8,
    message: String,
}

impl Failure {
    fn bad_arguments(message: String) -> Self {
        Self { status: EXIT_BAD_ARGUMENTS, message }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Bench(args) => bench::run(&args).map_err(Failure::bad_arguments),
        Command::Sample(args) => sample::run(&args).map_err(Failure::bad_arguments),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("vigil: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

fn scan(args: &ScanArgs) -> Result<(), Failure> {
    let inputs = collect_inputs(&args.paths).map_err(Failure::bad_arguments)?;
    if inputs.is_empty() {
        return Err(Failure {
            status: EXIT_NOTHING_ANALYSABLE,
            message: "no files found in the given paths".into(),
        });
    }
    let engine = build_engine(args)?;
    // Open the output before scanning so a bad path fails before a long scan, not after.
    let mut output_file = match &args.output {
        Some(path) => {
            Some(File::create(path).map_err(|e| Failure::bad_arguments(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let (report, context) = scan_files(engine, &inputs);
    if let Some(path) = &args.baseline_out {
        let json = context.baseline.export().to_json();
        std::fs::write(path, json + "\n")
            .map_err(|e| Failure::bad_arguments(format!("cannot write baseline {}: {e}", path.display())))?;
        eprintln!("vigil: baseline written to {}", path.display());
    }
    if let Some(path) = &args.summary_json {
        write_summary_json(&report, path).map_err(Failure::bad_arguments)?;
    }
    let options = RenderOptions {
        color: match args.color.as_str() {
            "always" => true,
            "never" => false,
            _ => {
                output_file.is_none() && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        },
        vigil_extension: args.with_vigil,
    };
    let text = export::render(&report.findings, args.format, &options);
    let written = match output_file.as_mut() {
        Some(file) => file.write_all(text.as_bytes()).and_then(|()| file.flush()),
        None => io::stdout().lock().write_all(text.as_bytes()),
    };
    written.map_err(|e| {
        let target = args.output.as_ref().map_or("stdout".to_string(), |p| p.display().to_string());
        Failure::bad_arguments(format!("{target}: {e}"))
    })?;
    print_human_summary(&report, &mut io::stderr().lock())
        .map_err(|e| Failure::bad_arguments(e.to_string()))?;
    if !report
        .files
        .iter()
        .any(|f| matches!(f.format, Format::CloudTrail | Format::VpcFlow | Format::Route53Resolver))
    {
        return Err(Failure {
            status: EXIT_NOTHING_ANALYSABLE,
            message:
                "nothing analysable: no CloudTrail, VPC Flow Logs or Route 53 Resolver records in the input"
                    .into(),
        });
    }
    Ok(())
}

/// The files to scan: files as given, folders walked recursively; sorted, without repeats.
fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The detection engine, configured from the command line: bundled intelligence plus the
/// user's threat and trusted lists (bad lines are reported, the rest loads).
fn build_engine(args: &ScanArgs) -> Result<Engine, Failure> {
    let mut context = if args.no_bundled_intel { Context::default() } else { Context::with_bundled_intel() };
    if args.learning_days == 0 {
        return Err(Failure::bad_arguments("--learning-days must be at least 1".into()));
    }
    let imported = match &args.baseline_in {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::bad_arguments(format!("cannot read baseline {}: {e}", path.display()))
            })?;
            let file = vigil_core::baseline::BaselineFile::from_json(&text)
                .map_err(|e| Failure::bad_arguments(format!("{}: {e}", path.display())))?;
            eprintln!("vigil: baseline {}: {} accounts", path.display(), file.accounts.len());
            Some(file)
        }
        None => None,
    };
    context.baseline = vigil_core::baseline::Baselines::new(vigil_core::baseline::BaselineConfig {
        learning_days: args.learning_days,
        imported,
    });
    let mut geo = vigil_core::geo::GeoDb::default();
    for path in &args.geoip {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::bad_arguments(format!("cannot read geoip {}: {e}", path.display())))?;
        let info = geo.load(&path.display().to_string(), bytes).map_err(Failure::bad_arguments)?;
        eprintln!(
            "vigil: geoip {}: {} ({}; answers {})",
            path.display(),
            info.description,
            info.format,
            info.answers
        );
    }
    if !args.no_bundled_intel {
        geo.extend(vigil_core::geo::GeoDb::bundled());
    }
    context.baseline.geo = geo;
    let lists = args
        .threat_lists
        .iter()
        .map(|p| (p, ListKind::Threat))
        .chain(args.trusted_lists.iter().map(|p| (p, ListKind::Trusted)));
    let mut err = io::stderr().lock();
    for (path, kind) in lists {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::bad_arguments(format!("cannot read list {}: {e}", path.display())))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let report = context.intel.load_user_list(&name, kind, &bytes);
        let kind_name = if kind == ListKind::Threat { "threat" } else { "trusted" };
        let _ = writeln!(
            err,
            "vigil: {kind_name} list {}: {} indicators ({}){}{}",
            path.display(),
            report.loaded,
            report.format.map(|f| f.as_str()).unwrap_or("?"),
            if report.skipped > 0 {
                format!(", {} entries of other kinds skipped", report.skipped)
            } else {
                String::new()
            },
            if report.errors.is_empty() {
                String::new()
            } else {
                format!(", {} bad lines", report.errors.len())
            }
        );
        for (line, message) in report.errors.iter().take(ERRORS_SHOWN) {
            let _ = writeln!(err, "    {}:{line}: {message}", path.display());
        }
        if report.errors.len() > ERRORS_SHOWN {
            let _ = writeln!(err, "    … and {} more", report.errors.len() - ERRORS_SHOWN);
        }
    }
    Ok(Engine::new(context))
}

/// Bytes read from a file at a time.
const READ_CHUNK: usize = 256 << 10;

fn scan_files(engine: Engine, files: &[PathBuf]) -> (ScanReport, Context) {
    let mut scanner = Scanner::new(engine);
    let mut chunk = vec![0u8; READ_CHUNK];
    for path in files {
        let name = path.display().to_string();
        if let Err(e) = scan_file(&mut scanner, path, &name, &mut chunk) {
            let id = scanner.begin_file(&name);
            scanner.abort_file(id, &format!("cannot read file: {e}"));
        }
    }
    scanner.finish_with_context()
}

/// Streams one file into the scanner (zip archives are read in place, entry by entry).
fn scan_file(scanner: &mut Scanner, path: &Path, name: &str, chunk: &mut [u8]) -> io::Result<()> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut head = [0u8; 4];
    let n = read_up_to(&mut file, &mut head)?;
    if is_zip(&head[..n]) {
        file.rewind()?;
        scanner.scan_zip(name, file, size);
        return Ok(());
    }
    let id = scanner.begin_file(name);
    scanner.push(id, &head[..n]);
    loop {
        match file.read(chunk) {
            Ok(0) => break,
            Ok(n) => scanner.push(id, &chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                scanner.abort_file(id, &format!("read failed: {e}"));
                return Ok(());
            }
        }
    }
    scanner.end_file(id);
    Ok(())
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn write_summary_json(report: &ScanReport, path: &Path) -> Result<(), String> {
    let json = serde_json::to_string_pretty(&report.summary()).map_err(|e| e.to_string())?;
    std::fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// How many errors the stderr summary lists before pointing at `--summary-json`.
const ERRORS_SHOWN: usize = 20;

fn print_human_summary(report: &ScanReport, err: &mut impl Write) -> io::Result<()> {
    let t = &report.totals;
    let skipped: u64 = t.skipped.values().sum();
    writeln!(
        err,
        "vigil: {} file(s), {}: {} records → {} events, {} skipped, {} errors; {} finding(s)",
        t.files,
        human_bytes(t.bytes),
        t.records,
        t.events,
        skipped,
        t.errors,
        report.findings.len()
    )?;
    let formats: Vec<String> = t.formats.iter().map(|(f, n)| format!("{f} {n}")).collect();
    writeln!(err, "  formats: {}", formats.join(", "))?;
    if !t.skipped.is_empty() {
        let reasons: Vec<String> = t.skipped.iter().map(|(r, n)| format!("{r} ({n})")).collect();
        writeln!(err, "  skipped: {}", reasons.join(", "))?;
    }
    let mut shown = 0;
    for f in &report.files {
        for e in &f.errors {
            if shown == ERRORS_SHOWN {
                break;
            }
            if shown == 0 {
                writeln!(err, "  errors:")?;
            }
            writeln!(err, "    {}: {}: {}", f.path, e.location, e.message)?;
            shown += 1;
        }
    }
    if t.errors > shown as u64 {
        writeln!(err, "    … and {} more (all counted in --summary-json)", t.errors - shown as u64)?;
    }
    Ok(())
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
