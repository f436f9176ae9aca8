//! The baselines view: per principal, bucket and instance, what Vigil learned (the profile)
//! and how the analysed window departs from it (values never seen in the baseline, with how
//! often), plus the anomalies scored on it. Also where the user keeps a baseline for next time:
//! download it, keep it in this browser, or load one from a file.

use std::rc::Rc;

use serde_json::Value;
use vigil_core::baseline::view::EntityView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::view::{bytes, thousands};

/// A baseline file kept in this browser's storage.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeptBaseline {
    /// Where it came from: "learned on …" or the imported file's name.
    pub origin: String,
    pub accounts: Vec<String>,
    /// The baseline file, JSON.
    pub text: String,
    /// Use it for the next analysis.
    pub enabled: bool,
}

impl KeptBaseline {
    /// Reads a baseline file's JSON, checking it really is one.
    pub fn from_text(origin: String, text: String) -> Result<Self, String> {
        let file = vigil_core::baseline::BaselineFile::from_json(&text).map_err(|e| e.to_string())?;
        let accounts = file.accounts.iter().map(|a| a.account_id.clone()).collect();
        Ok(Self { origin, accounts, text, enabled: true })
    }
}

#[derive(Properties, PartialEq)]
pub struct BaselinesProps {
    /// `None` before any analysis (the kept-baseline controls are still shown).
    pub entities: Option<Rc<Vec<EntityView>>>,
    /// The baseline files learned by the last analysis's workers (JSON).
    pub learned: Option<Rc<Vec<String>>>,
    pub kept: Option<KeptBaseline>,
    pub on_kept: Callback<Option<KeptBaseline>>,
}

const KINDS: [(&str, &str); 4] =
    [("", "All"), ("principal", "Principals"), ("bucket", "Buckets"), ("instance", "Instances")];

