//! Benign activity, hour by hour: what a quiet, well-run AWS estate logs. Every decoy a
//! detector must stay silent on lives here (see the module docs of [`super`]).

use std::net::Ipv4Addr;

use serde_json::json;

use super::ct::{self, Record};
use super::intel;
use super::net::{self, connection, Flow, Leg, TCP};
use super::rng::Rng;
use super::world::{Account, Instance, InstanceKind, User, UserKind, World};
use super::{Hour, HourOut};
use crate::time::{Millis, HOUR, MINUTE, SECOND};

/// Relative web traffic by UTC hour (customers mostly in Europe and the Americas).
const DIURNAL: [f64; 24] = [
    0.45, 0.35, 0.3, 0.25, 0.25, 0.3, 0.4, 0.55, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0, 1.0, 0.95, 0.95, 0.9,
    0.85, 0.8, 0.7, 0.6, 0.5,
];

pub const CONSOLE_UA: [&str; 3] = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
];

pub const CLI_UA: [&str; 3] = [
    "aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off",
    "aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-48-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off",
    "aws-cli/2.17.44 md/awscrt#0.21.2 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#msi md/prompt#off",
];

pub const TERRAFORM_UA: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.3 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64";

pub const BOTO3_UA: &str = "Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#5.15.0-1071-aws md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.54";

pub const APP_SDK_UA: &str = "aws-sdk-java/2.28.29 Linux/6.1.112-122.189.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/standard";

pub const SSM_AGENT_UA: &str = "aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1142.0";

