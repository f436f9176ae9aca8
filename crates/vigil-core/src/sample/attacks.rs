//! The attacks injected into the sample world, on later days (after the days Vigil's default
//! learning window learns from, [`crate::baseline::learning_window`]: two thirds of the world,
//! at most two weeks), each on a named resource and listed in the answer key:
//!
//! | scenario | account | what happens | expected finding types |
//! |---|---|---|---|
//! | `root-signin` | security (else production) | root signs in without MFA at night and looks around | `Policy:IAMUser/RootCredentialUsage` |
//! | `ssh-brute-force-in` | production | a blocklisted address (ipsum) tries SSH on the bastion ~360 times in 45 min | `UnauthorizedAccess:EC2/SSHBruteForce` (bastion, TARGET), `Recon:EC2/PortProbeUnprotectedPort` |
//! | `bucket-made-public` | production | Terraform user removes the bucket's public access block and puts a `Principal: "*"` policy | `Policy:S3/BucketBlockPublicAccessDisabled`, `Policy:S3/BucketAnonymousAccessGranted` |
//! | `instance-creds-outside-aws` | production | web-1's instance-role session key is used from a VPS outside AWS | `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS` |
//! | `c2-dns` | production | web-2 resolves GuardDuty tester's C&C domain every ten minutes for six hours | `Backdoor:EC2/C&CActivity.B!DNS` |
//! | `cloudtrail-stopped-from-tor` | production | the reporting script's leaked key, from a Tor exit with a Kali CLI, recons and stops the trail | `Stealth:IAMUser/CloudTrailLoggingDisabled`, `PenTest:IAMUser/KaliLinux`, `UnauthorizedAccess:IAMUser/TorIPCaller`, `Recon:IAMUser/TorIPCaller`, `Discovery:S3/TorIPCaller` (its ListBuckets) |
//! | `dns-exfiltration` | production | db-1 sends ~500 queries with long base32 labels under one domain | `Trojan:EC2/DNSDataExfiltration` |
//! | `developer-key-anomaly` | production | bob's access key, from a new network with a new SDK, lists IAM, reads secrets, creates a user with a key | `Discovery:`, `CredentialAccess:`, `Persistence:IAMUser/AnomalousBehavior` |
//! | `s3-exfiltration` | production | the same key then downloads ~600 objects from the customer-data bucket it never touched | `Exfiltration:S3/AnomalousBehavior` |
//! | `compromised-staging-instance` | staging | app-stg-1 port-scans an internet host, brute-forces SSH on others, then mines Monero | `Recon:EC2/Portscan`, `UnauthorizedAccess:EC2/SSHBruteForce` (ACTOR), `CryptoCurrency:EC2/BitcoinTool.B!DNS`, `CryptoCurrency:EC2/BitcoinTool.B` |
//! | `dga-lookups` | staging | build-runner looks up ~80 algorithmically generated names, mostly NXDOMAIN | `Trojan:EC2/DGADomainRequest.B` |

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::background::{clean_host, instance_key, CONSOLE_UA};
use super::ct;
use super::intel;
use super::net::{self, connection, Leg, TCP};
use super::rng::Rng;
use super::world::{Account, World};
use super::{format_iso8601, Hour, HourOut};
use crate::time::{Millis, HOUR, MINUTE, SECOND};

