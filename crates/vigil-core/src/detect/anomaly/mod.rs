//! Anomaly detectors: findings from the learned (or imported) baselines in
//! [`crate::baseline`]. The baselines do the learning and scoring; these detectors turn the
//! scored anomalies into GuardDuty findings in their `finish`, when the whole input is known.
//! Every finding carries, in `service.additionalInfo`, the list of unusual features with the
//! baseline's own figures (`unusual`: sentences; `features`: the same as data; `baseline`: what
//! the entity's baseline covers).

pub mod console_login_success_b;
pub mod iam_anomalous_behavior;
pub mod network_port_unusual;
pub mod s3_anomalous_behavior;
pub mod traffic_volume_unusual;

#[cfg(test)]
pub mod testworld;

use serde_json::{json, Map, Value};

use crate::baseline::score::Unusual;
use crate::baseline::{FlowSample, Sample, Who};
use crate::detect::common::{api_action_of, CallFacts};
use crate::findings::model::*;
use crate::findings::Draft;

/// `additionalInfo` for an anomaly: each unusual feature in words and as data, and the
/// baseline it was judged against.
pub(crate) fn anomaly_info(unusual: &[Unusual], baseline: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "unusual".into(),
        Value::from(unusual.iter().map(|u| u.explanation.clone()).collect::<Vec<_>>()),
    );
    m.insert("features".into(), serde_json::to_value(unusual).unwrap_or(Value::Null));
    m.insert("baseline".into(), baseline);
    m
}

/// GuardDuty's `AccessKey` resource for whoever made the anomalous calls.
pub(crate) fn access_key_resource(who: &Who) -> Resource {
    Resource {
        resource_type: "AccessKey".to_string(),
        access_key_details: Some(AccessKeyDetails {
            access_key_id: who.access_key_id.clone(),
            principal_id: who.principal_id.clone(),
            user_name: who.name.clone(),
            user_type: who.kind.clone(),
        }),
        ..Resource::default()
    }
}

/// GuardDuty's `AWS_API_CALL` action for a sampled call.
pub(crate) fn api_action(s: &Sample) -> Action {
    api_action_of(CallFacts {
        api: &s.api,
        service: &s.event_source,
        source_ip: &s.source_ip,
        source_addr: s.source_addr,
        error_code: s.error_code.as_deref(),
        user_agent: &s.user_agent,
    })
}

/// GuardDuty's `NETWORK_CONNECTION` action for a sampled flow.
pub(crate) fn network_action(s: &FlowSample) -> Action {
    Action {
        action_type: "NETWORK_CONNECTION".to_string(),
        network_connection_action: Some(NetworkConnectionAction {
            connection_direction: "OUTBOUND".to_string(),
            blocked: s.blocked,
            protocol: crate::baseline::protocol_name(s.protocol).to_string(),
            local_port_details: Some(PortDetails::new(s.local_port)),
            remote_port_details: Some(PortDetails::new(s.remote_port)),
            local_ip_details: s.local.map(LocalIpDetails::for_ip),
            remote_ip_details: s.remote.map(RemoteIpDetails::for_ip),
        }),
        ..Action::default()
    }
}

/// A draft about an instance (or, when the flow log named none, its network interface).
pub(crate) fn instance_draft(
    finding_type: &str,
    severity: f64,
    account: &str,
    endpoint: &str,
    sample: &FlowSample,
    ctx: &crate::detect::Context,
    detector: &'static str,
) -> Draft {
    let mut d = Draft::at(finding_type, severity, sample.time, detector);
    d.account_id = account.to_string();
    d.region = sample.region.clone();
    let instance = sample
        .instance_id
        .clone()
        .or_else(|| ctx.inventory.instance_for_interface(endpoint).map(str::to_string))
        .unwrap_or_else(|| endpoint.to_string());
    d.resource = Resource {
        resource_type: "Instance".to_string(),
        instance_details: Some(ctx.inventory.instance_details(&instance)),
        ..Resource::default()
    };
    d.resource_role = "ACTOR";
    d.action = network_action(sample);
    d.actor = Some(instance);
    d.evidence.push((sample.time, sample.src, sample.summary()));
    d
}

/// `{"days": 14, "from": "…", "to": "…"}` plus entity figures.
pub(crate) fn baseline_info(b: &crate::baseline::Baseline, extra: Value) -> Value {
    let mut v = json!({"source": "baseline", "days": b.days, "from": b.learned_from, "to": b.learned_to});
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}
