//! A generated, benign, multi-week AWS account for anomaly tests: an admin, a developer, a CI
//! role with a weekly release burst, a nightly multi-GB backup, a web application on EC2 and an
//! analyst reading a data bucket. Seeded, so every run is the same; tests inject one anomaly and
//! assert it fires while the routine around it stays silent.

use std::net::IpAddr;

use crate::baseline::{BaselineConfig, BaselineFile};
use crate::detect::{Context, Engine};
use crate::event::*;
use crate::findings::model::Finding;
use crate::time::{parse_iso8601, Millis, DAY, HOUR, MINUTE};

pub const ACCOUNT: &str = "111122223333";

/// splitmix64: small, seeded, good enough for test worlds.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo).max(1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() % 1_000_000) as f64 / 1_000_000.0 < p
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.range(0, v.len() as u64) as usize]
    }
}

/// A principal of the world.
pub struct P {
    pub kind: &'static str,
    pub name: &'static str,
    pub key: &'static str,
}

impl P {
    pub fn arn(&self) -> String {
        match self.kind {
            "IAMUser" => format!("arn:aws:iam::{ACCOUNT}:user/{}", self.name),
            _ => format!("arn:aws:iam::{ACCOUNT}:role/{}", self.name),
        }
    }

    fn identity(&self) -> Identity {
        let mut id = Identity {
            kind: IdentityType::parse(self.kind),
            account_id: Some(ACCOUNT.into()),
            access_key_id: Some(self.key.into()),
            ..Identity::default()
        };
        if self.kind == "IAMUser" {
            id.arn = Some(self.arn().into());
            id.user_name = Some(self.name.into());
            id.principal_id = Some(format!("AIDA{}", self.name.to_uppercase()).into());
        } else {
            id.arn = Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/{}/session", self.name).into());
            id.principal_id = Some(format!("AROA{}:session", self.name.to_uppercase()).into());
            id.session_issuer = Some(SessionIssuer {
                kind: Some("Role".into()),
                principal_id: Some(format!("AROA{}", self.name.to_uppercase()).into()),
                arn: Some(self.arn().into()),
                account_id: Some(ACCOUNT.into()),
                user_name: Some(self.name.into()),
            });
        }
        id
    }
}

pub const ALICE: P = P { kind: "IAMUser", name: "alice-admin", key: "AKIAALICE00000000001" };
pub const BOB: P = P { kind: "IAMUser", name: "bob", key: "AKIABOB0000000000001" };
pub const CAROL: P = P { kind: "IAMUser", name: "carol", key: "AKIACAROL00000000001" };
pub const CI: P = P { kind: "AssumedRole", name: "ci-deploy", key: "ASIACI00000000000001" };
pub const BACKUP: P = P { kind: "AssumedRole", name: "backup-nightly", key: "ASIABACKUP0000000001" };
pub const WEBAPP: P = P { kind: "AssumedRole", name: "web-app", key: "ASIAWEBAPP0000000001" };
pub const DAVE: P = P { kind: "IAMUser", name: "dave", key: "AKIADAVE000000000001" };

pub const CLI: &str = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64";
pub const BOTO: &str = "Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux";
pub const BROWSER: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15";
pub const GO_SDK: &str = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21";
pub const JAVA_SDK: &str = "aws-sdk-java/2.20.160 Linux/6.1 OpenJDK_64-Bit_Server_VM";

pub const GB: u64 = 1024 * 1024 * 1024;
pub const MB: u64 = 1024 * 1024;

pub struct World {
    pub rng: Rng,
    pub start: Millis,
    pub days: i64,
    pub events: Vec<Event>,
    pub config: BaselineConfig,
    /// Country/ASN sources the scan's baselines use (none by default).
    pub geo: crate::geo::GeoDb,
    pub context: Option<Context>,
    record: u64,
}

impl World {
    /// A benign world of `days` days starting on a Monday.
    pub fn new(seed: u64, days: i64) -> Self {
        let mut w = Self::empty(seed, days);
        for d in 0..days {
            w.benign_day(d);
        }
        w
    }

