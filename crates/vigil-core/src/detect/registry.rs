//! Every detector Vigil runs, in one list.

use super::cloudtrail;
use super::network;
use super::Detector;

pub fn all() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(cloudtrail::root_credential_usage::RootCredentialUsage),
        Box::new(network::brute_force::BruteForce::default()),
        Box::new(network::denial_of_service::DenialOfService::default()),
        Box::new(network::port_sweep::PortSweep::default()),
        Box::new(network::portscan::Portscan::default()),
        Box::new(network::spambot::Spambot::default()),
        Box::new(network::unusual_dns::UnusualDns::default()),
    ]
}
