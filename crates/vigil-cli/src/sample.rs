//! `vigil sample OUT_DIR`: writes the generated sample world (raw AWS log files in their S3 key
//! layout, plus `expected-findings.json`) for demos, tests and benchmarks.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use vigil_core::sample::{generate_each, SampleOptions};

#[derive(Args)]
pub struct SampleArgs {
    /// Folder to write into (created if missing). Existing files with the same names are
    /// overwritten; nothing else is touched.
    #[arg(value_name = "OUT_DIR")]
    out_dir: PathBuf,
    /// Days of logs; attacks happen in the last third.
    #[arg(long, default_value_t = SampleOptions::default().days)]
    days: u32,
    /// Accounts: 1 (production), 2 (+ staging) or 3 (+ security).
    #[arg(long, default_value_t = SampleOptions::default().accounts, value_parser = clap::value_parser!(u32).range(1..=3))]
    accounts: u32,
    /// Background volume multiplier (about 40 MB of raw logs per unit for 14 days).
    #[arg(long, default_value_t = SampleOptions::default().scale)]
    scale: u32,
    /// Seed: the same options always give the same bytes.
    #[arg(long, default_value_t = SampleOptions::default().seed)]
    seed: u64,
}

pub fn run(args: &SampleArgs) -> Result<(), String> {
    if args.days == 0 || args.scale == 0 {
        return Err("--days and --scale must be at least 1".into());
    }
    let opts = SampleOptions { seed: args.seed, days: args.days, accounts: args.accounts, scale: args.scale };
    let started = Instant::now();
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut failure: Option<String> = None;
    generate_each(&opts, |f| {
        if failure.is_some() {
            return;
        }
        if let Err(e) = write_file(&args.out_dir, &f.path, &f.bytes) {
            failure = Some(e);
            return;
        }
        files += 1;
        bytes += f.bytes.len() as u64;
    });
    if let Some(e) = failure {
        return Err(e);
    }
    eprintln!(
        "vigil sample: wrote {files} files ({:.1} MB) to {} in {:.2} s; answer key: {}",
        bytes as f64 / 1e6,
        args.out_dir.display(),
        started.elapsed().as_secs_f64(),
        args.out_dir.join(vigil_core::sample::ANSWER_KEY_PATH).display()
    );
    Ok(())
}

fn write_file(dir: &Path, relative: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
