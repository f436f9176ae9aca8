//! Builds the detection engine for a job: the bundled intelligence plus the user's enabled
//! threat and trusted-IP lists; and the About page's credits for the bundled data.

use vigil_core::baseline::{BaselineConfig, BaselineFile, Baselines};
use vigil_core::detect::{Context, Engine};
use vigil_core::geo::GeoDb;
use vigil_core::intel::{Intel, ListKind, LoadReport, Origin};
use yew::prelude::*;

use crate::protocol::UserList;

/// The engine for one analysis, what loading each user list did, and notes for the user.
/// `baseline` is a kept baseline file (JSON); a damaged one is reported and the analysis learns
/// afresh. `geo` are the user's country/ASN databases `(name, bytes)`; they answer before the
/// bundled country table.
pub fn build_engine(
    lists: &[UserList],
    baseline: Option<&str>,
    geo: Vec<(String, Vec<u8>)>,
) -> (Engine, Vec<LoadReport>, Vec<String>) {
    let mut ctx = Context::with_bundled_intel();
    let mut notices = Vec::new();
    let imported = baseline.and_then(|text| match BaselineFile::from_json(text) {
        Ok(file) => Some(file),
        Err(e) => {
            notices
                .push(format!("the kept baseline could not be read ({e}); learning from this input instead"));
            None
        }
    });
    let mut user_geo = GeoDb::default();
    for (name, bytes) in geo {
        match user_geo.load(&name, bytes) {
            Ok(info) => notices
                .push(format!("{name}: {} ({}; answers {})", info.description, info.format, info.answers)),
            Err(e) => notices.push(format!("{e} — not used")),
        }
    }
    // The user's databases first, then the bundled country table the context came with.
    user_geo.extend(std::mem::take(&mut ctx.baseline.geo));
    ctx.baseline = Baselines::new(BaselineConfig { imported, ..BaselineConfig::default() });
    ctx.baseline.geo = user_geo;
    let reports = lists
        .iter()
        .filter(|l| l.enabled)
        .map(|l| {
            let kind = if l.trusted { ListKind::Trusted } else { ListKind::Threat };
            ctx.intel.load_user_list(&l.name, kind, l.text.as_bytes())
        })
        .collect();
    (Engine::new(ctx), reports, notices)
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
