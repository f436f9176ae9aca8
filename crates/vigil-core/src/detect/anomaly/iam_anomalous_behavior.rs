//! `{Discovery,Persistence,PrivilegeEscalation,DefenseEvasion,CredentialAccess,Exfiltration,
//! Impact,InitialAccess}:IAMUser/AnomalousBehavior` — a principal invoked APIs of one attack
//! stage in a way its baseline never shows.
//!
//! **Fires on** a principal's management-event calls, grouped per UTC day, source network and
//! user-agent family, when (1) at least one API of the group belongs to a tactic (the table in
//! [`crate::baseline::tactics`], built from GuardDuty's documented examples) and is new for the
//! principal (never in its baseline) or rare (one day, at most two calls, in a baseline of a
//! week or more), **and** (2) at least one thing about the context is unusual too: the source
//! network (its /24 and its /16 both unseen), the user-agent family, a region, the hour (no
//! calls within an hour of it in a week+ baseline), or the error rate (half or more of the
//! group's calls failing, against under 10% normally). A new API from the usual place with the
//! usual tool stays silent. Principals need 3 active days and 20 calls of baseline to be judged.
//!
//! **Fields**: `userIdentity` (principal key: user or role ARN), `eventSource`, `eventName`,
//! `sourceIPAddress`, `userAgent`, `awsRegion`, `eventTime`, `errorCode`.
//!
//! **Severity**: GuardDuty's default for the tactic (Discovery Low 2.0; Exfiltration and Impact
//! High 8.0; the others Medium 5.0), +0.5 per unusual feature beyond two (counting the new APIs
//! once, plus a tactic never used before, a new service, and each context feature), −0.5 for a
//! baseline under 7 active days, −1 when the APIs are rare rather than new; kept in the band.
//!
//! **Evidence**: the first call of each anomalous API; `additionalInfo.unusual` lists every
//! unusual feature with the baseline's figures, e.g. `ListUsers: never seen for this principal
//! in 14 days / 2,312 calls`, `network 102.129.235.0/24: new (baseline: 2 networks: …)`,
//! `user-agent family python-requests: new (baseline: aws-cli, boto3)`.
//!
//! **Known false positives**: a person travelling or working from a new place who, that day,
//! also does something new; a new tool adopted on the day of a new task. Import a longer
//! baseline to reduce them.

use serde_json::json;

use super::{access_key_resource, anomaly_info, api_action, baseline_info};
use crate::detect::{Context, Detector};
use crate::findings::{Draft, FindingSink};

pub struct IamAnomalousBehavior;

