//! Renderers: findings → text in the formats people and tools expect.
//!
//! | format | shape | `vigil` extension |
//! | --- | --- | --- |
//! | `json` | exactly what `aws guardduty get-findings` prints: `{"Findings":[…]}` with GuardDuty's fields in the CLI's PascalCase (`AccountId`, `Service.Action.AwsApiCallAction.Api`, …) | left out by default, so the output is a drop-in for scripts and parsers written against GuardDuty; [`RenderOptions::vigil_extension`] adds it as `Vigil` |
//! | `jsonl` | one finding per line in GuardDuty's camelCase API form, as GuardDuty's S3 export and EventBridge `detail` carry it | included (`vigil`: detector, why, evidence, remediation); GuardDuty-shaped parsers ignore the extra key |
//! | `csv` | one row per finding, RFC 4180 quoting | remediation summary and first command as columns |
//! | `asff` | Security Hub `BatchImportFindings` request body `{"Findings":[…]}` for the account's own default product, with GuardDuty's published ASFF `Types` | remediation as `Remediation.Recommendation`, the rest in `ProductFields` |
//! | `ocsf` | OCSF 1.1 Detection Finding (class 2004), one JSON object per line | `finding_info.analytic`, MITRE `attacks`, `remediation`, evidence in `unmapped` |
//! | `table` | for people: most severe first, severity-coloured when asked | why and first remediation step under each row |

pub mod asff;
pub mod csv;
pub mod json;
pub mod mitre;
pub mod ocsf;
pub mod table;

use crate::findings::Finding;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    Table,
    Csv,
    Asff,
    Ocsf,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Json, Format::Jsonl, Format::Table, Format::Csv, Format::Asff, Format::Ocsf];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Asff => "asff",
            Format::Ocsf => "ocsf",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown format {s:?}; expected one of {}", names.join(", "))
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How to render.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours in `table`.
    pub color: bool,
    /// Add Vigil's extension object to `json` (it is always in `jsonl`).
    pub vigil_extension: bool,
}

/// Renders findings in a format. The text ends with a newline (except an empty `jsonl`/`ocsf`).
pub fn render(findings: &[Finding], format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Json => json::render(findings, options.vigil_extension),
        Format::Jsonl => json::render_lines(findings),
        Format::Table => table::render(findings, options.color),
        Format::Csv => csv::render(findings),
        Format::Asff => asff::render(findings),
        Format::Ocsf => ocsf::render(findings),
    }
}

/// Findings most severe first, then by last seen (latest first), type and id: the order
/// people read in, independent of the order they were produced in.
pub fn by_severity(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then_with(|| b.service.event_last_seen.cmp(&a.service.event_last_seen))
            .then_with(|| a.finding_type.cmp(&b.finding_type))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// A short label of the finding's resource: `alice (IAMUser) AKIA…`, `bucket payroll`,
/// `instance i-0abc`.
pub fn resource_label(f: &Finding) -> String {
    let r = &f.resource;
    if let Some(buckets) = r.s3_bucket_details.as_ref().filter(|b| !b.is_empty()) {
        let names: Vec<&str> = buckets.iter().map(|b| b.name.as_str()).collect();
        return format!("bucket {}", names.join(", "));
    }
    if let Some(i) = &r.instance_details {
        return format!("instance {}", i.instance_id);
    }
    if let Some(k) = &r.access_key_details {
        let mut s = format!("{} ({})", k.user_name, k.user_type);
        if !k.access_key_id.is_empty() {
            s.push(' ');
            s.push_str(&k.access_key_id);
        }
        return s;
    }
    r.resource_type.clone()
}

/// Who acted: Vigil's actor, else the access key's user, else the remote address.
pub fn actor_label(f: &Finding) -> String {
    if let Some(a) = f.vigil.as_ref().and_then(|v| v.actor.clone()) {
        return a;
    }
    if let Some(k) = &f.resource.access_key_details {
        return k.user_name.clone();
    }
    let action = &f.service.action;
    action
        .aws_api_call_action
        .as_ref()
        .and_then(|a| a.remote_ip_details.as_ref())
        .or_else(|| action.network_connection_action.as_ref().and_then(|n| n.remote_ip_details.as_ref()))
        .and_then(|r| r.ip().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::detect::testing::scan_records;
    use crate::findings::Finding;

    /// A small scan with findings of three severities and two resource kinds.
    pub fn sample_findings() -> Vec<Finding> {
        let who = r#""userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","accessKeyId":"AKIAMALLORY","userName":"mallory"},"recipientAccountId":"111122223333","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"aws-cli/1.18.69 Python/3.8.5 Linux/5.7.0-kali1-amd64 botocore/1.17.9""#;
        let records = [
            format!(
                r#"{{"eventTime":"2024-03-01T12:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","requestParameters":{{"name":"main"}},{who}}}"#
            ),
            format!(
                r#"{{"eventTime":"2024-03-01T12:05:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","requestParameters":{{"bucketName":"payroll","bucketPolicy":{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::payroll/*"}}]}}}},{who}}}"#
            ),
        ];
        let refs: Vec<&str> = records.iter().map(String::as_str).collect();
        scan_records(&refs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!("xml".parse::<Format>().unwrap_err().contains("json, jsonl, table, csv, asff, ocsf"));
    }

    #[test]
    fn every_format_renders_the_sample_and_nothing() {
        let findings = tests_support::sample_findings();
        assert!(findings.len() >= 3, "{findings:?}");
        for f in Format::ALL {
            let text = render(&findings, f, &RenderOptions::default());
            assert!(text.contains("payroll"), "{f}: {text}");
            let empty = render(&[], f, &RenderOptions::default());
            assert!(!empty.contains("payroll"));
        }
    }
}
