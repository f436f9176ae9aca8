//! Ingestion end to end: every input variant, malformed inputs with exact error locations,
//! gzip and zip, chunk-size independence, a reconciliation run over a generated tree with
//! injected damage, and the shared public corpora when they are present.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use vigil_core::detect::Engine;
use vigil_core::event::{Event, FlowAction, FlowDirection, IdentityType};
use vigil_core::ingest::stream::*;
use vigil_core::ingest::{ingest_bytes, FileAccount, Format};
use vigil_core::sample::rng::Rng;
use vigil_core::scan::{ScanReport, Scanner};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Ingests with several chunk sizes and checks the outcome does not depend on them.
fn ingest(name: &str, bytes: &[u8]) -> (Vec<Event>, FileAccount) {
    let (events, account) = ingest_bytes(name, 0, bytes, 1 << 20);
    for chunk in [1, 2, 7, 64, 1000] {
        let (e2, a2) = ingest_bytes(name, 0, bytes, chunk);
        assert_eq!(a2, account, "{name}: account differs with chunks of {chunk}");
        assert_eq!(e2.len(), events.len(), "{name}: events differ with chunks of {chunk}");
    }
    assert!(account.reconciles(), "{name}: {account:?}");
    (events, account)
}

struct Expect {
    file: &'static str,
    format: &'static str,
    records: u64,
    events: u64,
    skipped: &'static [(&'static str, u64)],
    errors: &'static [&'static str],
}

const fn ok(file: &'static str, format: &'static str, n: u64) -> Expect {
    Expect { file, format, records: n, events: n, skipped: &[], errors: &[] }
}

macro_rules! skip {
    ($file:expr, $reason:expr) => {
        Expect {
            file: $file,
            format: "skipped",
            records: 1,
            events: 0,
            skipped: &[($reason, 1)],
            errors: &[],
        }
    };
}

const EXPECTED: &[Expect] = &[
    ok("cloudtrail_delivery.json", "cloudtrail", 9),
    ok("cloudtrail_lines.jsonl", "cloudtrail", 4),
    ok("cloudtrail_array_pretty.json", "cloudtrail", 3),
    ok("cloudtrail_concatenated.json", "cloudtrail", 3),
    ok("cloudtrail_cloudwatch_export.txt", "cloudtrail", 3),
    ok("cloudtrail_cloudwatch_events.json", "cloudtrail", 2),
    ok("cloudtrail_cloudwatch_subscription.json", "cloudtrail", 3),
    ok("cloudtrail_message_wrapper.jsonl", "cloudtrail", 2),
    ok("cloudtrail_lake_results.json", "cloudtrail", 3),
    ok("cloudtrail_lake_eventdata.jsonl", "cloudtrail", 1),
    skip!("sns_notification.json", SKIP_SNS),
    skip!("cloudtrail_delivery_notice.json", SKIP_DELIVERY_NOTICE),
    skip!("sqs_messages.json", SKIP_SQS),
    skip!("s3_event_notification.json", SKIP_S3_EVENT),
    skip!("s3_test_event.json", SKIP_S3_TEST_EVENT),
    skip!("cloudtrail_digest.json", SKIP_DIGEST),
    skip!("ConfigWritabilityCheckFile", SKIP_CONFIG_CHECK),
    skip!("empty_object.json", SKIP_EMPTY_OBJECT),
    Expect {
        file: "vpcflow_v2_header.log",
        format: "vpcflow",
        records: 5,
        events: 3,
        skipped: &[("flow log-status NODATA", 1), ("flow log-status SKIPDATA", 1)],
        errors: &[],
    },
    Expect {
        file: "vpcflow_v2_noheader.log",
        format: "vpcflow",
        records: 5,
        events: 3,
        skipped: &[("flow log-status NODATA", 1), ("flow log-status SKIPDATA", 1)],
        errors: &[],
    },
    ok("vpcflow_custom_v8.log", "vpcflow", 2),
    ok("vpcflow_transit_gateway.log", "vpcflow", 1),
    ok("vpcflow_cloudwatch_export.txt", "vpcflow", 2),
    Expect {
        file: "vpcflow_message_wrapper.jsonl",
        format: "vpcflow",
        records: 3,
        events: 2,
        skipped: &[("flow log-status NODATA", 1)],
        errors: &[],
    },
    ok("route53_resolver.jsonl", "route53resolver", 3),
    ok("route53_cloudwatch_export.txt", "route53resolver", 2),
    Expect {
        file: "malformed_cloudtrail_lines.jsonl",
        format: "cloudtrail",
        records: 5,
        events: 3,
        skipped: &[],
        errors: &[
            "record 2 (line 2): malformed CloudTrail record: expected value at line 1 column 72",
            "record 4 (line 4): not a JSON record: \"this is not json\"",
        ],
    },
    Expect {
        file: "malformed_vpcflow.log",
        format: "vpcflow",
        records: 4,
        events: 2,
        skipped: &[],
        errors: &[
            "line 3: flow log record: expected 14 fields as the header says, found 8",
            "line 5: flow log record: dstport: invalid port \"70000\"",
        ],
    },
    Expect {
        file: "unknown_format.txt",
        format: "unknown",
        records: 1,
        events: 0,
        skipped: &[],
        errors: &[
            "line 1: unrecognised format: not CloudTrail, VPC Flow Logs or Route 53 Resolver query logs \
                   (starts with \"Hello, this is a README and not a log.\")",
        ],
    },
];

