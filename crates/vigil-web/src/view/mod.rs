//! The console's views, one module each, and the small helpers they share.

pub mod accounts;
pub mod baselines;
pub mod detail;
pub mod input;
pub mod lists;
pub mod rules;
pub mod summary;
pub mod table;
pub mod timeline;

use vigil_core::findings::{Finding, SeverityLabel};
use wasm_bindgen::JsCast;

pub use vigil_core::export::resource_label;

/// The resource's id alone (for filters and test hooks).
pub fn resource_id(f: &Finding) -> String {
    let r = &f.resource;
    if let Some(a) = &r.access_key_details {
        return if a.access_key_id.is_empty() { a.user_name.clone() } else { a.access_key_id.clone() };
    }
    if let Some(i) = &r.instance_details {
        return i.instance_id.clone();
    }
    if let Some(b) = &r.s3_bucket_details {
        return b.iter().map(|b| b.name.as_str()).collect::<Vec<_>>().join(",");
    }
    String::new()
}

pub fn severity_class(label: SeverityLabel) -> &'static str {
    match label {
        SeverityLabel::Low => "sev-low",
        SeverityLabel::Medium => "sev-medium",
        SeverityLabel::High => "sev-high",
        SeverityLabel::Critical => "sev-critical",
    }
}

pub const SEVERITIES: [SeverityLabel; 4] =
    [SeverityLabel::Critical, SeverityLabel::High, SeverityLabel::Medium, SeverityLabel::Low];

pub use vigil_core::baseline::features::{bytes, thousands};

/// Offers `text` as a file download (a Blob URL; nothing leaves the browser).
pub fn download(filename: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = gloo::utils::document();
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
