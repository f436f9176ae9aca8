//! Inputs and measured work for throughput benchmarks, shared by `vigil bench` (native) and the
//! console's benchmark page (inside a Web Worker), so both measure the same bytes and the same
//! work. No clock here: callers time [`parse_only`] and [`full_scan`] with their own clock.
//!
//! The inputs are one large file per format, deterministic (the sample generator's seeded [`Rng`](super::rng::Rng)), realistic in
//! record size and field variety but without attacks: CloudTrail delivery JSON (~1.2 KB per
//! record), default-format (v2) VPC flow logs, Route 53 Resolver query logs (JSON lines).

use std::fmt::Write as _;

use crate::detect::{Context, Engine};
use crate::event::Event;
use crate::ingest::FileIngest;
use crate::scan::Scanner;

use super::rng::Rng;

/// Chunk size fed to the ingesters, like the CLI's file reads.
pub const CHUNK: usize = 256 << 10;

/// A generated benchmark input's log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchFormat {
    CloudTrail,
    VpcFlow,
    Route53,
}

impl BenchFormat {
    pub const ALL: [BenchFormat; 3] = [BenchFormat::CloudTrail, BenchFormat::VpcFlow, BenchFormat::Route53];

    /// The name shown in tables and used to select a format.
    pub fn name(self) -> &'static str {
        match self {
            BenchFormat::CloudTrail => "cloudtrail (json)",
            BenchFormat::VpcFlow => "vpcflow (v2)",
            BenchFormat::Route53 => "route53resolver",
        }
    }

    /// The format whose name contains `text` (`cloudtrail`, `vpcflow`, `route53`).
    pub fn find(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name().contains(text))
    }

    /// About `target` bytes of this format (a whole record more at most).
    pub fn generate(self, target: usize) -> Vec<u8> {
        match self {
            BenchFormat::CloudTrail => cloudtrail(target),
            BenchFormat::VpcFlow => vpc_flow(target),
            BenchFormat::Route53 => route53(target),
        }
    }
}

/// Framing, parsing and accounting only: feeds `data` to a [`FileIngest`] in [`CHUNK`]s and
/// counts the events. An error names the first bad record (a generated input has none).
pub fn parse_only(data: &[u8]) -> Result<u64, String> {
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
    if let Some(e) = account.errors.first() {
        return Err(format!("bench input: {}: {}", e.location, e.message));
    }
    if !account.reconciles() {
        return Err("bench input: the record account does not reconcile".to_string());
    }
    Ok(events)
}

/// The engine a scan gets by default in the console and the CLI: every detector, the bundled
/// threat intelligence and country table.
pub fn default_engine() -> Engine {
    Engine::new(Context::with_bundled_intel())
}

/// The whole pipeline: `data` through a [`Scanner`] with `engine` in [`CHUNK`]s, to the report.
/// Returns the events scanned and the findings reported.
pub fn full_scan(engine: Engine, data: &[u8]) -> (u64, usize) {
    let mut scanner = Scanner::new(engine);
    let f = scanner.begin_file("bench");
    for c in data.chunks(CHUNK) {
        scanner.push(f, c);
    }
    scanner.end_file(f);
    let report = scanner.finish();
    (report.totals.events, report.findings.len())
}

fn iso(t: u64) -> String {
    crate::time::format_iso8601(t as i64 * 1000).replace(".000Z", "Z")
}

/// CloudTrail delivery file (`{"Records":[…]}`) of realistic management and data events by
/// assumed-role sessions, ~1.2 KB each.
fn cloudtrail(target: usize) -> Vec<u8> {
    let mut rng = Rng::new(0x2545f4914f6cdd1d);
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
        let (source, name, params) = calls[(rng.next_u64() % calls.len() as u64) as usize];
        let agent = *rng.pick(&agents);
        let t = t0 + i / 20;
        let ip = format!("198.51.{}.{}", rng.next_u64() % 256, rng.next_u64() % 256);
        let role = *rng.pick(&["web", "worker", "deploy", "batch"]);
        let data = source == "s3.amazonaws.com";
        let (n, k) = (rng.next_u64() % 50, rng.next_u64() % 100_000_000);
        // Mostly role sessions, some IAM users.
        let identity = if rng.next_u64().is_multiple_of(3) {
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
            bytes = rng.next_u64() % 100_000,
            req = rng.next_u64(),
            id = rng.next_u64() as u32,
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
fn vpc_flow(target: usize) -> Vec<u8> {
    let mut rng = Rng::new(0x9e3779b97f4a7c15);
    let mut out = String::with_capacity(target + 256);
    out.push_str("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
    let t0 = 1_714_550_400u64;
    let mut i = 0u64;
    while out.len() < target {
        let t = t0 + i / 1000;
        let _ = writeln!(
            out,
            "2 111122223333 eni-0a1b2c3d4e5f{:05x} 10.0.{}.{} {}.{}.{}.{} {} {} 6 {} {} {} {} {} OK",
            rng.next_u64() % 64,
            rng.next_u64() % 256,
            rng.next_u64() % 256,
            rng.next_u64() % 224,
            rng.next_u64() % 256,
            rng.next_u64() % 256,
            rng.next_u64() % 256,
            1024 + rng.next_u64() % 60000,
            *rng.pick(&["443", "80", "22", "3389", "53"]),
            1 + rng.next_u64() % 100,
            40 + rng.next_u64() % 100_000,
            t,
            t + 60,
            *rng.pick(&["ACCEPT", "ACCEPT", "ACCEPT", "REJECT"]),
        );
        i += 1;
    }
    out.into_bytes()
}

/// Route 53 Resolver query log, JSON lines.
fn route53(target: usize) -> Vec<u8> {
    let mut rng = Rng::new(0xdeadbeefcafef00d);
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
        let name = *rng.pick(&names);
        let _ = writeln!(
            out,
            r#"{{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a1b2c3d4e5f67890","query_timestamp":"{}","query_name":"{name}","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{{"Rdata":"203.0.113.{}","Type":"A","Class":"IN"}}],"srcaddr":"10.0.{}.{}","srcport":"{}","transport":"UDP","srcids":{{"instance":"i-0abc{:012x}"}}}}"#,
            iso(t0 + i / 100),
            rng.next_u64() % 256,
            rng.next_u64() % 256,
            rng.next_u64() % 256,
            1024 + rng.next_u64() % 60000,
            rng.next_u64() % 32,
        );
        i += 1;
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_parses_cleanly_and_scans_the_same_events() {
        for format in BenchFormat::ALL {
            let data = format.generate(64 << 10);
            assert!(data.len() >= 64 << 10, "{}", format.name());
            let events = parse_only(&data).unwrap_or_else(|e| panic!("{}: {e}", format.name()));
            assert!(events > 10, "{}: {events}", format.name());
            let (scanned, _) = full_scan(default_engine(), &data);
            assert_eq!(scanned, events, "{}", format.name());
        }
    }

    #[test]
    fn inputs_are_deterministic_and_found_by_name() {
        assert_eq!(BenchFormat::VpcFlow.generate(4096), BenchFormat::VpcFlow.generate(4096));
        assert_eq!(BenchFormat::find("route53"), Some(BenchFormat::Route53));
        assert_eq!(BenchFormat::find("cloudtrail"), Some(BenchFormat::CloudTrail));
        assert_eq!(BenchFormat::find("nope"), None);
    }

    #[test]
    fn a_damaged_input_is_an_error_not_a_panic() {
        let mut data = BenchFormat::Route53.generate(4096);
        data.extend_from_slice(b"{not json\n");
        assert!(parse_only(&data).is_err());
    }
}
