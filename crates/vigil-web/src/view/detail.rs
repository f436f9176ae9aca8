//! One finding in full: what happened, to what, by whom, why it fired, the events behind it,
//! how to contain it, and GuardDuty's raw JSON with a copy button. Every log-derived string is
//! rendered as text (Yew escapes it), never as markup.

use serde_json::Value;
use vigil_core::findings::Finding;
use yew::prelude::*;

use crate::view::{resource_label, severity_class};

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub finding: Finding,
    pub on_close: Callback<()>,
    pub on_suppress_similar: Option<Callback<Finding>>,
}

fn remote_party(f: &Finding) -> Option<String> {
    let a = &f.service.action;
    if let Some(c) = &a.aws_api_call_action {
        if let Some(ip) = c.remote_ip_details.as_ref().and_then(|r| r.ip()) {
            return Some(ip.to_string());
        }
        if let Some(d) = &c.domain_details {
            return Some(d.domain.clone());
        }
        return Some(c.caller_type.clone());
    }
    if let Some(n) = &a.network_connection_action {
        return n.remote_ip_details.as_ref().and_then(|r| r.ip()).map(|ip| {
            let port = n.remote_port_details.as_ref().map(|p| format!(":{}", p.port)).unwrap_or_default();
            format!("{ip}{port} ({})", n.connection_direction)
        });
    }
    if let Some(p) = &a.port_probe_action {
        let ips: Vec<&str> = p.port_probe_details.iter().filter_map(|d| d.remote_ip_details.ip()).collect();
        return (!ips.is_empty()).then(|| ips.join(", "));
    }
    a.dns_request_action.as_ref().map(|d| d.domain.clone())
}

#[function_component(FindingDetail)]
pub fn finding_detail(props: &DetailProps) -> Html {
    let f = &props.finding;
    let raw = serde_json::to_string_pretty(f).unwrap_or_default();
    let copied = use_state(|| false);
    let on_copy = {
        let raw = raw.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let clipboard = gloo::utils::window().navigator().clipboard();
            let _ = clipboard.write_text(&raw);
            copied.set(true);
        })
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let suppress = props.on_suppress_similar.clone().map(|cb| {
        let f = f.clone();
        Callback::from(move |_: MouseEvent| cb.emit(f.clone()))
    });
    let label = f.severity_label();
    let info: Option<Value> =
        f.service.additional_info.as_ref().and_then(|i| serde_json::from_str(&i.value).ok());
    let vigil = f.vigil.clone().unwrap_or_default();
    let intel =
        f.service.evidence.as_ref().map(|e| e.threat_intelligence_details.clone()).unwrap_or_default();

    html! {
        <aside class="detail" aria-label="Finding detail" data-testid="finding-detail">
            <header>
                <span class={classes!("sev", severity_class(label))}>{format!("{} {:.1}", label.as_str(), f.severity)}</span>
                <h2>{f.title.clone()}</h2>
                <button class="close" onclick={on_close} aria-label="Close">{"×"}</button>
            </header>
            <p class="type">{f.finding_type.clone()}</p>
            <p>{f.description.clone()}</p>
            <dl class="facts">
                <dt>{"Resource"}</dt><dd>{resource_label(f)}</dd>
                <dt>{"Role"}</dt><dd>{f.service.resource_role.clone()}</dd>
                if let Some(actor) = &vigil.actor { <dt>{"Actor"}</dt><dd>{actor.clone()}</dd> }
                if let Some(remote) = remote_party(f) { <dt>{"Remote party"}</dt><dd>{remote}</dd> }
                <dt>{"Account / region"}</dt><dd>{format!("{} / {}", f.account_id, f.region)}</dd>
                <dt>{"Seen"}</dt><dd>{format!("{} × between {} and {}", f.service.count, f.service.event_first_seen, f.service.event_last_seen)}</dd>
                <dt>{"Detector"}</dt><dd>{vigil.detector.clone()}</dd>
            </dl>
            if !vigil.why.is_empty() {
                <h3>{"Why it fired"}</h3>
                <ul class="why">{ for vigil.why.iter().map(|w| html! { <li>{w.clone()}</li> }) }</ul>
            }
            if !intel.is_empty() {
                <h3>{"Threat intelligence"}</h3>
                <ul>{ for intel.iter().map(|t| html! { <li>{format!("{}: {}", t.threat_list_name, t.threat_names.join(", "))}</li> }) }</ul>
            }
            if let Some(Value::Object(map)) = info {
                <h3>{"Details"}</h3>
                <dl class="facts">{ for map.iter().map(|(k, v)| html! { <><dt>{k.clone()}</dt><dd>{ match v { Value::String(s) => s.clone(), other => other.to_string() } }</dd></> }) }</dl>
            }
            <h3>{format!("Evidence ({} of {} events)", vigil.evidence.len(), vigil.evidence_total)}</h3>
            <table class="evidence">
                <thead><tr><th>{"Time"}</th><th>{"Event"}</th><th>{"File"}</th><th>{"Record"}</th></tr></thead>
                <tbody>{ for vigil.evidence.iter().map(|e| html! {
                    <tr><td>{e.time.clone()}</td><td>{e.summary.clone()}</td><td class="path">{e.file.clone()}</td><td class="num">{e.record}</td></tr>
                }) }</tbody>
            </table>
            { remediation(f) }
            <div class="actions">
                if let Some(onclick) = suppress { <button class="button" {onclick} data-testid="suppress-similar">{"Suppress findings like this…"}</button> }
                <button class="button" onclick={on_copy} data-testid="copy-json">{ if *copied { "Copied" } else { "Copy JSON" } }</button>
            </div>
            <details class="raw"><summary>{"GuardDuty finding JSON"}</summary><pre data-testid="raw-json">{raw}</pre></details>
        </aside>
    }
}

/// The remediation the core attached (`vigil.remediation`), if any, shown as steps and commands.
fn remediation(f: &Finding) -> Html {
    let Ok(Value::Object(v)) = serde_json::to_value(f.vigil.as_ref()) else { return html! {} };
    let Some(Value::Object(rem)) = v.get("remediation") else { return html! {} };
    let list = |key: &str| -> Vec<String> {
        rem.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let (checks, commands) = (list("firstChecks"), list("commands"));
    let summary = rem.get("summary").and_then(Value::as_str).unwrap_or_default().to_string();
    html! {
        <>
            <h3>{"Remediation"}</h3>
            if !summary.is_empty() { <p>{summary}</p> }
            if !checks.is_empty() { <ol>{ for checks.into_iter().map(|c| html! { <li>{c}</li> }) }</ol> }
            if !commands.is_empty() { <pre class="commands">{commands.join("\n")}</pre> }
        </>
    }
}
