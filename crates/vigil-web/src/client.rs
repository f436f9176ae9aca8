//! The page's side of the analysis worker: starts it, queues jobs until its wasm is loaded,
//! turns its replies into callbacks, and cancels by terminating it (a worker busy in a
//! synchronous loop cannot be asked politely).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, MessageEvent, Worker};

use crate::protocol::{Job, Reply};

/// Relative, so the console works from any path prefix.
const WORKER_LOADER: &str = "worker-loader.js";

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

pub struct AnalysisClient {
    worker: RefCell<Option<Worker>>,
    ready: Rc<RefCell<bool>>,
    queued: Rc<RefCell<Vec<JsValue>>>,
    on_reply: Rc<dyn Fn(Reply)>,
    _handler: RefCell<Option<MessageHandler>>,
}

impl AnalysisClient {
    pub fn new(on_reply: impl Fn(Reply) + 'static) -> Rc<Self> {
        let client = Rc::new(Self {
            worker: RefCell::new(None),
            ready: Rc::new(RefCell::new(false)),
            queued: Rc::new(RefCell::new(Vec::new())),
            on_reply: Rc::new(on_reply),
            _handler: RefCell::new(None),
        });
        client.start();
        client
    }

    fn start(&self) {
        let worker = match Worker::new(WORKER_LOADER) {
            Ok(w) => w,
            Err(e) => {
                (self.on_reply)(Reply::Failed(format!("could not start the analysis worker: {e:?}")));
                return;
            }
        };
        *self.ready.borrow_mut() = false;
        let ready = self.ready.clone();
        let queued = self.queued.clone();
        let on_reply = self.on_reply.clone();
        let w = worker.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(text) = ev.data().as_string() else { return };
            let reply = serde_json::from_str::<Reply>(&text)
                .unwrap_or_else(|e| Reply::Failed(format!("unreadable reply from the worker: {e}")));
            if matches!(reply, Reply::Ready) {
                *ready.borrow_mut() = true;
                for msg in queued.borrow_mut().drain(..) {
                    let _ = w.post_message(&msg);
                }
                return;
            }
            on_reply(reply);
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        *self._handler.borrow_mut() = Some(handler);
        *self.worker.borrow_mut() = Some(worker);
    }

    /// Sends a job with the files it names (structured-cloned, not copied into memory).
    pub fn submit(&self, job: &Job, files: &[File]) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"job".into(), &serde_json::to_string(job).unwrap_or_default().into());
        let arr: Array = files.iter().cloned().map(JsValue::from).collect();
        let _ = Reflect::set(&msg, &"files".into(), &arr);
        let msg: JsValue = msg.into();
        if *self.ready.borrow() {
            if let Some(w) = self.worker.borrow().as_ref() {
                let _ = w.post_message(&msg);
            }
        } else {
            self.queued.borrow_mut().push(msg);
        }
    }

    /// Stops the running analysis at once and starts a fresh worker for the next job.
    pub fn cancel(&self) {
        if let Some(w) = self.worker.borrow_mut().take() {
            w.terminate();
        }
        self.queued.borrow_mut().clear();
        self.start();
    }
}

impl Drop for AnalysisClient {
    fn drop(&mut self) {
        if let Some(w) = self.worker.borrow_mut().take() {
            w.terminate();
        }
    }
}
