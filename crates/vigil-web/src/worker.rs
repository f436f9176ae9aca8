//! Runs inside the analysis Web Worker: reads dropped files in 1 MiB slices (`FileReaderSync`,
//! so a multi-GB file never sits in memory), fetches URLs as streams, generates the sample world
//! on request, feeds everything to vigil-core's [`Scanner`] and posts progress and the report.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, ReadableStreamDefaultReader, Response};

use vigil_core::scan::{FileId, Scanner};

use crate::engine::build_engine;
use crate::protocol::{Finished, Job, Progress, Reply};

const SLICE_BYTES: f64 = 1024.0 * 1024.0;
const PROGRESS_INTERVAL_MS: f64 = 100.0;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    js_sys::Date::now()
}

pub fn post(reply: &Reply) {
    let text = serde_json::to_string(reply).unwrap_or_else(|e| format!("{{\"Failed\":\"{e}\"}}"));
    let _ = scope().post_message(&JsValue::from_str(&text));
}

struct Run {
    scanner: Scanner,
    progress: Progress,
    started: f64,
    last_post: f64,
}

impl Run {
    fn push(&mut self, id: FileId, bytes: &[u8]) {
        self.scanner.push(id, bytes);
        self.progress.bytes_done += bytes.len() as u64;
        self.tick(false);
    }

    fn tick(&mut self, force: bool) {
        let t = now();
        if force || t - self.last_post >= PROGRESS_INTERVAL_MS {
            self.progress.events = self.scanner.engine().events_seen();
            self.progress.elapsed_ms = t - self.started;
            self.last_post = t;
            post(&Reply::Progress(self.progress.clone()));
        }
    }
}

/// Handles one `{job, files}` message from the page (or `{bench}` from the benchmark page).
pub async fn handle(message: JsValue) {
    if let Some(request) = Reflect::get(&message, &"bench".into()).ok().and_then(|v| v.as_string()) {
        post(&crate::bench::handle(&request));
        return;
    }
    match run(message).await {
        Ok(()) => {}
        Err(e) => post(&Reply::Failed(e)),
    }
}

