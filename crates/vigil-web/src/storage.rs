//! What the console remembers in the browser (localStorage, this origin only): the user's
//! threat/trusted lists, suppression rules and a kept baseline (learned profiles: API names,
//! networks, counts). Never logs, never findings.

use gloo::storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};

pub const LISTS_KEY: &str = "vigil.lists.v1";
pub const RULES_KEY: &str = "vigil.rules.v1";
pub const BASELINE_KEY: &str = "vigil.baseline.v1";

pub fn load<T: DeserializeOwned + Default>(key: &str) -> T {
    LocalStorage::get(key).unwrap_or_default()
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    if let Err(e) = try_save(key, value) {
        gloo::console::warn!(e);
    }
}

/// Saves, saying why it could not (usually the browser's storage quota, a few MB per site).
pub fn try_save<T: Serialize>(key: &str, value: &T) -> Result<(), String> {
    LocalStorage::set(key, value).map_err(|e| format!("could not save {key} in this browser: {e}"))
}

pub fn remove(key: &str) {
    LocalStorage::delete(key);
}