fn check(e: &Expect, account: &FileAccount) {
    let name = e.file;
    assert_eq!(account.format.as_str(), e.format, "{name}: format; {account:#?}");
    assert_eq!((account.records, account.events), (e.records, e.events), "{name}: {account:#?}");
    let skipped: BTreeMap<String, u64> = e.skipped.iter().map(|(r, n)| (r.to_string(), *n)).collect();
    assert_eq!(account.skipped, skipped, "{name}");
    let errors: Vec<String> =
        account.errors.iter().map(|e| format!("{}: {}", e.location, e.message)).collect();
    assert_eq!(errors, e.errors, "{name}");
}

#[test]
fn every_fixture_variant_is_accounted_exactly() {
    let mut listed: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    let mut expected: Vec<String> = EXPECTED.iter().map(|e| e.file.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected, "every fixture has an expectation");
    for e in EXPECTED {
        let bytes = fixture(e.file);
        let (_, account) = ingest(e.file, &bytes);
        check(e, &account);
        // The same content gzip-compressed, under a name that does not say so.
        if !bytes.is_empty() {
            let (_, gz) = ingest(e.file, &gzip(&bytes));
            check(e, &FileAccount { bytes: account.bytes, ..gz });
        }
    }
}

fn only<T>(events: Vec<Event>, pick: impl Fn(Event) -> Option<T>) -> Vec<T> {
    events.into_iter().map(|e| pick(e).expect("event of the expected kind")).collect()
}

#[test]
fn cloudtrail_fields_survive_every_identity_type() {
    let (events, _) = ingest("d.json", &fixture("cloudtrail_delivery.json"));
    let calls = only(events, |e| if let Event::Api(a) = e { Some(a) } else { None });
    let kinds: Vec<IdentityType> = calls.iter().map(|a| a.identity.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            IdentityType::Root,
            IdentityType::IAMUser,
            IdentityType::AssumedRole,
            IdentityType::FederatedUser,
            IdentityType::AWSService,
            IdentityType::AWSAccount,
            IdentityType::IdentityCenterUser,
            IdentityType::IAMUser,
            IdentityType::Unknown,
        ]
    );
    assert_eq!(calls[0].event_type, "AwsConsoleSignIn");
    let s3 = calls[2].s3.as_ref().unwrap();
    assert_eq!((s3.bucket.as_str(), s3.bytes_out), ("payroll", 5120));
    assert_eq!(calls[2].identity.ec2_role_delivery.as_deref(), Some("2.0"));
    assert_eq!(calls[6].identity.on_behalf_of_user_id.as_deref(), Some("544894e8-1234"));
    assert_eq!(calls[8].event_type, "AwsServiceEvent");
    for (i, c) in calls.iter().enumerate() {
        assert_eq!(c.src.record, i as u64);
    }
}

#[test]
fn lake_rows_become_records() {
    let (events, _) = ingest("lake.json", &fixture("cloudtrail_lake_results.json"));
    let calls = only(events, |e| if let Event::Api(a) = e { Some(a) } else { None });
    assert_eq!(calls[0].event_name, "CreateAccessKey");
    assert_eq!(calls[1].event_name, "DeleteTrail");
    assert_eq!(calls[1].identity.user_name.as_deref(), Some("alice"));
    assert_eq!(calls[2].event_name, "StopLogging");
}

#[test]
fn flow_fields_by_header() {
    let (events, _) = ingest("v8.log", &fixture("vpcflow_custom_v8.log"));
    let flows = only(events, |e| if let Event::Flow(f) = e { Some(f) } else { None });
    assert_eq!(flows[0].version, 8);
    assert_eq!(flows[0].az_id.as_deref(), Some("use1-az1"));
    assert_eq!(flows[0].flow_direction, Some(FlowDirection::Ingress));
    assert_eq!(flows[0].tcp_flags, Some(19));
    assert_eq!(flows[0].ecs_cluster_name.as_deref(), Some("web-cluster"));
    assert_eq!(flows[1].pkt_dst_aws_service.as_deref(), Some("S3"));
    assert_eq!(flows[1].reject_reason.as_deref(), Some("1"));
    assert_eq!(flows[1].action, FlowAction::Reject);

    let (events, _) = ingest("tgw.log", &fixture("vpcflow_transit_gateway.log"));
    let tgw = only(events, |e| if let Event::Flow(f) = e { Some(f) } else { None });
    assert_eq!(tgw[0].tgw_id.as_deref(), Some("tgw-0a"));
    assert_eq!(tgw[0].resource_type.as_deref(), Some("TransitGatewayAttachment"));
    assert_eq!(tgw[0].vpc_id.as_deref(), Some("vpc-src"));
    assert_eq!(tgw[0].interface_id.as_deref(), Some("eni-src"));
    assert_eq!(tgw[0].action, FlowAction::Unknown);

    let (events, _) = ingest("v2.log", &fixture("vpcflow_v2_noheader.log"));
    let v2 = only(events, |e| if let Event::Flow(f) = e { Some(f) } else { None });
    assert_eq!(v2[2].srcaddr, Some("2001:db8::5".parse().unwrap()));
    assert_eq!(v2[2].src.record, 4, "NODATA and SKIPDATA lines are records too");
}

