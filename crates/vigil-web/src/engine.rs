//! Builds the detection engine for a job: the bundled intelligence plus the user's enabled
//! threat and trusted-IP lists; and the About page's credits for the bundled data.

use vigil_core::baseline::{BaselineConfig, BaselineFile, Baselines};
use vigil_core::detect::{Context, Engine};
use vigil_core::intel::{Intel, ListKind, LoadReport, Origin};
use yew::prelude::*;

use crate::protocol::UserList;

/// The engine for one analysis, and what loading each user list did. `baseline` is a kept
/// baseline file (JSON); a damaged one is reported and the analysis learns afresh.
pub fn build_engine(lists: &[UserList], baseline: Option<&str>) -> (Engine, Vec<LoadReport>, Option<String>) {
    let mut ctx = Context::with_bundled_intel();
    let mut baseline_error = None;
    let imported = baseline.and_then(|text| match BaselineFile::from_json(text) {
        Ok(file) => Some(file),
        Err(e) => {
            baseline_error =
                Some(format!("the kept baseline could not be read ({e}); learning from this input instead"));
            None
        }
    });
    // A fresh baseline configuration keeps the bundled country table the context came with.
    let geo = std::mem::take(&mut ctx.baseline.geo);
    ctx.baseline = Baselines::new(BaselineConfig { imported, ..BaselineConfig::default() });
    ctx.baseline.geo = geo;
    let reports = lists
        .iter()
        .filter(|l| l.enabled)
        .map(|l| {
            let kind = if l.trusted { ListKind::Trusted } else { ListKind::Threat };
            ctx.intel.load_user_list(&l.name, kind, l.text.as_bytes())
        })
        .collect();
    (Engine::new(ctx), reports, baseline_error)
}

/// The About page's table of bundled reference data: name, what it is, source, license, date.
pub fn attributions() -> Html {
    let intel = match Intel::from_bundle(vigil_core::intel::bundle::BUNDLED) {
        Ok(i) => i,
        Err(e) => {
            return html! { <p class="error">{format!("The bundled intelligence could not be read: {e}")}</p> }
        }
    };
    let lists: Vec<_> = intel.attributions().into_iter().filter(|l| l.origin == Origin::Bundled).collect();
    html! {
        <table class="compact" data-testid="attributions">
            <thead><tr><th>{"List"}</th><th>{"What"}</th><th>{"Entries"}</th><th>{"Source"}</th><th>{"License"}</th><th>{"Snapshot"}</th></tr></thead>
            <tbody>{ for lists.iter().map(|l| html! {
                <tr><td>{l.name.clone()}</td><td>{l.description.clone()}</td><td class="num">{l.count}</td>
                    <td>{ if l.url.is_empty() { html! { {l.source.clone()} } } else { html! { <>{l.source.clone()}<br/><span class="path">{l.url.clone()}</span></> } } }</td>
                    <td>{l.license.clone()}</td><td>{l.date.clone()}</td></tr>
            }) }</tbody>
        </table>
    }
}
