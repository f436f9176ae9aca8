//! The severity timeline: hand-built SVG (bars are SVG attributes, so the strict CSP's ban on
//! inline styles holds). Press on a bar and release on another to select that time range; the
//! findings table then shows only findings active in it. Click the same bar to select one bucket.

use std::rc::Rc;

use vigil_core::findings::Finding;
use vigil_core::report::timeline::{buckets, Bucket};
use vigil_core::time::{format_iso8601, Millis};
use yew::prelude::*;

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 140.0;
const AXIS: f64 = 18.0;
/// Stack order bottom-up: Critical at the bottom, where the eye lands first.
const STACK: [(usize, &str); 4] = [(3, "sev-critical"), (2, "sev-high"), (1, "sev-medium"), (0, "sev-low")];

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub findings: Rc<Vec<Finding>>,
    pub range: Option<(Millis, Millis)>,
    pub on_range: Callback<Option<(Millis, Millis)>>,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let pressed = use_state(|| None::<usize>);
    let data: Rc<Vec<Bucket>> = {
        let findings = props.findings.clone();
        use_memo(findings, |f| buckets(f))
    };
    if data.is_empty() {
        return html! {};
    }
    let max = data.iter().map(Bucket::total).max().unwrap_or(1).max(1) as f64;
    let bar_w = WIDTH / data.len() as f64;
    let scale = (HEIGHT - AXIS) / max;
    let hourly = data[0].end - data[0].start < 86_400_000;

    let bars = data.iter().enumerate().map(|(i, b)| {
        let x = i as f64 * bar_w;
        let mut y = HEIGHT - AXIS;
        let selected = props.range.is_some_and(|(from, to)| b.start >= from && b.end <= to);
        let onmousedown = {
            let pressed = pressed.clone();
            Callback::from(move |_: MouseEvent| pressed.set(Some(i)))
        };
        let onmouseup = {
            let pressed = pressed.clone();
            let on_range = props.on_range.clone();
            let data = data.clone();
            Callback::from(move |_: MouseEvent| {
                let from = (*pressed).unwrap_or(i);
                let (a, z) = (from.min(i), from.max(i));
                on_range.emit(Some((data[a].start, data[z].end)));
                pressed.set(None);
            })
        };
        let title = format!(
            "{} — Critical {}, High {}, Medium {}, Low {}",
            &format_iso8601(b.start)[..if hourly { 16 } else { 10 }],
            b.counts[3],
            b.counts[2],
            b.counts[1],
            b.counts[0]
        );
        let segments = STACK.iter().filter(|(idx, _)| b.counts[*idx] > 0).map(|(idx, class)| {
            let h = b.counts[*idx] as f64 * scale;
            y -= h;
            html! { <rect class={*class} x={format!("{:.1}", x + 1.0)} y={format!("{y:.1}")} width={format!("{:.1}", (bar_w - 2.0).max(1.0))} height={format!("{h:.1}")} /> }
        });
        html! {
            <g class={classes!("bucket", selected.then_some("selected"))} {onmousedown} {onmouseup} data-testid="timeline-bucket">
                <title>{title}</title>
                <rect class="hit" x={format!("{x:.1}")} y="0" width={format!("{bar_w:.1}")} height={format!("{}", HEIGHT - AXIS)} />
                { for segments }
            </g>
        }
    });
    // About eight axis labels whatever the number of buckets.
    let every = (data.len() / 8).max(1);
    let labels = data.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, b)| {
        let text = format_iso8601(b.start);
        let text = if hourly { text[5..16].replace('T', " ") } else { text[5..10].to_string() };
        html! { <text x={format!("{:.1}", i as f64 * bar_w + 2.0)} y={format!("{}", HEIGHT - 4.0)} class="axis">{text}</text> }
    });
    let clear = {
        let on_range = props.on_range.clone();
        Callback::from(move |_: MouseEvent| on_range.emit(None))
    };
    html! {
        <section class="timeline" aria-label="Severity timeline">
            <h3>{"Findings over time"}<span class="hint">{" — drag across bars to filter the table"}</span>
                if props.range.is_some() { <button class="link" onclick={clear}>{"show all"}</button> }
            </h3>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img" aria-label="Findings over time by severity" data-testid="timeline">
                { for bars }
                { for labels }
            </svg>
        </section>
    }
}