#[test]
fn route53_names_and_firewall() {
    let (events, _) = ingest("r53.jsonl", &fixture("route53_resolver.jsonl"));
    let q = only(events, |e| if let Event::Dns(d) = e { Some(d) } else { None });
    assert_eq!(q[0].query_name, "example.com");
    assert!(q[1].answers.is_empty());
    assert_eq!(q[1].rcode, "NXDOMAIN");
    assert_eq!(q[2].firewall_rule_action.as_deref(), Some("BLOCK"));
    assert_eq!(q[2].firewall_domain_list_id.as_deref(), Some("rslvr-fdl-1"));
}

#[test]
fn multi_member_gzip() {
    let lines = fixture("cloudtrail_lines.jsonl");
    let cut = lines.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut two = gzip(&lines[..cut]);
    two.extend(gzip(&lines[cut..]));
    let (_, a) = ingest("two-members", &two);
    assert_eq!((a.records, a.events, a.errors.len()), (4, 4, 0));
}

#[test]
fn truncated_gzip_keeps_what_came_before_and_says_where() {
    // Member 1 holds two whole records; member 2 is cut inside its header, so exactly two
    // records can be read.
    let lines = fixture("cloudtrail_lines.jsonl");
    let second_end = lines.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0 + 1;
    let mut data = gzip(&lines[..second_end]);
    let first_len = data.len();
    data.extend_from_slice(&gzip(&lines[second_end..])[..6]);
    let (events, a) = ingest("AWSLogs/x.json.gz", &data);
    assert_eq!(events.len(), 2);
    assert_eq!((a.records, a.events), (3, 2));
    assert_eq!(a.errors.len(), 1);
    assert_eq!(a.errors[0].location, "after record 2");
    assert!(a.errors[0].message.starts_with("gzip stream truncated or corrupt"), "{}", a.errors[0].message);
    assert!(a.errors[0].message.contains(&format!("after {} compressed bytes", first_len + 6)));
    assert_eq!(a.path, "AWSLogs/x.json.gz");

    // Cut in the middle of deflate data of a single member: the records inflated before the
    // cut count, the cut record is the one error.
    let whole = gzip(&fixture("cloudtrail_delivery.json"));
    let (events, a) = ingest("cut.gz", &whole[..whole.len() / 2]);
    assert!(a.reconciles());
    assert_eq!(a.error_total(), 1);
    assert_eq!(a.records, events.len() as u64 + 1);
    assert!(a.errors[0].location.ends_with("onwards") || a.errors[0].location.starts_with("after record"));
}

#[test]
fn corrupt_gzip_is_an_error_not_a_panic() {
    let mut data = gzip(&fixture("cloudtrail_delivery.json"));
    let n = data.len();
    for b in &mut data[20..n - 10] {
        *b ^= 0x5a;
    }
    let (_, a) = ingest("bad.gz", &data);
    assert!(a.reconciles());
    assert_eq!(a.error_total(), 1);
    assert!(a.errors[0].message.contains("gzip"), "{:?}", a.errors);
}

#[test]
fn truncated_json_file_reports_the_cut_record() {
    let mut data = fixture("cloudtrail_delivery.json");
    let n = data.len();
    data.truncate(n - 200);
    let (events, a) = ingest("cut.json", &data);
    assert_eq!(events.len(), 8);
    assert_eq!((a.records, a.error_total()), (9, 1));
    assert_eq!(a.errors[0].location, "record 9 (line 1)");
    assert_eq!(a.errors[0].message, "incomplete JSON record: the file ends inside it (truncated?)");
}

