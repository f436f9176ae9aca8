//! `json` (GuardDuty's `get-findings` output) and `jsonl` (GuardDuty's S3-export form).

use serde_json::{Map, Value};

use crate::findings::Finding;

/// `{"Findings":[…]}` with every key in PascalCase, as the AWS CLI prints `get-findings`.
/// The `vigil` extension is left out unless asked for (then it is `Vigil`).
pub fn render(findings: &[Finding], vigil_extension: bool) -> String {
    let list: Vec<Value> = findings.iter().map(|f| cli_value(f, vigil_extension)).collect();
    let mut doc = Map::new();
    doc.insert("Findings".into(), Value::Array(list));
    let mut out = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    out.push('\n');
    out
}

/// One finding as the CLI prints it.
pub fn cli_value(f: &Finding, vigil_extension: bool) -> Value {
    let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
    if !vigil_extension {
        if let Value::Object(o) = &mut v {
            o.remove("vigil");
        }
    }
    pascal_keys(v)
}

/// Upper-cases the first letter of every object key, recursively: the API's `ipAddressV4`
/// becomes the CLI's `IpAddressV4`. Keys that already start upper-case (`AWS::S3::Bucket` in
/// `affectedResources`) are unchanged.
pub fn pascal_keys(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = match chars.next() {
                        Some(c) => c.to_uppercase().chain(chars).collect(),
                        None => k,
                    };
                    (key, pascal_keys(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(pascal_keys).collect()),
        other => other,
    }
}

/// One finding per line, camelCase, with Vigil's extension.
pub fn render_lines(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&serde_json::to_string(f).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::sample_findings;

    #[test]
    fn json_is_the_cli_shape_without_extension() {
        let findings = sample_findings();
        let v: Value = serde_json::from_str(&render(&findings, false)).unwrap();
        let list = v["Findings"].as_array().unwrap();
        assert_eq!(list.len(), findings.len());
        assert_eq!(v.as_object().unwrap().len(), 1);
        let first = &list[0];
        for key in [
            "AccountId",
            "Arn",
            "CreatedAt",
            "Description",
            "Id",
            "Partition",
            "Region",
            "Resource",
            "SchemaVersion",
            "Service",
            "Severity",
            "Title",
            "Type",
            "UpdatedAt",
        ] {
            assert!(first.get(key).is_some(), "{key} missing in {first}");
        }
        assert!(first.get("Vigil").is_none() && first.get("vigil").is_none());
        assert!(first["Service"]["Action"]["AwsApiCallAction"]["RemoteIpDetails"]["IpAddressV4"].is_string());
        let with: Value = serde_json::from_str(&render(&findings, true)).unwrap();
        assert!(with["Findings"][0]["Vigil"]["Remediation"]["Commands"].is_array());
    }

    #[test]
    fn jsonl_round_trips_with_extension() {
        let findings = sample_findings();
        let text = render_lines(&findings);
        let back: Vec<Finding> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(back, findings);
        assert!(back[0].vigil.as_ref().unwrap().remediation.is_some());
    }
}