/// One line of the answer key: a finding the injected activity should produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedFinding {
    /// GuardDuty finding type.
    #[serde(rename = "type")]
    pub finding_type: String,
    /// `AccessKey`, `Instance` or `S3Bucket`.
    pub resource_type: String,
    /// The access key id, instance id or bucket name.
    pub resource_id: String,
    /// For `AccessKey` resources: the user or role name GuardDuty shows (`Root` for root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    pub account_id: String,
    pub region: String,
    /// The scenario that produces it (see the table in this module's documentation).
    pub scenario: String,
    /// When the scenario's first malicious event happens.
    pub first_event: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    RootSignin,
    SshBruteForceIn,
    BucketMadePublic,
    InstanceCredsOutsideAws,
    C2Dns,
    CloudTrailStoppedFromTor,
    DnsExfiltration,
    DeveloperKeyAnomaly,
    S3Exfiltration,
    CompromisedStagingInstance,
    DgaLookups,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::RootSignin => "root-signin",
            Self::SshBruteForceIn => "ssh-brute-force-in",
            Self::BucketMadePublic => "bucket-made-public",
            Self::InstanceCredsOutsideAws => "instance-creds-outside-aws",
            Self::C2Dns => "c2-dns",
            Self::CloudTrailStoppedFromTor => "cloudtrail-stopped-from-tor",
            Self::DnsExfiltration => "dns-exfiltration",
            Self::DeveloperKeyAnomaly => "developer-key-anomaly",
            Self::S3Exfiltration => "s3-exfiltration",
            Self::CompromisedStagingInstance => "compromised-staging-instance",
            Self::DgaLookups => "dga-lookups",
        }
    }
}

/// An attack scheduled at one hour of the world.
pub struct Attack {
    pub scenario: Scenario,
    pub account: usize,
    /// Index of the hour it starts in.
    pub hour: u32,
    /// Its first event.
    pub at: Millis,
    pub expected: Vec<ExpectedFinding>,
}

/// (scenario, account index, day offset into the attack window, hour of day).
const SCHEDULE: &[(Scenario, usize, u32, u32)] = &[
    (Scenario::RootSignin, 2, 0, 3),
    (Scenario::SshBruteForceIn, 0, 0, 22),
    (Scenario::BucketMadePublic, 0, 1, 11),
    (Scenario::InstanceCredsOutsideAws, 0, 1, 20),
    (Scenario::CompromisedStagingInstance, 1, 1, 9),
    (Scenario::C2Dns, 0, 2, 1),
    (Scenario::CloudTrailStoppedFromTor, 0, 2, 23),
    (Scenario::DnsExfiltration, 0, 3, 4),
    (Scenario::DeveloperKeyAnomaly, 0, 3, 15),
    (Scenario::S3Exfiltration, 0, 3, 16),
    (Scenario::DgaLookups, 1, 4, 13),
];

/// The attacks of this world: they start on the first day Vigil's default learning window leaves
/// to be scored (for 14 days: days 10–14, after 9 days of benign history; for 30 days: days
/// 15–19), later ones clamped to the last day.
pub fn plan(w: &World) -> Vec<Attack> {
    let learn =
        crate::baseline::learning_window(crate::baseline::DEFAULT_LEARNING_DAYS, w.days as i64) as u32;
    let mut rng = Rng::derive(w.seed, 0xA77A_C4ED);
    let mut attacks = Vec::new();
    for &(scenario, account, offset, hour_of_day) in SCHEDULE {
        // The root sign-in happens in the security account, or in production without one.
        let account =
            if scenario == Scenario::RootSignin { account.min(w.accounts.len() - 1) } else { account };
        if account >= w.accounts.len() {
            continue;
        }
        let day = (learn + offset).min(w.days - 1);
        let hour = day * 24 + hour_of_day;
        let at = w.start
            + hour as i64 * HOUR
            + (5 + rng.below(20)) as i64 * MINUTE
            + rng.below(60) as i64 * SECOND;
        let a = &w.accounts[account];
        let expected = expected(w, a, scenario, at);
        attacks.push(Attack { scenario, account, hour, at, expected });
    }
    attacks
}

fn expect(
    a: &Account,
    scenario: Scenario,
    at: Millis,
    types: &[&str],
    resource_type: &str,
    id: &str,
    principal: Option<&str>,
) -> Vec<ExpectedFinding> {
    types
        .iter()
        .map(|t| ExpectedFinding {
            finding_type: t.to_string(),
            resource_type: resource_type.to_string(),
            resource_id: id.to_string(),
            principal: principal.map(str::to_string),
            account_id: a.id.to_string(),
            region: a.region.to_string(),
            scenario: scenario.name().to_string(),
            first_event: format_iso8601(at),
        })
        .collect()
}

/// The root console session's temporary key.
fn root_session_key(w: &World) -> String {
    format!("ASIA{}", Rng::derive(w.seed, 0x2007).key_chars(16))
}