#[test]
fn bad_record_inside_a_delivery_file() {
    let text = String::from_utf8(fixture("cloudtrail_delivery.json")).unwrap();
    // Break the third record's eventTime, and make the fifth a number.
    let third = text.match_indices("\"eventTime\"").nth(2).unwrap().0;
    let mut broken = text.clone();
    broken.replace_range(third..third + 11, "\"eventTime\":tru,\"x\"");
    let (events, a) = ingest("bad.json", broken.as_bytes());
    assert_eq!(events.len(), 8);
    assert_eq!(a.error_total(), 1);
    assert_eq!(a.errors[0].location, "record 3 (line 1)");
    assert_eq!(a.errors[0].message, "malformed CloudTrail record: expected ident at line 1 column 495");

    let with_number = text.replacen("{\"Records\":[", "{\"Records\":[42,", 1);
    let (events, a) = ingest("num.json", with_number.as_bytes());
    assert_eq!((events.len(), a.records), (9, 10));
    assert_eq!(a.errors[0].location, "record 1 (line 1)");
    assert_eq!(a.errors[0].message, "not a log record: \"42\"");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.add_directory("logs/", opts).unwrap();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn scan_chunks(files: &[(&str, Vec<u8>)], chunk: usize) -> ScanReport {
    let mut s = Scanner::new(Engine::default());
    for (path, data) in files {
        let f = s.begin_file(path);
        for c in data.chunks(chunk) {
            s.push(f, c);
        }
        s.end_file(f);
    }
    s.finish()
}

#[test]
fn zip_entries_are_files_of_their_own() {
    let flow = fixture("vpcflow_v2_header.log");
    let ct_gz = gzip(&fixture("cloudtrail_delivery.json"));
    let archive =
        zip_of(&[("logs/flow.log", &flow), ("logs/ct.json.gz", &ct_gz), ("logs/readme.txt", b"hello")]);
    for chunk in [5, 4096, 1 << 20] {
        let report = scan_chunks(
            &[("a.json", fixture("cloudtrail_lines.jsonl")), ("export.zip", archive.clone())],
            chunk,
        );
        let names: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "a.json",
                "export.zip!logs/flow.log",
                "export.zip!logs/ct.json.gz",
                "export.zip!logs/readme.txt"
            ]
        );
        let formats: Vec<Format> = report.files.iter().map(|f| f.format).collect();
        assert_eq!(formats, [Format::CloudTrail, Format::VpcFlow, Format::CloudTrail, Format::Unknown]);
        assert_eq!(report.totals.events, 4 + 3 + 9);
        assert_eq!(report.totals.errors, 1);
        assert!(report.totals.reconciles());
    }
    // The seekable path gives the same accounts.
    let mut s = Scanner::new(Engine::default());
    s.scan_zip("export.zip", std::io::Cursor::new(archive.clone()), archive.len() as u64);
    let r = s.finish();
    assert_eq!(r.files.len(), 3);
    assert_eq!(r.totals.events, 12);

    let mut broken = archive.clone();
    broken.truncate(archive.len() - 30);
    let r = scan_chunks(&[("broken.zip", broken)], 100);
    assert_eq!(r.files.len(), 1);
    assert_eq!(r.files[0].path, "broken.zip");
    assert!(r.files[0].errors[0].message.starts_with("not a readable zip archive"));
}

#[test]
fn scanner_assigns_file_ids_and_feeds_the_engine() {
    let report = scan_chunks(
        &[
            ("a/root.json", fixture("cloudtrail_delivery.json")),
            ("b/flow.log", fixture("vpcflow_v2_header.log")),
        ],
        333,
    );
    assert_eq!(report.totals.files, 2);
    assert_eq!(report.totals.events, 12);
    // The fixture's root console sign-in is what the root-credential detector reports.
    let root = report.findings.iter().find(|f| f.finding_type.contains("RootCredentialUsage"));
    assert!(root.is_some(), "{:?}", report.findings.iter().map(|f| &f.finding_type).collect::<Vec<_>>());
    let summary = serde_json::to_value(report.summary()).unwrap();
    assert_eq!(summary["files"][1]["path"], "b/flow.log");
    assert_eq!(summary["files"][1]["format"], "vpcflow");
    assert_eq!(summary["totals"]["events"], 12);
    let back: ScanReport = serde_json::from_str(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
}

// ---- reconciliation over a generated tree with injected damage ----

fn ct_record(i: u64) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDA{i}","arn":"arn:aws:iam::111122223333:user/u{i}","accountId":"111122223333","accessKeyId":"AKIA{i}","userName":"u{i}"}},"eventTime":"2024-05-01T10:{:02}:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.{}","userAgent":"aws-cli/2","requestParameters":{{"maxResults":5}},"responseElements":null,"eventID":"id-{i}","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#,
        i % 60,
        i % 250
    )
}

