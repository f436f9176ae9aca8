//! Every detector Vigil runs, in one list.

use super::anomaly;
use super::cloudtrail;
use super::dns;
use super::intel;
use super::network;
use super::Detector;

pub fn all() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(cloudtrail::root_credential_usage::RootCredentialUsage),
        Box::new(anomaly::iam_anomalous_behavior::IamAnomalousBehavior),
        Box::new(anomaly::console_login_success_b::ConsoleLoginSuccessB),
        Box::new(anomaly::s3_anomalous_behavior::S3AnomalousBehavior),
        Box::new(anomaly::network_port_unusual::NetworkPortUnusual),
        Box::new(anomaly::traffic_volume_unusual::TrafficVolumeUnusual),
        Box::new(cloudtrail::short_term_root_credential_usage::ShortTermRootCredentialUsage),
        Box::new(cloudtrail::cloudtrail_logging_disabled::CloudTrailLoggingDisabled::default()),
        Box::new(cloudtrail::password_policy_change::PasswordPolicyChange::default()),
        Box::new(cloudtrail::s3_server_access_logging_disabled::S3ServerAccessLoggingDisabled),
        Box::new(cloudtrail::pentest_user_agent::PenTestUserAgent::default()),
        Box::new(cloudtrail::bedrock_logging_disabled::BedrockLoggingDisabled),
        Box::new(cloudtrail::s3_public_access::S3PublicAccess),
        Box::new(cloudtrail::custom_detection_rules::CustomDetectionRules),
        Box::new(dns::dga::DgaDomainRequest::default()),
        Box::new(dns::exfiltration::DnsDataExfiltration::default()),
        Box::new(dns::metadata_rebind::MetadataDnsRebind::default()),
        Box::new(intel::iam_caller::IamCaller),
        Box::new(intel::s3_caller::S3Caller),
        Box::new(intel::instance_credential_exfiltration::InstanceCredentialExfiltration::default()),
        Box::new(intel::dns_request::DnsRequest::default()),
        Box::new(intel::ip_traffic::IpTraffic::default()),
        Box::new(intel::tor::Tor::default()),
        Box::new(intel::port_probe::PortProbe::default()),
        Box::new(network::brute_force::BruteForce::default()),
        Box::new(network::denial_of_service::DenialOfService::default()),
        Box::new(network::port_sweep::PortSweep::default()),
        Box::new(network::portscan::Portscan::default()),
        Box::new(network::spambot::Spambot::default()),
        Box::new(network::unusual_dns::UnusualDns::default()),
    ]
}