impl Detector for IamAnomalousBehavior {
    fn name(&self) -> &'static str {
        "anomaly::iam_anomalous_behavior"
    }

    fn observe(&mut self, _e: &crate::event::Event, _ctx: &Context, _sink: &mut FindingSink) {}

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for a in &ctx.baseline.scored().principals {
            let Some(first) = a.samples.first() else { continue };
            let mut d = Draft::at(a.tactic.finding_type(), a.severity, a.first, self.name());
            d.last_seen = a.last;
            d.count = a.calls;
            d.account_id = a.account.clone();
            d.region = first.region.to_string();
            d.resource = access_key_resource(&a.who);
            d.action = api_action(first);
            d.actor = Some(a.who.name.clone());
            d.title = format!(
                "The {} {} is anomalously invoking APIs commonly used in {} tactics.",
                a.who.kind,
                a.who.name,
                a.tactic.name()
            );
            d.description = format!(
                "APIs commonly used in {} tactics ({}) were invoked by {} {} under anomalous circumstances: {}. \
                 Such activity is not typically seen from this principal; the calls can be an attempt to {}.",
                a.tactic.name(),
                a.apis.iter().map(|x| x.0.as_str()).collect::<Vec<_>>().join(", "),
                a.who.kind,
                a.who.name,
                a.unusual.iter().map(|u| u.explanation.as_str()).collect::<Vec<_>>().join("; "),
                a.tactic.purpose()
            );
            let baseline = ctx
                .baseline
                .baseline_of(&a.account)
                .map(|b| {
                    baseline_info(
                        b,
                        json!({"principal": a.principal, "principalCalls": a.baseline_calls,
                               "principalActiveDays": b.principals.get(&a.principal).map_or(0, |p| p.active_days)}),
                    )
                })
                .unwrap_or_default();
            d.additional_info = anomaly_info(&a.unusual, baseline);
            d.additional_info.insert(
                "anomalousAPIs".into(),
                json!(a
                    .apis
                    .iter()
                    .map(|(api, calls, errors)| json!({"api": api, "calls": calls, "errors": errors}))
                    .collect::<Vec<_>>()),
            );
            d.why = a.unusual.iter().map(|u| u.explanation.clone()).collect();
            d.distinguish_by = a.principal.clone();
            d.evidence = a.samples.iter().map(|s| (s.time, s.src, s.summary.clone())).collect();
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testworld::*;
    use crate::baseline::tactics::Tactic;
    use crate::findings::model::Finding;

    fn anomalies(f: &[Finding]) -> Vec<&Finding> {
        f.iter()
            .filter(|f| {
                f.finding_type.contains("AnomalousBehavior")
                    || f.finding_type.starts_with("Behavior:")
                    || f.finding_type.contains("ConsoleLoginSuccess.B")
            })
            .collect()
    }

    /// One stolen-credential session per tactic, in an otherwise benign three-week world.
    #[test]
    fn each_tactic_fires_on_an_injected_session() {
        let cases: [(Tactic, &[(&str, &str)]); 8] = [
            (
                Tactic::Discovery,
                &[("iam", "ListUsers"), ("iam", "ListRoles"), ("iam", "GetAccountAuthorizationDetails")],
            ),
            (Tactic::Persistence, &[("iam", "CreateAccessKey"), ("iam", "CreateLoginProfile")]),
            (Tactic::PrivilegeEscalation, &[("iam", "AttachUserPolicy"), ("iam", "PutUserPolicy")]),
            (Tactic::DefenseEvasion, &[("cloudtrail", "StopLogging")]),
            (Tactic::CredentialAccess, &[("secretsmanager", "GetSecretValue"), ("ec2", "GetPasswordData")]),
            (Tactic::Exfiltration, &[("ec2", "CreateSnapshot"), ("ec2", "ModifySnapshotAttribute")]),
            (Tactic::Impact, &[("ec2", "DeleteSecurityGroup"), ("ec2", "TerminateInstances")]),
            (Tactic::InitialAccess, &[("ssm", "StartSession")]),
        ];
        for (tactic, apis) in cases {
            let mut w = World::new(7, 21);
            let t = w.day_time(17, 14, 5);
            for (i, (svc, api)) in apis.iter().enumerate() {
                w.call(
                    &BOB,
                    t + i as i64 * 60_000,
                    svc,
                    api,
                    "102.129.235.17",
                    "python-requests/2.31.0",
                    "us-east-1",
                );
            }
            let f = w.scan();
            let a = anomalies(&f);
            assert_eq!(
                a.len(),
                1,
                "{tactic:?}: {:#?}",
                a.iter().map(|f| (&f.finding_type, &f.vigil.as_ref().unwrap().why)).collect::<Vec<_>>()
            );
            let f = a[0];
            assert_eq!(f.finding_type, tactic.finding_type());
            assert_eq!(f.resource.access_key_details.as_ref().unwrap().user_name, "bob");
            let info: serde_json::Value =
                serde_json::from_str(&f.service.additional_info.as_ref().unwrap().value).unwrap();
            let unusual: Vec<String> = serde_json::from_value(info["unusual"].clone()).unwrap();
            let calls = w.baseline_calls_of(&BOB);
            let op = apis[0].1;
            assert!(
                unusual.iter().any(|u| u
                    == &format!(
                        "{op}: never seen for this principal in 14 days / {} calls",
                        crate::baseline::features::thousands(calls)
                    )),
                "{unusual:?}"
            );
            assert!(unusual.iter().any(|u| u.starts_with("network 102.129.235.0/24: new")), "{unusual:?}");
            assert!(
                unusual.iter().any(|u| u.starts_with("user-agent family python-requests: new")),
                "{unusual:?}"
            );
            assert_eq!(info["baseline"]["days"], 14);
            let default = tactic.default_severity();
            assert!(f.severity >= default && f.severity < default + 2.0, "{tactic:?} {}", f.severity);
        }
    }

    #[test]
    fn decoys_stay_silent() {
        let mut w = World::new(11, 21);
        // A new but ordinary read API for a busy principal, from the office, with the usual CLI.
        let t = w.day_time(16, 10, 0);
        w.call(&BOB, t, "ec2", "DescribeVolumes", "198.51.100.21", "aws-cli/2.15.0 Python/3.11", "us-east-1");
        // A rare admin task from a second address in the office network.
        w.call(
            &ALICE,
            t + 3_600_000,
            "iam",
            "CreateLoginProfile",
            "198.51.100.200",
            "aws-cli/2.15.0 Python/3.11",
            "us-east-1",
        );
        // Same, from the second office (same /16).
        w.call(
            &ALICE,
            t + 7_200_000,
            "iam",
            "DeleteLoginProfile",
            "198.51.101.9",
            "aws-cli/2.15.0 Python/3.11",
            "us-east-1",
        );
        let f = w.scan();
        assert!(
            anomalies(&f).is_empty(),
            "{:#?}",
            anomalies(&f)
                .iter()
                .map(|f| (&f.finding_type, &f.vigil.as_ref().unwrap().why))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_new_api_alone_or_a_new_network_alone_is_not_enough() {
        let mut w = World::new(5, 21);
        let t = w.day_time(18, 11, 0);
        // New place, usual APIs.
        w.call(&BOB, t, "ec2", "DescribeInstances", "100.24.7.9", "aws-cli/2.15.0", "us-east-1");
        // Usual place, new sensitive API.
        w.call(&BOB, t, "iam", "CreateAccessKey", "198.51.100.21", "aws-cli/2.15.0", "us-east-1");
        let f = w.scan();
        assert!(anomalies(&f).is_empty(), "{:#?}", anomalies(&f));
    }
}