fn expected(w: &World, a: &Account, s: Scenario, at: Millis) -> Vec<ExpectedFinding> {
    match s {
        Scenario::RootSignin => {
            let mut e = expect(
                a,
                s,
                at,
                &["Policy:IAMUser/RootCredentialUsage"],
                "AccessKey",
                &root_session_key(w),
                Some("Root"),
            );
            // Root usage is logged in us-east-1 (sign-in and IAM are global).
            e.iter_mut().for_each(|f| f.region = "us-east-1".into());
            e
        }
        Scenario::SshBruteForceIn => expect(
            a,
            s,
            at,
            // The brute forcer is on public blocklists, so its accepted tries on the open SSH
            // port are also a PortProbeUnprotectedPort, as in GuardDuty.
            &["UnauthorizedAccess:EC2/SSHBruteForce", "Recon:EC2/PortProbeUnprotectedPort"],
            "Instance",
            &a.instance("bastion-1").id,
            None,
        ),
        Scenario::BucketMadePublic => expect(
            a,
            s,
            at,
            &["Policy:S3/BucketBlockPublicAccessDisabled", "Policy:S3/BucketAnonymousAccessGranted"],
            "S3Bucket",
            "acme-prod-reports",
            None,
        ),
        Scenario::InstanceCredsOutsideAws => {
            let (key, _) = instance_key(w, a.instance("web-1"), at);
            expect(
                a,
                s,
                at,
                &["UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"],
                "AccessKey",
                &key,
                Some("web-app-role"),
            )
        }
        Scenario::C2Dns => {
            expect(a, s, at, &["Backdoor:EC2/C&CActivity.B!DNS"], "Instance", &a.instance("web-2").id, None)
        }
        Scenario::CloudTrailStoppedFromTor => {
            let mut e = expect(
                a,
                s,
                at,
                &[
                    "Stealth:IAMUser/CloudTrailLoggingDisabled",
                    "PenTest:IAMUser/KaliLinux",
                    "UnauthorizedAccess:IAMUser/TorIPCaller",
                    "Recon:IAMUser/TorIPCaller",
                    // Its ListBuckets: an S3 API from Tor.
                    "Discovery:S3/TorIPCaller",
                ],
                "AccessKey",
                &a.user("svc-reporting").access_key,
                Some("svc-reporting"),
            );
            // IAM-wide: the trail's calls are regional but the key is the resource.
            e.iter_mut().for_each(|f| f.region = a.region.into());
            e
        }
        Scenario::DnsExfiltration => {
            expect(a, s, at, &["Trojan:EC2/DNSDataExfiltration"], "Instance", &a.instance("db-1").id, None)
        }
        Scenario::DeveloperKeyAnomaly => expect(
            a,
            s,
            at,
            &[
                "Discovery:IAMUser/AnomalousBehavior",
                "CredentialAccess:IAMUser/AnomalousBehavior",
                "Persistence:IAMUser/AnomalousBehavior",
            ],
            "AccessKey",
            &a.user("bob").access_key,
            Some("bob"),
        ),
        Scenario::S3Exfiltration => expect(
            a,
            s,
            at,
            &["Exfiltration:S3/AnomalousBehavior"],
            "S3Bucket",
            "acme-prod-customer-data",
            None,
        ),
        Scenario::CompromisedStagingInstance => expect(
            a,
            s,
            at,
            &[
                "Recon:EC2/Portscan",
                "UnauthorizedAccess:EC2/SSHBruteForce",
                "CryptoCurrency:EC2/BitcoinTool.B!DNS",
                "CryptoCurrency:EC2/BitcoinTool.B",
            ],
            "Instance",
            &a.instance("app-stg-1").id,
            None,
        ),
        Scenario::DgaLookups => expect(
            a,
            s,
            at,
            &["Trojan:EC2/DGADomainRequest.B"],
            "Instance",
            &a.instance("build-runner").id,
            None,
        ),
    }
}

/// The Kali Linux AWS CLI (new user-agent form, `md/distrib#kali…`).
pub const KALI_CLI_UA: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off";

