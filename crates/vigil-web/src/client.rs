//! The page's side of the analysis workers: one Web Worker per core (up to a limit), each
//! given whole AWS accounts (`vigil_core::shard::plan`), their replies merged into one report
//! exactly like a single worker's. Jobs are queued until a worker's wasm is loaded; cancel
//! terminates the workers (one busy in a synchronous loop cannot be asked politely).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use vigil_core::shard;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, MessageEvent, Worker};

use crate::protocol::{Finished, Job, Progress, Reply};

/// Relative, so the console works from any path prefix.
const WORKER_LOADER: &str = "worker-loader.js";
/// More workers than this cost memory (each holds the wasm and the intelligence) for little.
const MAX_WORKERS: usize = 8;
/// The sample world has a few accounts; each worker generates it all and keeps its share.
const SAMPLE_WORKERS: usize = 3;

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

struct Slot {
    worker: Worker,
    ready: bool,
    queued: Vec<JsValue>,
    _handler: MessageHandler,
}

/// What the running analysis has heard from its workers so far.
#[derive(Default)]
struct Run {
    progress: Vec<Progress>,
    finished: Vec<Option<Finished>>,
    failed: bool,
}

pub struct AnalysisClient {
    slots: RefCell<Vec<Slot>>,
    run: Rc<RefCell<Run>>,
    on_reply: Rc<dyn Fn(Reply)>,
    /// Set once, after construction: the client itself, so slots started later can be wired.
    me: RefCell<std::rc::Weak<AnalysisClient>>,
}

/// How many workers to use at most: the browser's logical cores, within limits.
fn cores() -> usize {
    let n = gloo::utils::window().navigator().hardware_concurrency() as usize;
    n.clamp(1, MAX_WORKERS)
}

impl AnalysisClient {
    pub fn new(on_reply: impl Fn(Reply) + 'static) -> Rc<Self> {
        let client = Rc::new(Self {
            slots: RefCell::new(Vec::new()),
            run: Rc::new(RefCell::new(Run::default())),
            on_reply: Rc::new(on_reply),
            me: RefCell::new(std::rc::Weak::new()),
        });
        *client.me.borrow_mut() = Rc::downgrade(&client);
        // One worker at once, so its wasm is loaded by the time the user drops something.
        client.ensure_workers(1);
        client
    }

    fn ensure_workers(&self, n: usize) {
        while self.slots.borrow().len() < n {
            let index = self.slots.borrow().len();
            match self.start(index) {
                Ok(slot) => self.slots.borrow_mut().push(slot),
                Err(e) => {
                    (self.on_reply)(Reply::Failed(format!("could not start an analysis worker: {e:?}")));
                    return;
                }
            }
        }
    }

    fn start(&self, index: usize) -> Result<Slot, JsValue> {
        let worker = Worker::new(WORKER_LOADER)?;
        let me = self.me.borrow().clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(text) = ev.data().as_string() else { return };
            let reply = serde_json::from_str::<Reply>(&text)
                .unwrap_or_else(|e| Reply::Failed(format!("unreadable reply from the worker: {e}")));
            if let Some(client) = me.upgrade() {
                client.on_worker_reply(index, reply);
            }
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        Ok(Slot { worker, ready: false, queued: Vec::new(), _handler: handler })
    }

    fn on_worker_reply(&self, index: usize, reply: Reply) {
        match reply {
            Reply::Ready => {
                let mut slots = self.slots.borrow_mut();
                if let Some(slot) = slots.get_mut(index) {
                    slot.ready = true;
                    for msg in slot.queued.drain(..) {
                        let _ = slot.worker.post_message(&msg);
                    }
                }
            }
            Reply::Progress(p) => {
                let total = {
                    let mut run = self.run.borrow_mut();
                    if index >= run.progress.len() || run.failed {
                        return;
                    }
                    run.progress[index] = p;
                    combined(&run.progress)
                };
                (self.on_reply)(Reply::Progress(total));
            }
            Reply::Done(finished) => {
                let all = {
                    let mut run = self.run.borrow_mut();
                    if index >= run.finished.len() || run.failed {
                        return;
                    }
                    run.finished[index] = Some(*finished);
                    if run.finished.iter().any(Option::is_none) {
                        return;
                    }
                    run.finished.drain(..).flatten().collect::<Vec<_>>()
                };
                (self.on_reply)(Reply::Done(Box::new(merge(all))));
            }
            Reply::Failed(e) => {
                self.run.borrow_mut().failed = true;
                (self.on_reply)(Reply::Failed(e));
            }
            // Every worker loads the same lists and baseline: one account of it is enough.
            Reply::ListLoaded(_) | Reply::Notice(_) if index != 0 => {}
            other => (self.on_reply)(other),
        }
    }

