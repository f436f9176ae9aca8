//! The cast of the sample world: accounts, their people, roles, instances, network interfaces
//! and buckets. Built once from the seed; the hourly generators only read it.

use std::net::Ipv4Addr;

use super::intel::{self, AwsRanges};
use super::rng::Rng;

/// Fixed account ids so that the answer key and screenshots stay readable across seeds.
pub const ACCOUNT_IDS: [&str; 3] = ["493817265014", "820461937255", "305718264490"];

/// What a person or program does with its IAM user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKind {
    /// Console (with MFA) and CLI; IAM, CloudTrail and account-wide reads, a few writes.
    Admin,
    /// Console (with MFA) and CLI; reads of the services they build on.
    Developer,
    /// Runs `terraform plan` most working days and `apply` now and then.
    Terraform,
    /// A reporting script on an office server, once a day.
    Reporting,
    /// The self-hosted CI runner: assumes the deploy role once a week.
    CiRunner,
}

pub struct User {
    pub name: &'static str,
    pub kind: UserKind,
    pub principal_id: String,
    pub access_key: String,
    /// Where the person works from when not in the office.
    pub home: Ipv4Addr,
}

pub struct Role {
    pub name: &'static str,
    pub role_id: String,
    /// Service-linked roles live under `aws-service-role/<service>/`.
    pub service: Option<&'static str>,
}