#[function_component(BaselinesView)]
pub fn baselines_view(props: &BaselinesProps) -> Html {
    let kind = use_state(String::new);
    let text = use_state(String::new);
    let only_departing = use_state(|| false);
    let open = use_state(|| None::<(String, String, String)>);
    let error = use_state(|| None::<String>);

    let entities = props.entities.clone().unwrap_or_default();
    let needle = text.to_lowercase();
    let mut shown: Vec<&EntityView> = entities
        .iter()
        .filter(|e| kind.is_empty() || e.kind == *kind)
        .filter(|e| !*only_departing || !e.departures.is_empty() || !e.anomalies.is_empty())
        .filter(|e| {
            needle.is_empty()
                || e.id.to_lowercase().contains(&needle)
                || e.account_id.contains(&needle)
                || e.departures.iter().any(|d| d.value.to_lowercase().contains(&needle))
        })
        .collect();
    // What departs most comes first: anomalies, then new values, then the busiest.
    shown.sort_by(|a, b| {
        (b.anomalies.len(), b.departures.len(), b.window_count).cmp(&(
            a.anomalies.len(),
            a.departures.len(),
            a.window_count,
        ))
    });

    let kind_buttons = KINDS.iter().map(|&(k, label)| {
        let kind = kind.clone();
        let active = *kind == k;
        let count = entities.iter().filter(|e| k.is_empty() || e.kind == k).count();
        let onclick = Callback::from(move |_: MouseEvent| kind.set(k.to_string()));
        html! { <button class={classes!("button", "small", active.then_some("active"))} {onclick}
            data-testid={format!("baseline-kind-{}", if k.is_empty() { "all" } else { k })}>{format!("{label} ({count})")}</button> }
    });
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_departing = {
        let only_departing = only_departing.clone();
        Callback::from(move |e: Event| {
            only_departing.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };

    let rows = shown.iter().map(|e| {
        let key = (e.kind.clone(), e.account_id.clone(), e.id.clone());
        let is_open = open.as_ref() == Some(&key);
        let onclick = {
            let open = open.clone();
            let key = key.clone();
            Callback::from(move |_: MouseEvent| open.set(if is_open { None } else { Some(key.clone()) }))
        };
        let judged = match &e.profile {
            Some(_) => format!("{} → {}", e.baseline_from, e.baseline_to),
            None => "not enough history".to_string(),
        };
        html! {
            <>
            <tr data-testid="baseline-row" data-kind={e.kind.clone()} data-entity={e.id.clone()}
                class={classes!(is_open.then_some("selected"), (!e.anomalies.is_empty()).then_some("anomalous"))}>
                <td>{e.kind.clone()}</td>
                <td><button class="link" {onclick} aria-expanded={is_open.to_string()}>{e.id.clone()}</button></td>
                <td>{e.account_id.clone()}</td>
                <td>{judged}<span class="muted">{format!(" ({})", e.baseline_source)}</span></td>
                <td class="num">{thousands(e.window_count)}</td>
                <td class="num" data-testid="baseline-departures">{e.departures.len()}</td>
                <td class="num" data-testid="baseline-anomalies">{e.anomalies.len()}</td>
            </tr>
            if is_open {
                <tr class="baseline-detail"><td colspan="7">{ entity_detail(e) }</td></tr>
            }
            </>
        }
    });

    html! {
        <section class="baselines" aria-label="Baselines">
            { kept_controls(props, &error) }
            if let Some(e) = &*error { <p class="error" data-testid="baseline-error">{e.clone()}</p> }
            if props.entities.is_none() {
                <p class="empty">{"No analysis yet: the baselines learned from your logs appear here."}</p>
            } else {
                <div class="filters">
                    { for kind_buttons }
                    <input type="search" placeholder="Filter by id, account or value" oninput={on_text} value={(*text).clone()} aria-label="Filter baselines" data-testid="baseline-filter" />
                    <label class="small"><input type="checkbox" checked={*only_departing} onchange={on_departing} />{"only entities that depart from their baseline"}</label>
                </div>
                <table class="baseline-table">
                    <thead><tr><th>{"Kind"}</th><th>{"Entity"}</th><th>{"Account"}</th><th>{"Baseline"}</th>
                        <th class="num">{"Activity in window"}</th><th class="num">{"New values"}</th><th class="num">{"Anomalies"}</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                if shown.is_empty() { <p class="empty">{"No entity matches."}</p> }
            }
        </section>
    }
}

/// The workers' baseline files as one file (JSON).
fn joined(parts: &[String]) -> String {
    if let [one] = parts {
        return one.clone();
    }
    let files = parts.iter().filter_map(|p| vigil_core::baseline::BaselineFile::from_json(p).ok()).collect();
    vigil_core::shard::merge_baselines(files).to_json()
}

/// Download / keep / load / forget, and whether the next analysis uses the kept baseline.
fn kept_controls(props: &BaselinesProps, error: &UseStateHandle<Option<String>>) -> Html {
    let download = props.learned.clone().map(|learned| {
        Callback::from(move |_: MouseEvent| {
            crate::view::download("vigil-baseline.json", "application/json", &joined(&learned));
        })
    });
    let keep = props.learned.clone().map(|learned| {
        let on_kept = props.on_kept.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let day = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
            match KeptBaseline::from_text(
                format!("learned in this browser on {}", &day[..day.len().min(10)]),
                joined(&learned),
            ) {
                Ok(k) => on_kept.emit(Some(k)),
                Err(e) => error.set(Some(format!("the learned baseline could not be kept: {e}"))),
            }
        })
    });
    let on_load = {
        let on_kept = props.on_kept.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let on_kept = on_kept.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                match gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await {
                    Ok(text) => match KeptBaseline::from_text(name.clone(), text) {
                        Ok(k) => {
                            error.set(None);
                            on_kept.emit(Some(k));
                        }
                        Err(e) => error.set(Some(format!("{name} is not a Vigil baseline file: {e}"))),
                    },
                    Err(e) => error.set(Some(format!("{name}: could not read it ({e})"))),
                }
            });
        })
    };
    let forget = {
        let on_kept = props.on_kept.clone();
        Callback::from(move |_: MouseEvent| on_kept.emit(None))
    };
    let toggle = props.kept.clone().map(|k| {
        let on_kept = props.on_kept.clone();
        Callback::from(move |_: Event| on_kept.emit(Some(KeptBaseline { enabled: !k.enabled, ..k.clone() })))
    });
    html! {
        <div class="kept-baseline" data-testid="kept-baseline">
            <p class="muted">{"Baselines are learned from the first days of each account's input; the rest is judged against them. Keep this baseline to judge next month's logs against this month's without loading them again."}</p>
            <div class="filters">
                if let Some(onclick) = download { <button class="button small" {onclick} data-testid="baseline-download">{"Download baseline"}</button> }
                if let Some(onclick) = keep { <button class="button small" {onclick} data-testid="baseline-keep">{"Keep in this browser"}</button> }
                <label class="button small">{"Load baseline file…"}<input type="file" accept=".json,application/json" onchange={on_load} data-testid="baseline-load" /></label>
            </div>
            if let Some(k) = &props.kept {
                <p data-testid="kept-status">
                    <label><input type="checkbox" checked={k.enabled} onchange={toggle} data-testid="baseline-use" />
                    {format!(" Judge the next analysis against the kept baseline ({}; accounts {}; {})", k.origin, k.accounts.join(", "), bytes(k.text.len() as u64))}</label>
                    {" "}<button class="link" onclick={forget} data-testid="baseline-forget">{"Forget it"}</button>
                </p>
            }
        </div>
    }
}

