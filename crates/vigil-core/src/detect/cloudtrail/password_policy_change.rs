//! `Stealth:IAMUser/PasswordPolicyChange` — the account password policy was weakened.
//!
//! **Fires on** a successful `iam:UpdateAccountPasswordPolicy` whose new policy is weaker than the
//! one before it, or a successful `iam:DeleteAccountPasswordPolicy`. The policy before is the
//! latest earlier one the input shows for the account (an earlier `UpdateAccountPasswordPolicy`,
//! or a `GetAccountPasswordPolicy` response); when the input shows none, IAM's default policy
//! (8 characters, three of four character classes, no expiry, no reuse prevention) stands in.
//! Parameters the update leaves out take IAM's defaults, as the API does. Decided in `finish`,
//! in time order, since files arrive in any order.
//!
//! **Severity** grows with how much weaker the policy gets ([`weakening_points`]): a point per
//! two characters of minimum length removed (two more when it falls below 8), per character class
//! no longer required, for expiry removed or lengthened, and for reuse prevention lowered.
//! 1–2 points: Low (2.0); 3–4: Medium (5.0); 5 or more: High (8.0). A deletion is scored as a
//! change to IAM's default policy, and is Medium when the policy before is unknown. GuardDuty
//! documents this type as Low, Medium or High by the change.
//!
//! **Evidence**: the call; `additionalInfo` holds the policy before and after.
//!
//! **Known false positives**: a deliberate relaxation (e.g. dropping forced rotation, which
//! NIST SP 800-63B advises) — that scores one point, Low.
//!
//! Example: `{"eventName":"UpdateAccountPasswordPolicy","requestParameters":{"minimumPasswordLength":6,"requireSymbols":false,…}}`.

use serde_json::{json, Value};

use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::{ApiCall, Event};
use crate::findings::{Draft, FindingSink};
use crate::time::Millis;

pub const TYPE: &str = "Stealth:IAMUser/PasswordPolicyChange";

/// The parts of a password policy that make it stronger or weaker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PasswordPolicy {
    pub min_length: u32,
    /// How many of the four character classes are required.
    pub classes: u32,
    /// Days before a password expires; `None` when passwords never expire.
    pub max_age_days: Option<u32>,
    /// How many previous passwords cannot be reused (0: none).
    pub reuse_prevention: u32,
}

impl PasswordPolicy {
    /// IAM's default policy, in force when no custom policy is set.
    pub const IAM_DEFAULT: Self = Self { min_length: 8, classes: 3, max_age_days: None, reuse_prevention: 0 };

    /// Reads a policy from `UpdateAccountPasswordPolicy` parameters or a `passwordPolicy`
    /// response object; absent parameters take the API's defaults.
    pub fn from_json(v: &Value) -> Self {
        let flag = |n: &str| as_bool(get_ci(v, n)).unwrap_or(false) as u32;
        let number = |n: &str| as_f64(get_ci(v, n)).map(|x| x.max(0.0) as u32);
        let max_age = number("maxPasswordAge").filter(|d| *d > 0);
        Self {
            min_length: number("minimumPasswordLength").unwrap_or(6),
            classes: flag("requireSymbols")
                + flag("requireNumbers")
                + flag("requireUppercaseCharacters")
                + flag("requireLowercaseCharacters"),
            max_age_days: if as_bool(get_ci(v, "expirePasswords")) == Some(false) { None } else { max_age },
            reuse_prevention: number("passwordReusePrevention").unwrap_or(0),
        }
    }

    fn to_json(self) -> Value {
        json!({
            "minimumPasswordLength": self.min_length,
            "requiredCharacterClasses": self.classes,
            "maxPasswordAge": self.max_age_days.unwrap_or(0),
            "passwordReusePrevention": self.reuse_prevention,
        })
    }
}

