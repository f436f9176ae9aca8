//! The export buttons: each format is rendered by vigil-core and offered as a download.

use vigil_core::export::{render as render_core, Format, RenderOptions};
use vigil_core::findings::Finding;

/// (format, button label, file name, MIME type)
pub const FORMATS: &[(&str, &str, &str, &str)] = &[
    ("json", "GuardDuty JSON", "vigil-findings.json", "application/json"),
    ("asff", "ASFF", "vigil-findings.asff.json", "application/json"),
    ("ocsf", "OCSF", "vigil-findings.ocsf.jsonl", "application/x-ndjson"),
    ("csv", "CSV", "vigil-findings.csv", "text/csv"),
];

/// Renders the findings in `format` (one of [`FORMATS`]); unknown names fall back to JSON.
pub fn render(format: &str, findings: &[Finding]) -> String {
    let format: Format = format.parse().unwrap_or(Format::Json);
    render_core(findings, format, &RenderOptions::default())
}