    /// Splits the job over the workers (whole accounts each) and sends each its share, with
    /// the files it names (structured-cloned, not copied into memory). `sizes[i]` is the size
    /// of `files[i]` ([`file_sizes`]).
    pub fn submit(&self, job: &Job, files: &[File], sizes: &[u64], geo: &[File]) {
        let mut shares: Vec<(Job, Vec<File>)> = if job.sample {
            let n = cores().min(SAMPLE_WORKERS);
            (0..n).map(|i| (Job { sample_shard: Some((i, n)), ..job.clone() }, Vec::new())).collect()
        } else {
            let mut sized: Vec<(&str, u64)> =
                job.paths.iter().zip(sizes).map(|(p, &size)| (p.as_str(), size)).collect();
            let shown: Vec<String> = job.urls.iter().map(|u| crate::worker::display_url(u)).collect();
            sized.extend(shown.iter().map(|u| (u.as_str(), 0)));
            let plan = shard::plan(&sized, cores());
            let n = plan.iter().max().map_or(1, |m| m + 1);
            let mut shares: Vec<(Job, Vec<File>)> = (0..n)
                .map(|_| (Job { paths: Vec::new(), urls: Vec::new(), ..job.clone() }, Vec::new()))
                .collect();
            for ((path, file), &s) in job.paths.iter().zip(files).zip(&plan) {
                shares[s].0.paths.push(path.clone());
                shares[s].1.push(file.clone());
            }
            for (url, &s) in job.urls.iter().zip(&plan[files.len()..]) {
                shares[s].0.urls.push(url.clone());
            }
            shares
        };
        if shares.is_empty() {
            shares.push((job.clone(), Vec::new()));
        }
        self.ensure_workers(shares.len());
        *self.run.borrow_mut() = Run {
            progress: vec![Progress::default(); shares.len()],
            finished: (0..shares.len()).map(|_| None).collect(),
            failed: false,
        };
        let mut slots = self.slots.borrow_mut();
        for ((share, share_files), slot) in shares.into_iter().zip(slots.iter_mut()) {
            let msg = Object::new();
            let _ =
                Reflect::set(&msg, &"job".into(), &serde_json::to_string(&share).unwrap_or_default().into());
            let arr: Array = share_files.into_iter().map(JsValue::from).collect();
            let _ = Reflect::set(&msg, &"files".into(), &arr);
            let geo: Array = geo.iter().cloned().map(JsValue::from).collect();
            let _ = Reflect::set(&msg, &"geo".into(), &geo);
            let msg: JsValue = msg.into();
            if slot.ready {
                let _ = slot.worker.post_message(&msg);
            } else {
                slot.queued.push(msg);
            }
        }
    }

    /// Stops the running analysis at once and starts a fresh worker for the next job.
    pub fn cancel(&self) {
        for slot in self.slots.borrow_mut().drain(..) {
            slot.worker.terminate();
        }
        self.run.borrow_mut().failed = true;
        self.ensure_workers(1);
    }
}

/// Main-thread time spent on file sizes before letting the page breathe.
const SIZE_SLICE_MS: f64 = 30.0;

/// The files' sizes, read in slices of at most ~30 ms with the event loop let run in between.
/// The first look at a picked file's size (or its structured clone) costs a synchronous round
/// trip to the browser process (~0.2–0.3 ms): for a picked folder of thousands of files, done in
/// one go, that froze the page for about a second. Once known, the size is cached by the
/// browser, so posting the files to the workers afterwards is cheap.
pub async fn file_sizes(files: &[File]) -> Vec<u64> {
    let clock = gloo::utils::window().performance();
    let now = || clock.as_ref().map_or_else(js_sys::Date::now, |p| p.now());
    let mut sizes = Vec::with_capacity(files.len());
    let mut slice_start = now();
    for file in files {
        if now() - slice_start > SIZE_SLICE_MS {
            gloo::timers::future::TimeoutFuture::new(0).await;
            slice_start = now();
        }
        sizes.push(file.size() as u64);
    }
    sizes
}

/// The workers' progress as one: amounts added, the longest elapsed time, the latest file.
fn combined(parts: &[Progress]) -> Progress {
    let mut total = Progress { workers: parts.len(), ..Progress::default() };
    for p in parts {
        total.bytes_done += p.bytes_done;
        total.bytes_total += p.bytes_total;
        total.events += p.events;
        total.files_done += p.files_done;
        total.files_total += p.files_total;
        total.elapsed_ms = total.elapsed_ms.max(p.elapsed_ms);
        if !p.current.is_empty() {
            total.current = p.current.clone();
        }
    }
    total
}

/// The workers' results as one report, as a single worker would have given it.
fn merge(parts: Vec<Finished>) -> Finished {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or_default();
    }
    let mut reports = Vec::new();
    let mut views = Vec::new();
    let mut learned = Vec::new();
    for p in parts {
        reports.push(p.report);
        views.push(p.baselines);
        learned.extend(p.learned);
    }
    Finished { report: shard::merge_reports(reports), baselines: shard::merge_views(views), learned }
}

impl Drop for AnalysisClient {
    fn drop(&mut self) {
        for slot in self.slots.borrow_mut().drain(..) {
            slot.worker.terminate();
        }
    }
}
