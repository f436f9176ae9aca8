//! Suppression rules on GuardDuty's filter criteria. Matching findings are archived, never
//! deleted ("Show archived" brings them back); before a rule is saved the panel shows how many
//! current findings it would archive. Rules are remembered by this browser.

use std::collections::BTreeMap;
use std::rc::Rc;

use vigil_core::findings::filter::{count_matching, Condition, FindingCriteria, SuppressionRule};
use vigil_core::findings::Finding;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The rule being written, field by field, as the form holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub name: String,
    pub finding_type: String,
    pub max_severity: String,
    pub account: String,
    pub resource: String,
    pub remote_ip: String,
    /// Which action the remote address belongs to: `api`, `network` or `probe`.
    pub remote_in: String,
    pub api: String,
}

impl Draft {
    /// A draft that matches findings like `f`: same type, resource and account.
    pub fn like(f: &Finding) -> Self {
        Self {
            name: format!("Suppress {} on {}", f.finding_type, crate::view::resource_id(f)),
            finding_type: f.finding_type.clone(),
            account: f.account_id.clone(),
            resource: crate::view::resource_id(f),
            remote_in: "api".into(),
            ..Self::default()
        }
    }

    /// GuardDuty filter criteria for the filled fields.
    pub fn criteria(&self) -> FindingCriteria {
        let mut c = BTreeMap::new();
        let eq = |v: &str| Condition { eq: vec![v.trim().to_string()], ..Condition::default() };
        if !self.finding_type.trim().is_empty() {
            c.insert("type".to_string(), eq(&self.finding_type));
        }
        if let Ok(max) = self.max_severity.trim().parse::<f64>() {
            c.insert("severity".to_string(), Condition { lte: Some(max), ..Condition::default() });
        }
        if !self.account.trim().is_empty() {
            c.insert("accountId".to_string(), eq(&self.account));
        }
        let r = self.resource.trim();
        if !r.is_empty() {
            let attr = if r.starts_with("i-") || r.starts_with("eni-") {
                "resource.instanceDetails.instanceId"
            } else if r.starts_with("AKIA") || r.starts_with("ASIA") {
                "resource.accessKeyDetails.accessKeyId"
            } else {
                "resource.s3BucketDetails.name"
            };
            c.insert(attr.to_string(), eq(r));
        }
        if !self.remote_ip.trim().is_empty() {
            let attr = match self.remote_in.as_str() {
                "network" => "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
                "probe" => "service.action.portProbeAction.portProbeDetails.remoteIpDetails.ipAddressV4",
                _ => "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4",
            };
            c.insert(attr.to_string(), eq(&self.remote_ip));
        }
        if !self.api.trim().is_empty() {
            c.insert("service.action.awsApiCallAction.api".to_string(), eq(&self.api));
        }
        FindingCriteria { criterion: c }
    }
}

#[derive(Properties, PartialEq)]
pub struct RulesProps {
    pub rules: Vec<SuppressionRule>,
    pub findings: Rc<Vec<Finding>>,
    pub draft: Draft,
    pub on_draft: Callback<Draft>,
    pub on_change: Callback<Vec<SuppressionRule>>,
}

#[function_component(RulesPanel)]
pub fn rules_panel(props: &RulesProps) -> Html {
    let draft = props.draft.clone();
    let criteria = draft.criteria();
    let would_hide =
        if criteria.criterion.is_empty() { 0 } else { count_matching(&props.findings, &criteria) };
    let field = |label: &'static str, value: String, testid: &'static str, set: fn(&mut Draft, String)| {
        let on_draft = props.on_draft.clone();
        let draft = draft.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut d = draft.clone();
            set(&mut d, e.target_unchecked_into::<HtmlInputElement>().value());
            on_draft.emit(d);
        });
        html! { <label>{label}<input type="text" {value} {oninput} data-testid={testid} /></label> }
    };
    let on_remote_in = {
        let on_draft = props.on_draft.clone();
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = draft.clone();
            d.remote_in = e.target_unchecked_into::<HtmlSelectElement>().value();
            on_draft.emit(d);
        })
    };
    let on_save = {
        let on_change = props.on_change.clone();
        let on_draft = props.on_draft.clone();
        let rules = props.rules.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let criteria = draft.criteria();
            if criteria.criterion.is_empty() {
                return;
            }
            let mut rules = rules.clone();
            let name = if draft.name.trim().is_empty() {
                format!("Rule {}", rules.len() + 1)
            } else {
                draft.name.clone()
            };
            rules.push(SuppressionRule {
                name,
                description: String::new(),
                finding_criteria: criteria,
                enabled: true,
            });
            on_change.emit(rules);
            on_draft.emit(Draft::default());
        })
    };
    let rows = props.rules.iter().enumerate().map(|(i, r)| {
        let toggle = {
            let on_change = props.on_change.clone();
            let rules = props.rules.clone();
            Callback::from(move |_: Event| {
                let mut rules = rules.clone();
                rules[i].enabled = !rules[i].enabled;
                on_change.emit(rules);
            })
        };
        let remove = {
            let on_change = props.on_change.clone();
            let rules = props.rules.clone();
            Callback::from(move |_: MouseEvent| {
                let mut rules = rules.clone();
                rules.remove(i);
                on_change.emit(rules);
            })
        };
        let n = count_matching(&props.findings, &r.finding_criteria);
        html! { <tr data-testid="rule-row">
            <td><input type="checkbox" checked={r.enabled} onchange={toggle} aria-label="Enabled" /></td>
            <td>{r.name.clone()}</td>
            <td><code>{serde_json::to_string(&r.finding_criteria).unwrap_or_default()}</code></td>
            <td class="num">{format!("{n} archived")}</td>
            <td><button class="link" onclick={remove}>{"Delete"}</button></td>
        </tr> }
    });
    html! {
        <section class="rules" aria-label="Suppression rules">
            <div class="rule-form">
                { field("Name", draft.name.clone(), "rule-name", |d, v| d.name = v) }
                { field("Finding type", draft.finding_type.clone(), "rule-type", |d, v| d.finding_type = v) }
                { field("Severity at most", draft.max_severity.clone(), "rule-severity", |d, v| d.max_severity = v) }
                { field("Account id", draft.account.clone(), "rule-account", |d, v| d.account = v) }
                { field("Resource id", draft.resource.clone(), "rule-resource", |d, v| d.resource = v) }
                { field("Remote IP", draft.remote_ip.clone(), "rule-remote-ip", |d, v| d.remote_ip = v) }
                <label>{"Remote IP of"}<select onchange={on_remote_in}>
                    <option value="api" selected={draft.remote_in != "network" && draft.remote_in != "probe"}>{"API calls"}</option>
                    <option value="network" selected={draft.remote_in == "network"}>{"network connections"}</option>
                    <option value="probe" selected={draft.remote_in == "probe"}>{"port probes"}</option>
                </select></label>
                { field("API name", draft.api.clone(), "rule-api", |d, v| d.api = v) }
                <p class="preview" data-testid="rule-preview">{ if criteria.criterion.is_empty() {
                    "Fill in at least one field.".to_string()
                } else { format!("This rule would archive {would_hide} of {} current findings.", props.findings.len()) } }</p>
                <button class="button primary" onclick={on_save} disabled={criteria.criterion.is_empty()} data-testid="rule-save">{"Save rule"}</button>
            </div>
            <table class="compact"><tbody>{ for rows }</tbody></table>
        </section>
    }
}