    pub fn empty(seed: u64, days: i64) -> Self {
        Self {
            rng: Rng::new(seed),
            start: parse_iso8601("2024-03-04T00:00:00Z").unwrap(),
            days,
            events: Vec::new(),
            config: BaselineConfig::default(),
            geo: crate::geo::GeoDb::default(),
            context: None,
            record: 0,
        }
    }

    pub fn day_time(&self, day: i64, hour: i64, minute: i64) -> Millis {
        self.start + day * DAY + hour * HOUR + minute * MINUTE
    }

    fn next_src(&mut self) -> SourceRef {
        self.record += 1;
        SourceRef { file: 0, record: self.record }
    }

    #[allow(clippy::too_many_arguments)]
    fn base_call(
        &mut self,
        p: &P,
        t: Millis,
        svc: &str,
        api: &str,
        ip: &str,
        ua: &str,
        region: &str,
    ) -> ApiCall {
        let read = ["Describe", "List", "Get", "Head", "Lookup"].iter().any(|v| api.starts_with(v));
        ApiCall {
            src: self.next_src(),
            time: t,
            event_id: format!("ev-{}", self.record).into(),
            event_source: format!("{svc}.amazonaws.com").into(),
            event_name: api.into(),
            event_type: "AwsApiCall".into(),
            category: EventCategory::Management,
            region: region.into(),
            source_ip: ip.into(),
            source_addr: ip.parse::<IpAddr>().ok(),
            user_agent: ua.into(),
            read_only: Some(read),
            account_id: ACCOUNT.into(),
            identity: p.identity(),
            ..ApiCall::default()
        }
    }

    /// A management API call.
    #[allow(clippy::too_many_arguments)]
    pub fn call(&mut self, p: &P, t: Millis, svc: &str, api: &str, ip: &str, ua: &str, region: &str) {
        let c = self.base_call(p, t, svc, api, ip, ua, region);
        self.events.push(Event::Api(Box::new(c)));
    }

    pub fn failed_call(&mut self, p: &P, t: Millis, svc: &str, api: &str, ip: &str, ua: &str) {
        let mut c = self.base_call(p, t, svc, api, ip, ua, "us-east-1");
        c.error_code = Some("AccessDenied".into());
        self.events.push(Event::Api(Box::new(c)));
    }

