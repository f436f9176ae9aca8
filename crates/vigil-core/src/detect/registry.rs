//! Every detector Vigil runs, in one list.

use super::anomaly;
use super::cloudtrail;
use super::Detector;

pub fn all() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(cloudtrail::root_credential_usage::RootCredentialUsage),
        Box::new(anomaly::iam_anomalous_behavior::IamAnomalousBehavior),
        Box::new(anomaly::console_login_success_b::ConsoleLoginSuccessB),
        Box::new(anomaly::s3_anomalous_behavior::S3AnomalousBehavior),
        Box::new(anomaly::network_port_unusual::NetworkPortUnusual),
        Box::new(anomaly::traffic_volume_unusual::TrafficVolumeUnusual),
    ]
}
