//! The findings table: filters (severity, type, account, resource, free text, time range,
//! archived), sortable columns, GuardDuty's severity colours, keyboard navigation
//! (↑/↓ move, Enter opens, Esc closes).

use std::rc::Rc;

use vigil_core::findings::{Finding, SeverityLabel};
use vigil_core::time::{format_iso8601, parse_iso8601, Millis};
use web_sys::{HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::view::{resource_id, resource_label, severity_class, SEVERITIES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    Severity,
    Type,
    Resource,
    Account,
    Count,
    LastSeen,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub severities: Vec<SeverityLabel>,
    pub finding_type: String,
    pub account: String,
    pub resource: String,
    pub text: String,
    pub range: Option<(Millis, Millis)>,
    pub show_archived: bool,
    pub sort: SortBy,
    pub descending: bool,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            severities: SEVERITIES.to_vec(),
            finding_type: String::new(),
            account: String::new(),
            resource: String::new(),
            text: String::new(),
            range: None,
            show_archived: false,
            sort: SortBy::Severity,
            descending: true,
        }
    }
}

impl Filter {
    pub fn accepts(&self, f: &Finding) -> bool {
        if !self.severities.contains(&f.severity_label()) {
            return false;
        }
        if f.service.archived && !self.show_archived {
            return false;
        }
        if !self.finding_type.is_empty() && f.finding_type != self.finding_type {
            return false;
        }
        if !self.account.is_empty() && f.account_id != self.account {
            return false;
        }
        if !self.resource.is_empty()
            && !resource_label(f).to_lowercase().contains(&self.resource.to_lowercase())
        {
            return false;
        }
        if let Some((from, to)) = self.range {
            let first = parse_iso8601(&f.service.event_first_seen).unwrap_or(0);
            let last = parse_iso8601(&f.service.event_last_seen).unwrap_or(0);
            if last < from || first >= to {
                return false;
            }
        }
        if !self.text.is_empty() {
            let needle = self.text.to_lowercase();
            let hay = format!(
                "{} {} {} {} {} {}",
                f.finding_type,
                f.title,
                f.description,
                resource_label(f),
                f.account_id,
                f.region
            )
            .to_lowercase();
            if !hay.contains(&needle) {
                return false;
            }
        }
        true
    }

