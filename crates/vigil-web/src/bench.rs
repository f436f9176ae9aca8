//! The analysis worker's side of the benchmark page (`www/bench.html`, `www/bench.js`): the
//! page asks a worker to generate one benchmark input (`vigil_core::sample::bench`, the same
//! generator as `vigil bench`), then to time parse-only and full-scan runs over it with
//! `performance.now()`. Same worker and wasm as an analysis; the console never sends these.

use std::cell::RefCell;

use vigil_core::sample::bench::{full_scan, parse_only, BenchFormat};
use wasm_bindgen::JsCast;
use web_sys::WorkerGlobalScope;

use crate::engine::build_engine;
use crate::protocol::{BenchMeasure, BenchRequest, Reply};

thread_local! {
    /// The prepared input: kept between messages so runs time the work, not the generation.
    static INPUT: RefCell<Option<(BenchFormat, Vec<u8>)>> = const { RefCell::new(None) };
}

/// Milliseconds since the epoch at sub-millisecond resolution (where the browser allows it).
fn clock() -> f64 {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    match scope.performance() {
        Some(p) => p.time_origin() + p.now(),
        None => js_sys::Date::now(),
    }
}

/// Answers one benchmark request (JSON of [`BenchRequest`]).
pub fn handle(request: &str) -> Reply {
    match serde_json::from_str::<BenchRequest>(request) {
        Err(e) => Reply::Failed(format!("bad benchmark request: {e}")),
        Ok(BenchRequest::Prepare { format, bytes }) => prepare(&format, bytes),
        Ok(BenchRequest::Run { scan }) => run(scan),
    }
}

fn prepare(format: &str, bytes: usize) -> Reply {
    let Some(format) = BenchFormat::find(format) else {
        return Reply::Failed(format!("no benchmark input is called {format:?}"));
    };
    // Free the previous input before making the next one.
    INPUT.with(|i| i.borrow_mut().take());
    let start = clock();
    let data = format.generate(bytes);
    let ms = clock() - start;
    let bytes = data.len() as u64;
    INPUT.with(|i| *i.borrow_mut() = Some((format, data)));
    Reply::BenchPrepared { format: format.name().to_string(), bytes, ms }
}

fn run(scan: bool) -> Reply {
    INPUT.with(|input| {
        let input = input.borrow();
        let Some((format, data)) = input.as_ref() else {
            return Reply::Failed("no benchmark input: send Prepare first".to_string());
        };
        // The console's engine with nothing loaded, built outside the timed part.
        let engine = scan.then(|| build_engine(&[], None, Vec::new()).0);
        let start = clock();
        let counted = match engine {
            Some(engine) => Ok(full_scan(engine, data)),
            None => parse_only(data).map(|events| (events, 0)),
        };
        let end = clock();
        match counted {
            Ok((events, findings)) => Reply::BenchMeasured(BenchMeasure {
                format: format.name().to_string(),
                scan,
                bytes: data.len() as u64,
                events,
                findings,
                ms: end - start,
                start,
                end,
            }),
            Err(e) => Reply::Failed(e),
        }
    })
}
