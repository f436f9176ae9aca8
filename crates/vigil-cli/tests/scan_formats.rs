//! `vigil scan --format … --output …`: every format, written to a file or stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const TRAIL: &str = r#"{"Records":[
 {"eventVersion":"1.09","eventTime":"2024-03-01T12:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"},"requestParameters":{"name":"main"},"responseElements":null,"eventType":"AwsApiCall","recipientAccountId":"111122223333"},
 {"eventVersion":"1.09","eventTime":"2024-03-01T12:05:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/2.15.0","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"},"requestParameters":{"bucketName":"payroll","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::payroll/*"}]}},"responseElements":null,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}
]}"#;

fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn trail_file(dir: &Path) -> String {
    let p = dir.join("trail.json");
    std::fs::write(&p, TRAIL).unwrap();
    p.display().to_string()
}

#[test]
fn json_to_file_is_the_get_findings_shape() {
    let dir = scratch("json");
    let input = trail_file(&dir);
    let out = dir.join("findings.json");
    let o = vigil(&["scan", &input, "--format", "json", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "findings went to the file, not stdout");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let types: Vec<&str> =
        v["Findings"].as_array().unwrap().iter().map(|f| f["Type"].as_str().unwrap()).collect();
    assert!(types.contains(&"Stealth:IAMUser/CloudTrailLoggingDisabled"), "{types:?}");
    assert!(types.contains(&"Policy:S3/BucketAnonymousAccessGranted"), "{types:?}");
    assert!(v["Findings"][0].get("Vigil").is_none());
    let o = vigil(&["scan", &input, "--format", "json", "--with-vigil"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["Findings"][0]["Vigil"]["Remediation"].is_object());
}

#[test]
fn every_format_to_stdout() {
    let dir = scratch("all");
    let input = trail_file(&dir);
    for format in ["json", "jsonl", "table", "csv", "asff", "ocsf"] {
        let o = vigil(&["scan", &input, "--format", format]);
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains("payroll"), "{format}: {text}");
        match format {
            "jsonl" | "ocsf" => assert_eq!(text.lines().count(), 2, "{format}: {text}"),
            "csv" => assert!(text.starts_with("severity,severity_label,type")),
            "table" => {
                assert!(text.starts_with("SEVERITY"));
                assert!(!text.contains('\x1b'), "no colour when NO_COLOR is set");
            }
            _ => {
                serde_json::from_str::<serde_json::Value>(&text).unwrap();
            }
        }
    }
    let coloured = vigil(&["scan", &input, "--color", "always"]);
    assert!(String::from_utf8(coloured.stdout).unwrap().contains("\x1b[31mHIGH"));
}

#[test]
fn bad_format_and_unwritable_output_are_argument_errors() {
    let dir = scratch("bad");
    let input = trail_file(&dir);
    let o = vigil(&["scan", &input, "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("xml"));
    let missing = dir.join("no/such/dir/out.json");
    let o = vigil(&["scan", &input, "--format", "json", "--output", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("out.json"));
}