    pub fn apply<'a>(&self, findings: &'a [Finding]) -> Vec<&'a Finding> {
        let mut out: Vec<&Finding> = findings.iter().filter(|f| self.accepts(f)).collect();
        out.sort_by(|a, b| {
            let o = match self.sort {
                SortBy::Severity => a.severity.total_cmp(&b.severity),
                SortBy::Type => a.finding_type.cmp(&b.finding_type),
                SortBy::Resource => resource_label(a).cmp(&resource_label(b)),
                SortBy::Account => a.account_id.cmp(&b.account_id),
                SortBy::Count => a.service.count.cmp(&b.service.count),
                SortBy::LastSeen => a.service.event_last_seen.cmp(&b.service.event_last_seen),
            };
            let o = if self.descending { o.reverse() } else { o };
            o.then_with(|| b.service.event_last_seen.cmp(&a.service.event_last_seen))
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

/// A change to one filter field, from the field's new text.
type FilterEdit = Rc<dyn Fn(&mut Filter, String)>;

#[derive(Properties, PartialEq)]
pub struct TableProps {
    pub findings: Rc<Vec<Finding>>,
    pub filter: Filter,
    pub on_filter: Callback<Filter>,
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
}

fn distinct<F: Fn(&Finding) -> String>(findings: &[Finding], key: F) -> Vec<String> {
    let mut v: Vec<String> = findings.iter().map(key).filter(|s| !s.is_empty()).collect();
    v.sort();
    v.dedup();
    v
}

#[function_component(FindingsTable)]
pub fn findings_table(props: &TableProps) -> Html {
    let filter = props.filter.clone();
    let rows = filter.apply(&props.findings);
    let types = distinct(&props.findings, |f| f.finding_type.clone());
    let accounts = distinct(&props.findings, |f| f.account_id.clone());

    let set = |change: FilterEdit| {
        let on_filter = props.on_filter.clone();
        let filter = filter.clone();
        move |value: String| {
            let mut f = filter.clone();
            change(&mut f, value);
            on_filter.emit(f);
        }
    };
    let on_type = {
        let set = set(Rc::new(|f, v| f.finding_type = v));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_account = {
        let set = set(Rc::new(|f, v| f.account = v));
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_resource = {
        let set = set(Rc::new(|f, v| f.resource = v));
        Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_text = {
        let set = set(Rc::new(|f, v| f.text = v));
        Callback::from(move |e: InputEvent| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_archived = {
        let set = set(Rc::new(|f, v| f.show_archived = v == "true"));
        Callback::from(move |e: Event| {
            set(e.target_unchecked_into::<HtmlInputElement>().checked().to_string())
        })
    };
    let severity_toggles = SEVERITIES.iter().map(|&label| {
        let on_filter = props.on_filter.clone();
        let filter = filter.clone();
        let checked = filter.severities.contains(&label);
        let onchange = Callback::from(move |_: Event| {
            let mut f = filter.clone();
            if checked {
                f.severities.retain(|l| *l != label);
            } else {
                f.severities.push(label);
            }
            on_filter.emit(f);
        });
        html! {
            <label class={classes!("sev-toggle", severity_class(label))}>
                <input type="checkbox" {checked} {onchange} data-testid={format!("filter-{}", label.as_str().to_lowercase())} />
                {label.as_str()}
            </label>
        }
    });
    let header = |label: &'static str, by: SortBy| {
        let on_filter = props.on_filter.clone();
        let filter = filter.clone();
        let active = filter.sort == by;
        let arrow = if active {
            if filter.descending {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        };
        let aria_sort = if active {
            if filter.descending {
                "descending"
            } else {
                "ascending"
            }
        } else {
            "none"
        };
        let onclick = Callback::from(move |_: MouseEvent| {
            let mut f = filter.clone();
            if f.sort == by {
                f.descending = !f.descending;
            } else {
                f.sort = by;
                f.descending = matches!(by, SortBy::Severity | SortBy::Count | SortBy::LastSeen);
            }
            on_filter.emit(f);
        });
        html! { <th><button class="sort" {onclick} aria-sort={aria_sort}>{label}{arrow}</button></th> }
    };

    let ids: Vec<String> = rows.iter().map(|f| f.id.clone()).collect();
    let onkeydown = {
        let on_select = props.on_select.clone();
        let selected = props.selected.clone();
        Callback::from(move |e: KeyboardEvent| {
            let pos = selected.as_ref().and_then(|s| ids.iter().position(|i| i == s));
            let next = match e.key().as_str() {
                "ArrowDown" | "j" => Some(pos.map_or(0, |p| (p + 1).min(ids.len().saturating_sub(1)))),
                "ArrowUp" | "k" => Some(pos.map_or(0, |p| p.saturating_sub(1))),
                "Escape" => {
                    on_select.emit(None);
                    None
                }
                _ => None,
            };
            if let Some(n) = next {
                e.prevent_default();
                if let Some(id) = ids.get(n) {
                    on_select.emit(Some(id.clone()));
                    if let Some(row) = gloo::utils::document().get_element_by_id(&format!("row-{id}")) {
                        row.scroll_into_view_with_bool(false);
                    }
                }
            }
        })
    };
    let clear_range = {
        let on_filter = props.on_filter.clone();
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| {
            let mut f = filter.clone();
            f.range = None;
            on_filter.emit(f);
        })
    };

    html! {
        <section class="findings" aria-label="Findings">
            <div class="filters">
                { for severity_toggles }
                <select onchange={on_type} data-testid="filter-type" aria-label="Finding type">
                    <option value="" selected={filter.finding_type.is_empty()}>{"All types"}</option>
                    { for types.iter().map(|t| html! { <option value={t.clone()} selected={*t == filter.finding_type}>{t.clone()}</option> }) }
                </select>
                <select onchange={on_account} data-testid="filter-account" aria-label="Account">
                    <option value="" selected={filter.account.is_empty()}>{"All accounts"}</option>
                    { for accounts.iter().map(|a| html! { <option value={a.clone()} selected={*a == filter.account}>{a.clone()}</option> }) }
                </select>
                <input type="search" placeholder="Resource" value={filter.resource.clone()} oninput={on_resource} data-testid="filter-resource" aria-label="Resource" />
                <input type="search" placeholder="Search findings" value={filter.text.clone()} oninput={on_text} data-testid="filter-text" aria-label="Search" />
                <label class="archived-toggle"><input type="checkbox" checked={filter.show_archived} onchange={on_archived} data-testid="show-archived" />{"Show archived"}</label>
                if let Some((from, to)) = filter.range {
                    <span class="range-chip" data-testid="range-chip">{format!("{} → {}", &format_iso8601(from)[..16], &format_iso8601(to)[..16])}
                        <button onclick={clear_range} aria-label="Clear time range">{"×"}</button></span>
                }
            </div>
            <p class="count" data-testid="finding-count">{format!("{} of {} findings", rows.len(), props.findings.len())}</p>
            <div class="table-wrap" tabindex="0" {onkeydown} data-testid="findings-table">
                <table>
                    <thead><tr>
                        { header("Severity", SortBy::Severity) }
                        { header("Finding type", SortBy::Type) }
                        { header("Resource", SortBy::Resource) }
                        { header("Account", SortBy::Account) }
                        { header("Count", SortBy::Count) }
                        { header("Last seen", SortBy::LastSeen) }
                    </tr></thead>
                    <tbody>
                    { for rows.iter().map(|f| {
                        let id = f.id.clone();
                        let selected = props.selected.as_deref() == Some(f.id.as_str());
                        let on_select = props.on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(Some(id.clone())));
                        let label = f.severity_label();
                        html! {
                            <tr id={format!("row-{}", f.id)} class={classes!(selected.then_some("selected"), f.service.archived.then_some("archived"))}
                                {onclick} data-testid="finding-row" data-type={f.finding_type.clone()}
                                data-severity={label.as_str()} data-resource={resource_id(f)} aria-selected={selected.to_string()}>
                                <td><span class={classes!("sev", severity_class(label))}>{format!("{} {:.1}", label.as_str(), f.severity)}</span></td>
                                <td class="type">{f.finding_type.clone()}</td>
                                <td>{resource_label(f)}</td>
                                <td>{f.account_id.clone()}</td>
                                <td class="num">{f.service.count}</td>
                                <td>{f.service.event_last_seen.get(..19).unwrap_or_default().replace('T', " ")}</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                if rows.is_empty() {
                    <p class="empty">{"No finding matches these filters."}</p>
                }
            </div>
        </section>
    }
}
