//! Runs inside the analysis Web Worker: reads dropped files in 1 MiB slices (`FileReaderSync`,
//! so a multi-GB file never sits in memory; a zip archive is read where its entries lie),
//! fetches URLs as streams, generates the sample world on request, feeds everything to
//! vigil-core's [`Scanner`] and posts progress and the report.

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
        if starts_like_zip(&reader, file) {
            read_zip(&mut run, &path, &reader, file);
        } else {
            let id = run.scanner.begin_file(&path);
            match read_file(&mut run, id, &reader, file) {
                Ok(()) => run.scanner.end_file(id),
                Err(e) => run.scanner.abort_file(id, &e),
            }
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

/// `true` when the file's first bytes are a zip archive's.
fn starts_like_zip(reader: &FileReaderSync, file: &File) -> bool {
    let head = file
        .slice_with_f64_and_f64(0.0, 4.0)
        .and_then(|slice| reader.read_as_array_buffer(&slice))
        .map(|buf| Uint8Array::new(&buf).to_vec());
    head.is_ok_and(|head| vigil_core::ingest::archive::is_zip(&head))
}

/// Reads a zip archive where its entries lie (its table of contents is at the end), so the
/// archive is never held in memory whole, whatever its size.
fn read_zip(run: &mut Run, path: &str, reader: &FileReaderSync, file: &File) {
    let size = file.size() as u64;
    let source = FileSource {
        file,
        reader,
        pos: 0,
        size,
        high_water: 0,
        progress: run.progress.clone(),
        started: run.started,
        last_post: run.last_post,
    };
    let mut buffered = std::io::BufReader::with_capacity(SLICE_BYTES as usize, source);
    run.scanner.scan_zip(path, &mut buffered, size);
    run.progress.bytes_done += size;
}

/// A dropped file as `Read + Seek`, read slice by slice with `FileReaderSync`. Posts progress
/// itself while the scanner reads from it, counting each byte once however often it is reread.
struct FileSource<'a> {
    file: &'a File,
    reader: &'a FileReaderSync,
    pos: u64,
    size: u64,
    high_water: u64,
    progress: Progress,
    started: f64,
    last_post: f64,
}

impl std::io::Read for FileSource<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = (self.pos + buf.len() as u64).min(self.size);
        if end <= self.pos {
            return Ok(0);
        }
        let slice = self
            .file
            .slice_with_f64_and_f64(self.pos as f64, end as f64)
            .and_then(|slice| self.reader.read_as_array_buffer(&slice))
            .map_err(|e| {
                std::io::Error::other(format!(
                    "the browser could not read the file at byte {}: {e:?}",
                    self.pos
                ))
            })?;
        let bytes = Uint8Array::new(&slice);
        let n = bytes.length() as usize;
        bytes.copy_to(&mut buf[..n]);
        self.pos += n as u64;
        if self.pos > self.high_water {
            self.progress.bytes_done += self.pos - self.high_water;
            self.high_water = self.pos;
            let t = now();
            if t - self.last_post >= PROGRESS_INTERVAL_MS {
                self.progress.elapsed_ms = t - self.started;
                self.last_post = t;
                post(&Reply::Progress(self.progress.clone()));
            }
        }
        Ok(n)
    }
}

impl std::io::Seek for FileSource<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.size.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| std::io::Error::other("seek before the start of the file"))?;
        Ok(self.pos)
    }
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
