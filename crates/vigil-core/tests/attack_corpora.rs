//! Attack corpora: Vigil's own CloudTrail reproductions of Stratus Red Team AWS techniques
//! (`tests/fixtures/stratus/<technique>.json`, one detonation each), and the shared Stratus
//! detonation logs when this machine has them.
//!
//! [`EXPECTED`] is the closing table of issue 4: which technique produces which finding.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use vigil_core::detect::{Context, Engine};
use vigil_core::findings::Finding;
use vigil_core::scan::Scanner;

/// Technique → the finding types Vigil's CloudTrail detectors raise for it (empty: none).
pub const EXPECTED: &[(&str, &[&str])] = &[
    ("aws.credential-access.ec2-get-password-data", &[]),
    ("aws.defense-evasion.cloudtrail-delete", &["Stealth:IAMUser/CloudTrailLoggingDisabled"]),
    ("aws.defense-evasion.cloudtrail-event-selectors", &["Stealth:IAMUser/CloudTrailLoggingDisabled"]),
    ("aws.defense-evasion.cloudtrail-lifecycle-rule", &["Stealth:IAMUser/CloudTrailLoggingDisabled"]),
    ("aws.defense-evasion.cloudtrail-stop", &["Stealth:IAMUser/CloudTrailLoggingDisabled"]),
    ("aws.defense-evasion.dns-delete-logs", &["DefenseImpairment:Route53Resolver/DisableOrModifyTools"]),
    (
        "aws.defense-evasion.organizations-leave",
        &["DefenseImpairment:Organizations/ModifyCloudResourceHierarchy"],
    ),
    ("aws.defense-evasion.vpc-remove-flow-logs", &["DefenseImpairment:EC2/DisableOrModifyTools"]),
    ("aws.execution.ec2-user-data", &["Persistence:EC2/BootOrLogonInitializationScripts"]),
    ("aws.exfiltration.ec2-security-group-open-port-22-ingress", &["Persistence:EC2/ExternalRemoteServices"]),
    ("aws.exfiltration.ec2-share-ami", &["Exfiltration:EC2/TransferDataToCloudAccount"]),
    ("aws.exfiltration.ec2-share-ebs-snapshot", &["Exfiltration:EC2/TransferDataToCloudAccount"]),
    ("aws.exfiltration.rds-share-snapshot", &["Exfiltration:RDS/TransferDataToCloudAccount"]),
    ("aws.exfiltration.s3-backdoor-bucket-policy", &["Exfiltration:S3/TransferDataToCloudAccount"]),
    ("aws.initial-access.console-login-without-mfa", &["InitialAccess:IAM/ValidAccounts"]),
    ("aws.persistence.iam-create-admin-user", &["PrivilegeEscalation:IAM/AccountManipulation"]),
    ("aws.persistence.iam-create-user-login-profile", &["Persistence:IAM/AccountManipulation"]),
    ("aws.persistence.lambda-backdoor-function", &["Persistence:Lambda/AccountManipulation"]),
    ("aws.privilege-escalation.iam-update-user-login-profile", &["Persistence:IAM/AccountManipulation"]),
];

/// Scans files the way `vigil scan` does (format recognised by content, gzip included).
fn scan(files: &[PathBuf]) -> Vec<Finding> {
    let mut scanner = Scanner::new(Engine::new(Context::default()));
    for path in files {
        let id = scanner.begin_file(&path.display().to_string());
        match std::fs::read(path) {
            Ok(bytes) => {
                scanner.push(id, &bytes);
                scanner.end_file(id);
            }
            Err(e) => scanner.abort_file(id, &format!("cannot read: {e}")),
        }
    }
    scanner.finish().findings
}

/// The types raised by Vigil's CloudTrail detectors (other families — baselines, threat
/// intelligence — are other tests' business).
fn cloudtrail_types(findings: &[Finding]) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f.vigil.as_ref().is_some_and(|v| v.detector.starts_with("cloudtrail::")))
        .map(|f| f.finding_type.clone())
        .collect()
}

