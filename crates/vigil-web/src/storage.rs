//! What the console remembers in the browser (localStorage, this origin only): the user's
//! threat/trusted lists and suppression rules. Never logs, never findings.

use gloo::storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};

pub const LISTS_KEY: &str = "vigil.lists.v1";
pub const RULES_KEY: &str = "vigil.rules.v1";

pub fn load<T: DeserializeOwned + Default>(key: &str) -> T {
    LocalStorage::get(key).unwrap_or_default()
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    if let Err(e) = LocalStorage::set(key, value) {
        gloo::console::warn!(format!("could not save {key} in this browser: {e}"));
    }
}
