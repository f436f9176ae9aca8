//! `UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B` — successful console sign-ins of the same
//! user from different places around the same time, one of them from a place the user's
//! baseline never shows.
//!
//! **Fires on** a successful `ConsoleLogin` (`responseElements.ConsoleLogin` = `Success`) in the
//! analysed window whose source network is new for the user (neither its /24 nor its /16 in the
//! baseline's networks or console sign-in networks), when another successful sign-in of the same
//! user happened within two hours from a different /16. Users need 3 active days of baseline.
//!
//! **Fields**: `userIdentity` (principal key), `sourceIPAddress`, `userAgent`, `eventTime`,
//! `responseElements.ConsoleLogin`, `additionalEventData.MFAUsed`.
//!
//! **Severity**: Medium (5.0) as GuardDuty, +0.5 per unusual feature beyond two (a new
//! user-agent family; MFA not used while the concurrent sign-in used it), −0.5 on a thin
//! baseline.
//!
//! **Evidence**: the unusual sign-in and the concurrent ones; `additionalInfo.unusual` names the
//! new network with the user's known networks, and how many minutes apart the sign-ins were.
//!
//! **Known false positives**: a user on a new VPN exit or mobile network while still signed in
//! at the office. A second address of a known office network does not fire.

use serde_json::json;

use super::{access_key_resource, anomaly_info, api_action, baseline_info};
use crate::detect::{Context, Detector};
use crate::findings::{Draft, FindingSink};

pub const TYPE: &str = "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B";

pub struct ConsoleLoginSuccessB;

impl Detector for ConsoleLoginSuccessB {
    fn name(&self) -> &'static str {
        "anomaly::console_login_success_b"
    }

    fn observe(&mut self, _e: &crate::event::Event, _ctx: &Context, _sink: &mut FindingSink) {}

    fn finish(&mut self, ctx: &Context, sink: &mut FindingSink) {
        for a in &ctx.baseline.scored().logins {
            let (first, net) = &a.logins[0];
            let mut d = Draft::at(TYPE, a.severity, first.time, self.name());
            d.account_id = a.account.clone();
            d.region = first.region.to_string();
            d.resource = access_key_resource(&a.who);
            d.action = api_action(first);
            d.actor = Some(a.who.name.clone());
            d.title = format!("Multiple worldwide successful console logins for {}.", a.who.name);
            d.description = format!(
                "Multiple successful console logins for user {} were observed around the same time from {}. {}.",
                a.who.name,
                a.logins.iter().map(|(s, n)| format!("{} ({n})", s.source_ip)).collect::<Vec<_>>().join(" and "),
                a.unusual.iter().map(|u| u.explanation.as_str()).collect::<Vec<_>>().join("; ")
            );
            let baseline = ctx
                .baseline
                .baseline_of(&a.account)
                .map(|b| baseline_info(b, json!({"principal": a.principal})))
                .unwrap_or_default();
            d.additional_info = anomaly_info(&a.unusual, baseline);
            d.why = a.unusual.iter().map(|u| u.explanation.clone()).collect();
            d.distinguish_by = net.clone();
            d.evidence = a.logins.iter().map(|(s, _)| (s.time, s.src, s.summary.clone())).collect();
            sink.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testworld::*;
    use super::TYPE;

    #[test]
    fn fires_on_a_concurrent_sign_in_from_a_new_network() {
        let mut w = World::new(21, 21);
        let t = w.day_time(16, 8, 30);
        w.console_login(&ALICE, t, "198.51.100.20", true);
        w.console_login(&ALICE, t + 20 * 60_000, "185.220.101.33", false);
        let f = w.scan();
        let a = anomaly_findings(&f);
        assert_eq!(a.len(), 1, "{:#?}", explain(&a));
        assert_eq!(a[0].finding_type, TYPE);
        assert_eq!(a[0].severity, 5.5);
        let u = unusual_of(a[0]);
        assert!(
            u[0].starts_with(
                "network 185.220.101.0/24: new for this user (baseline: 1 networks: 198.51.100.0/24)"
            ),
            "{u:?}"
        );
        assert!(u.iter().any(|s| s.contains("within 20 minutes")), "{u:?}");
        assert!(u.iter().any(|s| s.starts_with("MFA: not used")), "{u:?}");
        // The injected pair, plus the routine morning sign-in that day.
        assert_eq!(a[0].vigil.as_ref().unwrap().evidence.len(), 3);
    }

    #[test]
    fn second_office_addresses_and_lone_new_places_stay_silent() {
        let mut w = World::new(22, 21);
        let t = w.day_time(16, 8, 30);
        // Second address in the office /24, and the second office in the same /16.
        w.console_login(&ALICE, t, "198.51.100.20", true);
        w.console_login(&ALICE, t + 10 * 60_000, "198.51.100.200", true);
        w.console_login(&ALICE, t + 30 * 60_000, "198.51.101.9", true);
        // A new place, but not at the same time as another sign-in.
        let t2 = w.day_time(19, 20, 0);
        w.console_login(&ALICE, t2, "81.2.69.160", true);
        let f = w.scan();
        assert!(anomaly_findings(&f).is_empty(), "{:#?}", explain(&anomaly_findings(&f)));
    }
}