#[test]
fn generated_tree_with_damage_reconciles_exactly() {
    let mut rng = Rng::new(0x9e3779b97f4a7c15);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let (mut good, mut bad, mut skipped) = (0u64, 0u64, 0u64);
    let mut expected: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new(); // path → (events, skipped, errors)
    for f in 0..40u64 {
        let path = format!("AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/f{f:03}.json.gz");
        let n = 1 + rng.below(300);
        let mut recs = Vec::new();
        let mut errs = 0;
        for i in 0..n {
            if rng.below(50) == 0 {
                recs.push(
                    r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"X","eventSource":}"#.to_string(),
                );
                errs += 1;
            } else if rng.below(80) == 0 {
                recs.push(r#"{"eventTime":"not a time","eventName":"X","eventSource":"y"}"#.to_string());
                errs += 1;
            } else {
                recs.push(ct_record(f * 1000 + i));
            }
        }
        let body = format!("{{\"Records\":[{}]}}", recs.join(","));
        if f == 7 {
            // Truncated: the first member holds the first 10 records, the second is cut.
            let head = format!("{{\"Records\":[{},", recs[..10.min(recs.len() - 1)].join(","));
            let mut data = gzip(head.as_bytes());
            data.extend_from_slice(&gzip(&body.as_bytes()[head.len()..])[..5]);
            let ok =
                recs[..10.min(recs.len() - 1)].iter().filter(|r| r.contains("userIdentity")).count() as u64;
            let errors = 10.min(recs.len() as u64 - 1) - ok + 1;
            expected.insert(path.clone(), (ok, 0, errors));
            good += ok;
            bad += errors;
            files.push((path, data));
            continue;
        }
        good += n - errs;
        bad += errs;
        expected.insert(path.clone(), (n - errs, 0, errs));
        files.push((path, gzip(body.as_bytes())));
    }
    // Flow logs with NODATA and a wrong field count.
    for f in 0..10u64 {
        let path = format!("AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/flow{f}.log.gz");
        let mut text = String::from("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
        let (mut ev, mut sk, mut er) = (0, 0, 0);
        for i in 0..500 {
            match rng.below(100) {
                0 => {
                    text.push_str("2 111122223333 eni-1 10.0.0.1 10.0.0.2 1 2 6 1\n");
                    er += 1;
                }
                1..=3 => {
                    text.push_str("2 111122223333 eni-1 - - - - - - - 1714557600 1714557660 - NODATA\n");
                    sk += 1;
                }
                _ => {
                    text.push_str(&format!(
                        "2 111122223333 eni-1 10.0.{}.{} 10.1.0.1 {} 443 6 3 180 1714557600 1714557660 ACCEPT OK\n",
                        i % 200,
                        f,
                        1024 + i
                    ));
                    ev += 1;
                }
            }
        }
        good += ev;
        skipped += sk;
        bad += er;
        expected.insert(path.clone(), (ev, sk, er));
        files.push((path, gzip(text.as_bytes())));
    }
    // A junk file and an empty one.
    let junk: Vec<u8> = (0..5000).map(|_| (rng.next_u64() & 0xff) as u8).collect();
    let junk = [b"x".as_slice(), &junk].concat();
    expected.insert("junk.bin".into(), (0, 0, 1));
    bad += 1;
    files.push(("junk.bin".into(), junk));
    expected.insert("empty.json".into(), (0, 1, 0));
    skipped += 1;
    files.push(("empty.json".into(), Vec::new()));

    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(p, d)| (p.as_str(), d.clone())).collect();
    for chunk in [4096, 65536] {
        let report = scan_chunks(&refs, chunk);
        for f in &report.files {
            let (ev, sk, er) = expected[&f.path];
            assert_eq!(
                (f.events, f.skipped_total(), f.error_total()),
                (ev, sk, er),
                "{}: {:?}",
                f.path,
                f.errors
            );
            assert!(f.reconciles());
        }
        let t = &report.totals;
        assert_eq!((t.events, t.skipped.values().sum::<u64>(), t.errors), (good, skipped, bad));
        assert_eq!(t.records, good + skipped + bad);
        assert_eq!(t.files, files.len() as u64);
        assert_eq!(t.bytes, files.iter().map(|(_, d)| d.len() as u64).sum::<u64>());
    }
}

// ---- never panics ----

fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
    let mut d = data.to_vec();
    for _ in 0..1 + rng.below(8) {
        if d.is_empty() {
            d.push(b'{');
        }
        let i = rng.below(d.len() as u64) as usize;
        match rng.below(6) {
            0 => d[i] = (rng.next_u64() & 0xff) as u8,
            1 => {
                d.remove(i);
            }
            2 => d.insert(i, b"{}[]\",:\\\n -0123456789"[rng.below(21) as usize]),
            3 => d.truncate(i),
            4 => {
                let j = rng.below(d.len() as u64) as usize;
                let (a, b) = (i.min(j), i.max(j));
                let piece = d[a..b].to_vec();
                d.splice(i..i, piece);
            }
            _ => d[i] ^= 0x80,
        }
    }
    d
}

#[test]
fn ingestion_never_panics_on_mutated_input() {
    let mut rng = Rng::new(42);
    let seeds: Vec<Vec<u8>> = EXPECTED.iter().map(|e| fixture(e.file)).collect();
    for round in 0..3000 {
        let seed = &seeds[round % seeds.len()];
        let mut data = mutate(&mut rng, seed);
        if round % 5 == 0 {
            data = gzip(&data);
            if round % 10 == 0 {
                data = mutate(&mut rng, &data);
            }
        }
        let chunk = 1 + rng.below(300) as usize;
        let (events, account) = ingest_bytes("fuzz", 0, &data, chunk);
        assert!(account.reconciles(), "round {round}: {account:?}");
        assert_eq!(account.events, events.len() as u64);
    }
}

