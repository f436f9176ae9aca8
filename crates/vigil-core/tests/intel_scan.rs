//! End to end through real ingestion: a GuardDuty-tester-like run (Route 53 Resolver query log,
//! default-format VPC flow log, CloudTrail) scanned with the bundled intelligence and user lists.

use vigil_core::detect::{Context, Engine};
use vigil_core::findings::Finding;
use vigil_core::intel::ListKind;
use vigil_core::scan::Scanner;

fn scan(files: &[(&str, String)], threat: &str, trusted: &str) -> Vec<Finding> {
    let mut ctx = Context::with_bundled_intel();
    if !threat.is_empty() {
        ctx.intel.load_user_list("threats.txt", ListKind::Threat, threat.as_bytes());
    }
    if !trusted.is_empty() {
        ctx.intel.load_user_list("trusted.txt", ListKind::Trusted, trusted.as_bytes());
    }
    let mut s = Scanner::new(Engine::new(ctx));
    for (name, body) in files {
        let id = s.begin_file(name);
        s.push(id, body.as_bytes());
        s.end_file(id);
    }
    s.finish().findings
}

fn dns_line(minute: u32, name: &str, answer: &str) -> String {
    format!(
        r#"{{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0a","query_timestamp":"2024-05-01T10:{minute:02}:00Z","query_name":"{name}.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{{"Rdata":"{answer}","Type":"A","Class":"IN"}}],"srcaddr":"10.0.1.5","srcport":"53122","transport":"UDP","srcids":{{"instance":"i-0abc"}}}}"#
    )
}

/// Default (v2) flow log: no instance id, no direction; SYN-less, so direction comes from ports.
fn flow_log(lines: &[(&str, &str, u16, u16, &str)]) -> String {
    let mut s = String::from("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n");
    for (i, (src, dst, sport, dport, action)) in lines.iter().enumerate() {
        let start = 1_714_557_900 + i as u64 * 60; // 10:05 onwards
        s.push_str(&format!(
            "2 111122223333 eni-0a {src} {dst} {sport} {dport} 6 10 840 {start} {} {action} OK\n",
            start + 60
        ));
    }
    s
}

#[test]
fn tester_run_through_ingestion() {
    let dns: String = [
        dns_line(1, "c2.guarddutyc2activityb.com", "44.1.2.3"),
        dns_line(2, "crypto.guarddutyc2activityb.com", "44.1.2.4"),
        dns_line(3, "guarddutydgaactivity.com", "44.1.2.5"),
    ]
    .join("\n");
    let flows = flow_log(&[
        ("10.0.1.5", "44.1.2.3", 49152, 80, "ACCEPT"),
        ("44.1.2.3", "10.0.1.5", 80, 49152, "ACCEPT"),
        ("10.0.1.5", "11.22.33.44", 49153, 8009, "ACCEPT"),
    ]);
    let f = scan(&[("flows.log", flows), ("dns.jsonl", dns)], "11.22.33.0/24\n", "");
    let types: Vec<&str> = f.iter().map(|f| f.finding_type.as_str()).collect();
    for t in [
        "Backdoor:EC2/C&CActivity.B!DNS",
        "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        "Trojan:EC2/DGADomainRequest.C!DNS",
        "Backdoor:EC2/C&CActivity.B",
        "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    let c2 = f.iter().find(|f| f.finding_type == "Backdoor:EC2/C&CActivity.B").unwrap();
    assert_eq!(c2.resource.instance_details.as_ref().unwrap().instance_id, "i-0abc");
    let ti = &c2.service.evidence.as_ref().unwrap().threat_intelligence_details[0];
    assert_eq!(ti.threat_list_name, "GuardDuty tester domains");
    let custom =
        f.iter().find(|f| f.finding_type == "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom").unwrap();
    assert_eq!(
        custom.service.evidence.as_ref().unwrap().threat_intelligence_details[0].threat_list_name,
        "threats.txt"
    );
}

#[test]
fn trusted_list_silences_the_custom_peer() {
    let flows = flow_log(&[("10.0.1.5", "11.22.33.44", 49153, 8009, "ACCEPT")]);
    let f = scan(&[("flows.log", flows)], "11.22.33.0/24\n", "11.22.33.44\n");
    assert!(f.iter().all(|f| !f.finding_type.contains("MaliciousIPCaller")), "{f:?}");
}