    /// A successful (or failed) console sign-in.
    pub fn console_login(&mut self, p: &P, t: Millis, ip: &str, mfa: bool) {
        let mut c = self.base_call(p, t, "signin", "ConsoleLogin", ip, BROWSER, "us-east-1");
        c.event_type = "AwsConsoleSignIn".into();
        c.response_elements = RawJson::parse(r#"{"ConsoleLogin":"Success"}"#);
        c.additional_event_data =
            RawJson::parse(&format!(r#"{{"MFAUsed":"{}"}}"#, if mfa { "Yes" } else { "No" }));
        self.events.push(Event::Api(Box::new(c)));
    }

    /// An S3 call on a bucket (data event unless it is a bucket-level call).
    #[allow(clippy::too_many_arguments)]
    pub fn s3(
        &mut self,
        p: &P,
        t: Millis,
        api: &str,
        bucket: &str,
        bytes_in: u64,
        bytes_out: u64,
        ip: &str,
        ua: &str,
    ) {
        let mut c = self.base_call(p, t, "s3", api, ip, ua, "us-east-1");
        let bucket_level =
            api.starts_with("PutBucket") || api.starts_with("DeleteBucket") || api.starts_with("GetBucket");
        c.category = if bucket_level { EventCategory::Management } else { EventCategory::Data };
        c.s3 = Some(S3Access {
            bucket: bucket.into(),
            key: (!bucket_level).then(|| format!("obj/{}", self.record).into()),
            bytes_in,
            bytes_out,
        });
        self.events.push(Event::Api(Box::new(c)));
    }

    /// A flow record from an instance's point of view; `out` says whether `local` sent it.
    #[allow(clippy::too_many_arguments)]
    pub fn flow(
        &mut self,
        t: Millis,
        instance: &str,
        local: &str,
        lport: u16,
        remote: &str,
        rport: u16,
        proto: u8,
        bytes: u64,
        out: bool,
    ) {
        let (l, r): (IpAddr, IpAddr) = (local.parse().unwrap(), remote.parse().unwrap());
        let (src, dst, sp, dp) = if out { (l, r, lport, rport) } else { (r, l, rport, lport) };
        let f = FlowRecord {
            src: self.next_src(),
            version: 5,
            account_id: Some(ACCOUNT.to_string()),
            interface_id: Some(format!("eni-{instance}")),
            instance_id: Some(instance.to_string()),
            srcaddr: Some(src),
            dstaddr: Some(dst),
            srcport: Some(sp),
            dstport: Some(dp),
            protocol: Some(proto),
            packets: bytes / 1000 + 1,
            bytes,
            start: t,
            end: t + MINUTE,
            action: FlowAction::Accept,
            region: Some("us-east-1".to_string()),
            ..FlowRecord::default()
        };
        self.events.push(Event::Flow(f));
    }

    /// A connection: the request flow and the response flow.
    #[allow(clippy::too_many_arguments)]
    pub fn connection(
        &mut self,
        t: Millis,
        instance: &str,
        local: &str,
        remote: &str,
        rport: u16,
        proto: u8,
        sent: u64,
        received: u64,
    ) {
        let eph = self.rng.range(32768, 60999) as u16;
        self.flow(t, instance, local, eph, remote, rport, proto, sent, true);
        self.flow(t, instance, local, eph, remote, rport, proto, received, false);
    }

    fn weighted<'a>(&mut self, items: &'a [(&'a str, &'a str, u32)]) -> (&'a str, &'a str) {
        let total: u32 = items.iter().map(|i| i.2).sum();
        let mut x = self.rng.range(0, total as u64) as u32;
        for (s, a, w) in items {
            if x < *w {
                return (s, a);
            }
            x -= w;
        }
        (items[0].0, items[0].1)
    }

    /// Adds the benign routine of days `from..to` (day 0 is the world's first Monday).
    pub fn benign_days(&mut self, from: i64, to: i64) {
        for d in from..to {
            self.benign_day(d);
        }
    }

    fn benign_day(&mut self, d: i64) {
        let weekday = d % 7 < 5;
        let day0 = self.start + d * DAY;
        let at = |w: &mut World, h0: u64, h1: u64| day0 + w.rng.range(h0 * 60, h1 * 60) as i64 * MINUTE;

        if weekday {
            // Admin: console in the morning, routine IAM and inventory work from the office.
            let t = at(self, 8, 9);
            self.console_login(&ALICE, t, "198.51.100.20", true);
            const ADMIN: &[(&str, &str, u32)] = &[
                ("iam", "ListUsers", 10),
                ("iam", "GetUser", 10),
                ("iam", "ListRoles", 8),
                ("iam", "GetRole", 8),
                ("iam", "ListPolicies", 5),
                ("iam", "ListAttachedUserPolicies", 5),
                ("iam", "ListAccessKeys", 5),
                ("ec2", "DescribeInstances", 8),
                ("ec2", "DescribeSecurityGroups", 4),
                ("s3", "ListBuckets", 4),
                ("cloudtrail", "LookupEvents", 3),
                ("sts", "GetCallerIdentity", 3),
                ("iam", "CreateUser", 1),
                ("iam", "AttachUserPolicy", 1),
                ("iam", "CreateAccessKey", 1),
                ("iam", "AddUserToGroup", 1),
                ("iam", "DeleteAccessKey", 1),
                ("iam", "UpdateAccessKey", 1),
            ];
            for _ in 0..self.rng.range(40, 80) {
                let (s, a) = self.weighted(ADMIN);
                let t = at(self, 9, 18);
                let ua = if self.rng.chance(0.5) { CLI } else { BROWSER };
                self.call(&ALICE, t, s, a, "198.51.100.20", ua, "us-east-1");
            }

            // Developer: busy, office most days, home on Fridays.
            const DEV: &[(&str, &str, u32)] = &[
                ("ec2", "DescribeInstances", 12),
                ("ec2", "DescribeSubnets", 5),
                ("ec2", "DescribeVpcs", 4),
                ("ec2", "DescribeSecurityGroups", 5),
                ("lambda", "ListFunctions", 8),
                ("lambda", "GetFunction", 6),
                ("lambda", "UpdateFunctionCode", 2),
                ("logs", "FilterLogEvents", 12),
                ("logs", "DescribeLogGroups", 6),
                ("cloudformation", "DescribeStacks", 8),
                ("cloudformation", "ListStacks", 4),
                ("s3", "ListBuckets", 4),
                ("sts", "GetCallerIdentity", 4),
                ("ecr", "DescribeRepositories", 3),
                ("dynamodb", "DescribeTable", 3),
                ("sqs", "ListQueues", 2),
                ("kms", "ListKeys", 1),
            ];
            let home = d % 7 == 4;
            let ip = if home { "203.0.113.44" } else { "198.51.100.21" };
            for _ in 0..self.rng.range(60, 150) {
                let (s, a) = self.weighted(DEV);
                let t = at(self, 8, 19);
                let ua = if self.rng.chance(0.6) { CLI } else { BOTO };
                if self.rng.chance(0.02) {
                    self.failed_call(&BOB, t, s, a, ip, ua);
                } else {
                    let region = if self.rng.chance(0.9) { "us-east-1" } else { "eu-west-1" };
                    self.call(&BOB, t, s, a, ip, ua, region);
                }
            }

            // Analyst: reads the data bucket from the office.
            let t = at(self, 9, 10);
            self.call(&CAROL, t, "s3", "ListBuckets", "198.51.100.30", CLI, "us-east-1");
            for _ in 0..self.rng.range(5, 15) {
                let t = at(self, 9, 17);
                self.call(&CAROL, t, "athena", "GetQueryResults", "198.51.100.30", CLI, "us-east-1");
                self.call(&CAROL, t, "athena", "StartQueryExecution", "198.51.100.30", CLI, "us-east-1");
            }
            for _ in 0..self.rng.range(100, 300) {
                let t = at(self, 9, 17);
                let b = self.rng.range(MB, 5 * MB);
                self.s3(&CAROL, t, "GetObject", "corp-data", 0, b, "198.51.100.30", CLI);
            }
            for _ in 0..self.rng.range(5, 15) {
                let t = at(self, 9, 17);
                self.s3(&CAROL, t, "ListObjectsV2", "corp-data", 0, 0, "198.51.100.30", CLI);
            }

            // CI: a few builds a day from the runners' NAT address.
            for _ in 0..self.rng.range(2, 6) {
                let t = at(self, 8, 20);
                for (s, a) in [
                    ("sts", "GetCallerIdentity"),
                    ("ecr", "GetAuthorizationToken"),
                    ("ecr", "BatchCheckLayerAvailability"),
                    ("ecr", "PutImage"),
                ] {
                    self.call(&CI, t, s, a, "54.210.10.5", GO_SDK, "us-east-1");
                }
                self.s3(&CI, t, "PutObject", "ci-artifacts", 20 * MB, 0, "54.210.10.5", GO_SDK);
            }
        }
        // CI: the weekly release burst, Mondays at 10:00.
        if d % 7 == 0 {
            const RELEASE: &[(&str, &str, u32)] = &[
                ("cloudformation", "CreateChangeSet", 2),
                ("cloudformation", "DescribeChangeSet", 6),
                ("cloudformation", "ExecuteChangeSet", 2),
                ("cloudformation", "DescribeStackEvents", 10),
                ("lambda", "UpdateFunctionCode", 4),
                ("lambda", "UpdateFunctionConfiguration", 3),
                ("lambda", "PublishVersion", 3),
                ("lambda", "UpdateAlias", 3),
                ("ecs", "UpdateService", 2),
                ("ecs", "DescribeServices", 6),
                ("iam", "GetRole", 2),
            ];
            for _ in 0..self.rng.range(150, 300) {
                let (s, a) = self.weighted(RELEASE);
                let t = at(self, 10, 11);
                self.call(&CI, t, s, a, "54.210.10.5", GO_SDK, "us-east-1");
            }
        }

        // Nightly backup: snapshots, retention, and 6–8 GB to S3 and to the offsite peer.
        let t = at(self, 2, 3);
        for (s, a) in [
            ("sts", "GetCallerIdentity"),
            ("ec2", "CreateSnapshot"),
            ("ec2", "DescribeSnapshots"),
            ("ec2", "DeleteSnapshot"),
            ("ec2", "CreateTags"),
        ] {
            self.call(&BACKUP, t, s, a, "10.0.5.10", CLI, "us-east-1");
        }
        for _ in 0..20 {
            let t = at(self, 2, 3);
            let b = self.rng.range(300 * MB, 400 * MB);
            self.s3(&BACKUP, t, "PutObject", "corp-backups", b, 0, "10.0.5.10", CLI);
        }
        for _ in 0..self.rng.range(1, 5) {
            let t = at(self, 2, 3);
            self.s3(&BACKUP, t, "DeleteObject", "corp-backups", 0, 0, "10.0.5.10", CLI);
        }
        for _ in 0..10 {
            let t = day0 + 2 * HOUR + self.rng.range(0, 59) as i64 * MINUTE;
            let b = self.rng.range(600 * MB, 800 * MB);
            self.connection(t, "i-0backup", "10.0.5.10", "192.0.2.50", 443, 6, b, 2 * MB);
        }
        for h in 0..24 {
            let t = day0 + h * HOUR + self.rng.range(0, 59) as i64 * MINUTE;
            self.connection(t, "i-0backup", "10.0.5.10", "10.0.0.2", 53, 17, 200, 400);
        }

        // Web application on EC2: secrets, keys, parameters, queue and assets every hour.
        for h in 0..24 {
            let hour0 = day0 + h * HOUR;
            for (s, a) in [
                ("kms", "Decrypt"),
                ("secretsmanager", "GetSecretValue"),
                ("ssm", "GetParameter"),
                ("sqs", "SendMessage"),
            ] {
                let t = hour0 + self.rng.range(0, 59) as i64 * MINUTE;
                self.call(&WEBAPP, t, s, a, "10.0.1.15", JAVA_SDK, "us-east-1");
            }
            for _ in 0..self.rng.range(10, 20) {
                let t = hour0 + self.rng.range(0, 59) as i64 * MINUTE;
                let b = self.rng.range(10_000, 100_000);
                self.s3(&WEBAPP, t, "GetObject", "corp-assets", 0, b, "10.0.1.15", JAVA_SDK);
            }
            for _ in 0..self.rng.range(2, 6) {
                let t = hour0 + self.rng.range(0, 59) as i64 * MINUTE;
                let b = self.rng.range(100_000, 300_000);
                self.s3(&WEBAPP, t, "PutObject", "corp-assets", b, 0, "10.0.1.15", JAVA_SDK);
            }
            let t = hour0 + self.rng.range(0, 59) as i64 * MINUTE;
            let s3_bytes = self.rng.range(20 * MB, 60 * MB);
            self.connection(t, "i-0web1", "10.0.1.15", "52.216.10.7", 443, 6, s3_bytes, 5 * MB);
            self.connection(t, "i-0web1", "10.0.1.15", "3.5.140.2", 443, 6, 200_000, 2 * MB);
            self.connection(t, "i-0web1", "10.0.1.15", "10.0.0.2", 53, 17, 300, 600);
            self.connection(t, "i-0web1", "10.0.1.15", "10.0.2.15", 5432, 6, 4 * MB, 20 * MB);
            // Inbound HTTPS from the load balancer.
            for alb in ["10.0.0.10", "10.0.0.11"] {
                let eph = self.rng.range(32768, 60999) as u16;
                self.flow(t, "i-0web1", "10.0.1.15", 443, alb, eph, 6, 8 * MB, true);
                self.flow(t, "i-0web1", "10.0.1.15", 443, alb, eph, 6, MB, false);
            }
        }
    }

    /// Runs the engine over the world (events shuffled: arrival order is not time order).
    pub fn scan(&mut self) -> Vec<Finding> {
        let mut order: Vec<usize> = (0..self.events.len()).collect();
        for i in (1..order.len()).rev() {
            let j = self.rng.range(0, i as u64 + 1) as usize;
            order.swap(i, j);
        }
        let mut ctx =
            Context { baseline: crate::baseline::Baselines::new(self.config.clone()), ..Context::default() };
        ctx.baseline.geo = self.geo.clone();
        let mut engine = Engine::new(ctx);
        engine.set_file_name(0, "world.json");
        for i in order {
            engine.observe(&self.events[i]);
        }
        let (findings, ctx) = engine.finish_with_context();
        self.context = Some(ctx);
        findings
    }

    /// Calls of a principal in the baseline the last scan judged against.
    pub fn baseline_calls_of(&self, p: &P) -> u64 {
        let b = self.context.as_ref().unwrap().baseline.baseline_of(ACCOUNT).unwrap();
        b.principals[&p.arn()].calls
    }

    pub fn export(&self) -> BaselineFile {
        self.context.as_ref().unwrap().baseline.export()
    }
}

/// The findings that come from baselines.
/// A hand-made geo table for the world's addresses: the office (198.51.100.0/24) and home
/// (203.0.113.0/24) networks are in Germany on AS64501 "Example Telecom"; 102.129.235.0/24 is in
/// Brazil on AS64500 "Example Mobile"; 91.198.174.0/24 (the hotel) is in Germany on AS64502.
pub fn tiny_geo() -> crate::geo::GeoDb {
    use crate::geo::table::{encode, TableKind};
    let v4 = |a: [u8; 3]| u32::from_be_bytes([a[0], a[1], a[2], 0]);
    let nets =
        [([91, 198, 174], 0, 2), ([102, 129, 235], 1, 0), ([198, 51, 100], 0, 1), ([203, 0, 113], 0, 1)];
    let country: Vec<(u32, u32, u32)> = nets.iter().map(|(n, c, _)| (v4(*n), v4(*n) + 255, *c)).collect();
    let asn: Vec<(u32, u32, u32)> = nets.iter().map(|(n, _, a)| (v4(*n), v4(*n) + 255, *a)).collect();
    let mut db = crate::geo::GeoDb::default();
    db.load("country", encode(TableKind::Country, &[("DE", 0), ("BR", 0)], &country, &[])).unwrap();
    let orgs = [("Example Mobile", 64500), ("Example Telecom", 64501), ("Example Hotels", 64502)];
    db.load("asn", encode(TableKind::Asn, &orgs, &asn, &[])).unwrap();
    db
}

pub fn anomaly_findings(f: &[Finding]) -> Vec<&Finding> {
    f.iter().filter(|f| f.vigil.as_ref().is_some_and(|v| v.detector.starts_with("anomaly::"))).collect()
}

/// `(type, why)` of findings, for assertion messages.
pub fn explain(f: &[&Finding]) -> Vec<(String, f64, Vec<String>)> {
    f.iter()
        .map(|f| {
            (f.finding_type.clone(), f.severity, f.vigil.as_ref().map(|v| v.why.clone()).unwrap_or_default())
        })
        .collect()
}

/// `unusual` of a finding's additionalInfo.
pub fn unusual_of(f: &Finding) -> Vec<String> {
    let info: serde_json::Value =
        serde_json::from_str(&f.service.additional_info.as_ref().unwrap().value).unwrap();
    serde_json::from_value(info["unusual"].clone()).unwrap()
}
