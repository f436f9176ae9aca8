//! Every detector Vigil runs, in one list.

use super::cloudtrail;
use super::Detector;

pub fn all() -> Vec<Box<dyn Detector>> {
    vec![Box::new(cloudtrail::root_credential_usage::RootCredentialUsage)]
}
