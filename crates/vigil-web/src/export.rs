//! The export buttons: each format is rendered by vigil-core and offered as a download.

use vigil_core::findings::Finding;

/// (format, button label, file name, MIME type)
pub const FORMATS: &[(&str, &str, &str, &str)] =
    &[("json", "GuardDuty JSON", "vigil-findings.json", "application/json")];

/// Renders the findings shown in `format` (one of [`FORMATS`]).
pub fn render(format: &str, findings: &[Finding]) -> String {
    match format {
        _ => serde_json::to_string_pretty(&serde_json::json!({ "Findings": findings })).unwrap_or_default(),
    }
}
