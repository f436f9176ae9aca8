//! The summary: counts by severity, type and account; data sources; and the ingestion account
//! (every file, what it was recognised as, records read, events, skipped by reason, errors).

use std::collections::BTreeMap;
use std::rc::Rc;

use vigil_core::findings::Finding;
use yew::prelude::*;

use crate::app::Loaded;
use crate::view::{bytes, severity_class, thousands, SEVERITIES};

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub loaded: Rc<Loaded>,
    pub findings: Rc<Vec<Finding>>,
    pub on_type: Callback<String>,
}

#[function_component(Summary)]
pub fn summary(props: &SummaryProps) -> Html {
    let active: Vec<&Finding> = props.findings.iter().filter(|f| !f.service.archived).collect();
    let archived = props.findings.len() - active.len();
    let mut by_type: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    let mut by_account: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for f in &active {
        let e = by_type.entry(&f.finding_type).or_default();
        e.0 += 1;
        e.1 = e.1.max(f.severity);
        by_account.entry(&f.account_id).or_default()[f.severity_label() as usize] += 1;
    }
    let mut types: Vec<(&str, (usize, f64))> = by_type.into_iter().collect();
    types.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1).then(b.1 .0.cmp(&a.1 .0)));

    let mut sources: BTreeMap<&str, (usize, u64, u64, u64)> = BTreeMap::new();
    for file in &props.loaded.files {
        let e = sources.entry(&file.format).or_default();
        e.0 += 1;
        e.1 += file.records;
        e.2 += file.events;
        e.3 += file.bytes;
    }
    let skipped_total: u64 =
        props.loaded.files.iter().map(|f| f.skipped.iter().map(|s| s.1).sum::<u64>()).sum();
    let error_total: u64 = props.loaded.files.iter().map(|f| f.error_total).sum();

    html! {
        <section class="summary" aria-label="Summary">
            <div class="cards">
                { for SEVERITIES.iter().map(|&label| {
                    let n = active.iter().filter(|f| f.severity_label() == label).count();
                    html! { <div class={classes!("card", severity_class(label))} data-testid={format!("count-{}", label.as_str().to_lowercase())}>
                        <span class="n">{n}</span><span class="label">{label.as_str()}</span></div> }
                }) }
                <div class="card neutral"><span class="n">{archived}</span><span class="label">{"Archived"}</span></div>
            </div>
            <div class="columns">
                <div>
                    <h3>{"By finding type"}</h3>
                    <table class="compact"><tbody>
                    { for types.iter().map(|(t, (n, sev))| {
                        let on_type = props.on_type.clone();
                        let t2 = t.to_string();
                        let onclick = Callback::from(move |_: MouseEvent| on_type.emit(t2.clone()));
                        html! { <tr><td><span class={classes!("dot", severity_class(vigil_core::findings::SeverityLabel::of(*sev)))} /></td>
                            <td><button class="link" {onclick}>{t.to_string()}</button></td><td class="num">{*n}</td></tr> }
                    }) }
                    </tbody></table>
                </div>
                <div>
                    <h3>{"By account"}</h3>
                    <table class="compact"><thead><tr><th>{"Account"}</th><th>{"Critical"}</th><th>{"High"}</th><th>{"Medium"}</th><th>{"Low"}</th></tr></thead><tbody>
                    { for by_account.iter().map(|(a, c)| html! { <tr><td>{a.to_string()}</td><td class="num">{c[3]}</td><td class="num">{c[2]}</td><td class="num">{c[1]}</td><td class="num">{c[0]}</td></tr> }) }
                    </tbody></table>
                    <h3>{"Data sources"}</h3>
                    <table class="compact"><thead><tr><th>{"Format"}</th><th>{"Files"}</th><th>{"Records"}</th><th>{"Events"}</th><th>{"Size"}</th></tr></thead><tbody>
                    { for sources.iter().map(|(fmt, (n, r, e, b))| html! { <tr><td>{fmt.to_string()}</td><td class="num">{*n}</td><td class="num">{thousands(*r)}</td><td class="num">{thousands(*e)}</td><td class="num">{bytes(*b)}</td></tr> }) }
                    </tbody></table>
                </div>
            </div>
            <details class="ingestion" open={error_total > 0} data-testid="ingestion">
                <summary>{format!("Ingestion: {} files, {} records skipped, {} errors", props.loaded.files.len(), thousands(skipped_total), thousands(error_total))}</summary>
                <table class="compact"><thead><tr><th>{"File"}</th><th>{"Format"}</th><th>{"Records"}</th><th>{"Events"}</th><th>{"Skipped"}</th><th>{"Errors"}</th></tr></thead><tbody>
                { for props.loaded.files.iter().map(|f| html! {
                    <>
                    <tr class={classes!((f.error_total > 0).then_some("has-errors"))} data-testid="ingest-row">
                        <td class="path">{f.path.clone()}</td><td>{f.format.clone()}</td>
                        <td class="num">{thousands(f.records)}</td><td class="num">{thousands(f.events)}</td>
                        <td>{ f.skipped.iter().map(|(r, n)| format!("{r}: {n}")).collect::<Vec<_>>().join(", ") }</td>
                        <td class="num">{f.error_total}</td>
                    </tr>
                    { for f.errors.iter().map(|(loc, msg)| html! { <tr class="error-row"><td colspan="6" data-testid="ingest-error">{format!("{loc}: {msg}")}</td></tr> }) }
                    if f.error_total > f.errors.len() as u64 {
                        <tr class="error-row"><td colspan="6">{format!("… and {} more errors in this file", f.error_total - f.errors.len() as u64)}</td></tr>
                    }
                    </>
                }) }
                </tbody></table>
            </details>
        </section>
    }
}
