//! The accounts view: one row per AWS account in the findings, with its regions, the most
//! severe finding, counts by severity and the resources involved. Clicking an account filters
//! the findings table to it.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use vigil_core::findings::{Finding, SeverityLabel};
use yew::prelude::*;

use crate::view::{resource_label, severity_class};

#[derive(Properties, PartialEq)]
pub struct AccountsProps {
    pub findings: Rc<Vec<Finding>>,
    pub on_account: Callback<String>,
}

#[derive(Default)]
struct Row<'a> {
    regions: BTreeSet<&'a str>,
    counts: [usize; 4],
    worst: f64,
    resources: BTreeSet<String>,
}

#[function_component(Accounts)]
pub fn accounts(props: &AccountsProps) -> Html {
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for f in props.findings.iter().filter(|f| !f.service.archived) {
        let r = rows.entry(&f.account_id).or_default();
        r.regions.insert(&f.region);
        r.counts[f.severity_label() as usize] += 1;
        r.worst = r.worst.max(f.severity);
        r.resources.insert(resource_label(f));
    }
    html! {
        <section class="accounts" aria-label="Accounts">
            <table>
                <thead><tr><th>{"Account"}</th><th>{"Worst"}</th><th>{"Critical"}</th><th>{"High"}</th><th>{"Medium"}</th><th>{"Low"}</th><th>{"Regions"}</th><th>{"Resources"}</th></tr></thead>
                <tbody>
                { for rows.iter().map(|(account, r)| {
                    let on_account = props.on_account.clone();
                    let a = account.to_string();
                    let onclick = Callback::from(move |_: MouseEvent| on_account.emit(a.clone()));
                    let label = SeverityLabel::of(r.worst);
                    html! { <tr data-testid="account-row">
                        <td><button class="link" {onclick}>{account.to_string()}</button></td>
                        <td><span class={classes!("sev", severity_class(label))}>{label.as_str()}</span></td>
                        <td class="num">{r.counts[3]}</td><td class="num">{r.counts[2]}</td><td class="num">{r.counts[1]}</td><td class="num">{r.counts[0]}</td>
                        <td>{r.regions.iter().copied().collect::<Vec<_>>().join(", ")}</td>
                        <td>{format!("{} — {}", r.resources.len(), r.resources.iter().take(5).cloned().collect::<Vec<_>>().join(", "))}</td>
                    </tr> }
                }) }
                </tbody>
            </table>
            if rows.is_empty() { <p class="empty">{"No findings yet."}</p> }
        </section>
    }
}