/// How much weaker `after` is than `before`, with the reasons.
pub fn weakening_points(before: &PasswordPolicy, after: &PasswordPolicy) -> (u32, Vec<String>) {
    let mut points = 0;
    let mut why = Vec::new();
    if after.min_length < before.min_length {
        let p = (before.min_length - after.min_length).div_ceil(2) + if after.min_length < 8 { 2 } else { 0 };
        points += p;
        why.push(format!("minimum length {} → {} (+{p})", before.min_length, after.min_length));
    }
    if after.classes < before.classes {
        let p = before.classes - after.classes;
        points += p;
        why.push(format!("required character classes {} → {} (+{p})", before.classes, after.classes));
    }
    let age = |a: Option<u32>| a.unwrap_or(u32::MAX);
    if age(after.max_age_days) > age(before.max_age_days) {
        points += 1;
        let show = |a: Option<u32>| a.map_or("never".to_string(), |d| format!("{d} days"));
        why.push(format!("expiry {} → {} (+1)", show(before.max_age_days), show(after.max_age_days)));
    }
    if after.reuse_prevention < before.reuse_prevention {
        points += 1;
        why.push(format!("reuse prevention {} → {} (+1)", before.reuse_prevention, after.reuse_prevention));
    }
    (points, why)
}

pub fn severity_for(points: u32) -> f64 {
    match points {
        0 => 0.0,
        1..=2 => 2.0,
        3..=4 => 5.0,
        _ => 8.0,
    }
}

enum Change {
    /// What the input shows the policy to be at that time (a `GetAccountPasswordPolicy`).
    Observed(PasswordPolicy),
    Updated(PasswordPolicy, Box<Draft>),
    Deleted(Box<Draft>),
}

#[derive(Default)]
pub struct PasswordPolicyChange {
    /// (account, time, record order, change)
    changes: Vec<(String, Millis, (u32, u64), Change)>,
}

impl PasswordPolicyChange {
    fn draft(&self, call: &ApiCall) -> Draft {
        let mut d = api_draft(TYPE, 2.0, call, self.name());
        d.title = "Account password policy was weakened.".to_string();
        d
    }
}