async fn run(message: JsValue) -> Result<(), String> {
    let job_text = Reflect::get(&message, &"job".into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or("the page sent no job")?;
    let job: Job = serde_json::from_str(&job_text).map_err(|e| format!("bad job: {e}"))?;
    let files: Array =
        Reflect::get(&message, &"files".into()).ok().and_then(|v| v.dyn_into().ok()).unwrap_or_default();

    let reader = FileReaderSync::new().map_err(|_| "FileReaderSync is not available")?;
    let geo_files: Array =
        Reflect::get(&message, &"geo".into()).ok().and_then(|v| v.dyn_into().ok()).unwrap_or_default();
    let mut geo = Vec::new();
    for file in geo_files.iter().filter_map(|f| f.dyn_into::<File>().ok()) {
        match reader.read_as_array_buffer(&file) {
            Ok(buf) => geo.push((file.name(), Uint8Array::new(&buf).to_vec())),
            Err(e) => post(&Reply::Notice(format!("{}: the browser could not read it ({e:?})", file.name()))),
        }
    }
    let (engine, list_reports, notices) = build_engine(&job.lists, job.baseline.as_deref(), geo);
    for report in list_reports {
        post(&Reply::ListLoaded(report));
    }
    for message in notices {
        post(&Reply::Notice(message));
    }
    let mut run =
        Run { scanner: Scanner::new(engine), progress: Progress::default(), started: now(), last_post: 0.0 };

    if job.sample {
        // Generated file by file and analysed as it comes, so the world never sits in memory whole.
        let (index, of) = job.sample_shard.unwrap_or((0, 1));
        let mut share = vigil_core::shard::StreamShard::new(index, of);
        vigil_core::sample::generate_each(&vigil_core::sample::SampleOptions::default(), |f| {
            if !share.takes(&f.path) {
                return;
            }
            run.progress.files_total += 1;
            run.progress.bytes_total += f.bytes.len() as u64;
            run.progress.current = f.path.clone();
            let id = run.scanner.begin_file(&f.path);
            for chunk in f.bytes.chunks(SLICE_BYTES as usize) {
                run.push(id, chunk);
            }
            run.scanner.end_file(id);
            run.progress.files_done += 1;
        });
    }

    let files: Vec<File> = files.iter().filter_map(|f| f.dyn_into().ok()).collect();
    run.progress.files_total += files.len() + job.urls.len();
    run.progress.bytes_total += files.iter().map(|f| f.size() as u64).sum::<u64>();
    for (i, file) in files.iter().enumerate() {
        let path = job.paths.get(i).cloned().unwrap_or_else(|| file.name());
        run.progress.current = path.clone();
        let id = run.scanner.begin_file(&path);
        match read_file(&mut run, id, &reader, file) {
            Ok(()) => run.scanner.end_file(id),
            Err(e) => run.scanner.abort_file(id, &e),
        }
        run.progress.files_done += 1;
        run.tick(true);
    }

    for url in &job.urls {
        let shown = display_url(url);
        run.progress.current = shown.clone();
        run.tick(true);
        if let Err(message) = fetch_into(&mut run, url, &shown).await {
            post(&Reply::UrlError { url: shown.clone(), message });
        }
        run.progress.files_done += 1;
    }

    run.tick(true);
    let (report, context) = run.scanner.finish_with_context();
    let finished = Finished {
        report,
        baselines: context.baseline.views(),
        learned: vec![context.baseline.export().to_json()],
    };
    post(&Reply::Done(Box::new(finished)));
    Ok(())
}

/// Reads a file in slices into the scanner; an error says why the rest could not be read.
fn read_file(run: &mut Run, id: FileId, reader: &FileReaderSync, file: &File) -> Result<(), String> {
    let size = file.size();
    let mut offset = 0.0;
    while offset < size {
        let end = (offset + SLICE_BYTES).min(size);
        let slice =
            file.slice_with_f64_and_f64(offset, end).map_err(|e| format!("cannot slice the file: {e:?}"))?;
        let buf = reader
            .read_as_array_buffer(&slice)
            .map_err(|e| format!("the browser could not read the file at byte {offset}: {e:?}"))?;
        run.push(id, &Uint8Array::new(&buf).to_vec());
        offset = end;
    }
    Ok(())
}

/// A URL without its query string: a pre-signed URL's query holds a credential, which must not
/// be shown, stored or shared.
pub fn display_url(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// The S3 bucket CORS rule that lets this page fetch pre-signed URLs.
pub fn cors_rule(origin: &str) -> String {
    format!(
        "[{{\"AllowedOrigins\":[\"{origin}\"],\"AllowedMethods\":[\"GET\",\"HEAD\"],\"AllowedHeaders\":[\"*\"],\"ExposeHeaders\":[\"Content-Length\"],\"MaxAgeSeconds\":3000}}]"
    )
}

async fn fetch_into(run: &mut Run, url: &str, shown: &str) -> Result<(), String> {
    let origin = scope().location().origin();
    if !url.starts_with("https://") {
        return Err("only https:// URLs can be loaded (pre-signed S3 URLs are https)".to_string());
    }
    let response = JsFuture::from(scope().fetch_with_str(url)).await.map_err(|_| {
        format!(
            "the browser could not fetch it. Usually the bucket has no CORS rule for this page's origin \
             ({origin}); add this rule to the bucket (S3 console → Permissions → CORS, or \
             `aws s3api put-bucket-cors --bucket BUCKET --cors-configuration '{{\"CORSRules\":{}}}'`): {}. \
             Only *.amazonaws.com URLs are allowed by this page's security policy.",
            cors_rule(&origin),
            cors_rule(&origin)
        )
    })?;
    let response: Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        let hint = match response.status() {
            403 => " — the pre-signed URL may have expired or its signature does not match",
            404 => " — no such object",
            _ => "",
        };
        return Err(format!("HTTP {} {}{hint}", response.status(), response.status_text()));
    }
    if let Some(len) =
        response.headers().get("content-length").ok().flatten().and_then(|l| l.parse::<u64>().ok())
    {
        run.progress.bytes_total += len;
    }
    let body = response.body().ok_or("the response has no body")?;
    let reader: ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|_| "cannot read the response body".to_string())?;
    let id = run.scanner.begin_file(shown);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| format!("download interrupted: {e:?}"));
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                run.scanner.abort_file(id, &e);
                return Ok(());
            }
        };
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            let bytes: Uint8Array = value.unchecked_into();
            run.push(id, &bytes.to_vec());
        }
    }
    run.scanner.end_file(id);
    Ok(())
}
