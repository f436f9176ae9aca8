//! The console's root: state, tabs, and the wiring between the input panel, the analysis
//! worker and the views.

use std::rc::Rc;

use vigil_core::baseline::view::EntityView;
use vigil_core::findings::filter::{apply_suppression, SuppressionRule};
use vigil_core::findings::Finding;
use vigil_core::report::share::{self, SharedFile, SharedReport};
use vigil_core::scan::ScanReport;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::client::AnalysisClient;
use crate::dropped::DroppedFile;
use crate::protocol::{Finished, Job, Reply, UserList};
use crate::storage::{self, BASELINE_KEY, LISTS_KEY, RULES_KEY};
use crate::view::accounts::Accounts;
use crate::view::baselines::{BaselinesView, KeptBaseline};
use crate::view::detail::FindingDetail;
use crate::view::input::{InputPanel, Status};
use crate::view::lists::ListsPanel;
use crate::view::rules::{Draft, RulesPanel};
use crate::view::summary::Summary;
use crate::view::table::{Filter, FindingsTable};
use crate::view::timeline::Timeline;

/// One analysed input as the views show it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileRow {
    pub path: String,
    pub format: String,
    pub records: u64,
    pub events: u64,
    pub bytes: u64,
    pub skipped: Vec<(String, u64)>,
    /// The first errors (location, message); `error_total` counts them all.
    pub errors: Vec<(String, String)>,
    pub error_total: u64,
}

/// A report on screen: from an analysis here, or from a share link (read-only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub findings: Vec<Finding>,
    pub files: Vec<FileRow>,
    pub shared: bool,
    pub redacted: bool,
    /// The baselines view (empty for a shared report: links carry findings only).
    pub baselines: Rc<Vec<EntityView>>,
    /// The baseline file this analysis learned (JSON), to download or keep.
    pub learned: Option<Rc<Vec<String>>>,
}

impl Loaded {
    pub fn from_finished(finished: Finished) -> Self {
        let learned = (!finished.learned.is_empty()).then(|| Rc::new(finished.learned));
        Self { baselines: Rc::new(finished.baselines), learned, ..Self::from_scan(finished.report) }
    }

    pub fn from_scan(report: ScanReport) -> Self {
        let files = report
            .files
            .iter()
            .map(|f| FileRow {
                path: f.path.clone(),
                format: f.format.as_str().to_string(),
                records: f.records,
                events: f.events,
                bytes: f.bytes,
                skipped: f.skipped.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                errors: f.errors.iter().map(|e| (e.location.clone(), e.message.clone())).collect(),
                error_total: f.error_total(),
            })
            .collect();
        Self { findings: report.findings, files, shared: false, redacted: false, ..Self::default() }
    }

    pub fn from_shared(report: SharedReport) -> Self {
        let files = report
            .files
            .iter()
            .map(|f| FileRow {
                path: f.path.clone(),
                format: f.format.clone(),
                records: f.records,
                events: f.events,
                skipped: if f.skipped > 0 { vec![("skipped".to_string(), f.skipped)] } else { Vec::new() },
                error_total: f.errors,
                ..FileRow::default()
            })
            .collect();
        Self { findings: report.findings, files, shared: true, redacted: report.redacted, ..Self::default() }
    }