const ADMIN_CONSOLE: &[(&str, &str)] = &[
    ("iam", "ListUsers"),
    ("iam", "ListRoles"),
    ("iam", "GetAccountSummary"),
    ("iam", "ListPolicies"),
    ("iam", "GetRole"),
    ("iam", "ListAttachedRolePolicies"),
    ("cloudtrail", "DescribeTrails"),
    ("cloudtrail", "GetTrailStatus"),
    ("ec2", "DescribeInstances"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeVpcs"),
    ("s3", "ListBuckets"),
    ("guardduty", "ListDetectors"),
    ("organizations", "DescribeOrganization"),
    ("ce", "GetCostAndUsage"),
    ("health", "DescribeEventAggregates"),
    ("cloudwatch", "DescribeAlarms"),
    ("config", "DescribeConfigRules"),
];

const ADMIN_WRITES: &[(&str, &str)] =
    &[("ec2", "CreateTags"), ("ssm", "PutParameter"), ("cloudwatch", "PutMetricAlarm"), ("iam", "TagRole")];

const DEV_CONSOLE: &[(&str, &str)] = &[
    ("ec2", "DescribeInstances"),
    ("logs", "DescribeLogGroups"),
    ("logs", "FilterLogEvents"),
    ("lambda", "ListFunctions20150331"),
    ("cloudwatch", "GetMetricData"),
    ("ecs", "ListClusters"),
    ("ecs", "DescribeServices"),
    ("cloudformation", "DescribeStacks"),
    ("s3", "ListBuckets"),
];

const DEV_CLI: &[(&str, &str)] = &[
    ("sts", "GetCallerIdentity"),
    ("ec2", "DescribeInstances"),
    ("logs", "FilterLogEvents"),
    ("lambda", "GetFunction20150331v2"),
    ("ecs", "DescribeServices"),
    ("ssm", "GetParameter"),
    ("dynamodb", "DescribeTable"),
    ("s3", "ListBuckets"),
];

const TERRAFORM_PLAN: &[(&str, &str)] = &[
    ("sts", "GetCallerIdentity"),
    ("ec2", "DescribeVpcs"),
    ("ec2", "DescribeSubnets"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeInstances"),
    ("ec2", "DescribeRouteTables"),
    ("iam", "GetRole"),
    ("iam", "GetRolePolicy"),
    ("iam", "ListAttachedRolePolicies"),
    ("iam", "GetInstanceProfile"),
    ("rds", "DescribeDBInstances"),
    ("elasticloadbalancing", "DescribeLoadBalancers"),
    ("elasticloadbalancing", "DescribeTargetGroups"),
];

const CONFIG_READS: &[(&str, &str)] = &[
    ("ec2", "DescribeInstances"),
    ("ec2", "DescribeSecurityGroups"),
    ("ec2", "DescribeNetworkInterfaces"),
    ("iam", "GetRole"),
    ("iam", "ListAttachedRolePolicies"),
    ("s3", "GetBucketAcl"),
    ("s3", "GetBucketPolicy"),
];

/// Internet background noise: ports scanners knock on that nothing here listens on.
const SCANNED_PORTS: &[u16] = &[
    23, 445, 3389, 8080, 1433, 3306, 5900, 6379, 9200, 2375, 5432, 27017, 8443, 25, 135, 139, 111, 161, 1900,
    5060,
];

/// A stable 64-bit value for a name (FNV-1a), to derive per-entity random streams.
pub fn name_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// A random public host in one of the clean ISP blocks.
pub fn clean_host(rng: &mut Rng) -> Ipv4Addr {
    let [a, b] = *rng.pick(intel::CLEAN_BLOCKS);
    Ipv4Addr::new(a, b, rng.range(1, 254) as u8, rng.range(1, 254) as u8)
}

/// Where a person works from on a given day: mostly one of the two office addresses.
pub fn location(w: &World, u: &User, day: u32) -> Ipv4Addr {
    let mut r = Rng::derive(w.seed ^ name_hash(u.name), day as u64);
    match u.kind {
        UserKind::Reporting => intel::OFFICE[0],
        UserKind::CiRunner => intel::CI_RUNNER,
        _ if r.chance(0.75) => intel::OFFICE[r.below(2) as usize],
        _ => u.home,
    }
}

/// The temporary key of a person's console session on a day.
pub fn console_key(w: &World, u: &User, day: u32) -> String {
    let mut r = Rng::derive(w.seed ^ name_hash(u.name) ^ 0xC0, day as u64);
    format!("ASIA{}", r.key_chars(16))
}

/// Instance-profile credentials rotate every six hours.
pub const CREDENTIAL_PERIOD: Millis = 6 * HOUR;

/// The instance's session key for the credential period containing `t`, and when it was issued.
pub fn instance_key(w: &World, inst: &Instance, t: Millis) -> (String, Millis) {
    let period = (t - w.start).div_euclid(CREDENTIAL_PERIOD);
    let mut r = Rng::derive(w.seed ^ name_hash(&inst.id), period as u64);
    let issued = w.start + period * CREDENTIAL_PERIOD + 2 * MINUTE + r.below(60_000) as i64;
    (format!("ASIA{}", r.key_chars(16)), issued)
}

fn ua_index(u: &User) -> usize {
    (name_hash(u.name) % 3) as usize
}

pub fn hour(w: &World, a: &Account, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    if h.index == 0 {
        launch_instances(w, a, h, rng, out);
    }
    for u in &a.users {
        person(w, a, u, h, rng, out);
    }
    for inst in &a.instances {
        instance_api(w, a, inst, h, rng, out);
    }
    services(w, a, h, rng, out);
    if a.flow_format.is_some() {
        flows(w, a, h, rng, out);
        dns(w, a, h, rng, out);
    }
}

fn params_for(service: &str, name: &str, a: &Account, rng: &mut Rng) -> serde_json::Value {
    match (service, name) {
        ("iam", "GetRole") | ("iam", "ListAttachedRolePolicies") | ("iam", "GetRolePolicy") => {
            json!({ "roleName": a.roles[rng.below(a.roles.len() as u64) as usize].name })
        }
        ("iam", "TagRole") => {
            json!({ "roleName": a.roles[0].name, "tags": [{ "key": "owner", "value": "platform" }] })
        }
        ("iam", "GetInstanceProfile") => json!({ "instanceProfileName": a.roles[0].name }),
        ("ec2", "DescribeInstances") => json!({ "instancesSet": {}, "filterSet": {} }),
        ("ec2", "CreateTags") => json!({
            "resourcesSet": { "items": [{ "resourceId": a.instances.first().map_or("i-0", |i| i.id.as_str()) }] },
            "tagSet": { "items": [{ "key": "cost-center", "value": "web" }] }
        }),
        ("ssm", "PutParameter") => {
            json!({ "name": "/app/feature-flags", "type": "String", "overwrite": true })
        }
        ("ssm", "GetParameter") => json!({ "name": "/app/feature-flags" }),
        ("logs", "FilterLogEvents") => json!({ "logGroupName": "/ecs/web", "startTime": 0, "limit": 100 }),
        ("cloudtrail", "GetTrailStatus") => {
            json!({ "name": format!("arn:aws:cloudtrail:us-east-1:{}:trail/org-trail", a.id) })
        }
        ("dynamodb", "DescribeTable") => json!({ "tableName": "sessions" }),
        ("cloudwatch", "PutMetricAlarm") => {
            json!({ "alarmName": "web-5xx", "metricName": "HTTPCode_Target_5XX_Count", "threshold": 10.0 })
        }
        _ => serde_json::Value::Null,
    }
}

fn call(
    rng: &mut Rng,
    t: Millis,
    who: ct::UserIdentity,
    a: &Account,
    svc: &str,
    name: &str,
    ip: &str,
    ua: &str,
) -> Record {
    let mut r = ct::api(rng, t, who, a, a.region, svc, name, ip, ua);
    r.request_parameters = params_for(svc, name, a, rng);
    r
}

/// People: console sign-in with MFA at the start of a working day, console and CLI use during
/// working hours, Terraform plans, the reporting script and the weekly CI release.
fn person(w: &World, a: &Account, u: &User, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let ip = location(w, u, h.day).to_string();
    match u.kind {
        UserKind::Admin | UserKind::Developer => {
            if !h.workday() || !(8..18).contains(&h.hour) {
                return;
            }
            let key = console_key(w, u, h.day);
            let console_ua = CONSOLE_UA[ua_index(u)];
            if h.hour == 8 {
                let t = h.between(rng, 0, 20);
                out.ct(
                    a.index,
                    ct::console_login(rng, t, ct::iam_user(a, u, None), a, &ip, console_ua, true),
                );
            }
            let session_start = h.start - (h.hour as i64 - 8) * HOUR + 10 * MINUTE;
            let (console_apis, cli_apis, per_hour) = if u.kind == UserKind::Admin {
                (ADMIN_CONSOLE, DEV_CLI, 6.0)
            } else {
                (DEV_CONSOLE, DEV_CLI, 5.0)
            };
            for _ in 0..rng.poisson(per_hour) {
                let (svc, name) = *rng.pick(console_apis);
                let t = h.between(rng, if h.hour == 8 { 21 } else { 0 }, 60);
                let mut r =
                    call(rng, t, ct::console_user(a, u, &key, session_start), a, svc, name, &ip, console_ua);
                r.session_credential_from_console = Some("true");
                out.ct(a.index, r);
            }
            for _ in 0..rng.poisson(per_hour * 0.6) {
                let (svc, name) = *rng.pick(cli_apis);
                let t = h.random(rng);
                out.ct(
                    a.index,
                    call(
                        rng,
                        t,
                        ct::iam_user(a, u, Some(&u.access_key)),
                        a,
                        svc,
                        name,
                        &ip,
                        CLI_UA[ua_index(u)],
                    ),
                );
            }
            if u.kind == UserKind::Admin && rng.chance(0.08) {
                let (svc, name) = *rng.pick(ADMIN_WRITES);
                let t = h.random(rng);
                let mut r =
                    call(rng, t, ct::console_user(a, u, &key, session_start), a, svc, name, &ip, console_ua);
                r.session_credential_from_console = Some("true");
                out.ct(a.index, r);
            }
            // Developers read the static assets now and then.
            if u.kind == UserKind::Developer && rng.chance(0.3) {
                if let Some(bucket) = a.buckets.first() {
                    let t = h.random(rng);
                    let key = format!("static/js/app.{}.js", rng.hex(8));
                    let size = rng.range(20_000, 400_000);
                    out.ct(
                        a.index,
                        ct::s3_object(
                            rng,
                            t,
                            ct::iam_user(a, u, Some(&u.access_key)),
                            a,
                            "GetObject",
                            bucket,
                            &key,
                            &ip,
                            CLI_UA[ua_index(u)],
                            0,
                            size,
                        ),
                    );
                }
            }
        }
        UserKind::Terraform => {
            // `terraform plan` on most working days around 10:00, `apply` on Tuesdays.
            if !h.workday() || h.hour != 10 {
                return;
            }
            let t0 = h.between(rng, 0, 30);
            let who = ct::iam_user(a, u, Some(&u.access_key));
            for (i, (svc, name)) in TERRAFORM_PLAN.iter().enumerate() {
                let t = t0 + i as i64 * 700 + rng.below(400) as i64;
                out.ct(a.index, call(rng, t, who.clone(), a, svc, name, &ip, TERRAFORM_UA));
            }
            for (i, bucket) in a.buckets.iter().enumerate() {
                for name in
                    ["GetBucketPolicy", "GetBucketAcl", "GetBucketVersioning", "GetBucketPublicAccessBlock"]
                {
                    let t = t0 + 10_000 + i as i64 * 900 + rng.below(800) as i64;
                    out.ct(
                        a.index,
                        ct::s3_bucket(
                            rng,
                            t,
                            who.clone(),
                            a,
                            name,
                            bucket,
                            &ip,
                            TERRAFORM_UA,
                            json!({ name.trim_start_matches("GetBucket").to_lowercase(): "" }),
                        ),
                    );
                }
            }
            if h.weekday == 1 {
                let t = t0 + 40_000;
                out.ct(a.index, call(rng, t, who.clone(), a, "ec2", "CreateTags", &ip, TERRAFORM_UA));
                // The assets bucket is served through CloudFront with origin access control:
                // a service principal with a SourceArn condition, not a public bucket.
                if let Some(bucket) = a.buckets.first() {
                    let policy = json!({
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "AllowCloudFrontServicePrincipalReadOnly",
                            "Effect": "Allow",
                            "Principal": { "Service": "cloudfront.amazonaws.com" },
                            "Action": "s3:GetObject",
                            "Resource": format!("arn:aws:s3:::{bucket}/*"),
                            "Condition": { "StringEquals": { "AWS:SourceArn": format!("arn:aws:cloudfront::{}:distribution/E2QWRUHAPOMQZL", a.id) } }
                        }]
                    });
                    out.ct(
                        a.index,
                        ct::s3_bucket(
                            rng,
                            t + 2_000,
                            who,
                            a,
                            "PutBucketPolicy",
                            bucket,
                            &ip,
                            TERRAFORM_UA,
                            json!({ "bucketPolicy": policy, "policy": "" }),
                        ),
                    );
                }
            }
        }
        UserKind::Reporting => {
            if h.hour != 6 {
                return;
            }
            let who = ct::iam_user(a, u, Some(&u.access_key));
            let t0 = h.between(rng, 0, 5);
            for i in 0..3 {
                let mut r = call(rng, t0 + i * 2_000, who.clone(), a, "ce", "GetCostAndUsage", &ip, BOTO3_UA);
                r.request_parameters = json!({ "granularity": "DAILY", "metrics": ["UnblendedCost"] });
                out.ct(a.index, r);
            }
            if let Some(bucket) = a.buckets.iter().find(|b| b.ends_with("reports")) {
                let key = format!("cost/{}.csv", &super::format_iso8601(h.start)[..10]);
                let size = rng.range(40_000, 90_000);
                out.ct(
                    a.index,
                    ct::s3_object(rng, t0 + 9_000, who, a, "PutObject", bucket, &key, &ip, BOTO3_UA, size, 0),
                );
            }
        }
        UserKind::CiRunner => {
            // The weekly release: Wednesdays at 14:00, from the runner's fixed address.
            if h.weekday != 2 || h.hour != 14 {
                return;
            }
            ci_release(w, a, u, h, rng, out, &ip);
        }
    }
}

