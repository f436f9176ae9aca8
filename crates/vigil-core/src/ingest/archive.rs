//! `.zip` archives: each entry is ingested as a file of its own, named `archive.zip!inner/path`,
//! with its own account (gzip entries and any format inside are recognised as usual).
//!
//! Memory: a zip's table of contents is at its end, so reading needs random access.
//! [`ingest_zip`] takes any `Read + Seek` — the CLI passes the open file and the console a
//! dropped `File` read slice by slice, so only one entry's decompression window and one record
//! are in memory at a time. Fed chunk by chunk instead (a fetched URL's body), the
//! [`crate::scan::Scanner`] keeps the *compressed* archive in memory, up to
//! [`MAX_BUFFERED_ZIP_BYTES`], and then streams each entry the same way.

use std::io::{Read, Seek};

use super::account::{FileAccount, Format};
use super::stream::FileIngest;
use crate::event::Event;

/// The largest archive the chunk-fed path keeps in memory to read it.
pub const MAX_BUFFERED_ZIP_BYTES: usize = 1 << 30;
/// Bytes read from an entry at a time.
const ENTRY_CHUNK: usize = 64 << 10;

/// `true` when the bytes start like a zip archive (a local file header or an empty archive).
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// What the archive reader needs from its caller: a file id per entry, and somewhere for events.
pub trait EntryHost {
    /// Starts an entry: returns the file id its events will carry.
    fn begin_entry(&mut self, path: &str) -> u32;
    fn event(&mut self, event: Event);
}

/// Ingests every file entry of an archive; returns one account per entry (or, when the archive
/// cannot be read at all, one account for the archive holding the error).
pub fn ingest_zip<R: Read + Seek>(
    archive_path: &str,
    reader: R,
    size: u64,
    host: &mut dyn EntryHost,
) -> Vec<FileAccount> {
    let mut zip = match zip::ZipArchive::new(reader) {
        Ok(z) => z,
        Err(e) => {
            let mut a = FileAccount::new(archive_path);
            a.bytes = size;
            a.count_error("archive".into(), format!("not a readable zip archive: {e}"));
            return vec![a];
        }
    };
    let mut accounts = Vec::new();
    let mut chunk = vec![0u8; ENTRY_CHUNK];
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let path = format!("{archive_path}!#{}", i + 1);
                host.begin_entry(&path);
                let mut a = FileAccount::new(&path);
                a.count_error("entry".into(), format!("unreadable zip entry: {e}"));
                accounts.push(a);
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let path = format!("{archive_path}!{}", entry.name());
        let file = host.begin_entry(&path);
        let mut ingest = FileIngest::new(&path, file);
        let mut first = true;
        let failure = loop {
            match entry.read(&mut chunk) {
                Ok(0) => break None,
                Ok(n) => {
                    if first && is_zip(&chunk[..n]) {
                        break Some("nested zip archive: not expanded (unzip it first)".to_string());
                    }
                    first = false;
                    ingest.push(&chunk[..n], &mut |e| host.event(e));
                }
                Err(e) => break Some(format!("zip entry data corrupt: {e}")),
            }
        };
        let account = match failure {
            None => ingest.finish(&mut |e| host.event(e)),
            Some(message) => ingest.fail(&message),
        };
        accounts.push(account);
    }
    accounts
}

/// An archive fed chunk by chunk, kept (compressed) until it ends.
pub struct BufferedZip {
    path: String,
    data: Vec<u8>,
    bytes: u64,
}

impl BufferedZip {
    pub fn new(path: &str) -> Self {
        Self { path: path.to_string(), data: Vec::new(), bytes: 0 }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        if self.data.len() + bytes.len() <= MAX_BUFFERED_ZIP_BYTES {
            self.data.extend_from_slice(bytes);
        }
    }

    pub fn finish(self, host: &mut dyn EntryHost) -> Vec<FileAccount> {
        if self.bytes > MAX_BUFFERED_ZIP_BYTES as u64 {
            let mut a = FileAccount::new(&self.path);
            a.bytes = self.bytes;
            a.format = Format::Unknown;
            a.count_error(
                "archive".into(),
                format!(
                    "zip archive larger than {} MiB cannot be read here: unzip it and add the files",
                    MAX_BUFFERED_ZIP_BYTES >> 20
                ),
            );
            return vec![a];
        }
        ingest_zip(&self.path, std::io::Cursor::new(self.data), self.bytes, host)
    }
}
