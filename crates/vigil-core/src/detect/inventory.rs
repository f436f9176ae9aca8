//! What the input tells about EC2 instances: network interface → instance, address → instance,
//! and instance details (type, image, VPC, subnet, tags, public IP) for GuardDuty's
//! `instanceDetails`. Learned from flow records' `instance-id` and from CloudTrail
//! (RunInstances / DescribeInstances / CreateNetworkInterface / AttachNetworkInterface /
//! CreateNatGateway responses, CreateTags / TerminateInstances requests) in the same input.
//!
//! Flow records also teach each interface's own address(es): `srcaddr` is the interface's
//! address for egress records and `dstaddr` for ingress ones (the `flow-direction` field); when
//! a log lacks that field, the interface's address is the one address that every record of the
//! interface shares, found by intersecting the address pairs of successive records. Interfaces
//! that forward other hosts' packets (NAT gateways, firewalls, Transit Gateway attachments —
//! recognised by `pkt-srcaddr`/`pkt-dstaddr` differing from `srcaddr`/`dstaddr`, or by
//! CloudTrail's `interfaceType`) are flagged as middleboxes, so that detectors do not blame a
//! NAT gateway for the traffic of the instances behind it.
//!
//! The engine feeds every event to [`Inventory::observe`] before the detectors see it. Files
//! arrive in any order, so a detector that needs an instance's details should look them up in
//! its `finish`, when the whole input has been seen.
//!
//! State is small: one entry per instance and per interface seen, a handful of addresses each.

use rustc_hash::FxHashMap as HashMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::event::{ApiCall, DnsQuery, Event, FlowDirection, FlowRecord};
use crate::findings::model::{IamInstanceProfile, InstanceDetails, NetworkInterface, SecurityGroup, Tag};
use crate::time::format_iso8601;

/// How many own addresses an interface may have before more are ignored (primary, secondary
/// and IPv6 addresses; 50 is EC2's per-interface maximum for the largest instance types).
const MAX_OWN_ADDRESSES: usize = 50;

/// CloudTrail `interfaceType` values of interfaces that forward traffic of other hosts.
const MIDDLEBOX_INTERFACE_TYPES: &[&str] = &[
    "nat_gateway",
    "natGateway",
    "gateway_load_balancer",
    "gateway_load_balancer_endpoint",
    "transit_gateway",
    "network_load_balancer",
    "vpc_endpoint",
    "network_firewall",
];

#[derive(Clone, Debug, Default)]
struct InstanceInfo {
    account_id: Option<String>,
    region: Option<String>,
    instance_type: Option<String>,
    state: Option<String>,
    launch_time: Option<String>,
    image_id: Option<String>,
    availability_zone: Option<String>,
    platform: Option<String>,
    iam_instance_profile: Option<IamInstanceProfile>,
    /// Interface ids in attachment order.
    interfaces: Vec<String>,
    tags: Vec<Tag>,
}

#[derive(Clone, Debug, Default)]
struct InterfaceInfo {
    instance_id: Option<String>,
    account_id: Option<String>,
    region: Option<String>,
    vpc_id: Option<String>,
    subnet_id: Option<String>,
    private_dns_name: Option<String>,
    public_ip: Option<String>,
    public_dns_name: Option<String>,
    security_groups: Vec<SecurityGroup>,
    /// Addresses known to belong to the interface (CloudTrail or flow records).
    own: Vec<IpAddr>,
    /// Address pair of the last record whose own side could not yet be told apart.
    pending: Option<(IpAddr, IpAddr)>,
    /// Forwards other hosts' traffic (NAT gateway, firewall, load balancer…).
    middlebox: bool,
    interface_type: Option<String>,
}

impl InterfaceInfo {
    fn add_own(&mut self, ip: IpAddr) {
        if !self.own.contains(&ip) && self.own.len() < MAX_OWN_ADDRESSES {
            self.own.push(ip);
        }
    }
}

/// What the input has told about instances and their network interfaces.
#[derive(Default)]
pub struct Inventory {
    instances: HashMap<String, InstanceInfo>,
    interfaces: HashMap<String, InterfaceInfo>,
    addresses: HashMap<IpAddr, String>,
}

