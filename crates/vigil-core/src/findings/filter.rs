//! Suppression rules and finding filters on GuardDuty's filter criteria.
//!
//! A rule is GuardDuty's `FindingCriteria`: `{"criterion": {"<attribute>": {"eq": [...]}, …}}`
//! where the attribute is a dotted path into the finding JSON (`type`, `severity`, `accountId`,
//! `resource.instanceDetails.instanceId`,
//! `service.action.networkConnectionAction.remoteIpDetails.ipAddressV4`,
//! `service.action.awsApiCallAction.api`, …) and the condition is one or more of `eq`, `neq`,
//! `gt`, `gte`, `lt`, `lte` (GuardDuty's own operators). All criteria must hold. Arrays along the
//! path match when any element matches, as GuardDuty treats lists.
//!
//! Suppressed findings are archived (`service.archived = true`), never deleted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Finding;

/// One condition on an attribute. Empty lists and `None` bounds are ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eq: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neq: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<f64>,
}

/// GuardDuty's `FindingCriteria`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingCriteria {
    pub criterion: BTreeMap<String, Condition>,
}

/// A named suppression rule, as GuardDuty's filter with action `ARCHIVE`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuppressionRule {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub finding_criteria: FindingCriteria,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// The scalar values found at a dotted path (arrays fan out), as text and as numbers.
fn values_at<'a>(v: &'a Value, path: &[&str], out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| values_at(i, path, out)),
        _ if path.is_empty() => out.push(v),
        Value::Object(map) => {
            if let Some(next) = map.get(path[0]) {
                values_at(next, &path[1..], out);
            }
        }
        _ => {}
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl Condition {
    fn holds(&self, found: &[&Value]) -> bool {
        let texts: Vec<String> = found.iter().filter_map(|v| text(v)).collect();
        let numbers: Vec<f64> = found.iter().filter_map(|v| number(v)).collect();
        // eq on a number compares numerically (`severity eq 8` matches 8.0).
        let equal = |want: &String, got: &String| {
            want == got || matches!((want.parse::<f64>(), got.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
        };
        if !self.eq.is_empty() && !texts.iter().any(|t| self.eq.iter().any(|w| equal(w, t))) {
            return false;
        }
        if !self.neq.is_empty() && texts.iter().any(|t| self.neq.iter().any(|w| equal(w, t))) {
            return false;
        }
        let bound =
            |b: Option<f64>, ok: fn(f64, f64) -> bool| b.is_none_or(|b| numbers.iter().any(|&n| ok(n, b)));
        bound(self.gt, |n, b| n > b)
            && bound(self.gte, |n, b| n >= b)
            && bound(self.lt, |n, b| n < b)
            && bound(self.lte, |n, b| n <= b)
    }
}

impl FindingCriteria {
    /// Whether every criterion holds for the finding (given as its JSON value).
    pub fn matches_value(&self, finding: &Value) -> bool {
        self.criterion.iter().all(|(attr, cond)| {
            let path: Vec<&str> = attr.split('.').collect();
            let mut found = Vec::new();
            values_at(finding, &path, &mut found);
            cond.holds(&found)
        })
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        serde_json::to_value(finding).map(|v| self.matches_value(&v)).unwrap_or(false)
    }
}

/// Marks findings that any enabled rule matches as archived; returns how many it archived.
/// Findings archived before keep that state.
pub fn apply_suppression(findings: &mut [Finding], rules: &[SuppressionRule]) -> usize {
    let active: Vec<&SuppressionRule> = rules.iter().filter(|r| r.enabled).collect();
    let mut archived = 0;
    for f in findings.iter_mut() {
        let Ok(value) = serde_json::to_value(&*f) else { continue };
        if active.iter().any(|r| r.finding_criteria.matches_value(&value)) {
            f.service.archived = true;
            archived += 1;
        }
    }
    archived
}

/// How many of `findings` a rule would archive (shown before the rule is saved).
pub fn count_matching(findings: &[Finding], criteria: &FindingCriteria) -> usize {
    findings.iter().filter(|f| criteria.matches(f)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::model::*;

    fn finding(t: &str, sev: f64, account: &str, instance: &str, remote: &str) -> Finding {
        Finding {
            finding_type: t.into(),
            severity: sev,
            account_id: account.into(),
            resource: Resource {
                resource_type: "Instance".into(),
                instance_details: Some(InstanceDetails {
                    instance_id: instance.into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            service: Service {
                action: Action {
                    action_type: "PORT_PROBE".into(),
                    port_probe_action: Some(PortProbeAction {
                        blocked: false,
                        port_probe_details: vec![PortProbeDetail {
                            remote_ip_details: RemoteIpDetails {
                                ip_address_v4: Some(remote.into()),
                                ..Default::default()
                            },
                            ..Default::default()
                        }],
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn criteria(json: &str) -> FindingCriteria {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn matches_guardduty_criteria() {
        let f = finding("Recon:EC2/PortProbeUnprotectedPort", 2.0, "111122223333", "i-1", "198.51.100.1");
        assert!(
            criteria(r#"{"criterion":{"type":{"eq":["Recon:EC2/PortProbeUnprotectedPort"]}}}"#).matches(&f)
        );
        assert!(criteria(r#"{"criterion":{"severity":{"lt":4}}}"#).matches(&f));
        assert!(!criteria(r#"{"criterion":{"severity":{"gte":4}}}"#).matches(&f));
        assert!(criteria(r#"{"criterion":{"severity":{"eq":["2"]}}}"#).matches(&f));
        assert!(criteria(r#"{"criterion":{"accountId":{"neq":["999999999999"]},"resource.instanceDetails.instanceId":{"eq":["i-1"]}}}"#).matches(&f));
        // Arrays along the path fan out.
        assert!(criteria(r#"{"criterion":{"service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4":{"eq":["198.51.100.1"]}}}"#).matches(&f));
        assert!(!criteria(r#"{"criterion":{"service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4":{"eq":["198.51.100.2"]}}}"#).matches(&f));
        // An attribute the finding lacks never satisfies eq.
        assert!(!criteria(r#"{"criterion":{"service.action.awsApiCallAction.api":{"eq":["ListUsers"]}}}"#)
            .matches(&f));
    }

    #[test]
    fn suppression_archives_and_counts() {
        let mut fs = vec![
            finding("Recon:EC2/Portscan", 5.0, "1", "i-1", "10.0.0.1"),
            finding("Recon:EC2/Portscan", 5.0, "1", "i-2", "10.0.0.2"),
            finding("Backdoor:EC2/C&CActivity.B", 8.0, "1", "i-1", "10.0.0.3"),
        ];
        let rule = SuppressionRule {
            name: "scanner".into(),
            finding_criteria: criteria(r#"{"criterion":{"type":{"eq":["Recon:EC2/Portscan"]}}}"#),
            enabled: true,
            ..Default::default()
        };
        assert_eq!(count_matching(&fs, &rule.finding_criteria), 2);
        assert_eq!(apply_suppression(&mut fs, &[rule]), 2);
        assert_eq!(fs.len(), 3, "suppressed findings are kept");
        assert!(fs[0].service.archived && fs[1].service.archived && !fs[2].service.archived);
    }
}
