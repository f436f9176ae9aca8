//! Network knowledge shared by detectors: address classes ([`addr`]) and reading flow records
//! from the instance's side ([`flow`]).

pub mod addr;
pub mod flow;