/// The stolen developer key's client: an SDK bob never uses, on Windows.
pub const STOLEN_KEY_UA: &str = "Boto3/1.26.137 Python/3.8.10 Windows/10 Botocore/1.29.137";

/// Runs the part of `attack` that falls in hour `h`.
pub fn hour(w: &World, attack: &Attack, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let a = &w.accounts[attack.account];
    let in_start_hour = h.index == attack.hour;
    match attack.scenario {
        Scenario::RootSignin if in_start_hour => root_signin(w, a, attack.at, rng, out),
        Scenario::SshBruteForceIn if in_start_hour => ssh_brute_force_in(a, attack.at, rng, out),
        Scenario::BucketMadePublic if in_start_hour => bucket_made_public(a, attack.at, rng, out),
        Scenario::InstanceCredsOutsideAws if in_start_hour => {
            instance_creds_outside(w, a, attack.at, rng, out)
        }
        Scenario::C2Dns if (attack.hour..attack.hour + 6).contains(&h.index) => {
            c2_dns(a, attack, h, rng, out)
        }
        Scenario::CloudTrailStoppedFromTor if in_start_hour => stop_logging(a, attack.at, rng, out),
        Scenario::DnsExfiltration if in_start_hour => dns_exfiltration(a, attack.at, rng, out),
        Scenario::DeveloperKeyAnomaly if in_start_hour => developer_key_anomaly(a, attack.at, rng, out),
        Scenario::S3Exfiltration if in_start_hour => s3_exfiltration(a, attack.at, rng, out),
        Scenario::CompromisedStagingInstance if h.index >= attack.hour => {
            compromised_instance(w, a, attack, h, rng, out)
        }
        Scenario::DgaLookups if in_start_hour => dga_lookups(a, attack.at, rng, out),
        _ => {}
    }
}

fn root_signin(w: &World, a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let ip = Ipv4Addr::new(2, 216, 143, 61).to_string();
    let ua = CONSOLE_UA[0];
    out.ct(a.index, ct::console_login(rng, at, ct::root(a, None, None), a, &ip, ua, false));
    let key = root_session_key(w);
    let mut t = at + 40 * SECOND;
    for (svc, name) in [
        ("iam", "GetAccountSummary"),
        ("iam", "ListUsers"),
        ("iam", "ListAccessKeys"),
        ("cloudtrail", "DescribeTrails"),
        ("s3", "ListBuckets"),
        ("ce", "GetCostAndUsage"),
    ] {
        t += rng.range(5_000, 40_000) as i64;
        let mut r = ct::api(rng, t, ct::root(a, Some(&key), Some(at)), a, a.region, svc, name, &ip, ua);
        r.session_credential_from_console = Some("true");
        out.ct(a.index, r);
    }
}

fn ssh_brute_force_in(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let bastion = a.instance("bastion-1");
    let local = a.private_ip(bastion);
    let flows = &mut out.flows[a.index];
    for i in 0..360 {
        let t = at + i * 7_500 + rng.below(3_000) as i64;
        let pk = rng.range(10, 22);
        connection(
            flows,
            bastion.nic,
            local,
            intel::SSH_BRUTE_FORCER,
            22,
            rng.range(32768, 60999) as u16,
            TCP,
            false,
            t,
            3,
            Leg::new(pk, pk * rng.range(90, 130)),
            Leg::new(pk - 2, (pk - 2) * rng.range(140, 200)),
            true,
            None,
            8,
        );
    }
}

fn bucket_made_public(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let carol = a.user("carol");
    let bucket = "acme-prod-reports";
    let ip = intel::OFFICE[0].to_string();
    let ua = super::background::TERRAFORM_UA;
    let who = ct::iam_user(a, carol, Some(&carol.access_key));
    out.ct(
        a.index,
        ct::s3_bucket(
            rng,
            at,
            who.clone(),
            a,
            "DeleteBucketPublicAccessBlock",
            bucket,
            &ip,
            ua,
            json!({ "publicAccessBlock": "" }),
        ),
    );
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicReadForReports",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*")
        }]
    });
    out.ct(
        a.index,
        ct::s3_bucket(
            rng,
            at + 4 * SECOND,
            who,
            a,
            "PutBucketPolicy",
            bucket,
            &ip,
            ua,
            json!({ "bucketPolicy": policy, "policy": "" }),
        ),
    );
}