    /// What a share link carries: findings and the per-file account, never log content.
    pub fn to_shared(&self) -> SharedReport {
        SharedReport {
            findings: self.findings.clone(),
            files: self
                .files
                .iter()
                .map(|f| SharedFile {
                    path: f.path.clone(),
                    format: f.format.clone(),
                    records: f.records,
                    events: f.events,
                    skipped: f.skipped.iter().map(|s| s.1).sum(),
                    errors: f.error_total,
                })
                .collect(),
            redacted: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Findings,
    Summary,
    Accounts,
    Baselines,
    Lists,
    Rules,
    About,
}

const TABS: [(Tab, &str); 7] = [
    (Tab::Findings, "Findings"),
    (Tab::Summary, "Summary"),
    (Tab::Accounts, "Accounts"),
    (Tab::Baselines, "Baselines"),
    (Tab::Lists, "Lists"),
    (Tab::Rules, "Suppression rules"),
    (Tab::About, "About"),
];

fn read_share_fragment() -> Option<Result<SharedReport, String>> {
    let hash = gloo::utils::window().location().hash().ok()?;
    if hash.len() <= 1 {
        return None;
    }
    Some(share::decode(&hash).map_err(|e| e.to_string()))
}

#[function_component(App)]
pub fn app() -> Html {
    let status = use_state(|| Status::Idle);
    let loaded = use_state(|| None::<Rc<Loaded>>);
    let share_error = use_state(|| None::<String>);
    let url_errors = use_state(Vec::<(String, String)>::new);
    let tab = use_state(|| Tab::Findings);
    let filter = use_state(Filter::default);
    let selected = use_state(|| None::<String>);
    let rules = use_state(|| storage::load::<Vec<SuppressionRule>>(RULES_KEY));
    let lists = use_state(|| storage::load::<Vec<UserList>>(LISTS_KEY));
    let kept = use_state(|| storage::load::<Option<KeptBaseline>>(BASELINE_KEY));
    let geo = use_state(Vec::<web_sys::File>::new);
    let notices = use_state(Vec::<String>::new);
    let rule_draft = use_state(Draft::default);
    let share_link = use_state(|| None::<String>);
    let redact = use_state(|| true);

    // A share link in the fragment opens that report, read-only.
    {
        let loaded = loaded.clone();
        let share_error = share_error.clone();
        use_effect_with((), move |_| match read_share_fragment() {
            Some(Ok(report)) => loaded.set(Some(Rc::new(Loaded::from_shared(report)))),
            Some(Err(e)) => share_error.set(Some(e)),
            None => {}
        });
    }

    let client = {
        let status = status.clone();
        let loaded = loaded.clone();
        let url_errors = url_errors.clone();
        let selected = selected.clone();
        let notices = notices.clone();
        use_memo((), move |_| {
            let progress = Rc::new(std::cell::RefCell::new(crate::protocol::Progress::default()));
            AnalysisClient::new(move |reply| match reply {
                Reply::Ready
                | Reply::ListLoaded(_)
                | Reply::BenchPrepared { .. }
                | Reply::BenchMeasured(_) => {}
                Reply::Progress(p) => {
                    *progress.borrow_mut() = p.clone();
                    status.set(Status::Running(p));
                }
                Reply::UrlError { url, message } => {
                    let mut v = (*url_errors).clone();
                    v.push((url, message));
                    url_errors.set(v);
                }
                Reply::Notice(message) => {
                    let mut v = (*notices).clone();
                    v.push(message);
                    notices.set(v);
                }
                Reply::Done(finished) => {
                    selected.set(None);
                    loaded.set(Some(Rc::new(Loaded::from_finished(*finished))));
                    status.set(Status::Done { progress: progress.borrow().clone() });
                }
                Reply::Failed(e) => status.set(Status::Failed(e)),
            })
        })
    };

    let start = {
        let client = client.clone();
        let status = status.clone();
        let lists = lists.clone();
        let url_errors = url_errors.clone();
        let share_link = share_link.clone();
        let kept = kept.clone();
        let notices = notices.clone();
        let geo = geo.clone();
        Rc::new(move |mut job: Job, files: Vec<web_sys::File>| {
            job.lists = lists.iter().filter(|l| l.enabled).cloned().collect();
            job.baseline = kept.as_ref().filter(|k| k.enabled).map(|k| k.text.clone());
            url_errors.set(Vec::new());
            notices.set(Vec::new());
            share_link.set(None);
            // Thousands of picked files take a while to size: read them without freezing the page.
            status.set(Status::Collecting);
            let (client, status, geo) = (client.clone(), status.clone(), (*geo).clone());
            wasm_bindgen_futures::spawn_local(async move {
                let sizes = crate::client::file_sizes(&files).await;
                status.set(Status::Running(Default::default()));
                client.submit(&job, &files, &sizes, &geo);
            });
        })
    };
    let on_files = {
        let start = start.clone();
        Callback::from(move |files: Vec<DroppedFile>| {
            let job = Job { paths: files.iter().map(|f| f.path.clone()).collect(), ..Job::default() };
            start(job, files.into_iter().map(|f| f.file).collect());
        })
    };
    let on_urls = {
        let start = start.clone();
        Callback::from(move |urls: Vec<String>| start(Job { urls, ..Job::default() }, Vec::new()))
    };
    let on_sample = {
        let start = start.clone();
        Callback::from(move |_| start(Job { sample: true, ..Job::default() }, Vec::new()))
    };
    let on_cancel = {
        let client = client.clone();
        let status = status.clone();
        Callback::from(move |_| {
            client.cancel();
            status.set(Status::Cancelled);
        })
    };
    let on_collecting = {
        let status = status.clone();
        Callback::from(move |_| status.set(Status::Collecting))
    };

    // Suppression applies to what is shown; the findings themselves stay as analysed.
    let findings: Rc<Vec<Finding>> = {
        let loaded = (*loaded).clone();
        let rules = (*rules).clone();
        use_memo((loaded, rules), |(loaded, rules)| {
            let mut f = loaded.as_ref().map(|l| l.findings.clone()).unwrap_or_default();
            apply_suppression(&mut f, rules);
            f
        })
    };

    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |f: Filter| filter.set(f))
    };
    let on_range = {
        let filter = filter.clone();
        Callback::from(move |r| {
            let mut f = (*filter).clone();
            f.range = r;
            filter.set(f);
        })
    };
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |s| selected.set(s))
    };
    let on_rules = {
        let rules = rules.clone();
        Callback::from(move |r: Vec<SuppressionRule>| {
            storage::save(RULES_KEY, &r);
            rules.set(r);
        })
    };
    let on_lists = {
        let lists = lists.clone();
        Callback::from(move |l: Vec<UserList>| {
            storage::save(LISTS_KEY, &l);
            lists.set(l);
        })
    };
    let on_kept = {
        let kept = kept.clone();
        let notices = notices.clone();
        Callback::from(move |k: Option<KeptBaseline>| {
            match &k {
                Some(k) => {
                    if let Err(e) = storage::try_save(BASELINE_KEY, &Some(k)) {
                        let mut v = (*notices).clone();
                        v.push(format!("{e}. Download the baseline instead and load it next time."));
                        notices.set(v);
                    }
                }
                None => storage::remove(BASELINE_KEY),
            }
            kept.set(k);
        })
    };
    let on_draft = {
        let rule_draft = rule_draft.clone();
        Callback::from(move |d| rule_draft.set(d))
    };
    let on_suppress_similar = {
        let rule_draft = rule_draft.clone();
        let tab = tab.clone();
        Callback::from(move |f: Finding| {
            rule_draft.set(Draft::like(&f));
            tab.set(Tab::Rules);
        })
    };
    let show_type = {
        let filter = filter.clone();
        let tab = tab.clone();
        Callback::from(move |t: String| {
            filter.set(Filter { finding_type: t, ..Filter::default() });
            tab.set(Tab::Findings);
        })
    };
    let show_account = {
        let filter = filter.clone();
        let tab = tab.clone();
        Callback::from(move |a: String| {
            filter.set(Filter { account: a, ..Filter::default() });
            tab.set(Tab::Findings);
        })
    };

    let shared_view = loaded.as_ref().is_some_and(|l| l.shared);
    let tabs = TABS.iter().filter(|(t, _)| !(shared_view && matches!(t, Tab::Lists | Tab::Baselines))).map(|&(t, label)| {
        let tab = tab.clone();
        let active = *tab == t;
        let onclick = Callback::from(move |_: MouseEvent| tab.set(t));
        html! { <button class={classes!("tab", active.then_some("active"))} {onclick} role="tab" aria-selected={active.to_string()}
            data-testid={format!("tab-{}", label.split(' ').next().unwrap_or(label).to_lowercase())}>{label}</button> }
    });

    let body = match (&*loaded, *tab) {
        (_, Tab::Lists) => {
            let on_geo = {
                let geo = geo.clone();
                Callback::from(move |g| geo.set(g))
            };
            html! { <ListsPanel lists={(*lists).clone()} on_change={on_lists} geo={(*geo).clone()} {on_geo} /> }
        }
        (_, Tab::About) => about(),
        (l, Tab::Baselines) => html! {
            <BaselinesView entities={l.as_ref().map(|l| l.baselines.clone())} learned={l.as_ref().and_then(|l| l.learned.clone())}
                kept={(*kept).clone()} {on_kept} />
        },
        (None, Tab::Rules) => html! {
            <RulesPanel rules={(*rules).clone()} findings={findings.clone()} draft={(*rule_draft).clone()} {on_draft} on_change={on_rules} />
        },
        (None, _) => {
            html! { <p class="empty">{"No report yet: drop logs above or try the sample data."}</p> }
        }
        (Some(l), Tab::Summary) => {
            html! { <Summary loaded={l.clone()} findings={findings.clone()} on_type={show_type} /> }
        }
        (Some(_), Tab::Accounts) => {
            html! { <Accounts findings={findings.clone()} on_account={show_account} /> }
        }
        (Some(_), Tab::Rules) => html! {
            <RulesPanel rules={(*rules).clone()} findings={findings.clone()} draft={(*rule_draft).clone()} {on_draft} on_change={on_rules} />
        },
        (Some(_), Tab::Findings) => {
            let detail = selected.as_ref().and_then(|id| findings.iter().find(|f| &f.id == id)).cloned();
            let on_close = {
                let selected = selected.clone();
                Callback::from(move |_| selected.set(None))
            };
            html! {
                <>
                    <Timeline findings={findings.clone()} range={filter.range} {on_range} />
                    <div class={classes!("findings-layout", detail.is_some().then_some("with-detail"))}>
                        <FindingsTable findings={findings.clone()} filter={(*filter).clone()} {on_filter} selected={(*selected).clone()} {on_select} />
                        if let Some(f) = detail {
                            <FindingDetail finding={f} {on_close} on_suppress_similar={Some(on_suppress_similar)} />
                        }
                    </div>
                </>
            }
        }
    };

    html! {
        <div class="app">
            <header class="top">
                <h1>{"Vigil"}<span class="tagline">{"GuardDuty-class threat detection for AWS logs — in your browser"}</span></h1>
                if let Some(l) = &*loaded {
                    { toolbar(l, &findings, &share_link, &redact) }
                }
            </header>
            if let Some(e) = &*share_error {
                <p class="error" data-testid="share-error">{format!("This share link could not be opened: {e}")}</p>
            }
            if let Some(l) = loaded.as_ref().filter(|l| l.shared) {
                <p class="notice" data-testid="shared-notice">
                    { if l.redacted {
                        "This report was opened from a share link (read-only). Account ids and IP addresses were redacted by the sender. "
                    } else { "This report was opened from a share link (read-only). " } }
                    <a href="./" data-testid="open-own">{"Analyse your own logs instead"}</a>
                </p>
            } else {
                <InputPanel status={(*status).clone()} {on_files} {on_urls} {on_sample} {on_cancel} {on_collecting} url_errors={(*url_errors).clone()} />
            }
            { for notices.iter().map(|n| html! { <p class="notice" data-testid="analysis-notice">{n.clone()}</p> }) }
            <nav class="tabs" role="tablist">{ for tabs }</nav>
            <main>{ body }</main>
        </div>
    }
}

