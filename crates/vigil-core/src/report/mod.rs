//! Sinks for people and other tools: share links (and, in sibling modules, exports).

pub mod share;
pub mod timeline;