fn instance_creds_outside(w: &World, a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let inst = a.instance("web-1");
    let role = &a.roles[inst.role];
    let (key, issued) = instance_key(w, inst, at);
    let who = ct::role_session(a, role, &inst.id, &key, issued, true);
    let ip = intel::ATTACKER_VPS.to_string();
    let ua = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0-35-generic md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
    let mut t = at;
    for (svc, name) in [
        ("sts", "GetCallerIdentity"),
        ("s3", "ListBuckets"),
        ("ec2", "DescribeInstances"),
        ("iam", "ListAttachedRolePolicies"),
    ] {
        let mut r = ct::api(rng, t, who.clone(), a, a.region, svc, name, &ip, ua);
        if name == "ListAttachedRolePolicies" {
            r.error_code = Some("AccessDenied".into());
            r.error_message = Some(format!("User: arn:aws:sts::{}:assumed-role/{}/{} is not authorized to perform: iam:ListAttachedRolePolicies", a.id, role.name, inst.id));
        }
        out.ct(a.index, r);
        t += rng.range(2_000, 15_000) as i64;
    }
    let bucket = a.buckets[0];
    for i in 0..8 {
        t += rng.range(500, 3_000) as i64;
        let key = format!(
            "templates/{}.html",
            ["home", "pricing", "invoice", "receipt", "welcome-email", "admin", "config", "backup"][i]
        );
        let size = rng.range(3_000, 60_000);
        out.ct(a.index, ct::s3_object(rng, t, who.clone(), a, "GetObject", bucket, &key, &ip, ua, 0, size));
    }
}

fn c2_dns(a: &Account, attack: &Attack, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let inst = a.instance("web-2");
    let local = a.private_ip(inst);
    let first = if h.index == attack.hour { attack.at } else { h.start + rng.below(60_000) as i64 };
    let mut t = first;
    while t < h.start + HOUR {
        let line = net::dns_line(
            rng,
            a,
            &inst.id,
            local,
            t,
            intel::GUARDDUTY_C2_DOMAIN,
            "A",
            "NOERROR",
            &[("A", "192.0.2.10".to_string())],
        );
        out.dns[a.index].push((t, line));
        t += 10 * MINUTE + rng.below(30_000) as i64;
    }
}

fn stop_logging(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let u = a.user("svc-reporting");
    let who = ct::iam_user(a, u, Some(&u.access_key));
    let ip = intel::TOR_EXIT.to_string();
    let trail = format!("arn:aws:cloudtrail:us-east-1:{}:trail/org-trail", a.id);
    let mut t = at;
    for (svc, name) in [
        ("sts", "GetCallerIdentity"),
        ("s3", "ListBuckets"),
        ("cloudtrail", "DescribeTrails"),
        ("cloudtrail", "GetTrailStatus"),
        ("cloudtrail", "StopLogging"),
    ] {
        let mut r = ct::api(rng, t, who.clone(), a, a.region, svc, name, &ip, KALI_CLI_UA);
        if svc == "cloudtrail" && name != "DescribeTrails" {
            r.request_parameters = json!({ "name": trail });
        }
        out.ct(a.index, r);
        t += rng.range(4_000, 30_000) as i64;
    }
}

fn dns_exfiltration(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let inst = a.instance("db-1");
    let local = a.private_ip(inst);
    let mut t = at;
    for seq in 0..500u32 {
        let n1 = rng.range(52, 63) as usize;
        let l1 = rng.base32(n1);
        let n2 = rng.range(24, 40) as usize;
        let l2 = rng.base32(n2);
        let name = format!("{l1}.{l2}.{seq:04x}.statsupdate-ns.net");
        let (qtype, answers) = if rng.chance(0.6) {
            ("TXT", vec![("TXT", "\"ack\"".to_string())])
        } else {
            ("A", vec![("A", "10.0.0.1".to_string())])
        };
        let line = net::dns_line(rng, a, &inst.id, local, t, &name, qtype, "NOERROR", &answers);
        out.dns[a.index].push((t, line));
        t += rng.range(1_000, 5_000) as i64;
    }
}

