//! Where data comes in: the drop zone (files and whole folders), the file and folder pickers,
//! the pre-signed URL box, the sample-data button, and the progress of the running analysis.

use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::dropped::{entries_of, walk, DroppedFile};
use crate::protocol::Progress;
use crate::view::{bytes, thousands};

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Collecting,
    Running(Progress),
    Done { progress: Progress },
    Cancelled,
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct InputProps {
    pub status: Status,
    pub on_files: Callback<Vec<DroppedFile>>,
    pub on_urls: Callback<Vec<String>>,
    pub on_sample: Callback<()>,
    pub on_cancel: Callback<()>,
    pub on_collecting: Callback<()>,
    pub url_errors: Vec<(String, String)>,
}

fn files_of_input(input: &HtmlInputElement) -> Vec<DroppedFile> {
    let Some(list) = input.files() else { return Vec::new() };
    let mut out: Vec<DroppedFile> = (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| {
            // A folder picker gives each file its path inside the folder.
            let rel = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string())
                .filter(|s| !s.is_empty());
            DroppedFile { path: rel.unwrap_or_else(|| file.name()), file }
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[function_component(InputPanel)]
pub fn input_panel(props: &InputProps) -> Html {
    let hover = use_state(|| false);
    let url_text = use_state(String::new);

    let ondragover = {
        let hover = hover.clone();
        Callback::from(move |e: DragEvent| {
            // Without this the browser would open the dropped file itself.
            e.prevent_default();
            hover.set(true);
        })
    };
    let ondragleave = {
        let hover = hover.clone();
        Callback::from(move |_: DragEvent| hover.set(false))
    };
    let ondrop = {
        let hover = hover.clone();
        let on_files = props.on_files.clone();
        let on_collecting = props.on_collecting.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            hover.set(false);
            let Some(dt) = e.data_transfer() else { return };
            let (entries, loose) = entries_of(&dt);
            on_collecting.emit(());
            let on_files = on_files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_files.emit(walk(entries, loose).await);
            });
        })
    };
    let on_pick = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = files_of_input(&input);
            if !files.is_empty() {
                on_files.emit(files);
            }
            input.set_value("");
        })
    };
    let on_url_input = {
        let url_text = url_text.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            url_text.set(t.value());
        })
    };
    let on_fetch = {
        let url_text = url_text.clone();
        let on_urls = props.on_urls.clone();
        Callback::from(move |_: MouseEvent| {
            let urls: Vec<String> =
                url_text.split_whitespace().filter(|u| !u.is_empty()).map(str::to_string).collect();
            if !urls.is_empty() {
                on_urls.emit(urls);
            }
        })
    };
    let on_sample = {
        let cb = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };

    let busy = matches!(props.status, Status::Running(_) | Status::Collecting);
    let zone_class = classes!("dropzone", hover.then_some("hover"), busy.then_some("busy"));

    html! {
        <section class="input-panel" aria-label="Load logs">
            <div class={zone_class} {ondragover} {ondragleave} {ondrop} data-testid="drop-zone">
                <p class="drop-title">{"Drop CloudTrail, VPC Flow Log or Route 53 Resolver files — or whole AWSLogs folders — here"}</p>
                <p class="drop-sub">{"Plain, gzip or zip. Everything is analysed in this tab; no byte of your logs leaves it."}</p>
                <div class="pickers">
                    <label class="button">
                        {"Choose files"}
                        <input type="file" multiple=true data-testid="drop-input" onchange={on_pick.clone()} />
                    </label>
                    <label class="button">
                        {"Choose a folder"}
                        <input type="file" multiple=true webkitdirectory=true data-testid="folder-input" onchange={on_pick} />
                    </label>
                    <button class="button primary" onclick={on_sample} disabled={busy} data-testid="sample-button">
                        {"Try sample data"}
                    </button>
                </div>
            </div>
            <details class="url-box">
                <summary>{"Load from pre-signed S3 URLs"}</summary>
                <textarea data-testid="url-input" rows="3" placeholder="https://bucket.s3.region.amazonaws.com/AWSLogs/…?X-Amz-Signature=… (one per line)"
                    oninput={on_url_input} value={(*url_text).clone()} />
                <button class="button" onclick={on_fetch} disabled={busy} data-testid="url-fetch">{"Fetch and analyse"}</button>
                <p class="hint">{"The browser fetches each URL directly from S3; the bucket needs a CORS rule allowing this page's origin (see README)."}</p>
            </details>
            { status_line(&props.status, on_cancel) }
            { for props.url_errors.iter().map(|(url, msg)| html! {
                <p class="error url-error" data-testid="url-error"><strong>{url.clone()}</strong>{": "}{msg.clone()}</p>
            }) }
        </section>
    }
}

fn status_line(status: &Status, on_cancel: Callback<MouseEvent>) -> Html {
    match status {
        Status::Idle => {
            html! { <p class="status" data-testid="analyze-status">{"Ready: drop logs or try the sample data."}</p> }
        }
        Status::Collecting => {
            html! { <p class="status" data-testid="analyze-status">{"Reading the dropped files and folders…"}</p> }
        }
        Status::Running(p) => {
            let pct =
                if p.bytes_total > 0 { p.bytes_done as f64 * 100.0 / p.bytes_total as f64 } else { 0.0 };
            let left = p.seconds_left().map(|s| format!(", about {s:.0} s left")).unwrap_or_default();
            html! {
                <div class="progress">
                    <progress max="100" value={format!("{pct:.1}")} />
                    <p class="status" data-testid="analyze-status">
                        {format!("Analysing {} of {} · file {}/{} · {} events ({:.0}/s){}{left}",
                            bytes(p.bytes_done), bytes(p.bytes_total), p.files_done.min(p.files_total) + 1, p.files_total,
                            thousands(p.events), p.events_per_second(), p.workers_note())}
                    </p>
                    <p class="current">{p.current.clone()}</p>
                    <button class="button" onclick={on_cancel} data-testid="cancel-button">{"Cancel"}</button>
                </div>
            }
        }
        Status::Done { progress: p } => html! {
            <p class="status ok" data-testid="analyze-status">
                {format!("Analysis done: {} files, {} events, {} in {:.1} s ({:.0} events/s){}.",
                    p.files_total, thousands(p.events), bytes(p.bytes_done), p.elapsed_ms / 1000.0, p.events_per_second(), p.workers_note())}
            </p>
        },
        Status::Cancelled => {
            html! { <p class="status" data-testid="analyze-status">{"Analysis cancelled."}</p> }
        }
        Status::Failed(e) => {
            html! { <p class="status error" data-testid="analyze-status">{format!("Analysis failed: {e}")}</p> }
        }
    }
}