/// Writes straight to the process's stderr, past the test harness's output capture, so the
/// table and the skip notice show in CI logs of passing runs too.
fn report(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// `technique | finding types` as a Markdown table.
fn table(title: &str, rows: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = format!("\n{title}\n\n| technique | finding types |\n| --- | --- |\n");
    for (technique, types) in rows {
        let types = if types.is_empty() {
            "(none)".to_string()
        } else {
            types.iter().cloned().collect::<Vec<_>>().join(", ")
        };
        out.push_str(&format!("| {technique} | {types} |\n"));
    }
    out
}

/// The Stratus technique a corpus file belongs to: the first path component below the corpus
/// root that names one (`aws.<tactic>.<name>`), else the file name without extension.
fn technique_of(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    rel.components()
        .filter_map(|c| c.as_os_str().to_str())
        .find_map(|c| {
            let start = c.find("aws.")?;
            let name = &c[start..];
            Some(
                name.trim_end_matches(".gz").trim_end_matches(".jsonl").trim_end_matches(".json").to_string(),
            )
        })
        .unwrap_or_else(|| {
            rel.file_stem().map_or_else(|| rel.display().to_string(), |s| s.to_string_lossy().into_owned())
        })
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stratus")
}

#[test]
fn each_stratus_reproduction_raises_its_findings() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".json").to_string())
        .collect();
    on_disk.sort();
    let listed: Vec<String> = EXPECTED.iter().map(|(t, _)| t.to_string()).collect();
    assert_eq!(on_disk, listed, "every fixture has a row in EXPECTED and vice versa");
    let mut rows = BTreeMap::new();
    for (technique, expected) in EXPECTED {
        let findings = scan(&[fixtures().join(format!("{technique}.json"))]);
        let got = cloudtrail_types(&findings);
        rows.insert(technique.to_string(), got.clone());
        let want: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, want, "{technique}");
        for f in findings.iter().filter(|f| want.contains(&f.finding_type)) {
            let v = f.vigil.as_ref().unwrap();
            assert!(!v.evidence.is_empty(), "{technique}: evidence");
            assert!(v.evidence[0].file.ends_with(&format!("{technique}.json")));
            assert!(v
                .remediation
                .as_ref()
                .is_some_and(|r| !r.commands.is_empty() || !r.check_first.is_empty()));
        }
    }
    report(&table(
        "Stratus Red Team reproductions (tests/fixtures/stratus): technique -> finding types",
        &rows,
    ));
}

#[test]
fn all_reproductions_together_keep_ids_stable_across_file_order() {
    let mut files: Vec<PathBuf> =
        EXPECTED.iter().map(|(t, _)| fixtures().join(format!("{t}.json"))).collect();
    let forward = scan(&files);
    files.reverse();
    let backward = scan(&files);
    let ids = |f: &[Finding]| f.iter().map(|f| (f.id.clone(), f.service.count)).collect::<BTreeSet<_>>();
    assert_eq!(ids(&forward), ids(&backward));
    // The same caller shared an AMI and an EBS snapshot: one aggregated finding, count 2.
    let exfil: Vec<&Finding> =
        forward.iter().filter(|f| f.finding_type == "Exfiltration:EC2/TransferDataToCloudAccount").collect();
    assert_eq!(exfil.len(), 1);
    assert_eq!(exfil[0].service.count, 2);
}

/// The shared Stratus Red Team detonation logs: `../shared/corpora/attacks/` next to the
/// checkout (or `VIGIL_ATTACK_CORPUS`). Every file there is scanned; the test prints which
/// technique (file) produced which findings, and fails only if scanning panics or a file that
/// names a technique in [`EXPECTED`] misses its findings.
#[test]
fn shared_stratus_corpus_when_present() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates: Vec<PathBuf> = std::env::var_os("VIGIL_ATTACK_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            manifest.join("../../../shared/corpora/attacks"),
            manifest.join("../../../../shared/corpora/attacks"),
        ])
        .collect();
    let Some(dir) = candidates.iter().find(|p| p.is_dir()) else {
        report(&format!(
            "SKIPPED shared_stratus_corpus_when_present: no Stratus corpus found (looked in {candidates:?}); \
             set VIGIL_ATTACK_CORPUS to scan one\n"
        ));
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut rows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let types = cloudtrail_types(&scan(std::slice::from_ref(file)));
        rows.entry(technique_of(dir, file)).or_default().extend(types.iter().cloned());
        let name = file.to_string_lossy();
        if let Some((technique, expected)) = EXPECTED.iter().find(|(t, _)| name.contains(t)) {
            for t in *expected {
                assert!(types.contains(*t), "{technique} in {name}: {t} missing, got {types:?}");
            }
        }
    }
    report(&table(
        &format!(
            "Stratus Red Team corpus {} ({} files): technique -> finding types",
            dir.display(),
            files.len()
        ),
        &rows,
    ));
}

#[test]
fn corpus_techniques_are_named_by_their_directory_or_file() {
    let root = Path::new("/c");
    assert_eq!(
        technique_of(root, Path::new("/c/aws.defense-evasion.cloudtrail-stop/detonation/trail.json.gz")),
        "aws.defense-evasion.cloudtrail-stop"
    );
    assert_eq!(
        technique_of(root, Path::new("/c/logs/aws.exfiltration.ec2-share-ami.json")),
        "aws.exfiltration.ec2-share-ami"
    );
    assert_eq!(technique_of(root, Path::new("/c/misc/other.json")), "other");
    let mut rows = BTreeMap::new();
    rows.insert("aws.x".to_string(), BTreeSet::from(["A:B/C".to_string()]));
    rows.insert("aws.y".to_string(), BTreeSet::new());
    let t = table("t", &rows);
    assert!(t.contains("| aws.x | A:B/C |") && t.contains("| aws.y | (none) |"), "{t}");
}
