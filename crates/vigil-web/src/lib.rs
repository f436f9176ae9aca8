//! Vigil's console: a Yew single-page app over `vigil-core`. Sinks only: it hands bytes to the
//! analysis worker and shows the report it gets back. It knows nothing of log formats.
//!
//! Layout: [`app`] holds the state and the tabs; [`view`] has one module per view; [`client`]
//! and [`worker`] are the two ends of the analysis worker; [`storage`] keeps lists and rules in
//! the browser; [`dropped`] walks dropped folders; [`bench`] is the workers' side of the
//! benchmark page (`bench.html`).

pub mod app;
pub mod bench;
pub mod client;
pub mod dropped;
pub mod engine;
pub mod export;
pub mod protocol;
pub mod storage;
pub mod view;
pub mod worker;

pub use app::App;