#[test]
fn record_parsers_never_panic() {
    use vigil_core::event::SourceRef;
    use vigil_core::ingest::flow::FlowFormat;
    let mut rng = Rng::new(7);
    let ct = fixture("cloudtrail_lines.jsonl");
    let r53 = fixture("route53_resolver.jsonl");
    let flow = fixture("vpcflow_custom_v8.log");
    for _ in 0..3000 {
        let m = mutate(&mut rng, &ct);
        let _ =
            vigil_core::ingest::cloudtrail::parse_record(&String::from_utf8_lossy(&m), SourceRef::default());
        let m = mutate(&mut rng, &r53);
        let _ = vigil_core::ingest::route53::parse_query(&m, SourceRef::default());
        let m = mutate(&mut rng, &flow);
        let mut lines = m.split(|b| *b == b'\n');
        if let Some(f) = FlowFormat::from_header(lines.next().unwrap_or(b"")) {
            for l in lines {
                let _ = f.parse_line(l, SourceRef::default());
            }
        }
        for l in m.split(|b| *b == b'\n') {
            let _ = FlowFormat::default().parse_line(l, SourceRef::default());
        }
    }
}

// ---- shared public corpora ----

/// Damage a corpus file's name declares; errors in such files are explained.
const DAMAGE_WORDS: &[&str] =
    &["malformed", "truncated", "corrupt", "invalid", "broken", "damaged", "bad", "junk"];

#[test]
fn shared_corpora_parse_without_unexplained_errors() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Beside the repository (CI, /work/main) or beside the worktree folder.
    let roots = [repo.join("../shared/corpora"), repo.join("../../shared/corpora")];
    let Some(root) = roots.iter().find(|r| r.is_dir()) else {
        eprintln!(
            "NOTICE: no shared corpora found (looked for {:?}); the public samples were not run",
            roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>()
        );
        return;
    };
    let mut files = Vec::new();
    for sub in ["parsing", "attacks"] {
        walk(&root.join(sub), &mut files);
    }
    files.sort();
    let mut unexplained = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let name = path.strip_prefix(root).unwrap().display().to_string();
        let mut s = Scanner::new(Engine::default());
        if vigil_core::ingest::archive::is_zip(&data) {
            s.scan_zip(&name, std::io::Cursor::new(data.clone()), data.len() as u64);
        } else {
            let f = s.begin_file(&name);
            s.push(f, &data);
            s.end_file(f);
        }
        let report = s.finish();
        let lower = name.to_lowercase();
        let explained = DAMAGE_WORDS.iter().any(|w| lower.contains(w));
        for f in &report.files {
            assert!(f.reconciles(), "{}", f.path);
            if !explained && (f.error_total() > 0 || f.format == Format::Unknown) {
                unexplained.push(format!("{}: {:?} {:?}", f.path, f.format, f.errors.first()));
            }
        }
    }
    eprintln!("shared corpora: {} files scanned from {}", files.len(), root.display());
    assert!(unexplained.is_empty(), "unexplained errors:\n{}", unexplained.join("\n"));
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

// ---- JSON lines: a malformed line costs exactly that line ----

/// The lines of a JSON-lines fixture, without empty ones.
fn fixture_lines(name: &str) -> Vec<String> {
    String::from_utf8(fixture(name))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect()
}

/// Damaged lines that each must cost exactly one error: an unclosed object, an unclosed nested
/// object, mismatched brackets, an unclosed string, a cut-off record.
const DAMAGED_LINES: &[&str] = &[
    r#"{"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventName":"X""#,
    r#"{"eventVersion":"1.09","userIdentity":{"type":"Root","eventTime":"2024-05-01T10:00:00Z""#,
    r#"{"a":[1,2},"eventTime":"2024-05-01T10:00:00Z""#,
    r#"{"eventVersion":"1.09","eventName":"Unclosed string"#,
    r#"{"query_name":"example.com.","answers":[{"Rdata":"1.2.3.4""#,
    r#"{"#,
];

/// Inserts `bad` after the `at`-th line; with `trailing_newline` false the text does not end
/// with a newline.
fn json_lines_with(lines: &[String], at: usize, bad: &str, trailing_newline: bool) -> String {
    let mut all: Vec<&str> = lines.iter().map(String::as_str).collect();
    all.insert(at, bad);
    let mut text = all.join("\n");
    if trailing_newline {
        text.push('\n');
    }
    text
}

fn assert_one_bad_line(name: &str, lines: &[String], format: Format) {
    let n = lines.len() as u64;
    for bad in DAMAGED_LINES {
        // In the middle (line 2), first, and last with and without a final newline.
        for (at, trailing_newline) in [(1, true), (0, true), (lines.len(), true), (lines.len(), false)] {
            let text = json_lines_with(lines, at, bad, trailing_newline);
            let (events, a) = ingest(name, text.as_bytes());
            let case = format!("{name}: {bad:?} as line {} (final newline: {trailing_newline})", at + 1);
            assert_eq!(events.len() as u64, n, "{case}: {:?}", a.errors);
            assert_eq!((a.records, a.error_total()), (n + 1, 1), "{case}: {:?}", a.errors);
            assert_eq!(a.format, format, "{case}");
            let location = &a.errors[0].location;
            assert!(
                location.ends_with(&format!("(line {})", at + 1)),
                "{case}: the error names line {}: {location}",
                at + 1
            );
        }
    }
}