impl Role {
    pub fn arn(&self, account: &str) -> String {
        match self.service {
            Some(svc) => format!("arn:aws:iam::{account}:role/aws-service-role/{svc}/{}", self.name),
            None => format!("arn:aws:iam::{account}:role/{}", self.name),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceKind {
    /// Public HTTPS web server.
    Web,
    /// Public SSH jump host.
    Bastion,
    /// Private database server; backs itself up to S3 every night.
    Db,
    /// Public staging application server.
    App,
    /// Private build machine behind the NAT gateway.
    Builder,
}

pub struct Instance {
    pub name: &'static str,
    pub kind: InstanceKind,
    pub id: String,
    pub image_id: String,
    pub instance_type: &'static str,
    /// Index into [`Account::nics`].
    pub nic: usize,
    pub public_ip: Option<Ipv4Addr>,
    /// Index into [`Account::roles`].
    pub role: usize,
    pub instance_profile_id: String,
}

/// A network interface with a flow log.
pub struct Nic {
    pub eni: String,
    pub instance_id: Option<String>,
    pub private_ip: Ipv4Addr,
    pub subnet_id: String,
    pub az_id: &'static str,
    /// The NAT gateway's own interface.
    pub is_nat: bool,
}

/// How an account's VPC Flow Log is formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowFormat {
    /// AWS's default format (version 2 fields).
    DefaultV2,
    /// A custom format with version 5 fields, in the order [`super::net::V5_FIELDS`].
    CustomV5,
}

pub struct Account {
    pub index: usize,
    pub id: &'static str,
    pub label: &'static str,
    pub region: &'static str,
    pub ranges: &'static AwsRanges,
    pub vpc_id: String,
    pub flow_log_id: String,
    /// `None` when the account has no VPC workloads (flow and DNS logs are not written).
    pub flow_format: Option<FlowFormat>,
    pub users: Vec<User>,
    pub roles: Vec<Role>,
    pub instances: Vec<Instance>,
    pub nics: Vec<Nic>,
    pub buckets: Vec<&'static str>,
    /// The S3 gateway endpoint private instances reach S3 through.
    pub s3_endpoint: String,
    /// Interface endpoints for SSM and friends, used by private instances.
    pub ssm_endpoint: String,
    pub nat_public_ip: Option<Ipv4Addr>,
}

impl Account {
    pub fn user(&self, name: &str) -> &User {
        self.users.iter().find(|u| u.name == name).expect("user in cast")
    }

    pub fn role(&self, name: &str) -> &Role {
        self.roles.iter().find(|r| r.name == name).expect("role in cast")
    }

    pub fn instance(&self, name: &str) -> &Instance {
        self.instances.iter().find(|i| i.name == name).expect("instance in cast")
    }

    /// The address an instance's API calls come from: its public address, else the NAT's,
    /// else its private address (through VPC endpoints).
    pub fn egress_ip(&self, inst: &Instance) -> Ipv4Addr {
        inst.public_ip.or(self.nat_public_ip).unwrap_or(self.nics[inst.nic].private_ip)
    }

    pub fn private_ip(&self, inst: &Instance) -> Ipv4Addr {
        self.nics[inst.nic].private_ip
    }

    pub fn nat_nic(&self) -> Option<usize> {
        self.nics.iter().position(|n| n.is_nat)
    }
}

pub struct World {
    pub seed: u64,
    pub start: i64,
    pub days: u32,
    pub scale: u32,
    pub accounts: Vec<Account>,
}

fn user(rng: &mut Rng, name: &'static str, kind: UserKind, home: Ipv4Addr) -> User {
    User {
        name,
        kind,
        principal_id: format!("AIDA{}", rng.key_chars(17)),
        access_key: format!("AKIA{}", rng.key_chars(16)),
        home,
    }
}

fn role(rng: &mut Rng, name: &'static str, service: Option<&'static str>) -> Role {
    Role { name, role_id: format!("AROA{}", rng.key_chars(17)), service }
}

/// What each account holds. Index 0 is production (us-east-1, default flow-log format),
/// 1 staging (eu-west-1, custom v5 format), 2 security tooling (CloudTrail only).
struct InstanceSpec {
    name: &'static str,
    kind: InstanceKind,
    instance_type: &'static str,
    public: bool,
    role: &'static str,
    subnet: usize,
}

fn account(rng: &mut Rng, index: usize) -> Account {
    let id = ACCOUNT_IDS[index];
    let (label, region, ranges, vpc_octet): (&str, &str, &AwsRanges, u8) = match index {
        0 => ("production", "us-east-1", &intel::US_EAST_1, 10),
        1 => ("staging", "eu-west-1", &intel::EU_WEST_1, 20),
        _ => ("security", "us-east-1", &intel::US_EAST_1, 30),
    };
    let home = |a: u8, b: u8, c: u8, d: u8| Ipv4Addr::new(a, b, c, d);
    let (users, roles, specs, buckets): (Vec<User>, Vec<Role>, Vec<InstanceSpec>, Vec<&'static str>) =
        match index {
            0 => (
                vec![
                    user(rng, "alice", UserKind::Admin, home(92, 40, 188, 14)),
                    user(rng, "bob", UserKind::Developer, home(86, 28, 77, 203)),
                    user(rng, "carol", UserKind::Terraform, home(73, 92, 140, 9)),
                    user(rng, "svc-reporting", UserKind::Reporting, intel::OFFICE[0]),
                    user(rng, "ci-runner", UserKind::CiRunner, intel::CI_RUNNER),
                ],
                vec![
                    role(rng, "web-app-role", None),
                    role(rng, "db-backup-role", None),
                    role(rng, "ci-deploy", None),
                    role(rng, "AWSServiceRoleForConfig", Some("config.amazonaws.com")),
                ],
                vec![
                    InstanceSpec {
                        name: "web-1",
                        kind: InstanceKind::Web,
                        instance_type: "m6i.large",
                        public: true,
                        role: "web-app-role",
                        subnet: 0,
                    },
                    InstanceSpec {
                        name: "web-2",
                        kind: InstanceKind::Web,
                        instance_type: "m6i.large",
                        public: true,
                        role: "web-app-role",
                        subnet: 1,
                    },
                    InstanceSpec {
                        name: "bastion-1",
                        kind: InstanceKind::Bastion,
                        instance_type: "t3.micro",
                        public: true,
                        role: "web-app-role",
                        subnet: 0,
                    },
                    InstanceSpec {
                        name: "db-1",
                        kind: InstanceKind::Db,
                        instance_type: "r6i.xlarge",
                        public: false,
                        role: "db-backup-role",
                        subnet: 2,
                    },
                ],
                vec!["acme-prod-assets", "acme-prod-backups", "acme-prod-reports", "acme-prod-customer-data"],
            ),
            1 => (
                vec![
                    user(rng, "dave", UserKind::Developer, home(90, 204, 31, 118)),
                    user(rng, "erin", UserKind::Admin, home(82, 132, 9, 47)),
                ],
                vec![
                    role(rng, "app-stg-role", None),
                    role(rng, "build-runner-role", None),
                    role(rng, "AWSServiceRoleForConfig", Some("config.amazonaws.com")),
                ],
                vec![
                    InstanceSpec {
                        name: "app-stg-1",
                        kind: InstanceKind::App,
                        instance_type: "t3.medium",
                        public: true,
                        role: "app-stg-role",
                        subnet: 0,
                    },
                    InstanceSpec {
                        name: "build-runner",
                        kind: InstanceKind::Builder,
                        instance_type: "c6i.2xlarge",
                        public: false,
                        role: "build-runner-role",
                        subnet: 2,
                    },
                ],
                vec!["acme-staging-artifacts"],
            ),
            _ => (
                vec![user(rng, "frank", UserKind::Admin, home(109, 144, 62, 5))],
                vec![
                    role(rng, "AWSServiceRoleForConfig", Some("config.amazonaws.com")),
                    role(rng, "AWSServiceRoleForAmazonGuardDuty", Some("guardduty.amazonaws.com")),
                ],
                vec![],
                vec!["acme-security-logs"],
            ),
        };
    let subnets: Vec<String> = (0..3).map(|_| format!("subnet-0{}", rng.hex(16))).collect();
    let az_ids: [&str; 3] =
        if index == 1 { ["euw1-az1", "euw1-az2", "euw1-az3"] } else { ["use1-az1", "use1-az2", "use1-az4"] };
    let mut nics = Vec::new();
    let mut instances = Vec::new();
    for (n, spec) in specs.into_iter().enumerate() {
        let id = format!("i-0{}", rng.hex(16));
        let subnet_octet = [1u8, 2, 3][spec.subnet];
        nics.push(Nic {
            eni: format!("eni-0{}", rng.hex(16)),
            instance_id: Some(id.clone()),
            private_ip: Ipv4Addr::new(10, vpc_octet, subnet_octet, 10 + n as u8 * 7),
            subnet_id: subnets[spec.subnet].clone(),
            az_id: az_ids[spec.subnet],
            is_nat: false,
        });
        let public_ip = spec.public.then(|| {
            let [a, b, c] = ranges.ec2;
            Ipv4Addr::new(a, b, c.wrapping_add(n as u8), 20 + rng.below(200) as u8)
        });
        instances.push(Instance {
            name: spec.name,
            kind: spec.kind,
            id,
            image_id: format!("ami-0{}", rng.hex(16)),
            instance_type: spec.instance_type,
            nic: nics.len() - 1,
            public_ip,
            role: roles.iter().position(|r| r.name == spec.role).expect("role of instance"),
            instance_profile_id: format!("AIPA{}", rng.key_chars(17)),
        });
    }
    let nat_public_ip = (index == 1).then_some(intel::EU_WEST_1_NAT);
    if nat_public_ip.is_some() {
        nics.push(Nic {
            eni: format!("eni-0{}", rng.hex(16)),
            instance_id: None,
            private_ip: Ipv4Addr::new(10, vpc_octet, 1, 200),
            subnet_id: subnets[0].clone(),
            az_id: az_ids[0],
            is_nat: true,
        });
    }
    let flow_format = match index {
        0 => Some(FlowFormat::DefaultV2),
        1 => Some(FlowFormat::CustomV5),
        _ => None,
    };
    Account {
        index,
        id,
        label,
        region,
        ranges,
        vpc_id: format!("vpc-0{}", rng.hex(16)),
        flow_log_id: format!("fl-0{}", rng.hex(16)),
        flow_format,
        users,
        roles,
        instances,
        nics,
        buckets,
        s3_endpoint: format!("vpce-0{}", rng.hex(16)),
        ssm_endpoint: format!("vpce-0{}", rng.hex(16)),
        nat_public_ip,
    }
}

impl World {
    pub fn new(seed: u64, start: i64, days: u32, accounts: u32, scale: u32) -> Self {
        let mut rng = Rng::derive(seed, u64::MAX);
        let accounts = (0..accounts.clamp(1, 3) as usize).map(|i| account(&mut rng, i)).collect();
        Self { seed, start, days: days.max(1), scale: scale.max(1), accounts }
    }
}