fn ci_release(w: &World, a: &Account, u: &User, h: &Hour, rng: &mut Rng, out: &mut HourOut, ip: &str) {
    let role = a.role("ci-deploy");
    let t0 = h.between(rng, 0, 5);
    let session = format!("ci-release-{}", 400 + h.day);
    let mut key_rng = Rng::derive(w.seed ^ 0xC1, h.day as u64);
    let key = format!("ASIA{}", key_rng.key_chars(16));
    let cli = CLI_UA[1];
    let mut r = call(rng, t0, ct::iam_user(a, u, Some(&u.access_key)), a, "sts", "AssumeRole", ip, cli);
    r.request_parameters =
        json!({ "roleArn": role.arn(a.id), "roleSessionName": session, "durationSeconds": 3600 });
    r.response_elements = json!({
        "credentials": { "accessKeyId": key, "sessionToken": format!("IQoJb3JpZ2luX2Vj{}", rng.alnum(40)), "expiration": "Jan 1, 2030, 12:00:00 AM" },
        "assumedRoleUser": { "assumedRoleId": format!("{}:{session}", role.role_id), "arn": format!("arn:aws:sts::{}:assumed-role/{}/{session}", a.id, role.name) }
    });
    out.ct(a.index, r);
    let who = ct::role_session(a, role, &session, &key, t0, false);
    let steps: &[(&str, &str, u64)] = &[
        ("ecr", "GetAuthorizationToken", 1),
        ("ecr", "BatchCheckLayerAvailability", 6),
        ("ecr", "InitiateLayerUpload", 4),
        ("ecr", "UploadLayerPart", 12),
        ("ecr", "CompleteLayerUpload", 4),
        ("ecr", "PutImage", 1),
        ("cloudformation", "DescribeStacks", 3),
        ("cloudformation", "CreateChangeSet", 1),
        ("cloudformation", "DescribeChangeSet", 4),
        ("cloudformation", "ExecuteChangeSet", 1),
        ("cloudformation", "DescribeStackEvents", 15),
        ("ecs", "UpdateService", 2),
        ("ecs", "DescribeServices", 10),
        ("lambda", "UpdateFunctionCode20150331v2", 2),
    ];
    let mut t = t0 + 3_000;
    for (svc, name, n) in steps {
        for _ in 0..*n {
            t += rng.range(500, 6_000) as i64;
            out.ct(a.index, call(rng, t, who.clone(), a, svc, name, ip, cli));
        }
    }
    if let Some(bucket) = a.buckets.first() {
        for i in 0..40 {
            t += rng.range(100, 800) as i64;
            let key = format!("static/{}/chunk-{i}.{}.js", h.day, rng.hex(8));
            let size = rng.range(5_000, 250_000);
            out.ct(
                a.index,
                ct::s3_object(rng, t, who.clone(), a, "PutObject", bucket, &key, ip, cli, size, 0),
            );
        }
    }
}