#[test]
fn malformed_json_line_does_not_swallow_the_next() {
    assert_one_bad_line("ct.jsonl", &fixture_lines("cloudtrail_lines.jsonl"), Format::CloudTrail);
    assert_one_bad_line("r53.jsonl", &fixture_lines("route53_resolver.jsonl"), Format::Route53Resolver);
}

#[test]
fn malformed_json_line_in_gzip_does_not_swallow_the_next() {
    let lines = fixture_lines("route53_resolver.jsonl");
    let text = json_lines_with(&lines, 1, DAMAGED_LINES[0], true);
    let (events, a) = ingest("r53.jsonl.gz", &gzip(text.as_bytes()));
    assert_eq!((events.len() as u64, a.error_total()), (lines.len() as u64, 1), "{:?}", a.errors);
    assert_eq!(a.errors[0].location, "record 2 (line 2)");
}

#[test]
fn records_spanning_lines_are_still_framed_whole() {
    // Pretty-printed records one after another, and an envelope whose records start in the first
    // column: line breaks inside them must not end them.
    let lines = fixture_lines("cloudtrail_lines.jsonl");
    let pretty: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(l).unwrap()).unwrap()
        })
        .collect();
    let (events, a) = ingest("pretty.json", pretty.join("\n").as_bytes());
    assert_eq!((events.len(), a.error_total()), (lines.len(), 0), "{:?}", a.errors);

    let wrapped = format!(
        "{{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[\n{}\n]}}\n",
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| format!(
                "{{\"id\":\"{i}\",\"timestamp\":1,\"message\":{}}}",
                serde_json::to_string(l).unwrap()
            ))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let (events, a) = ingest("subscription.json", wrapped.as_bytes());
    assert_eq!((events.len(), a.error_total()), (lines.len(), 0), "{:?}", a.errors);
}

// ---- VPC flow logs without a header in a custom format ----

#[test]
fn headerless_all_fields_of_version_5_parse() {
    let line = |src: &str, status: &str| {
        format!(
            "5 111122223333 eni-0a {src} 10.0.1.9 40000 443 6 5 500 1714557600 1714557660 ACCEPT {status} \
             vpc-0a subnet-x i-0abc 19 IPv4 {src} 10.0.1.9 eu-west-1 euw1-az1 - - - - ingress 1\n"
        )
    };
    let text = [line("10.0.0.5", "OK"), line("10.0.0.6", "OK"), line("-", "NODATA")].concat();
    let (events, a) = ingest("v5_noheader.log", text.as_bytes());
    assert_eq!(a.format, Format::VpcFlow);
    assert_eq!((a.records, a.events, a.error_total(), a.skipped_total()), (3, 2, 0, 1), "{:?}", a.errors);
    let flows = only(events, |e| match e {
        Event::Flow(f) => Some(f),
        _ => None,
    });
    assert_eq!(flows[0].version, 5);
    assert_eq!(flows[0].region.as_deref(), Some("eu-west-1"));
    assert_eq!(flows[0].flow_direction, Some(FlowDirection::Ingress));
    assert_eq!(flows[1].srcaddr, Some("10.0.0.6".parse().unwrap()));
}

#[test]
fn headerless_unknown_custom_format_is_an_error_per_line() {
    let text = "5 eni-0a 10.0.0.5 10.0.1.9 40000 443 6 ACCEPT OK ingress\n\
                5 eni-0a 10.0.0.6 10.0.1.9 40001 443 6 ACCEPT OK ingress\n";
    let (events, a) = ingest("custom_noheader.log", text.as_bytes());
    assert!(events.is_empty());
    assert_eq!((a.records, a.error_total()), (2, 2));
    assert_eq!(a.errors[1].location, "line 2");
    assert!(
        a.errors[0]
            .message
            .starts_with("flow log record: custom format without header: 10 fields; add the header line"),
        "{}",
        a.errors[0].message
    );
}

// ---- property tests per parser: random and mutated input never panics and always reconciles ----

/// Ingests `data` in random chunk sizes and checks the account: it reconciles, and its events
/// are the events handed out.
fn assert_accounted(rng: &mut Rng, what: &str, data: &[u8]) -> FileAccount {
    let chunk = 1 + rng.below(512) as usize;
    let (events, a) = ingest_bytes(what, 0, data, chunk);
    assert!(a.reconciles(), "{what}: {a:?}");
    assert_eq!(a.events, events.len() as u64, "{what}");
    assert_eq!(a.bytes, data.len() as u64, "{what}");
    a
}

/// Random text from `alphabet` pieces.
fn random_text(rng: &mut Rng, pieces: &[&str], n: usize) -> Vec<u8> {
    (0..n).flat_map(|_| pieces[rng.below(pieces.len() as u64) as usize].bytes()).collect()
}

#[test]
fn property_cloudtrail_parser() {
    let mut rng = Rng::new(0xC10D);
    let seeds = [
        fixture("cloudtrail_delivery.json"),
        fixture("cloudtrail_lines.jsonl"),
        fixture("cloudtrail_array_pretty.json"),
    ];
    for round in 0..1500 {
        let data = mutate(&mut rng, &seeds[round % seeds.len()]);
        assert_accounted(&mut rng, "ct", &data);
        // The record parser on its own, on mutated single records.
        let line = &seeds[1].split(|b| *b == b'\n').next().unwrap();
        let m = mutate(&mut rng, line);
        let _ = vigil_core::ingest::cloudtrail::parse_record(
            &String::from_utf8_lossy(&m),
            vigil_core::event::SourceRef::default(),
        );
    }
}

