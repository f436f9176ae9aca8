//! `DefenseEvasion:IAMUser/BedrockLoggingDisabled` — Amazon Bedrock model invocation logging was
//! turned off.
//!
//! **Fires on** a successful `bedrock:DeleteModelInvocationLoggingConfiguration`.
//!
//! **Why it matters**: invocation logs are the record of which prompts were sent and what came
//! back; removing them hides model abuse (LLMjacking, data extraction through prompts).
//!
//! **Severity**: Medium (5.0), GuardDuty's default for the type.
//!
//! **Evidence**: the call; repeats aggregate per caller and region.
//!
//! **Known false positives**: moving invocation logging to another destination (which is a
//! `PutModelInvocationLoggingConfiguration`, not a deletion, in the normal flow).
//!
//! Example: `{"eventSource":"bedrock.amazonaws.com","eventName":"DeleteModelInvocationLoggingConfiguration",…}`.

use crate::detect::common::*;
use crate::detect::{Context, Detector};
use crate::event::Event;
use crate::findings::FindingSink;

pub const TYPE: &str = "DefenseEvasion:IAMUser/BedrockLoggingDisabled";

pub struct BedrockLoggingDisabled;

impl Detector for BedrockLoggingDisabled {
    fn name(&self) -> &'static str {
        "cloudtrail::bedrock_logging_disabled"
    }

    fn observe(&mut self, event: &Event, _ctx: &Context, sink: &mut FindingSink) {
        let Event::Api(call) = event else { return };
        if call.event_source != "bedrock.amazonaws.com"
            || call.event_name != "DeleteModelInvocationLoggingConfiguration"
            || call.failed()
        {
            return;
        }
        let mut d = api_draft(TYPE, 5.0, call, self.name());
        d.title = "Amazon Bedrock model invocation logging was disabled.".into();
        d.description = format!(
            "Model invocation logging for Amazon Bedrock in {} was deleted by {} from {}; prompts and responses are no longer recorded.",
            call.region,
            call.identity.name(),
            call.source_ip
        );
        d.why.push("bedrock:DeleteModelInvocationLoggingConfiguration succeeded.".into());
        sink.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testing::scan_records;

    const REC: &str = r#"{"eventTime":"2024-06-01T08:00:00Z","eventSource":"bedrock.amazonaws.com","eventName":"DeleteModelInvocationLoggingConfiguration","awsRegion":"us-west-2","sourceIPAddress":"198.51.100.20","userIdentity":{"type":"AssumedRole","principalId":"AROAEX:dev","arn":"arn:aws:sts::111122223333:assumed-role/dev/dev","accountId":"111122223333","accessKeyId":"ASIAEX","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEX","arn":"arn:aws:iam::111122223333:role/dev","accountId":"111122223333","userName":"dev"}}},"requestParameters":null,"recipientAccountId":"111122223333"}"#;

    #[test]
    fn fires_on_deletion() {
        let f = scan_records(&[REC]);
        assert!(
            f.iter().any(|f| f.finding_type == TYPE && f.severity == 5.0 && f.region == "us-west-2"),
            "{f:?}"
        );
    }

    #[test]
    fn silent_on_reads_and_failures() {
        let get = REC
            .replace("DeleteModelInvocationLoggingConfiguration", "GetModelInvocationLoggingConfiguration");
        let failed = REC.replace(
            r#""recipientAccountId""#,
            r#""errorCode":"AccessDeniedException","recipientAccountId""#,
        );
        assert!(scan_records(&[&get, &failed]).iter().all(|f| f.finding_type != TYPE));
    }
}
