//! One scan: files in, findings and a per-file account out. The single API the CLI and the
//! browser console both drive.
//!
//! ```text
//! let mut scanner = Scanner::new(Engine::default());
//! let f = scanner.begin_file("AWSLogs/…/file.json.gz");
//! scanner.push(f, chunk);   // as often as chunks arrive (File.stream(), a fetch body, a read loop)
//! scanner.end_file(f);
//! let report = scanner.finish();
//! ```
//!
//! Several files may be open at once (their chunks interleaved). Each file gets a
//! [`SourceRef::file`](crate::event::SourceRef) id, named to the engine for evidence; zip
//! archives are expanded into one id and one account per entry.

use std::io::{Read, Seek};

use serde::{Deserialize, Serialize};

use crate::detect::Engine;
use crate::event::Event;
use crate::findings::Finding;
use crate::ingest::archive::{self, BufferedZip, EntryHost};
use crate::ingest::{FileAccount, FileIngest, Totals};

/// A file opened with [`Scanner::begin_file`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(usize);

/// Bytes needed to tell a zip archive from anything else.
const HEAD_BYTES: usize = 4;

enum Open {
    /// First bytes, until there are enough to recognise a zip archive.
    Head {
        file: u32,
        head: Vec<u8>,
    },
    Stream(Box<FileIngest>),
    Zip(BufferedZip),
}

struct Slot {
    path: String,
    open: Option<Open>,
    /// The file's account — or its entries' accounts, for an archive.
    accounts: Vec<FileAccount>,
}

/// What a scan found and what it read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub files: Vec<FileAccount>,
    pub totals: Totals,
}

/// The `--summary-json` document: the account without the findings.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub files: &'a [FileAccount],
    pub totals: &'a Totals,
}

impl ScanReport {
    pub fn summary(&self) -> Summary<'_> {
        Summary { files: &self.files, totals: &self.totals }
    }
}

pub struct Scanner {
    engine: Engine,
    next_file: u32,
    slots: Vec<Slot>,
}

/// Hands archive entries ids and their events to the engine.
struct Host<'a> {
    engine: &'a mut Engine,
    next_file: &'a mut u32,
}

impl EntryHost for Host<'_> {
    fn begin_entry(&mut self, path: &str) -> u32 {
        let id = *self.next_file;
        *self.next_file += 1;
        self.engine.set_file_name(id, path);
        id
    }

    fn event(&mut self, event: Event) {
        self.engine.observe(&event);
    }
}

impl Scanner {
    pub fn new(engine: Engine) -> Self {
        Self { engine, next_file: 0, slots: Vec::new() }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn allocate_file(&mut self, path: &str) -> u32 {
        let id = self.next_file;
        self.next_file += 1;
        self.engine.set_file_name(id, path);
        id
    }

    /// Starts a file; `path` names it in the account and in evidence.
    pub fn begin_file(&mut self, path: &str) -> FileId {
        let file = self.allocate_file(path);
        self.slots.push(Slot {
            path: path.to_string(),
            open: Some(Open::Head { file, head: Vec::new() }),
            accounts: Vec::new(),
        });
        FileId(self.slots.len() - 1)
    }

    /// Feeds the next bytes of a file. Bytes for a file already ended are ignored.
    pub fn push(&mut self, id: FileId, bytes: &[u8]) {
        let Some(slot) = self.slots.get_mut(id.0) else { return };
        let engine = &mut self.engine;
        match &mut slot.open {
            Some(Open::Head { file, head }) => {
                head.extend_from_slice(bytes);
                if head.len() >= HEAD_BYTES {
                    let (file, head) = (*file, std::mem::take(head));
                    slot.open = Some(Self::recognise(&slot.path, file, &head, engine));
                }
            }
            Some(Open::Stream(ingest)) => ingest.push(bytes, &mut |e| engine.observe(&e)),
            Some(Open::Zip(zip)) => zip.push(bytes),
            None => {}
        }
    }

    fn recognise(path: &str, file: u32, head: &[u8], engine: &mut Engine) -> Open {
        if archive::is_zip(head) {
            let mut zip = BufferedZip::new(path);
            zip.push(head);
            Open::Zip(zip)
        } else {
            let mut ingest = FileIngest::new(path, file);
            ingest.push(head, &mut |e| engine.observe(&e));
            Open::Stream(Box::new(ingest))
        }
    }

    /// Ends a file: its last records are processed and its account is complete.
    pub fn end_file(&mut self, id: FileId) {
        let Some(slot) = self.slots.get_mut(id.0) else { return };
        let open = match slot.open.take() {
            Some(Open::Head { file, head }) => Self::recognise(&slot.path, file, &head, &mut self.engine),
            Some(open) => open,
            None => return,
        };
        match open {
            Open::Stream(ingest) => {
                let engine = &mut self.engine;
                slot.accounts.push(ingest.finish(&mut |e| engine.observe(&e)));
            }
            Open::Zip(zip) => {
                let mut host = Host { engine: &mut self.engine, next_file: &mut self.next_file };
                slot.accounts = zip.finish(&mut host);
            }
            Open::Head { .. } => unreachable!("recognised above"),
        }
    }

    /// Ends a file whose input failed (a read error, a stream that broke off): what was read
    /// counts, and one error says why the rest is missing.
    pub fn abort_file(&mut self, id: FileId, message: &str) {
        let Some(slot) = self.slots.get_mut(id.0) else { return };
        let open = match slot.open.take() {
            Some(Open::Head { file, head }) => Self::recognise(&slot.path, file, &head, &mut self.engine),
            Some(open) => open,
            None => return,
        };
        match open {
            Open::Stream(ingest) => slot.accounts.push(ingest.fail(message)),
            Open::Zip(_) => {
                let mut account = FileAccount::new(&slot.path);
                account.count_error("archive".into(), format!("zip archive incomplete: {message}"));
                slot.accounts.push(account);
            }
            Open::Head { .. } => unreachable!("recognised above"),
        }
    }

    /// Scans a zip archive read from anything seekable (a file on disk), without holding it in
    /// memory.
    pub fn scan_zip<R: Read + Seek>(&mut self, path: &str, reader: R, size: u64) {
        let mut host = Host { engine: &mut self.engine, next_file: &mut self.next_file };
        let accounts = archive::ingest_zip(path, reader, size, &mut host);
        self.slots.push(Slot { path: path.to_string(), open: None, accounts });
    }

    /// Ends any file still open, runs the detectors' end-of-input pass and returns the report.
    pub fn finish(self) -> ScanReport {
        self.finish_with_context().0
    }

    /// Like [`Scanner::finish`], also handing back the detection context (for what was learned:
    /// the baselines to export, the baselines view).
    pub fn finish_with_context(mut self) -> (ScanReport, crate::detect::Context) {
        for i in 0..self.slots.len() {
            self.end_file(FileId(i));
        }
        let files: Vec<FileAccount> = self.slots.into_iter().flat_map(|s| s.accounts).collect();
        let totals = Totals::of(&files);
        let (findings, context) = self.engine.finish_with_context();
        (ScanReport { findings, files, totals }, context)
    }
}