#[test]
fn property_flow_parser() {
    let mut rng = Rng::new(0xF10);
    let seeds = [
        fixture("vpcflow_v2_header.log"),
        fixture("vpcflow_v2_noheader.log"),
        fixture("vpcflow_custom_v8.log"),
        fixture("vpcflow_transit_gateway.log"),
    ];
    let tokens = [
        "2 ",
        "5 ",
        "111122223333 ",
        "eni-1 ",
        "10.0.0.1 ",
        "::1 ",
        "443 ",
        "99999 ",
        "- ",
        "ACCEPT ",
        "REJECT ",
        "OK ",
        "NODATA ",
        "1714557600 ",
        "version ",
        "srcport ",
        "\n",
        "\t",
        "x",
    ];
    for round in 0..1500 {
        let data = mutate(&mut rng, &seeds[round % seeds.len()]);
        assert_accounted(&mut rng, "flow", &data);
        // Token soup: lines of plausible and implausible fields in every count.
        let n = 1 + rng.below(200) as usize;
        let soup = [b"2 ".as_slice(), &random_text(&mut rng, &tokens, n)].concat();
        let a = assert_accounted(&mut rng, "flow soup", &soup);
        assert_ne!(a.format, Format::CloudTrail);
    }
}

#[test]
fn property_route53_parser() {
    let mut rng = Rng::new(0x53);
    let seed = fixture("route53_resolver.jsonl");
    for _ in 0..1500 {
        let data = mutate(&mut rng, &seed);
        assert_accounted(&mut rng, "r53", &data);
        let line = seed.split(|b| *b == b'\n').next().unwrap();
        let _ = vigil_core::ingest::route53::parse_query(&mutate(&mut rng, line), Default::default());
    }
}

#[test]
fn property_json_framing() {
    // Structural noise: brackets, strings, escapes, line breaks and known keys in any order.
    let mut rng = Rng::new(0xF4A);
    let pieces = [
        "{",
        "}",
        "[",
        "]",
        "\"",
        "\\",
        ",",
        ":",
        "\n",
        " ",
        "1",
        "null",
        "\"eventTime\":",
        "\"eventName\":",
        "\"query_name\":",
        "\"Records\":[",
        "\"message\":",
        "\"2024-05-01T10:00:00Z\"",
        "\"x\"",
        "\u{e9}",
        "\r\n",
    ];
    for _ in 0..3000 {
        let n = 1 + rng.below(120) as usize;
        let mut data = random_text(&mut rng, &pieces, n);
        if rng.below(2) == 0 {
            data.insert(0, b'{');
        }
        let a = assert_accounted(&mut rng, "framing", &data);
        // Whatever the chunking, the same account.
        let (_, b) = ingest_bytes("framing", 0, &data, 1);
        assert_eq!(a, b, "{:?}", String::from_utf8_lossy(&data));
    }
}

#[test]
fn property_gzip_layer() {
    let mut rng = Rng::new(0x6219);
    let seeds: Vec<Vec<u8>> = ["cloudtrail_delivery.json", "vpcflow_v2_header.log", "route53_resolver.jsonl"]
        .iter()
        .map(|f| fixture(f))
        .collect();
    for round in 0..600 {
        let plain = &seeds[round % seeds.len()];
        let mut data = gzip(plain);
        if round % 2 == 0 {
            // Multi-member, then damaged.
            data.extend_from_slice(&gzip(plain));
            data = mutate(&mut rng, &data);
        } else {
            // Cut anywhere: what came before the cut is kept, the cut is one error.
            let cut = rng.below(data.len() as u64) as usize;
            data.truncate(cut);
        }
        assert_accounted(&mut rng, "gz", &data);
    }
}

#[test]
fn property_zip_layer() {
    let mut rng = Rng::new(0x21B);
    let entries: Vec<(String, Vec<u8>)> = vec![
        ("logs/ct.json".into(), fixture("cloudtrail_delivery.json")),
        ("logs/flow.log.gz".into(), gzip(&fixture("vpcflow_v2_header.log"))),
        ("logs/r53.jsonl".into(), fixture("route53_resolver.jsonl")),
    ];
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let archive = zip_of(&refs);
    for _ in 0..400 {
        let data = mutate(&mut rng, &archive);
        let mut s = Scanner::new(Engine::default());
        s.scan_zip("fuzz.zip", std::io::Cursor::new(data.clone()), data.len() as u64);
        let report = s.finish();
        assert!(!report.files.is_empty(), "a damaged archive still has an account");
        for f in &report.files {
            assert!(f.reconciles(), "{}: {f:?}", f.path);
        }
        assert_eq!(report.totals.records, report.files.iter().map(|f| f.records).sum::<u64>());
    }
}