/// Instance-profile sessions: EC2 fetches the credentials every six hours (an `AssumeRole` by
/// `ec2.amazonaws.com`), then the instance uses them from its own address.
fn instance_api(w: &World, a: &Account, inst: &Instance, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let role = &a.roles[inst.role];
    let (key, issued) = instance_key(w, inst, h.start + 30 * MINUTE);
    if (h.start - w.start) % CREDENTIAL_PERIOD == 0 {
        let mut r = ct::api(
            rng,
            issued,
            ct::aws_service("ec2.amazonaws.com"),
            a,
            a.region,
            "sts",
            "AssumeRole",
            "ec2.amazonaws.com",
            "ec2.amazonaws.com",
        );
        r.request_parameters = json!({ "roleArn": role.arn(a.id), "roleSessionName": inst.id });
        r.response_elements = json!({
            "credentials": { "accessKeyId": key, "sessionToken": format!("IQoJb3JpZ2luX2Vj{}", rng.alnum(40)), "expiration": "Jan 1, 2030, 12:00:00 AM" },
            "assumedRoleUser": { "assumedRoleId": format!("{}:{}", role.role_id, inst.id), "arn": format!("arn:aws:sts::{}:assumed-role/{}/{}", a.id, role.name, inst.id) }
        });
        out.ct(a.index, r);
    }
    let who = ct::role_session(a, role, &inst.id, &key, issued, true);
    let private = inst.public_ip.is_none() && a.nat_public_ip.is_none();
    let ip = a.egress_ip(inst).to_string();
    let s = w.scale as f64;
    let with_endpoint = |mut r: Record, endpoint: &str| {
        if private {
            r.vpc_endpoint_id = Some(endpoint.to_string());
            r.vpc_endpoint_account_id = Some(a.id.to_string());
        }
        r
    };
    // The SSM agent checks in (every other hour here; really every few minutes).
    if h.hour.is_multiple_of(2) {
        let t = h.random(rng);
        let mut r =
            ct::api(rng, t, who.clone(), a, a.region, "ssm", "UpdateInstanceInformation", &ip, SSM_AGENT_UA);
        r.request_parameters =
            json!({ "instanceId": inst.id, "agentVersion": "3.3.1142.0", "platformType": "Linux" });
        out.ct(a.index, with_endpoint(r, &a.ssm_endpoint));
    }
    match inst.kind {
        InstanceKind::Web | InstanceKind::App => {
            if (h.start - w.start) % CREDENTIAL_PERIOD == 0 {
                let t = issued + 5 * SECOND;
                let mut r = ct::api(
                    rng,
                    t,
                    who.clone(),
                    a,
                    a.region,
                    "secretsmanager",
                    "GetSecretValue",
                    &ip,
                    APP_SDK_UA,
                );
                r.request_parameters = json!({ "secretId": format!("arn:aws:secretsmanager:{}:{}:secret:prod/db-credentials-Xa9kQ2", a.region, a.id) });
                out.ct(a.index, r);
            }
            for _ in 0..rng.poisson(0.5 * s) {
                let t = h.random(rng);
                let mut r = ct::api(rng, t, who.clone(), a, a.region, "kms", "Decrypt", &ip, APP_SDK_UA);
                r.request_parameters = json!({ "encryptionAlgorithm": "SYMMETRIC_DEFAULT" });
                r.resources = Some(vec![ct::CtResource {
                    account_id: Some(a.id.to_string()),
                    kind: "AWS::KMS::Key",
                    arn: format!(
                        "arn:aws:kms:{}:{}:key/6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b",
                        a.region, a.id
                    ),
                }]);
                out.ct(a.index, r);
            }
            if let Some(bucket) = a.buckets.first() {
                for _ in 0..rng.poisson(3.0 * s * DIURNAL[h.hour as usize]) {
                    let t = h.random(rng);
                    let key = format!(
                        "templates/{}.html",
                        rng.pick(&["home", "pricing", "invoice", "receipt", "welcome-email"])
                    );
                    let size = rng.range(3_000, 60_000);
                    out.ct(
                        a.index,
                        ct::s3_object(
                            rng,
                            t,
                            who.clone(),
                            a,
                            "GetObject",
                            bucket,
                            &key,
                            &ip,
                            APP_SDK_UA,
                            0,
                            size,
                        ),
                    );
                }
            }
            if let Some(bucket) = a.buckets.iter().find(|b| b.ends_with("customer-data")) {
                for _ in 0..rng.poisson(2.0 * s * DIURNAL[h.hour as usize]) {
                    let t = h.random(rng);
                    let (op, key) = if rng.chance(0.5) {
                        ("PutObject", format!("invoices/2026/{}/{}.pdf", h.day, rng.hex(12)))
                    } else {
                        (
                            "GetObject",
                            format!("invoices/2026/{}/{}.pdf", rng.below(h.day as u64 + 1), rng.hex(12)),
                        )
                    };
                    let size = rng.range(30_000, 250_000);
                    let (bin, bout) = if op == "PutObject" { (size, 0) } else { (0, size) };
                    out.ct(
                        a.index,
                        ct::s3_object(rng, t, who.clone(), a, op, bucket, &key, &ip, APP_SDK_UA, bin, bout),
                    );
                }
            }
        }
        InstanceKind::Db if h.hour == 2 => {
            // The nightly backup: a multipart upload of several GB through the S3 gateway endpoint.
            let Some(bucket) = a.buckets.iter().find(|b| b.ends_with("backups")) else { return };
            let parts = backup_parts(w, h.day);
            let key = format!("pg/{}/base.tar.zst", &super::format_iso8601(h.start)[..10]);
            let upload_id = rng.alnum(64);
            let mut t = h.between(rng, 0, 2);
            let ua = "aws-cli/2.18.5 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.112-122.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#s3.cp";
            let mut r =
                ct::s3_object(rng, t, who.clone(), a, "CreateMultipartUpload", bucket, &key, &ip, ua, 0, 0);
            r.event_category = "Data";
            out.ct(a.index, with_endpoint(r, &a.s3_endpoint));
            for part in 1..=parts {
                t += rng.range(20_000, 50_000) as i64;
                let mut r = ct::s3_object(
                    rng,
                    t,
                    who.clone(),
                    a,
                    "UploadPart",
                    bucket,
                    &key,
                    &ip,
                    ua,
                    BACKUP_PART_BYTES,
                    0,
                );
                if let Some(p) = r.request_parameters.as_object_mut() {
                    p.insert("partNumber".into(), json!(part.to_string()));
                    p.insert("uploadId".into(), json!(upload_id));
                }
                out.ct(a.index, with_endpoint(r, &a.s3_endpoint));
            }
            t += 3_000;
            let r = ct::s3_object(rng, t, who, a, "CompleteMultipartUpload", bucket, &key, &ip, ua, 0, 0);
            out.ct(a.index, with_endpoint(r, &a.s3_endpoint));
        }
        InstanceKind::Builder if h.workday() && (9..18).contains(&h.hour) => {
            for _ in 0..rng.poisson(2.0) {
                let t = h.random(rng);
                out.ct(
                    a.index,
                    ct::api(rng, t, who.clone(), a, a.region, "ecr", "GetAuthorizationToken", &ip, BOTO3_UA),
                );
                if let Some(bucket) = a.buckets.first() {
                    let key = format!("builds/{}/app-{}.tar.gz", h.day, rng.hex(7));
                    let size = rng.range(20_000_000, 90_000_000);
                    out.ct(
                        a.index,
                        ct::s3_object(
                            rng,
                            t + 30_000,
                            who.clone(),
                            a,
                            "PutObject",
                            bucket,
                            &key,
                            &ip,
                            BOTO3_UA,
                            size,
                            0,
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

pub const BACKUP_PART_BYTES: u64 = 128 * 1024 * 1024;

/// Parts of the night's backup (a database that grows a little every day): 24–40 × 128 MiB.
pub fn backup_parts(w: &World, day: u32) -> u64 {
    let mut r = Rng::derive(w.seed ^ 0xBAC, day as u64);
    24 + day as u64 / 2 + r.below(8)
}

/// AWS services acting on the account: AWS Config's recorder, GuardDuty in the security
/// account, and Access Analyzer once a day.
fn services(w: &World, a: &Account, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let mut key_rng = Rng::derive(w.seed ^ 0x5E, (a.index as u64) << 32 | h.day as u64);
    let key = format!("ASIA{}", key_rng.key_chars(16));
    let day_start = h.start - h.hour as i64 * HOUR;
    if let Some(role) = a.roles.iter().find(|r| r.service == Some("config.amazonaws.com")) {
        let who = ct::service_role(a, role, "config.amazonaws.com", &key, day_start + 5 * MINUTE);
        for _ in 0..rng.poisson(2.0 * w.scale as f64) {
            let (svc, name) = *rng.pick(CONFIG_READS);
            let t = h.random(rng);
            let r = if svc == "s3" {
                let bucket = *rng.pick(&a.buckets);
                ct::s3_bucket(
                    rng,
                    t,
                    who.clone(),
                    a,
                    name,
                    bucket,
                    "config.amazonaws.com",
                    "config.amazonaws.com",
                    json!({ "acl": "" }),
                )
            } else {
                let mut r = ct::api(
                    rng,
                    t,
                    who.clone(),
                    a,
                    a.region,
                    svc,
                    name,
                    "config.amazonaws.com",
                    "config.amazonaws.com",
                );
                r.request_parameters = params_for(svc, name, a, rng);
                r
            };
            out.ct(a.index, r);
        }
    }
    if let Some(role) = a.roles.iter().find(|r| r.service == Some("guardduty.amazonaws.com")) {
        let who = ct::service_role(a, role, "guardduty.amazonaws.com", &key, day_start + 5 * MINUTE);
        for name in ["DescribeInstances", "DescribeVpcEndpoints"] {
            let t = h.random(rng);
            out.ct(
                a.index,
                ct::api(
                    rng,
                    t,
                    who.clone(),
                    a,
                    a.region,
                    "ec2",
                    name,
                    "guardduty.amazonaws.com",
                    "guardduty.amazonaws.com",
                ),
            );
        }
    }
    if h.hour == 4 {
        let t = h.random(rng);
        let mut r = ct::api(
            rng,
            t,
            ct::aws_service("access-analyzer.amazonaws.com"),
            a,
            a.region,
            "iam",
            "GetRole",
            "access-analyzer.amazonaws.com",
            "access-analyzer.amazonaws.com",
        );
        r.request_parameters = json!({ "roleName": a.roles[0].name });
        out.ct(a.index, r);
    }
}

fn nic_of<'a>(a: &'a Account, inst: &Instance) -> (usize, Ipv4Addr, &'a str) {
    let n = &a.nics[inst.nic];
    (inst.nic, n.private_ip, &n.eni)
}

fn s3_address(a: &Account, rng: &mut Rng) -> Ipv4Addr {
    let [x, y, z] = a.ranges.s3;
    Ipv4Addr::new(x, y, z, rng.range(1, 254) as u8)
}

fn ephemeral(rng: &mut Rng) -> u16 {
    rng.range(32768, 60999) as u16
}

/// Network traffic on each interface with a flow log.
fn flows(w: &World, a: &Account, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let s = w.scale as f64;
    let busy = DIURNAL[h.hour as usize];
    let flows: &mut Vec<Flow> = &mut out.flows[a.index];
    let db = a.instances.iter().find(|i| i.kind == InstanceKind::Db);
    let nat = a.nat_nic();
    for inst in &a.instances {
        let (nic, local, _) = nic_of(a, inst);
        let public = inst.public_ip.is_some();
        // Internet background: scanners knocking on closed ports, dropped by the security group.
        if public {
            for _ in 0..rng.poisson(10.0 * s) {
                let t = h.random(rng);
                let port = *rng.pick(SCANNED_PORTS);
                let remote = clean_host(rng);
                connection(
                    flows,
                    nic,
                    local,
                    remote,
                    port,
                    ephemeral(rng),
                    TCP,
                    false,
                    t,
                    1,
                    Leg::new(1, 44),
                    Leg::new(0, 0),
                    false,
                    None,
                    8,
                );
            }
        }
        match inst.kind {
            InstanceKind::Web | InstanceKind::App => {
                // HTTPS from many clients.
                let mean = if inst.kind == InstanceKind::Web { 30.0 } else { 6.0 } * s * busy;
                for _ in 0..rng.poisson(mean) {
                    let t = h.random(rng);
                    let client = if inst.kind == InstanceKind::App && rng.chance(0.5) {
                        intel::OFFICE[rng.below(2) as usize]
                    } else {
                        clean_host(rng)
                    };
                    let pk = rng.range(8, 40);
                    connection(
                        flows,
                        nic,
                        local,
                        client,
                        443,
                        ephemeral(rng),
                        TCP,
                        false,
                        t,
                        rng.range(1, 30) as i64,
                        Leg::new(pk, pk * rng.range(60, 400)),
                        Leg::new(pk + rng.range(2, 60), rng.range(4_000, 600_000)),
                        true,
                        None,
                        8,
                    );
                }
                // Pooled connections to the database.
                if let Some(db) = db {
                    let (db_nic, db_ip, _) = nic_of(a, db);
                    for _ in 0..2 {
                        let t = h.random(rng);
                        let port = ephemeral(rng);
                        let (req, rep) = (
                            Leg::new(rng.range(200, 2_000), rng.range(40_000, 900_000)),
                            Leg::new(rng.range(200, 2_000), rng.range(100_000, 4_000_000)),
                        );
                        connection(
                            flows, nic, local, db_ip, port, 5432, TCP, true, t, 60, req, rep, true, None, 1,
                        );
                        connection(
                            flows, db_nic, db_ip, local, 5432, port, TCP, false, t, 60, req, rep, true, None,
                            1,
                        );
                    }
                }
                // Templates and uploads to S3.
                if rng.chance(0.6) {
                    let t = h.random(rng);
                    let remote = s3_address(a, rng);
                    connection(
                        flows,
                        nic,
                        local,
                        remote,
                        ephemeral(rng),
                        443,
                        TCP,
                        true,
                        t,
                        5,
                        Leg::new(20, 6_000),
                        Leg::new(40, 180_000),
                        true,
                        Some("S3"),
                        8,
                    );
                }
            }
            InstanceKind::Bastion => {
                // Admins hop through during working hours.
                if h.workday() && (8..18).contains(&h.hour) && rng.chance(0.5) {
                    let t = h.random(rng);
                    let office = intel::OFFICE[rng.below(2) as usize];
                    connection(
                        flows,
                        nic,
                        local,
                        office,
                        22,
                        ephemeral(rng),
                        TCP,
                        false,
                        t,
                        60,
                        Leg::new(300, 40_000),
                        Leg::new(280, 90_000),
                        true,
                        None,
                        8,
                    );
                    if let Some(db) = db {
                        let (_, db_ip, _) = nic_of(a, db);
                        connection(
                            flows,
                            nic,
                            local,
                            db_ip,
                            ephemeral(rng),
                            5432,
                            TCP,
                            true,
                            t + 20_000,
                            40,
                            Leg::new(40, 5_000),
                            Leg::new(60, 80_000),
                            true,
                            None,
                            1,
                        );
                    }
                }
                // Lone SSH attempts by internet scanners (the port is open): one try each.
                for _ in 0..rng.poisson(2.0 * s) {
                    let t = h.random(rng);
                    connection(
                        flows,
                        nic,
                        local,
                        clean_host(rng),
                        22,
                        ephemeral(rng),
                        TCP,
                        false,
                        t,
                        2,
                        Leg::new(6, 480),
                        Leg::new(5, 1_100),
                        true,
                        None,
                        8,
                    );
                }
            }
            InstanceKind::Db => {
                if h.hour == 2 {
                    // The backup stream to S3 through the gateway endpoint, in one-minute windows.
                    let total = backup_parts(w, h.day) * BACKUP_PART_BYTES;
                    let minutes = 30u64;
                    let streams = 4u64;
                    let per = total / (minutes * streams);
                    let remotes: Vec<(Ipv4Addr, u16)> =
                        (0..streams).map(|_| (s3_address(a, rng), ephemeral(rng))).collect();
                    for m in 0..minutes {
                        for (remote, port) in &remotes {
                            let t = h.start + (2 + m as i64) * MINUTE;
                            let pk = per / 8_000;
                            connection(
                                flows,
                                nic,
                                local,
                                *remote,
                                *port,
                                443,
                                TCP,
                                true,
                                t,
                                60,
                                Leg::new(pk, per),
                                Leg::new(pk / 2, pk / 2 * 52),
                                true,
                                Some("S3"),
                                7,
                            );
                        }
                    }
                }
                if (4..6).contains(&h.hour) {
                    flows.push(Flow {
                        nic,
                        src: local,
                        dst: local,
                        sport: 0,
                        dport: 0,
                        proto: 0,
                        packets: 0,
                        bytes: 0,
                        start: h.start / SECOND,
                        end: h.start / SECOND + 60,
                        accept: true,
                        tcp_flags: 0,
                        ingress: false,
                        pkt_src: None,
                        pkt_dst: None,
                        pkt_src_service: None,
                        pkt_dst_service: None,
                        traffic_path: None,
                        nodata: true,
                    });
                }
            }
            InstanceKind::Builder => {}
        }
        // Daily package updates at 03:xx, and the build machine's dependencies during the day.
        let updates = (h.hour == 3) as u64
            + if inst.kind == InstanceKind::Builder && h.workday() && (9..18).contains(&h.hour) {
                rng.poisson(4.0 * s)
            } else {
                0
            };
        if inst.kind != InstanceKind::Db {
            for _ in 0..updates {
                let (_, server, port) = *rng.pick(intel::UPDATE_SERVERS);
                let t = h.random(rng);
                let sport = ephemeral(rng);
                let (req, rep) = (
                    Leg::new(rng.range(30, 200), rng.range(3_000, 20_000)),
                    Leg::new(rng.range(100, 4_000), rng.range(200_000, 6_000_000)),
                );
                connection(
                    flows,
                    nic,
                    local,
                    server,
                    sport,
                    port,
                    TCP,
                    true,
                    t,
                    20,
                    req,
                    rep,
                    true,
                    None,
                    if public { 8 } else { 1 },
                );
                if !public {
                    if let Some(nat) = nat {
                        // The same connection seen on the NAT gateway, translated.
                        let nat_ip = a.nics[nat].private_ip;
                        let before = flows.len();
                        connection(
                            flows, nat, nat_ip, server, sport, port, TCP, true, t, 20, req, rep, true, None,
                            8,
                        );
                        for f in &mut flows[before..] {
                            if f.ingress {
                                f.pkt_dst = Some(local);
                            } else {
                                f.pkt_src = Some(local);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Hashed CDN and telemetry names a busy application resolves: they look random but are not
/// generated domains.
fn cdn_name(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("d{}.cloudfront.net", rng.base32(13).replace(['2', '3', '4', '5', '6', '7'], "x")),
        1 => format!("o{}.ingest.us.sentry.io", rng.range(100_000, 999_999)),
        2 => format!("e{}.dscb.akamaiedge.net", rng.range(1000, 9999)),
        _ => format!(
            "{}.execute-api.{}.amazonaws.com",
            rng.base32(10),
            ["us-east-1", "eu-west-1"][rng.below(2) as usize]
        ),
    }
}

/// Route 53 Resolver queries by each instance.
fn dns(w: &World, a: &Account, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let s = w.scale as f64;
    let r = a.region;
    let endpoints = [
        format!("s3.{r}.amazonaws.com"),
        format!("ssm.{r}.amazonaws.com"),
        format!("ec2messages.{r}.amazonaws.com"),
        format!("ssmmessages.{r}.amazonaws.com"),
        format!("kms.{r}.amazonaws.com"),
        format!("secretsmanager.{r}.amazonaws.com"),
        format!("sts.{r}.amazonaws.com"),
        format!("logs.{r}.amazonaws.com"),
    ];
    let third_party =
        ["api.stripe.com", "hooks.slack.com", "api.sendgrid.com", "www.googleapis.com", "fonts.gstatic.com"];
    for inst in &a.instances {
        let (_, local, _) = nic_of(a, inst);
        let mean = match inst.kind {
            InstanceKind::Web => 14.0 * s,
            InstanceKind::App => 5.0 * s,
            InstanceKind::Builder if h.workday() && (9..18).contains(&h.hour) => 12.0 * s,
            _ => 3.0,
        };
        let lines = &mut out.dns[a.index];
        for _ in 0..rng.poisson(mean) {
            let t = h.random(rng);
            let pick = rng.below(10);
            let (name, qtype, rcode, answers): (String, &str, &str, Vec<(&str, String)>) = match pick {
                0..=3 => {
                    let name = rng.pick(&endpoints).clone();
                    let ip = s3_address(a, rng).to_string();
                    (name, "A", "NOERROR", vec![("A", ip)])
                }
                4 if inst.kind == InstanceKind::Web => {
                    let b = a.buckets.first().copied().unwrap_or("assets");
                    (
                        format!("{b}.s3.{r}.amazonaws.com"),
                        "A",
                        "NOERROR",
                        vec![
                            ("CNAME", format!("s3-r-w.{r}.amazonaws.com.")),
                            ("A", s3_address(a, rng).to_string()),
                        ],
                    )
                }
                5 | 6 => {
                    let name = cdn_name(rng);
                    let ip = Ipv4Addr::new(
                        18,
                        160 + rng.below(8) as u8,
                        rng.range(0, 255) as u8,
                        rng.range(1, 254) as u8,
                    )
                    .to_string();
                    (name, "A", "NOERROR", vec![("A", ip)])
                }
                7 if inst.kind == InstanceKind::Web => {
                    // Reverse lookups of clients for the access log.
                    let c = clean_host(rng).octets();
                    let name = format!("{}.{}.{}.{}.in-addr.arpa", c[3], c[2], c[1], c[0]);
                    if rng.chance(0.6) {
                        (
                            name,
                            "PTR",
                            "NOERROR",
                            vec![("PTR", format!("host-{}-{}.broadband.example.net.", c[2], c[3]))],
                        )
                    } else {
                        (name, "PTR", "NXDOMAIN", vec![])
                    }
                }
                8 if inst.kind == InstanceKind::Builder => {
                    let (name, ip, _) = *rng.pick(intel::UPDATE_SERVERS);
                    (name.to_string(), "A", "NOERROR", vec![("A", ip.to_string())])
                }
                8 => {
                    let db = a.instances.iter().find(|i| i.kind == InstanceKind::Db).unwrap_or(inst);
                    let ip = a.private_ip(db);
                    let o = ip.octets();
                    let suffix = if r == "us-east-1" {
                        "ec2.internal".to_string()
                    } else {
                        format!("{r}.compute.internal")
                    };
                    (
                        format!("ip-{}-{}-{}-{}.{suffix}", o[0], o[1], o[2], o[3]),
                        "A",
                        "NOERROR",
                        vec![("A", ip.to_string())],
                    )
                }
                _ => {
                    let name = rng.pick(&third_party).to_string();
                    let ip =
                        Ipv4Addr::new(142, 250, rng.range(0, 255) as u8, rng.range(1, 254) as u8).to_string();
                    (name, if rng.chance(0.2) { "AAAA" } else { "A" }, "NOERROR", vec![("A", ip)])
                }
            };
            let answers: Vec<(&str, String)> = if qtype == "AAAA" { vec![] } else { answers };
            lines.push((t, net::dns_line(rng, a, &inst.id, local, t, &name, qtype, rcode, &answers)));
        }
        if h.hour == 3 && inst.kind != InstanceKind::Db {
            for (name, ip, _) in intel::UPDATE_SERVERS.iter().take(2) {
                let t = h.between(rng, 0, 5);
                lines.push((
                    t,
                    net::dns_line(rng, a, &inst.id, local, t, name, "A", "NOERROR", &[("A", ip.to_string())]),
                ));
            }
        }
    }
}

/// The estate is (re)built by Terraform in the first minutes of the world: `RunInstances`
/// responses name each instance's interface, private address, subnet, VPC, image, profile and
/// tags, and `AssociateAddress` gives the public ones their Elastic IPs.
fn launch_instances(w: &World, a: &Account, h: &Hour, rng: &mut Rng, out: &mut HourOut) {
    let Some(u) = a
        .users
        .iter()
        .find(|u| u.kind == UserKind::Terraform)
        .or_else(|| a.users.iter().find(|u| u.kind == UserKind::Admin))
    else {
        return;
    };
    let ip = location(w, u, 0).to_string();
    let who = ct::iam_user(a, u, Some(&u.access_key));
    let mut t = h.start + MINUTE;
    for inst in &a.instances {
        let nic = &a.nics[inst.nic];
        let role = &a.roles[inst.role];
        let mut r = call(rng, t, who.clone(), a, "ec2", "RunInstances", &ip, TERRAFORM_UA);
        r.request_parameters = json!({
            "instancesSet": { "items": [{ "imageId": inst.image_id, "minCount": 1, "maxCount": 1 }] },
            "instanceType": inst.instance_type,
            "subnetId": nic.subnet_id,
            "iamInstanceProfile": { "name": role.name },
            "tagSpecificationSet": { "items": [{ "resourceType": "instance", "tags": [{ "key": "Name", "value": inst.name }] }] }
        });
        let interface = json!({
                    "networkInterfaceId": nic.eni,
                    "subnetId": nic.subnet_id,
                    "vpcId": a.vpc_id,
                    "ownerId": a.id,
                    "status": "in-use",
                    "macAddress": format!("0e:{}:{}:{}:{}:{}", rng.hex(2), rng.hex(2), rng.hex(2), rng.hex(2), rng.hex(2)),
                    "privateIpAddress": nic.private_ip.to_string(),
                    "sourceDestCheck": true,
                    "interfaceType": "interface",
                    "attachment": { "attachmentId": format!("eni-attach-0{}", rng.hex(16)), "deviceIndex": 0, "networkCardIndex": 0, "status": "attaching", "deleteOnTermination": true },
                    "privateIpAddressesSet": { "item": [{ "privateIpAddress": nic.private_ip.to_string(), "primary": true }] },
                    "ipv6AddressesSet": {},
                    "tagSet": {}
        });
        r.response_elements = json!({
            "requestId": rng.uuid(),
            "reservationId": format!("r-0{}", rng.hex(16)),
            "ownerId": a.id,
            "groupSet": {},
            "instancesSet": { "items": [{
                "instanceId": inst.id,
                "imageId": inst.image_id,
                "currentInstanceBoundary": {},
                "instanceState": { "code": 0, "name": "pending" },
                "privateDnsName": format!("ip-{}.ec2.internal", nic.private_ip.to_string().replace('.', "-")),
                "amiLaunchIndex": 0,
                "productCodes": {},
                "instanceType": inst.instance_type,
                "launchTime": t,
                "placement": { "availabilityZone": format!("{}{}", a.region, ["a", "b", "c"][inst.nic % 3]), "tenancy": "default" },
                "monitoring": { "state": "disabled" },
                "subnetId": nic.subnet_id,
                "vpcId": a.vpc_id,
                "privateIpAddress": nic.private_ip.to_string(),
                "stateReason": { "code": "pending", "message": "pending" },
                "architecture": "x86_64",
                "rootDeviceType": "ebs",
                "rootDeviceName": "/dev/xvda",
                "blockDeviceMapping": {},
                "virtualizationType": "hvm",
                "hypervisor": "xen",
                "tagSet": { "items": [{ "key": "Name", "value": inst.name }, { "key": "env", "value": a.label }] },
                "iamInstanceProfile": { "arn": format!("arn:aws:iam::{}:instance-profile/{}", a.id, role.name), "id": inst.instance_profile_id },
                "groupSet": { "items": [{ "groupId": format!("sg-0{}", rng.hex(16)), "groupName": format!("{}-sg", inst.name) }] },
                "sourceDestCheck": true,
                "networkInterfaceSet": { "items": [interface] },
                "ebsOptimized": false,
                "enaSupport": true,
                "metadataOptions": { "state": "pending", "httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled" }
            }] },
            "requesterId": null
        });
        out.ct(a.index, r);
        t += rng.range(3_000, 9_000) as i64;
        if let Some(public) = inst.public_ip {
            let mut r = call(rng, t + 60_000, who.clone(), a, "ec2", "AssociateAddress", &ip, TERRAFORM_UA);
            let allocation = format!("eipalloc-0{}", rng.hex(16));
            r.request_parameters =
                json!({ "instanceId": inst.id, "allocationId": allocation, "allowReassociation": false });
            r.response_elements = json!({ "requestId": rng.uuid(), "_return": true, "associationId": format!("eipassoc-0{}", rng.hex(16)), "publicIp": public.to_string() });
            out.ct(a.index, r);
        }
    }
}