fn toolbar(
    loaded: &Rc<Loaded>,
    findings: &Rc<Vec<Finding>>,
    share_link: &UseStateHandle<Option<String>>,
    redact: &UseStateHandle<bool>,
) -> Html {
    let on_share = {
        let loaded = loaded.clone();
        let share_link = share_link.clone();
        let redact = redact.clone();
        Callback::from(move |_: MouseEvent| {
            let mut report = loaded.to_shared();
            if *redact {
                report = share::redact(&report);
            }
            let location = gloo::utils::window().location();
            let base = format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            );
            share_link.set(Some(format!("{base}#{}", share::encode(&report))));
        })
    };
    let on_redact = {
        let redact = redact.clone();
        let share_link = share_link.clone();
        Callback::from(move |e: Event| {
            redact.set(e.target_unchecked_into::<HtmlInputElement>().checked());
            share_link.set(None);
        })
    };
    let exports = crate::export::FORMATS.iter().map(|&(format, label, filename, mime)| {
        let findings = findings.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            crate::view::download(filename, mime, &crate::export::render(format, &findings));
        });
        html! { <button class="button small" {onclick} data-testid={format!("export-{format}")}>{label}</button> }
    });
    html! {
        <div class="toolbar">
            <span class="label">{"Export"}</span>{ for exports }
            <button class="button small" onclick={on_share} data-testid="share-button">{"Share link"}</button>
            <label class="small"><input type="checkbox" checked={**redact} onchange={on_redact} data-testid="share-redact" />{"redact accounts and IPs"}</label>
            if let Some(link) = &**share_link {
                <input class="share-link" readonly=true value={link.clone()} data-testid="share-link" aria-label="Share link" />
            }
        </div>
    }
}

fn about() -> Html {
    html! {
        <section class="about" aria-label="About">
            <h2>{"About Vigil"}</h2>
            <p>{"Vigil finds what Amazon GuardDuty finds in CloudTrail, VPC Flow Logs and Route 53 Resolver query logs — with the same finding types, JSON and severities — entirely in this browser tab. Nothing you load is sent anywhere: the page has no server side, and its security policy only allows it to fetch its own files and the pre-signed S3 URLs you paste."}</p>
            <h3>{"Bundled reference data"}</h3>
            { crate::engine::attributions() }
        </section>
    }
}
