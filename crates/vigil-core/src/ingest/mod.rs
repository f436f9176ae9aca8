//! Sources: where data enters. Recognises each input by its content, streams it in bounded
//! memory and turns records into [`crate::event::Event`]s, accounting for every record.

pub mod cloudtrail;