/// One entity opened: departures, anomalies, and the profile's figures.
fn entity_detail(e: &EntityView) -> Html {
    html! {
        <div class="entity-detail" data-testid="baseline-detail">
            if !e.anomalies.is_empty() {
                <h4>{"Anomalies"}</h4>
                <ul>{ for e.anomalies.iter().map(|a| html! { <li>{a.clone()}</li> }) }</ul>
            }
            <h4>{"Departures in the analysed window"}</h4>
            if e.departures.is_empty() {
                <p class="muted">{"Nothing this entity did in the window is new to its baseline."}</p>
            } else {
                <table class="compact">
                    <thead><tr><th>{"Feature"}</th><th>{"New value"}</th><th class="num">{"Count"}</th></tr></thead>
                    <tbody>{ for e.departures.iter().take(50).map(|d| html! {
                        <tr><td>{d.feature.clone()}</td><td class="path">{d.value.clone()}</td><td class="num">{thousands(d.count)}</td></tr>
                    }) }</tbody>
                </table>
                if e.departures.len() > 50 { <p class="muted">{format!("… and {} more", e.departures.len() - 50)}</p> }
            }
            <h4>{"Profile"}</h4>
            { match &e.profile {
                Some(Value::Object(fields)) => html! {
                    <dl class="profile">{ for fields.iter().filter_map(|(k, v)| profile_field(k, v)) }</dl>
                },
                Some(_) | None => html! { <p class="muted">{"Too little history to learn a profile: this entity is not judged."}</p> },
            } }
        </div>
    }
}

/// A profile field: counts maps show their most frequent values, per-hour arrays a compact
/// histogram, numbers as they are.
fn profile_field(key: &str, value: &Value) -> Option<Html> {
    let shown = match value {
        Value::Object(map) if map.is_empty() => return None,
        Value::Object(map) => {
            let mut items: Vec<(&String, u64)> = map.iter().map(|(k, v)| (k, count_of(v))).collect();
            items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let top: Vec<String> =
                items.iter().take(12).map(|(k, n)| format!("{k} ({})", thousands(*n))).collect();
            let more =
                if items.len() > 12 { format!(" … {} values in all", items.len()) } else { String::new() };
            format!("{}{more}", top.join(", "))
        }
        Value::Array(hours) if hours.len() == 24 => {
            let counts: Vec<u64> = hours.iter().map(count_of).collect();
            let busy: Vec<String> = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(h, n)| format!("{h:02}h:{}", thousands(*n)))
                .collect();
            if busy.is_empty() {
                return None;
            }
            busy.join(" ")
        }
        Value::Array(items) if items.is_empty() => return None,
        Value::Array(items) => items.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => return None,
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => return None,
    };
    Some(html! { <><dt>{profile_label(key)}</dt><dd>{shown}</dd></> })
}

/// A profile field's name for people (the baseline file keeps the camelCase key).
fn profile_label(key: &str) -> String {
    const LABELS: &[(&str, &str)] = &[
        ("activeDays", "Active days"),
        ("agents", "User-agent families"),
        ("apis", "APIs"),
        ("calls", "Calls"),
        ("consoleNetworks", "Console sign-in networks"),
        ("errors", "Errors"),
        ("hours", "Calls by UTC hour"),
        ("kind", "Kind"),
        ("name", "Name"),
        ("networks", "Source networks"),
        ("regions", "Regions"),
        ("services", "Services"),
        ("tactics", "API classes (tactic)"),
        ("widerNetworks", "Wider networks"),
        ("principals", "Principals"),
        ("operations", "Operations"),
        ("peers", "Peers"),
        ("remotePorts", "Remote ports"),
        ("localPorts", "Local ports"),
        ("resolvers", "DNS resolvers"),
        ("protocols", "Protocols"),
    ];
    LABELS.iter().find(|(k, _)| *k == key).map(|(_, l)| l.to_string()).unwrap_or_else(|| key.to_string())
}

/// A count in a profile: a number, or an object whose `count`/`calls`/first number says how often.
fn count_of(v: &Value) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::Object(o) => ["count", "calls", "flows", "days"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_u64))
            .or_else(|| o.values().find_map(Value::as_u64))
            .unwrap_or(0),
        _ => 0,
    }
}
