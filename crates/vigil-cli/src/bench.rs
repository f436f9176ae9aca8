//! `vigil bench`: ingestion throughput on logs generated in memory, per format, parse-only
//! (framing + parsing + accounting) and through the full [`Scanner`] with the default engine.
//! Single-threaded, so the figures are per core.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use clap::Args;
use vigil_core::detect::Engine;
use vigil_core::event::Event;
use vigil_core::ingest::FileIngest;
use vigil_core::scan::Scanner;

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

/// Chunk size fed to the ingesters, like the CLI's file reads.
const CHUNK: usize = 256 << 10;

pub fn run(args: &BenchArgs) -> Result<(), String> {
    if args.mib == 0 || args.rounds == 0 {
        return Err("--mib and --rounds must be at least 1".into());
    }
    let target = args.mib << 20;
    let wanted = |name: &str| args.only.as_deref().is_none_or(|only| name.contains(only));
    let generators: [(&str, Generator); 3] =
        [("cloudtrail (json)", cloudtrail), ("vpcflow (v2)", vpc_flow), ("route53resolver", route53)];
    let mut inputs: Vec<(&str, Vec<u8>)> = generators
        .iter()
        .filter(|(name, _)| wanted(name))
        .map(|(name, make)| (*name, make(target)))
        .collect();
    if args.gzip && wanted("cloudtrail (json.gz)") {
        let plain = match inputs.iter().find(|(name, _)| name.starts_with("cloudtrail")) {
            Some((_, data)) => data.clone(),
            None => cloudtrail(target),
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
        let (events, parse) = best(args.rounds, || parse_only(data));
        let scan = if args.parse_only {
            None
        } else {
            let (scan_events, scan) = best(args.rounds, || full_scan(data));
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

/// Makes about this many bytes of one log format.
type Generator = fn(usize) -> Vec<u8>;

/// The best of several runs, by CPU time.
struct Timing {
    cpu: Duration,
    wall: Duration,
}

fn best(rounds: usize, mut f: impl FnMut() -> u64) -> (u64, Timing) {
    let mut best = Timing { cpu: Duration::MAX, wall: Duration::MAX };
    let mut n = 0;
    for _ in 0..rounds {
        let (c, w) = (thread_cpu_time(), Instant::now());
        n = f();
        let cpu = thread_cpu_time().saturating_sub(c);
        let wall = w.elapsed();
        // Without a CPU clock, wall time is all there is.
        let cpu = if cpu.is_zero() { wall } else { cpu };
        if cpu < best.cpu {
            best = Timing { cpu, wall };
        }
    }
    (n, best)
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

fn parse_only(data: &[u8]) -> u64 {
    let mut events = 0u64;
    let mut sink = |e: Event| {
        std::hint::black_box(&e);
        events += 1;
    };
    let mut ingest = FileIngest::new("bench", 0);
    for c in data.chunks(CHUNK) {
        ingest.push(c, &mut sink);
    }
    let account = ingest.finish(&mut sink);
    assert!(account.reconciles() && account.error_total() == 0, "{:?}", account.errors.first());
    events
}

fn full_scan(data: &[u8]) -> u64 {
    let mut scanner = Scanner::new(Engine::default());
    let f = scanner.begin_file("bench");
    for c in data.chunks(CHUNK) {
        scanner.push(f, c);
    }
    scanner.end_file(f);
    let report = scanner.finish();
    std::hint::black_box(&report.findings);
    report.totals.events
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

/// A small deterministic generator (xorshift) so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn iso(t: u64) -> String {
    vigil_core::time::format_iso8601(t as i64 * 1000).replace(".000Z", "Z")
}

/// CloudTrail delivery file (`{"Records":[…]}`) of realistic management and data events by
/// assumed-role sessions, ~1.2 KB each.
pub fn cloudtrail(target: usize) -> Vec<u8> {
    let mut rng = Rng(0x2545f4914f6cdd1d);
    let mut out = String::with_capacity(target + 4096);
    out.push_str("{\"Records\":[");
    let calls = [
        ("ec2.amazonaws.com", "DescribeInstances", r#"{"instancesSet":{},"filterSet":{},"maxResults":1000}"#),
        (
            "s3.amazonaws.com",
            "GetObject",
            r#"{"bucketName":"app-data-prod","key":"exports/2024/05/report.csv","Host":"app-data-prod.s3.us-east-1.amazonaws.com"}"#,
        ),
        ("iam.amazonaws.com", "ListRoles", r#"{"maxItems":100}"#),
        (
            "sts.amazonaws.com",
            "AssumeRole",
            r#"{"roleArn":"arn:aws:iam::111122223333:role/deploy","roleSessionName":"ci-42","durationSeconds":3600}"#,
        ),
        (
            "kms.amazonaws.com",
            "Decrypt",
            r#"{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:lambda:FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:api"}}"#,
        ),
        (
            "logs.amazonaws.com",
            "PutLogEvents",
            r#"{"logGroupName":"/aws/lambda/api","logStreamName":"2024/05/01/[$LATEST]abc"}"#,
        ),
    ];
    let agents = [
        "aws-cli/2.15.30 Python/3.11.8 Linux/5.10.214-202.855.amzn2.x86_64 exe/x86_64.amzn.2",
        "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.214 md/arch#x86_64 lang/python#3.12.2",
        "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    ];
    let mut i = 0u64;
    let t0 = 1_714_550_400u64;
    while out.len() < target {
        if i > 0 {
            out.push(',');
        }
        let (source, name, params) = calls[(rng.next() % calls.len() as u64) as usize];
        let agent = rng.pick(&agents);
        let t = t0 + i / 20;
        let ip = format!("198.51.{}.{}", rng.next() % 256, rng.next() % 256);
        let role = rng.pick(&["web", "worker", "deploy", "batch"]);
        let data = source == "s3.amazonaws.com";
        let (n, k) = (rng.next() % 50, rng.next() % 100_000_000);
        // Mostly role sessions, some IAM users.
        let identity = if rng.next().is_multiple_of(3) {
            format!(
                r#"{{"type":"IAMUser","principalId":"AIDA4EXAMPLEID{n:05}","arn":"arn:aws:iam::111122223333:user/user{n}","accountId":"111122223333","accessKeyId":"AKIA4EXAMPLE{k:08}","userName":"user{n}"}}"#
            )
        } else {
            format!(
                r#"{{"type":"AssumedRole","principalId":"AROA4EXAMPLEID{n:05}:session-{n}","arn":"arn:aws:sts::111122223333:assumed-role/{role}/session-{n}","accountId":"111122223333","accessKeyId":"ASIA4EXAMPLE{k:08}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROA4EXAMPLEID{n:05}","arn":"arn:aws:iam::111122223333:role/{role}","accountId":"111122223333","userName":"{role}"}},"attributes":{{"creationDate":"{created}","mfaAuthenticated":"false"}}}}}}"#,
                created = iso(t - 600)
            )
        };
        let _ = write!(
            out,
            r#"{{"eventVersion":"1.09","userIdentity":{identity},"eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"{agent}","requestParameters":{params},"responseElements":null,"additionalEventData":{{"SignatureVersion":"SigV4","bytesTransferredIn":0,"bytesTransferredOut":{bytes}}},"requestID":"{req:016X}","eventID":"{id:08x}-8e1c-4b7e-9a4f-{req:012x}","readOnly":true,"eventType":"AwsApiCall","managementEvent":{mgmt},"recipientAccountId":"111122223333","eventCategory":"{cat}","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"{host}"}}}}"#,
            time = iso(t),
            bytes = rng.next() % 100_000,
            req = rng.next(),
            id = rng.next() as u32,
            mgmt = !data,
            cat = if data { "Data" } else { "Management" },
            host = source.replace("amazonaws.com", "us-east-1.amazonaws.com"),
        );
        i += 1;
    }
    out.push_str("]}");
    out.into_bytes()
}

/// Default-format (v2) VPC flow log with its header line.
pub fn vpc_flow(target: usize) -> Vec<u8> {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut out = String::with_capacity(target + 256);
    out.push_str("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
    let t0 = 1_714_550_400u64;
    let mut i = 0u64;
    while out.len() < target {
        let t = t0 + i / 1000;
        let _ = writeln!(
            out,
            "2 111122223333 eni-0a1b2c3d4e5f{:05x} 10.0.{}.{} {}.{}.{}.{} {} {} 6 {} {} {} {} {} OK",
            rng.next() % 64,
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 224,
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 256,
            1024 + rng.next() % 60000,
            rng.pick(&["443", "80", "22", "3389", "53"]),
            1 + rng.next() % 100,
            40 + rng.next() % 100_000,
            t,
            t + 60,
            rng.pick(&["ACCEPT", "ACCEPT", "ACCEPT", "REJECT"]),
        );
        i += 1;
    }
    out.into_bytes()
}

/// Route 53 Resolver query log, JSON lines.
fn route53(target: usize) -> Vec<u8> {
    let mut rng = Rng(0xdeadbeefcafef00d);
    let mut out = String::with_capacity(target + 1024);
    let names = [
        "api.example.com.",
        "s3.us-east-1.amazonaws.com.",
        "updates.vendor.example.net.",
        "x7f3k2.badsite.example.",
    ];
    let t0 = 1_714_550_400u64;
    let mut i = 0u64;
    while out.len() < target {
        let name = rng.pick(&names);
        let _ = writeln!(
            out,
            r#"{{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d4e5f67890","query_timestamp":"{}","query_name":"{name}","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{{"Rdata":"203.0.113.{}","Type":"A","Class":"IN"}}],"srcaddr":"10.0.{}.{}","srcport":"{}","transport":"UDP","srcids":{{"instance":"i-0abc{:012x}"}}}}"#,
            iso(t0 + i / 100),
            rng.next() % 256,
            rng.next() % 256,
            rng.next() % 256,
            1024 + rng.next() % 60000,
            rng.next() % 32,
        );
        i += 1;
    }
    out.into_bytes()
}