fn developer_key_anomaly(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let bob = a.user("bob");
    let who = ct::iam_user(a, bob, Some(&bob.access_key));
    let ip = intel::ATTACKER_MOBILE.to_string();
    let mut t = at;
    let mut step = |rng: &mut Rng,
                    out: &mut HourOut,
                    svc: &str,
                    name: &str,
                    params: serde_json::Value,
                    resp: serde_json::Value| {
        let mut r = ct::api(rng, t, who.clone(), a, a.region, svc, name, &ip, STOLEN_KEY_UA);
        r.request_parameters = params;
        r.response_elements = resp;
        out.ct(a.index, r);
        t += rng.range(1_500, 20_000) as i64;
    };
    step(rng, out, "sts", "GetCallerIdentity", json!(null), json!(null));
    step(rng, out, "iam", "ListUsers", json!(null), json!(null));
    step(rng, out, "iam", "ListRoles", json!(null), json!(null));
    step(rng, out, "iam", "ListAttachedUserPolicies", json!({ "userName": "bob" }), json!(null));
    step(
        rng,
        out,
        "iam",
        "GetAccountAuthorizationDetails",
        json!({ "filter": ["User", "Role", "LocalManagedPolicy"] }),
        json!(null),
    );
    step(rng, out, "secretsmanager", "ListSecrets", json!(null), json!(null));
    for secret in [
        "prod/db-credentials",
        "prod/stripe-api-key",
        "prod/sendgrid",
        "prod/jwt-signing-key",
        "staging/db-credentials",
        "ci/github-token",
    ] {
        let arn = format!("arn:aws:secretsmanager:{}:{}:secret:{secret}-{}", a.region, a.id, rng.alnum(6));
        step(rng, out, "secretsmanager", "GetSecretValue", json!({ "secretId": arn }), json!(null));
    }
    let new_user = "support-sync";
    let new_user_id = format!("AIDA{}", rng.key_chars(17));
    step(
        rng,
        out,
        "iam",
        "CreateUser",
        json!({ "userName": new_user }),
        json!({ "user": { "path": "/", "userName": new_user, "userId": new_user_id, "arn": format!("arn:aws:iam::{}:user/{new_user}", a.id), "createDate": ct::iam_date(at + 2 * MINUTE) } }),
    );
    let new_key = format!("AKIA{}", rng.key_chars(16));
    step(
        rng,
        out,
        "iam",
        "CreateAccessKey",
        json!({ "userName": new_user }),
        json!({ "accessKey": { "userName": new_user, "accessKeyId": new_key, "status": "Active", "createDate": ct::iam_date(at + 3 * MINUTE) } }),
    );
}

fn s3_exfiltration(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let bob = a.user("bob");
    let who = ct::iam_user(a, bob, Some(&bob.access_key));
    let ip = intel::ATTACKER_MOBILE.to_string();
    let bucket = "acme-prod-customer-data";
    let mut t = at;
    out.ct(a.index, ct::api(rng, t, who.clone(), a, a.region, "s3", "ListBuckets", &ip, STOLEN_KEY_UA));
    for _ in 0..6 {
        t += rng.range(500, 2_000) as i64;
        let size = rng.range(40_000, 120_000);
        out.ct(
            a.index,
            ct::s3_object(rng, t, who.clone(), a, "ListObjects", bucket, "", &ip, STOLEN_KEY_UA, 0, size),
        );
    }
    for i in 0..600 {
        t += rng.range(200, 2_500) as i64;
        let key = format!("invoices/2026/{}/{}.pdf", i % 12, rng.hex(12));
        let size = rng.range(30_000, 2_000_000);
        out.ct(
            a.index,
            ct::s3_object(rng, t, who.clone(), a, "GetObject", bucket, &key, &ip, STOLEN_KEY_UA, 0, size),
        );
    }
}