impl Inventory {
    pub fn observe(&mut self, event: &Event) {
        match event {
            Event::Flow(f) => self.observe_flow(f),
            Event::Api(call) => self.observe_api(call),
            Event::Dns(d) => self.observe_dns(d),
        }
    }

    /// The instance id behind a network interface (`eni-…`), when known.
    pub fn instance_for_interface(&self, interface_id: &str) -> Option<&str> {
        self.interfaces.get(interface_id)?.instance_id.as_deref()
    }

    /// The instance that owns a private or public address, when known.
    pub fn instance_for_address(&self, addr: IpAddr) -> Option<&str> {
        self.addresses.get(&addr).map(String::as_str)
    }

    /// Whether `addr` is one of the interface's own addresses: `Some(true)` when known to be,
    /// `Some(false)` when the interface's addresses are known and `addr` is not among them,
    /// `None` when nothing is known yet.
    pub fn interface_owns(&self, interface_id: &str, addr: IpAddr) -> Option<bool> {
        let i = self.interfaces.get(interface_id)?;
        if i.own.contains(&addr) {
            Some(true)
        } else if i.own.is_empty() {
            None
        } else {
            Some(false)
        }
    }

    /// `true` when the interface forwards other hosts' traffic (NAT gateway, firewall,
    /// load balancer, Transit Gateway attachment).
    pub fn is_middlebox(&self, interface_id: &str) -> bool {
        self.interfaces.get(interface_id).is_some_and(|i| i.middlebox)
    }

    /// The resource a flow record is about: the record's `instance-id`, else the instance
    /// behind its interface, else the interface itself.
    pub fn resource_for_flow(&self, f: &FlowRecord) -> Option<String> {
        self.resource_for_flow_ref(f).map(str::to_string)
    }

    /// [`Inventory::resource_for_flow`], borrowed: per-record callers need not allocate.
    pub fn resource_for_flow_ref<'a>(&'a self, f: &'a FlowRecord) -> Option<&'a str> {
        if let Some(i) = &f.instance_id {
            return Some(i);
        }
        let eni = f.interface_id.as_deref()?;
        Some(self.instance_for_interface(eni).unwrap_or(eni))
    }

    /// The instance a DNS query came from: `srcids.instance`, else the owner of the source
    /// address.
    pub fn resource_for_dns(&self, d: &DnsQuery) -> Option<String> {
        if let Some(i) = &d.src_instance {
            return Some(i.clone());
        }
        d.srcaddr.and_then(|a| self.instance_for_address(a)).map(str::to_string)
    }

    /// The account and region of an instance or interface, as far as the input told
    /// (CloudTrail for instances, the flow log's `account-id` and `region` fields for
    /// interfaces); empty strings when unknown.
    pub fn location(&self, instance_or_interface_id: &str) -> (String, String) {
        let mut account = None;
        let mut region = None;
        if let Some(i) = self.instances.get(instance_or_interface_id) {
            account = i.account_id.clone();
            region = i.region.clone();
        }
        let enis = self.interfaces.iter().filter(|(id, e)| {
            id.as_str() == instance_or_interface_id
                || e.instance_id.as_deref() == Some(instance_or_interface_id)
        });
        let mut enis: Vec<_> = enis.collect();
        enis.sort_by(|a, b| a.0.cmp(b.0));
        for (_, e) in enis {
            if account.is_none() {
                account = e.account_id.clone();
            }
            if region.is_none() {
                region = e.region.clone();
            }
        }
        (account.unwrap_or_default(), region.unwrap_or_default())
    }

    /// GuardDuty's `instanceDetails` for an instance id (or, when no instance is known, for the
    /// interface id itself), filled with whatever the input told.
    pub fn instance_details(&self, instance_or_interface_id: &str) -> InstanceDetails {
        let mut d = InstanceDetails {
            instance_id: instance_or_interface_id.to_string(),
            ..InstanceDetails::default()
        };
        let Some(inst) = self.instances.get(instance_or_interface_id) else {
            if let Some(eni) = self.interfaces.get(instance_or_interface_id) {
                d.network_interfaces.push(self.interface_details(instance_or_interface_id, eni));
            }
            return d;
        };
        d.instance_type = inst.instance_type.clone();
        d.instance_state = inst.state.clone();
        d.launch_time = inst.launch_time.clone();
        d.image_id = inst.image_id.clone();
        d.availability_zone = inst.availability_zone.clone();
        d.platform = inst.platform.clone();
        d.iam_instance_profile = inst.iam_instance_profile.clone();
        d.tags = inst.tags.clone();
        let mut enis: Vec<&String> = inst.interfaces.iter().collect();
        // Interfaces learned only from flow records, after the ones CloudTrail named.
        let mut learned: Vec<&String> = self
            .interfaces
            .iter()
            .filter(|(id, i)| {
                i.instance_id.as_deref() == Some(instance_or_interface_id) && !enis.contains(id)
            })
            .map(|(id, _)| id)
            .collect();
        learned.sort();
        enis.extend(learned);
        for id in enis {
            if let Some(eni) = self.interfaces.get(id) {
                d.network_interfaces.push(self.interface_details(id, eni));
            }
        }
        d
    }

