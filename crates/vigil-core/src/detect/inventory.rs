//! What the input tells about EC2 instances: network interface → instance, address → instance,
//! and instance details (type, image, VPC, subnet, tags, public IP) for GuardDuty's
//! `instanceDetails`. Learned from flow records' `instance-id` and from CloudTrail
//! (RunInstances / DescribeInstances / CreateNetworkInterface / AttachNetworkInterface responses)
//! in the same input.
//!
//! The engine feeds every event to [`Inventory::observe`] before the detectors see it. Files
//! arrive in any order, so a detector that needs an instance's details should look them up in
//! its `finish`, when the whole input has been seen.

use std::net::IpAddr;

use crate::event::Event;
use crate::findings::model::InstanceDetails;

#[derive(Default)]
pub struct Inventory {}

impl Inventory {
    pub fn observe(&mut self, _event: &Event) {}

    /// The instance id behind a network interface (`eni-…`), when known.
    pub fn instance_for_interface(&self, _interface_id: &str) -> Option<&str> {
        None
    }

    /// The instance that owns a private or public address, when known.
    pub fn instance_for_address(&self, _addr: IpAddr) -> Option<&str> {
        None
    }

    /// GuardDuty's `instanceDetails` for an instance id (or, when no instance is known, for the
    /// interface id itself), filled with whatever the input told.
    pub fn instance_details(&self, instance_or_interface_id: &str) -> InstanceDetails {
        InstanceDetails { instance_id: instance_or_interface_id.to_string(), ..InstanceDetails::default() }
    }
}