/// Port scan, outbound SSH brute force, then Monero mining until the end of the world.
fn compromised_instance(w: &World, a: &Account, attack: &Attack, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let inst = a.instance("app-stg-1");
    let local = a.private_ip(inst);
    let mut plan_rng = Rng::derive(w.seed, 0x5CA7);
    let scanned = clean_host(&mut plan_rng);
    let victims: Vec<Ipv4Addr> = (0..4).map(|_| clean_host(&mut plan_rng)).collect();
    let since = h.index - attack.hour;
    let flows = &mut out.flows[a.index];
    match since {
        0 => {
            // A SYN scan of 300 ports of one host in three minutes: closed ports answer RST.
            let mut ports: Vec<u16> = (1..=1024).collect();
            for i in 0..300 {
                let j = i + rng.below((ports.len() - i) as u64) as usize;
                ports.swap(i, j);
            }
            for (i, port) in ports[..300].iter().enumerate() {
                let t = attack.at + i as i64 * 600;
                let open = matches!(port, 22 | 80 | 443);
                let reply = if open { Leg::new(1, 44) } else { Leg::new(1, 40) };
                connection(
                    flows,
                    inst.nic,
                    local,
                    scanned,
                    rng.range(40000, 60000) as u16,
                    *port,
                    TCP,
                    true,
                    t,
                    1,
                    Leg::new(1, 44),
                    reply,
                    true,
                    None,
                    8,
                );
            }
        }
        1 => {
            for (v, victim) in victims.iter().enumerate() {
                for i in 0..90 {
                    let t = h.start + 5 * MINUTE + (v as i64 * 90 + i) * 6_000 + rng.below(2_000) as i64;
                    let pk = rng.range(10, 20);
                    connection(
                        flows,
                        inst.nic,
                        local,
                        *victim,
                        rng.range(32768, 60999) as u16,
                        22,
                        TCP,
                        true,
                        t,
                        3,
                        Leg::new(pk, pk * 110),
                        Leg::new(pk - 2, (pk - 2) * 170),
                        true,
                        None,
                        8,
                    );
                }
            }
        }
        _ => {
            // The miner: resolves its pools, then keeps a stratum connection open.
            let lines = &mut out.dns[a.index];
            if since == 2 || rng.chance(0.3) {
                for (d, domain) in intel::MINING_POOL_DOMAINS.iter().enumerate() {
                    let t = h.start + d as i64 * 1_500 + rng.below(60_000) as i64;
                    let addr = intel::MINING_POOL_ADDRS[d % intel::MINING_POOL_ADDRS.len()].to_string();
                    lines.push((
                        t,
                        net::dns_line(rng, a, &inst.id, local, t, domain, "A", "NOERROR", &[("A", addr)]),
                    ));
                }
            }
            let pool = intel::MINING_POOL_ADDRS[0];
            let port = 40_000 + (attack.hour % 1000) as u16;
            for m in 0..6 {
                let t = h.start + 2 * MINUTE + m * 10 * MINUTE;
                connection(
                    flows,
                    inst.nic,
                    local,
                    pool,
                    port,
                    3333,
                    TCP,
                    true,
                    t,
                    60,
                    Leg::new(60, 9_000),
                    Leg::new(55, 14_000),
                    true,
                    None,
                    8,
                );
            }
        }
    }
}

fn dga_lookups(a: &Account, at: Millis, rng: &mut Rng, out: &mut HourOut) {
    let inst = a.instance("build-runner");
    let local = a.private_ip(inst);
    let tlds = ["com", "net", "org", "info", "biz", "top", "xyz", "ru"];
    let mut t = at;
    for _ in 0..80 {
        let len = rng.range(12, 22) as usize;
        let label: String = (0..len).map(|_| (b'a' + rng.below(26) as u8) as char).collect();
        let name = format!("{label}.{}", rng.pick(&tlds));
        let (rcode, answers) = if rng.chance(0.88) {
            ("NXDOMAIN", vec![])
        } else {
            ("NOERROR", vec![("A", clean_host(rng).to_string())])
        };
        out.dns[a.index].push((t, net::dns_line(rng, a, &inst.id, local, t, &name, "A", rcode, &answers)));
        t += rng.range(5_000, 40_000) as i64;
    }
}