    fn interface_details(&self, id: &str, eni: &InterfaceInfo) -> NetworkInterface {
        let private = eni.own.iter().find(|a| a.is_ipv4() && crate::net::addr::is_internal(**a));
        NetworkInterface {
            network_interface_id: id.to_string(),
            private_ip_address: private.map(|a| a.to_string()),
            private_dns_name: eni.private_dns_name.clone(),
            public_ip: eni.public_ip.clone(),
            public_dns_name: eni.public_dns_name.clone(),
            subnet_id: eni.subnet_id.clone(),
            vpc_id: eni.vpc_id.clone(),
            security_groups: eni.security_groups.clone(),
            ipv6_addresses: eni.own.iter().filter(|a| a.is_ipv6()).map(|a| a.to_string()).collect(),
        }
    }

    fn observe_flow(&mut self, f: &FlowRecord) {
        let Some(eni_id) = f.interface_id.as_deref() else { return };
        if eni_id.is_empty() {
            return;
        }
        // Looked up before inserting: the id is allocated only for a new interface, not per record.
        if !self.interfaces.contains_key(eni_id) {
            self.interfaces.insert(eni_id.to_string(), InterfaceInfo::default());
        }
        let Some(eni) = self.interfaces.get_mut(eni_id) else { return };
        if let Some(inst) = &f.instance_id {
            if eni.instance_id.is_none() {
                eni.instance_id = Some(inst.clone());
            }
        }
        if eni.vpc_id.is_none() {
            eni.vpc_id = f.vpc_id.clone();
        }
        if eni.account_id.is_none() {
            eni.account_id = f.account_id.clone();
        }
        if eni.region.is_none() {
            eni.region = f.region.clone();
        }
        if eni.subnet_id.is_none() {
            eni.subnet_id = f.subnet_id.clone();
        }
        let transit = (f.pkt_srcaddr.is_some() && f.pkt_srcaddr != f.srcaddr)
            || (f.pkt_dstaddr.is_some() && f.pkt_dstaddr != f.dstaddr);
        if transit || f.tgw_id.is_some() {
            eni.middlebox = true;
        }
        let (Some(src), Some(dst)) = (f.srcaddr, f.dstaddr) else { return };
        let own = match f.flow_direction {
            Some(FlowDirection::Egress) => Some(src),
            Some(FlowDirection::Ingress) => Some(dst),
            None if eni.own.contains(&src) || eni.own.contains(&dst) => None,
            None => match eni.pending {
                Some((a, b)) if (a == src || b == src) && !(a == dst || b == dst) => Some(src),
                Some((a, b)) if (a == dst || b == dst) && !(a == src || b == src) => Some(dst),
                _ => {
                    eni.pending = Some((src, dst));
                    None
                }
            },
        };
        if let Some(own) = own {
            eni.add_own(own);
            eni.pending = None;
            if let Some(inst) = eni.instance_id.clone() {
                if !eni.middlebox {
                    self.addresses.entry(own).or_insert(inst);
                }
            }
        }
    }

    fn observe_dns(&mut self, d: &DnsQuery) {
        if let (Some(inst), Some(addr)) = (&d.src_instance, d.srcaddr) {
            self.addresses.entry(addr).or_insert_with(|| inst.clone());
        }
    }

