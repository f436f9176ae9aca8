//! The lists panel: the user's threat lists and trusted-IP lists (any format GuardDuty accepts,
//! plus domains and STIX 2.1), loaded from files, switched on and off, removed; remembered by
//! this browser. They apply to the next analysis.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::protocol::UserList;
use crate::view::bytes;

#[derive(Properties, PartialEq)]
pub struct ListsProps {
    pub lists: Vec<UserList>,
    pub on_change: Callback<Vec<UserList>>,
    /// Country/ASN databases for the next analyses (kept for this page's life only: they are
    /// large, and MaxMind's licence forbids keeping stale copies).
    pub geo: Vec<web_sys::File>,
    pub on_geo: Callback<Vec<web_sys::File>>,
}

#[function_component(ListsPanel)]
pub fn lists_panel(props: &ListsProps) -> Html {
    let error = use_state(|| None::<String>);
    let loader = |trusted: bool| {
        let on_change = props.on_change.clone();
        let lists = props.lists.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(files) = input.files() else { return };
            let picked: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
            input.set_value("");
            let on_change = on_change.clone();
            let mut lists = lists.clone();
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                for file in picked {
                    let name = file.name();
                    match gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await {
                        Ok(text) => {
                            lists.retain(|l| !(l.name == name && l.trusted == trusted));
                            lists.push(UserList { name, trusted, enabled: true, text });
                        }
                        Err(e) => error.set(Some(format!("{name}: could not read it ({e})"))),
                    }
                }
                on_change.emit(lists);
            });
        })
    };
    let rows = props.lists.iter().enumerate().map(|(i, l)| {
        let toggle = {
            let on_change = props.on_change.clone();
            let lists = props.lists.clone();
            Callback::from(move |_: Event| {
                let mut lists = lists.clone();
                lists[i].enabled = !lists[i].enabled;
                on_change.emit(lists);
            })
        };
        let remove = {
            let on_change = props.on_change.clone();
            let lists = props.lists.clone();
            Callback::from(move |_: MouseEvent| {
                let mut lists = lists.clone();
                lists.remove(i);
                on_change.emit(lists);
            })
        };
        // Parsed here too, so the panel can say at once what the list holds and which lines
        // are bad; the worker parses it again for the analysis.
        let parsed = vigil_core::intel::formats::parse(&l.text);
        let errors: Vec<String> = parsed.errors.iter().take(5).map(|(line, msg)| format!("line {line}: {msg}")).collect();
        html! { <tr data-testid="list-row">
            <td><input type="checkbox" checked={l.enabled} onchange={toggle} aria-label="Enabled" /></td>
            <td>{l.name.clone()}</td>
            <td>{ if l.trusted { "Trusted IPs" } else { "Threat list" } }</td>
            <td>{parsed.format.as_str()}</td>
            <td class="num" data-testid="list-loaded">{format!("{} indicators, {}", parsed.indicators.len(), bytes(l.text.len() as u64))}</td>
            <td data-testid="list-errors">{ if parsed.errors.is_empty() { String::new() } else {
                format!("{} bad lines — {}{}", parsed.errors.len(), errors.join("; "), if parsed.errors.len() > errors.len() { "; …" } else { "" })
            } }</td>
            <td><button class="link" onclick={remove}>{"Remove"}</button></td>
        </tr> }
    });
    html! {
        <section class="lists" aria-label="Threat and trusted lists">
            <p>{"Threat lists add indicators (IPs, CIDRs, domains) whose traffic or API calls become findings such as "}
               <code>{"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"}</code>{". Trusted-IP lists win over every threat list: no finding names a trusted address as its remote party. Formats: plain text, GuardDuty STIX, OTX_CSV, ALIEN_VAULT, PROOF_POINT, FIRE_EYE, STIX 2.1 — recognised from the content. They apply to the next analysis and stay in this browser only."}</p>
            <div class="pickers">
                <label class="button">{"Add threat list"}<input type="file" multiple=true onchange={loader(false)} data-testid="threat-list-input" /></label>
                <label class="button">{"Add trusted-IP list"}<input type="file" multiple=true onchange={loader(true)} data-testid="trusted-list-input" /></label>
            </div>
            if let Some(e) = &*error { <p class="error">{e.clone()}</p> }
            <table class="compact"><tbody>{ for rows }</tbody></table>
            if props.lists.is_empty() { <p class="empty">{"No lists loaded. The bundled intelligence (see About) is always on."}</p> }
            { geo_section(props) }
        </section>
    }
}

/// Country and ASN databases: a MaxMind-format `.mmdb` (GeoLite2, ip-location-db, DB-IP…) or a
/// Vigil range table. They answer before the bundled IPv4 country table; what each holds is
/// reported when the next analysis loads it.
fn geo_section(props: &ListsProps) -> Html {
    let add = {
        let on_geo = props.on_geo.clone();
        let geo = props.geo.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(files) = input.files() else { return };
            let mut geo = geo.clone();
            for f in (0..files.length()).filter_map(|i| files.get(i)) {
                geo.retain(|g| g.name() != f.name());
                geo.push(f);
            }
            input.set_value("");
            on_geo.emit(geo);
        })
    };
    let rows = props.geo.iter().enumerate().map(|(i, f)| {
        let remove = {
            let on_geo = props.on_geo.clone();
            let geo = props.geo.clone();
            Callback::from(move |_: MouseEvent| {
                let mut geo = geo.clone();
                geo.remove(i);
                on_geo.emit(geo);
            })
        };
        html! { <tr data-testid="geo-row"><td>{f.name()}</td><td class="num">{bytes(f.size() as u64)}</td>
        <td><button class="link" onclick={remove}>{"Remove"}</button></td></tr> }
    });
    html! {
        <>
            <h3>{"Country and ASN databases"}</h3>
            <p>{"Baselines note the country and network (AS) of each source address: a principal calling from a country or AS it never used is more unusual. A small IPv4 country table is bundled (see About); load a MaxMind-format .mmdb (country, ASN or city) or a Vigil range table for more. Kept for this page only; they apply to the next analysis."}</p>
            <div class="pickers">
                <label class="button">{"Add .mmdb or range table"}<input type="file" multiple=true onchange={add} data-testid="geo-input" /></label>
            </div>
            <table class="compact"><tbody>{ for rows }</tbody></table>
        </>
    }
}
