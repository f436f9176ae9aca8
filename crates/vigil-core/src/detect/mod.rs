//! Detectors: one module per detector or family, each documented the same way (what fires it,
//! which fields, how severity is chosen, known false positives) and tested with positive and
//! negative fixtures. [`registry`] lists them all; [`Engine`] runs them over a stream of events.

pub mod anomaly;
pub mod cloudtrail;
pub mod common;
pub mod dns;
pub mod intel;
pub mod inventory;
pub mod network;
pub mod registry;

use crate::event::{Event, FlowRecord, SourceRef};
use crate::findings::{Finding, FindingSink};
use crate::net::flow::{orient, Oriented};
use crate::time::Millis;

/// What detectors may consult besides the event itself. Filled before the run starts
/// (reference data, user lists, options) and while it runs (what CloudTrail tells about
/// instances, for instance).
#[derive(Default)]
pub struct Context {
    pub inventory: inventory::Inventory,
    /// Learned (or imported) baselines and their configuration (learning days, imported
    /// baseline file). Fed every event by the engine and finished before the detectors finish,
    /// so detectors consult it in their `finish`.
    pub baseline: crate::baseline::Baselines,
    /// Threat intelligence: bundled feeds and user threat/trusted lists. Empty by default.
    pub intel: crate::intel::Intel,
    /// The orientation of the flow record being observed, worked out once by the engine: every
    /// network and intel detector needs it, and orienting looks up the inventory several times.
    /// Keyed by the record's source and start so that a stale value is never used.
    current_flow: Option<(SourceRef, Millis, Option<Oriented>)>,
}

impl Context {
    /// The flow record oriented from its interface's point of view (see [`orient`]); the
    /// engine's cached result when `f` is the record being observed.
    pub fn orient(&self, f: &FlowRecord) -> Option<Oriented> {
        match self.current_flow {
            Some((src, start, o)) if src == f.src && start == f.start => o,
            _ => orient(f, &self.inventory),
        }
    }

    /// A context with the bundled threat intelligence loaded (user lists can be added with
    /// `ctx.intel.load_user_list`).
    pub fn with_bundled_intel() -> Self {
        let intel = crate::intel::Intel::from_bundle(crate::intel::bundle::BUNDLED)
            .expect("the bundled intel file shipped with this build decodes");
        let mut ctx = Self { intel, ..Self::default() };
        ctx.baseline.geo = crate::geo::GeoDb::bundled();
        ctx
    }
}

/// A detector sees every event once, in arrival order (which is not time order: files arrive in
/// any order), keeps whatever compact state it needs, and reports drafts to the sink, either
/// as it goes or in [`Detector::finish`].
pub trait Detector {
    /// The module path under `detect::`, e.g. `cloudtrail::root_credential_usage`.
    fn name(&self) -> &'static str;
    fn observe(&mut self, event: &Event, ctx: &Context, sink: &mut FindingSink);
    fn finish(&mut self, _ctx: &Context, _sink: &mut FindingSink) {}
}

/// Runs every registered detector over a stream of events.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    pub context: Context,
    sink: FindingSink,
    events_seen: u64,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new(Context::default())
    }
}

impl Engine {
    pub fn new(context: Context) -> Self {
        Self { detectors: registry::all(), context, sink: FindingSink::new(), events_seen: 0 }
    }

    /// Names file number `file` for evidence references.
    pub fn set_file_name(&mut self, file: u32, path: &str) {
        self.sink.set_file_name(file, path);
    }

    /// How many events the engine has seen so far (for progress reports).
    pub fn events_seen(&self) -> u64 {
        self.events_seen
    }

    pub fn observe(&mut self, event: &Event) {
        self.events_seen += 1;
        self.context.inventory.observe(event);
        self.context.current_flow = match event {
            Event::Flow(f) => Some((f.src, f.start, orient(f, &self.context.inventory))),
            _ => None,
        };
        self.context.baseline.observe(event);
        for d in &mut self.detectors {
            d.observe(event, &self.context, &mut self.sink);
        }
    }

    pub fn finish(self) -> Vec<Finding> {
        self.finish_with_context().0
    }

    /// Like [`Engine::finish`], also handing back the context (for the learned baselines: the
    /// baselines view and export).
    pub fn finish_with_context(mut self) -> (Vec<Finding>, Context) {
        self.context.baseline.finish();
        for d in &mut self.detectors {
            d.finish(&self.context, &mut self.sink);
        }
        let mut findings = self.sink.into_findings();
        crate::intel::drop_trusted(&mut findings, &self.context.intel);
        (findings, self.context)
    }
}

/// Helpers for detector fixture tests.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::event::SourceRef;
    use crate::ingest::cloudtrail::parse_record;

    /// Runs every detector over CloudTrail records given as JSON texts (one record each).
    pub fn scan_records(records: &[&str]) -> Vec<Finding> {
        scan_events(records.iter().enumerate().map(|(i, r)| {
            Event::Api(Box::new(
                parse_record(r, SourceRef { file: 0, record: i as u64 }).expect("fixture record parses"),
            ))
        }))
    }

    /// Runs every detector over the given events.
    pub fn scan_events(events: impl IntoIterator<Item = Event>) -> Vec<Finding> {
        scan_events_with(Context::default(), events)
    }

    /// Runs every detector over the given events with a prepared context (intel lists, …).
    pub fn scan_events_with(context: Context, events: impl IntoIterator<Item = Event>) -> Vec<Finding> {
        let mut engine = Engine::new(context);
        engine.set_file_name(0, "fixture.json");
        for e in events {
            engine.observe(&e);
        }
        engine.finish()
    }
}