    fn observe_api(&mut self, call: &ApiCall) {
        if call.failed() || call.service() != "ec2" {
            return;
        }
        match call.event_name.as_str() {
            "RunInstances" => {
                if let Some(r) = call.response::<Value>() {
                    for inst in items(r.get("instancesSet")) {
                        self.learn_instance(inst, call);
                    }
                }
            }
            "DescribeInstances" => {
                if let Some(r) = call.response::<Value>() {
                    for res in items(r.get("reservationSet")) {
                        for inst in items(res.get("instancesSet")) {
                            self.learn_instance(inst, call);
                        }
                    }
                }
            }
            "CreateNetworkInterface" => {
                if let Some(r) = call.response::<Value>() {
                    if let Some(eni) = r.get("networkInterface") {
                        self.learn_interface(eni, None);
                    }
                }
            }
            "AttachNetworkInterface" => {
                if let Some(r) = call.request::<Value>() {
                    if let (Some(eni), Some(inst)) = (text(&r, "networkInterfaceId"), text(&r, "instanceId"))
                    {
                        self.attach(&eni, &inst);
                    }
                }
            }
            "CreateNatGateway" => {
                if let Some(r) = call.response::<Value>() {
                    let gw = r.get("CreateNatGatewayResponse").unwrap_or(&r);
                    let gw = gw.get("natGateway").unwrap_or(gw);
                    for a in items(gw.get("natGatewayAddressSet")) {
                        if let Some(id) = text(a, "networkInterfaceId") {
                            let eni = self.interfaces.entry(id).or_default();
                            eni.middlebox = true;
                            eni.interface_type = Some("nat_gateway".to_string());
                        }
                    }
                }
            }
            "TerminateInstances" | "StopInstances" | "StartInstances" => {
                if let Some(r) = call.response::<Value>() {
                    for i in items(r.get("instancesSet")) {
                        if let (Some(id), Some(state)) =
                            (text(i, "instanceId"), i.get("currentState").and_then(|s| text(s, "name")))
                        {
                            if let Some(inst) = self.instances.get_mut(&id) {
                                inst.state = Some(state);
                            }
                        }
                    }
                }
            }
            "CreateTags" => {
                if let Some(r) = call.request::<Value>() {
                    let tags = tags_of(&r);
                    for res in items(r.get("resourcesSet")) {
                        let Some(id) = text(res, "resourceId") else { continue };
                        if id.starts_with("i-") {
                            let inst = self.instances.entry(id).or_default();
                            for t in &tags {
                                inst.tags.retain(|x| x.key != t.key);
                                inst.tags.push(t.clone());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn attach(&mut self, eni_id: &str, instance_id: &str) {
        let eni = self.interfaces.entry(eni_id.to_string()).or_default();
        eni.instance_id = Some(instance_id.to_string());
        let own = eni.own.clone();
        let inst = self.instances.entry(instance_id.to_string()).or_default();
        if !inst.interfaces.iter().any(|i| i == eni_id) {
            inst.interfaces.push(eni_id.to_string());
        }
        for a in own {
            self.addresses.insert(a, instance_id.to_string());
        }
    }

    fn learn_instance(&mut self, v: &Value, call: &ApiCall) {
        let Some(id) = text(v, "instanceId") else { return };
        let mut info = self.instances.remove(&id).unwrap_or_default();
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        set(&mut info.account_id, text(v, "ownerId").or_else(|| non_empty(&call.account_id)));
        set(&mut info.region, non_empty(&call.region));
        set(&mut info.instance_type, text(v, "instanceType"));
        set(&mut info.image_id, text(v, "imageId"));
        set(&mut info.platform, text(v, "platform"));
        set(&mut info.state, v.get("instanceState").and_then(|s| text(s, "name")));
        set(&mut info.availability_zone, v.get("placement").and_then(|p| text(p, "availabilityZone")));
        let launch = match v.get("launchTime") {
            Some(Value::Number(n)) => n.as_i64().map(format_iso8601),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        set(&mut info.launch_time, launch);
        if let Some(p) = v.get("iamInstanceProfile") {
            if let Some(arn) = text(p, "arn") {
                info.iam_instance_profile =
                    Some(IamInstanceProfile { arn, id: text(p, "id").unwrap_or_default() });
            }
        }
        let tags = tags_of(v);
        if !tags.is_empty() {
            info.tags = tags;
        }
        self.instances.insert(id.clone(), info);
        for eni in items(v.get("networkInterfaceSet")) {
            self.learn_interface(eni, Some(&id));
        }
        // Addresses given at the instance level belong to it even when no interface is listed.
        for key in ["privateIpAddress", "ipAddress"] {
            if let Some(a) = text(v, key).and_then(|s| s.parse::<IpAddr>().ok()) {
                self.addresses.insert(a, id.clone());
            }
        }
    }

    fn learn_interface(&mut self, v: &Value, instance_id: Option<&str>) {
        let Some(eni_id) = text(v, "networkInterfaceId") else { return };
        let attached = v.get("attachment").and_then(|a| text(a, "instanceId"));
        let instance_id = instance_id.map(str::to_string).or(attached);
        let eni = self.interfaces.entry(eni_id.clone()).or_default();
        set(&mut eni.vpc_id, text(v, "vpcId"));
        set(&mut eni.subnet_id, text(v, "subnetId"));
        set(&mut eni.private_dns_name, text(v, "privateDnsName"));
        if let Some(t) = text(v, "interfaceType") {
            if MIDDLEBOX_INTERFACE_TYPES.contains(&t.as_str()) {
                eni.middlebox = true;
            }
            eni.interface_type = Some(t);
        }
        let mut addrs: Vec<IpAddr> = Vec::new();
        if let Some(a) = text(v, "privateIpAddress").and_then(|s| s.parse().ok()) {
            addrs.push(a);
        }
        for p in items(v.get("privateIpAddressesSet")) {
            if let Some(a) = text(p, "privateIpAddress").and_then(|s| s.parse().ok()) {
                addrs.push(a);
            }
            if let Some(pub_ip) = p.get("association").and_then(|a| text(a, "publicIp")) {
                if let Ok(a) = pub_ip.parse() {
                    addrs.push(a);
                }
                if eni.public_ip.is_none() {
                    eni.public_ip = Some(pub_ip);
                }
            }
        }
        for p in items(v.get("ipv6AddressesSet")) {
            if let Some(a) = text(p, "ipv6Address").and_then(|s| s.parse().ok()) {
                addrs.push(a);
            }
        }
        if let Some(assoc) = v.get("association") {
            if let Some(p) = text(assoc, "publicIp") {
                if let Ok(a) = p.parse() {
                    addrs.push(a);
                }
                eni.public_ip = Some(p);
            }
            set(&mut eni.public_dns_name, text(assoc, "publicDnsName"));
        }
        let groups: Vec<SecurityGroup> = items(v.get("groupSet"))
            .into_iter()
            .filter_map(|g| {
                Some(SecurityGroup {
                    group_id: text(g, "groupId")?,
                    group_name: text(g, "groupName").unwrap_or_default(),
                })
            })
            .collect();
        if !groups.is_empty() {
            eni.security_groups = groups;
        }
        for a in &addrs {
            eni.add_own(*a);
        }
        if let Some(inst) = instance_id {
            eni.instance_id = Some(inst.clone());
            for a in addrs {
                self.addresses.insert(a, inst.clone());
            }
            let info = self.instances.entry(inst).or_default();
            if !info.interfaces.contains(&eni_id) {
                info.interfaces.push(eni_id);
            }
        }
    }
}

fn set(slot: &mut Option<String>, v: Option<String>) {
    if v.is_some() {
        *slot = v;
    }
}

/// A non-empty string field.
fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The elements of one of CloudTrail's EC2 list wrappers: `{"items":[…]}`, `{"item":[…]}`,
/// `{"item":{…}}`, a bare array or a single object.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(m)) => match m.get("items").or_else(|| m.get("item")) {
            Some(inner) => items(Some(inner)),
            None => vec![o],
        },
        Some(_) => Vec::new(),
    }
}

fn tags_of(v: &Value) -> Vec<Tag> {
    items(v.get("tagSet"))
        .into_iter()
        .filter_map(|t| Some(Tag { key: text(t, "key")?, value: text(t, "value").unwrap_or_default() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::SourceRef;
    use crate::ingest::cloudtrail::parse_record;

    fn api(json: &str) -> Event {
        Event::Api(Box::new(parse_record(json, SourceRef::default()).unwrap()))
    }

    fn flow(eni: &str, src: &str, dst: &str, dir: Option<FlowDirection>) -> Event {
        Event::Flow(FlowRecord {
            interface_id: Some(eni.to_string()),
            srcaddr: src.parse().ok(),
            dstaddr: dst.parse().ok(),
            flow_direction: dir,
            ..FlowRecord::default()
        })
    }

    const RUN: &str = r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","userName":"ops"},
      "responseElements":{"instancesSet":{"items":[{"instanceId":"i-0abc","imageId":"ami-123","instanceType":"t3.micro","launchTime":1704067200000,
        "instanceState":{"code":0,"name":"pending"},"placement":{"availabilityZone":"us-east-1a"},"privateIpAddress":"10.0.1.5",
        "iamInstanceProfile":{"arn":"arn:aws:iam::111122223333:instance-profile/web","id":"AIPA1"},
        "tagSet":{"items":[{"key":"Name","value":"web-1"}]},
        "networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-01","subnetId":"subnet-1","vpcId":"vpc-1","privateIpAddress":"10.0.1.5",
          "privateIpAddressesSet":{"item":[{"privateIpAddress":"10.0.1.5","primary":true,"association":{"publicIp":"54.1.2.3"}}]},
          "groupSet":{"items":[{"groupId":"sg-1","groupName":"web"}]},"ipv6AddressesSet":{"items":[{"ipv6Address":"2600:1f18::5"}]}}]}}]}}}"#;

    #[test]
    fn learns_instances_from_run_instances() {
        let mut inv = Inventory::default();
        inv.observe(&api(RUN));
        assert_eq!(inv.instance_for_interface("eni-01"), Some("i-0abc"));
        assert_eq!(inv.instance_for_address("10.0.1.5".parse().unwrap()), Some("i-0abc"));
        assert_eq!(inv.instance_for_address("54.1.2.3".parse().unwrap()), Some("i-0abc"));
        assert_eq!(inv.instance_for_address("2600:1f18::5".parse().unwrap()), Some("i-0abc"));
        let d = inv.instance_details("i-0abc");
        assert_eq!(d.instance_type.as_deref(), Some("t3.micro"));
        assert_eq!(inv.location("i-0abc").1, "us-east-1");
        assert_eq!(d.image_id.as_deref(), Some("ami-123"));
        assert_eq!(d.launch_time.as_deref(), Some("2024-01-01T00:00:00.000Z"));
        assert_eq!(d.availability_zone.as_deref(), Some("us-east-1a"));
        assert_eq!(d.tags, vec![Tag { key: "Name".into(), value: "web-1".into() }]);
        assert_eq!(d.iam_instance_profile.as_ref().unwrap().id, "AIPA1");
        let n = &d.network_interfaces[0];
        assert_eq!(n.network_interface_id, "eni-01");
        assert_eq!(n.private_ip_address.as_deref(), Some("10.0.1.5"));
        assert_eq!(n.public_ip.as_deref(), Some("54.1.2.3"));
        assert_eq!(n.vpc_id.as_deref(), Some("vpc-1"));
        assert_eq!(n.security_groups[0].group_name, "web");
        assert_eq!(n.ipv6_addresses, vec!["2600:1f18::5".to_string()]);
    }

    #[test]
    fn learns_from_describe_create_and_attach() {
        let mut inv = Inventory::default();
        inv.observe(&api(r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","userIdentity":{"type":"IAMUser"},
            "responseElements":{"reservationSet":{"items":[{"instancesSet":{"items":[{"instanceId":"i-0d","instanceType":"m5.large","platform":"windows",
            "networkInterfaceSet":{"items":[{"networkInterfaceId":"eni-0d","privateIpAddress":"10.9.0.4","association":{"publicIp":"3.3.3.3","publicDnsName":"ec2-3-3-3-3.compute-1.amazonaws.com"}}]}}]}}]}}}"#));
        assert_eq!(inv.instance_for_address("3.3.3.3".parse().unwrap()), Some("i-0d"));
        assert_eq!(inv.instance_details("i-0d").network_interfaces[0].public_ip.as_deref(), Some("3.3.3.3"));
        inv.observe(&api(r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"CreateNetworkInterface","userIdentity":{"type":"IAMUser"},
            "responseElements":{"networkInterface":{"networkInterfaceId":"eni-02","privateIpAddress":"10.9.0.77","vpcId":"vpc-9","interfaceType":"interface"}}}"#));
        assert_eq!(inv.instance_for_interface("eni-02"), None);
        inv.observe(&api(r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AttachNetworkInterface","userIdentity":{"type":"IAMUser"},
            "requestParameters":{"networkInterfaceId":"eni-02","instanceId":"i-0d","deviceIndex":1},"responseElements":{"attachmentId":"eni-attach-1"}}"#));
        assert_eq!(inv.instance_for_interface("eni-02"), Some("i-0d"));
        assert_eq!(inv.instance_for_address("10.9.0.77".parse().unwrap()), Some("i-0d"));
        assert_eq!(inv.instance_details("i-0d").network_interfaces.len(), 2);
        // A failed call teaches nothing.
        inv.observe(&api(r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"AttachNetworkInterface","errorCode":"UnauthorizedOperation","userIdentity":{"type":"IAMUser"},
            "requestParameters":{"networkInterfaceId":"eni-03","instanceId":"i-0d"}}"#));
        assert_eq!(inv.instance_for_interface("eni-03"), None);
    }

    #[test]
    fn learns_interface_addresses_from_flows() {
        let mut inv = Inventory::default();
        // With flow-direction the own side is explicit.
        let mut f = flow("eni-a", "10.0.0.5", "8.8.8.8", Some(FlowDirection::Egress));
        if let Event::Flow(r) = &mut f {
            r.instance_id = Some("i-a".into());
        }
        inv.observe(&f);
        assert_eq!(inv.interface_owns("eni-a", "10.0.0.5".parse().unwrap()), Some(true));
        assert_eq!(inv.interface_owns("eni-a", "8.8.8.8".parse().unwrap()), Some(false));
        assert_eq!(inv.instance_for_address("10.0.0.5".parse().unwrap()), Some("i-a"));
        // Without it, the address common to successive records is the interface's.
        inv.observe(&flow("eni-b", "10.0.0.9", "10.0.0.7", None));
        assert_eq!(inv.interface_owns("eni-b", "10.0.0.9".parse().unwrap()), None);
        inv.observe(&flow("eni-b", "10.0.0.8", "10.0.0.9", None));
        assert_eq!(inv.interface_owns("eni-b", "10.0.0.9".parse().unwrap()), Some(true));
        assert_eq!(inv.interface_owns("eni-b", "10.0.0.7".parse().unwrap()), Some(false));
    }

    #[test]
    fn nat_gateways_are_middleboxes() {
        let mut inv = Inventory::default();
        let mut f = flow("eni-nat", "10.0.1.5", "10.0.2.9", None);
        if let Event::Flow(r) = &mut f {
            r.pkt_srcaddr = "10.0.1.5".parse().ok();
            r.pkt_dstaddr = "203.0.113.80".parse().ok();
        }
        inv.observe(&f);
        assert!(inv.is_middlebox("eni-nat"));
        inv.observe(&api(r#"{"eventTime":"2024-01-01T00:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"CreateNatGateway","userIdentity":{"type":"IAMUser"},
            "responseElements":{"CreateNatGatewayResponse":{"natGateway":{"natGatewayAddressSet":{"item":{"networkInterfaceId":"eni-nat2","privateIp":"10.0.2.10"}}}}}}"#));
        assert!(inv.is_middlebox("eni-nat2"));
        assert!(!inv.is_middlebox("eni-other"));
    }

    #[test]
    fn dns_and_flow_resources() {
        let mut inv = Inventory::default();
        inv.observe(&api(RUN));
        let d = DnsQuery { srcaddr: "10.0.1.5".parse().ok(), ..DnsQuery::default() };
        assert_eq!(inv.resource_for_dns(&d).as_deref(), Some("i-0abc"));
        let d = DnsQuery { src_instance: Some("i-zz".into()), ..DnsQuery::default() };
        assert_eq!(inv.resource_for_dns(&d).as_deref(), Some("i-zz"));
        let f = FlowRecord { interface_id: Some("eni-01".into()), ..FlowRecord::default() };
        assert_eq!(inv.resource_for_flow(&f).as_deref(), Some("i-0abc"));
        let f = FlowRecord { interface_id: Some("eni-zz".into()), ..FlowRecord::default() };
        assert_eq!(inv.resource_for_flow(&f).as_deref(), Some("eni-zz"));
        assert_eq!(inv.instance_details("eni-zz").instance_id, "eni-zz");
    }
}