impl Detector for PasswordPolicyChange {
    fn name(&self) -> &'static str {
        "cloudtrail::password_policy_change"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, _sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source != "iam.amazonaws.com" || call.failed() {
            return;
        }
        let change = match call.event_name.as_str() {
            "UpdateAccountPasswordPolicy" => {
                Change::Updated(PasswordPolicy::from_json(&request_json(call)), Box::new(self.draft(call)))
            }
            "DeleteAccountPasswordPolicy" => Change::Deleted(Box::new(self.draft(call))),
            "GetAccountPasswordPolicy" => match get_ci(&response_json(call), "passwordPolicy") {
                Some(p) => Change::Observed(PasswordPolicy::from_json(p)),
                None => return,
            },
            _ => return,
        };
        self.changes.push((call.account_id.to_string(), call.time, (call.src.file, call.src.record), change));
    }

    fn finish(&mut self, _ctx: &Context, sink: &mut FindingSink) {
        let mut changes = std::mem::take(&mut self.changes);
        changes.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        let mut account = String::new();
        let mut current: Option<PasswordPolicy> = None;
        for (acct, _, _, change) in changes {
            if acct != account {
                account = acct;
                current = None;
            }
            let (after, draft, deleted) = match change {
                Change::Observed(p) => {
                    current = Some(p);
                    continue;
                }
                Change::Updated(p, d) => (p, d, false),
                Change::Deleted(d) => (PasswordPolicy::IAM_DEFAULT, d, true),
            };
            let before_known = current.is_some();
            let before = current.unwrap_or(PasswordPolicy::IAM_DEFAULT);
            let (mut points, mut why) = weakening_points(&before, &after);
            if deleted && !before_known {
                points = points.max(3);
                why.push(
                    "the custom password policy was deleted; the policy before is not in the input".into(),
                );
            }
            current = Some(after);
            if points == 0 {
                continue;
            }
            let mut d = *draft;
            d.severity = severity_for(points);
            let source = if before_known { "the policy before" } else { "IAM's default policy" };
            d.description = format!(
                "The account password policy of {} was {} by {} ({}); compared with {source}: {}.",
                d.account_id,
                if deleted { "deleted" } else { "weakened" },
                d.actor.clone().unwrap_or_default(),
                d.resource.access_key_details.as_ref().map(|k| k.user_type.clone()).unwrap_or_default(),
                why.join(", ")
            );
            d.why.push(format!("Weakening score {points}: {}.", why.join("; ")));
            d.additional_info.insert("before".into(), before.to_json());
            d.additional_info.insert("after".into(), if deleted { Value::Null } else { after.to_json() });
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    fn rec(time: &str, name: &str, params: &str, response: &str) -> String {
        format!(
            r#"{{"eventTime":"{time}","eventSource":"iam.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userIdentity":{{"type":"IAMUser","principalId":"AIDAEX","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","accessKeyId":"AKIABOB","userName":"bob"}},"requestParameters":{params},"responseElements":{response},"recipientAccountId":"111122223333"}}"#
        )
    }

    const STRONG: &str = r#"{"minimumPasswordLength":14,"requireSymbols":true,"requireNumbers":true,"requireUppercaseCharacters":true,"requireLowercaseCharacters":true,"maxPasswordAge":90,"passwordReusePrevention":24}"#;

    fn findings(records: &[String]) -> Vec<crate::findings::Finding> {
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs).into_iter().filter(|f| f.finding_type == TYPE).collect()
    }

    #[test]
    fn severity_follows_how_much_weaker() {
        // From strong to almost nothing: High. The strong policy comes later in the input but
        // earlier in time.
        let f = findings(&[
            rec(
                "2024-01-02T00:00:00Z",
                "UpdateAccountPasswordPolicy",
                r#"{"minimumPasswordLength":6}"#,
                "null",
            ),
            rec("2024-01-01T00:00:00Z", "UpdateAccountPasswordPolicy", STRONG, "null"),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, 8.0);
        assert!(f[0].description.contains("minimum length 14 → 6"), "{}", f[0].description);
        // Only forced rotation dropped: Low.
        let f = findings(&[
            rec("2024-01-01T00:00:00Z", "UpdateAccountPasswordPolicy", STRONG, "null"),
            rec(
                "2024-01-02T00:00:00Z",
                "UpdateAccountPasswordPolicy",
                &STRONG.replace("\"maxPasswordAge\":90,", ""),
                "null",
            ),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, 2.0);
    }

    #[test]
    fn deletion_fires_medium_when_previous_unknown() {
        let f = findings(&[rec("2024-01-01T00:00:00Z", "DeleteAccountPasswordPolicy", "null", "null")]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, 5.0);
    }

    #[test]
    fn strengthening_and_strong_policies_are_silent() {
        assert!(findings(&[
            rec(
                "2024-01-01T00:00:00Z",
                "UpdateAccountPasswordPolicy",
                r#"{"minimumPasswordLength":8}"#,
                "null"
            ),
            rec("2024-01-02T00:00:00Z", "UpdateAccountPasswordPolicy", STRONG, "null"),
        ])
        .iter()
        .all(|f| f.service.event_last_seen.starts_with("2024-01-01")));
        assert!(findings(&[rec("2024-01-02T00:00:00Z", "UpdateAccountPasswordPolicy", STRONG, "null")])
            .is_empty());
        // A GetAccountPasswordPolicy shows the current policy; an identical update is no change.
        let get = rec(
            "2024-01-01T00:00:00Z",
            "GetAccountPasswordPolicy",
            "null",
            &format!(r#"{{"passwordPolicy":{STRONG}}}"#),
        );
        assert!(findings(&[get, rec("2024-01-02T00:00:00Z", "UpdateAccountPasswordPolicy", STRONG, "null")])
            .is_empty());
    }
}
