//! Chunk-fed ingestion of one file: bytes in, events out, in memory bounded independently of
//! the file's size.
//!
//! Layers, each fed by the one before as bytes arrive:
//! 1. decoding: gzip (recognised by its magic bytes, any number of members) or plain;
//! 2. recognition, on the first bytes of the decoded text: JSON (`{` or `[`), or lines
//!    (VPC Flow Logs with or without a header, CloudWatch Logs exports `TIMESTAMP message`);
//! 3. framing: JSON records are delimited incrementally — inside `{"Records":[…]}` (also
//!    `events` / `logEvents` / `QueryResultRows`), a top-level array, JSON lines or
//!    concatenated objects — lines by newlines;
//! 4. each record is parsed by its source's parser and counted in the [`FileAccount`].
//!
//! Only the record being framed is buffered (at most [`MAX_RECORD_BYTES`]; a larger one is
//! skipped over as an error without being kept), plus what one decompression step produces from
//! [`GZIP_STEP`] compressed bytes.

use std::borrow::Cow;
use std::io::Write;

use flate2::write::MultiGzDecoder;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::account::{FileAccount, Format};
use super::cloudtrail::{self, RawRecord, RecordError};
use super::flow::{FlowFormat, FlowLine};
use super::route53::{self, QueryError, RawQuery};
use crate::event::{ApiCall, Event, SourceRef};
use crate::time::parse_iso8601;

/// The largest record (JSON object or line) Vigil frames; larger ones are reported and skipped.
pub const MAX_RECORD_BYTES: usize = 32 << 20;
/// Compressed bytes handed to the gzip decoder at a time, so that what it inflates in one step
/// stays small (deflate expands at most ~1032×: 16 MiB in the worst case, ~200 KiB for logs).
pub const GZIP_STEP: usize = 16 << 10;
/// How far into a file Vigil looks for the end of the first line to recognise a line format.
const SNIFF_LIMIT: usize = 64 << 10;
/// Wrappers nest (a CloudWatch message holding a record…); deeper nesting is not followed.
const MAX_NESTING: u8 = 4;

pub const SKIP_EMPTY_FILE: &str = "empty file";
pub const SKIP_EMPTY_OBJECT: &str = "empty object";
pub const SKIP_DIGEST: &str = "CloudTrail digest file";
pub const SKIP_CONFIG_CHECK: &str = "AWS Config writability check file";
pub const SKIP_SNS: &str = "not a log file: SNS notification";
pub const SKIP_SQS: &str = "not a log file: SQS messages";
pub const SKIP_DELIVERY_NOTICE: &str = "not a log file: CloudTrail log delivery notification";
pub const SKIP_S3_EVENT: &str = "not a log file: S3 event notification";
pub const SKIP_S3_TEST_EVENT: &str = "not a log file: S3 test event";
pub const SKIP_CW_CONTROL: &str = "CloudWatch Logs control message";
pub const SKIP_EMPTY_MESSAGE: &str = "empty log message";
pub const SKIP_FLOW_HEADER_MESSAGE: &str = "flow log header in a log message";

/// Where the bytes of a file go.
enum Decode {
    /// Waiting for the two bytes that tell gzip from plain.
    Sniff(Vec<u8>),
    Plain,
    Gzip {
        decoder: Box<MultiGzDecoder<Vec<u8>>>,
        fed: u64,
    },
    /// Decompression failed; the rest of the file is counted in bytes only.
    Failed,
    /// The whole file is skipped by name (AWS Config's writability check object).
    Ignore,
}

/// Ingests one file pushed chunk by chunk.
pub struct FileIngest {
    decode: Decode,
    text: TextIngest,
}

impl FileIngest {
    /// `file` is the id events will carry in [`SourceRef::file`].
    pub fn new(path: &str, file: u32) -> Self {
        let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
        let decode = if name.starts_with("ConfigWritabilityCheckFile") {
            Decode::Ignore
        } else {
            Decode::Sniff(Vec::new())
        };
        Self { decode, text: TextIngest::new(path, file) }
    }

    pub fn account(&self) -> &FileAccount {
        &self.text.account
    }

    /// Feeds the next bytes of the file; events are handed to `sink` as records complete.
    pub fn push(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Event)) {
        self.text.account.bytes += bytes.len() as u64;
        self.feed(bytes, sink);
    }

    fn feed(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Event)) {
        match std::mem::replace(&mut self.decode, Decode::Failed) {
            Decode::Sniff(mut head) => {
                head.extend_from_slice(bytes);
                if head.len() >= 2 {
                    self.decide(&head);
                    self.feed(&head, sink);
                } else {
                    self.decode = Decode::Sniff(head);
                }
            }
            Decode::Plain => {
                self.decode = Decode::Plain;
                self.text.push(bytes, sink);
            }
            Decode::Gzip { mut decoder, mut fed } => {
                for step in bytes.chunks(GZIP_STEP) {
                    let result = decoder.write_all(step);
                    fed += step.len() as u64;
                    let mut out = std::mem::take(decoder.get_mut());
                    self.text.push(&out, sink);
                    // Give the buffer back so its capacity is reused.
                    out.clear();
                    *decoder.get_mut() = out;
                    if let Err(e) = result {
                        self.text.abandon(&format!("gzip data corrupt: {e}"));
                        return;
                    }
                }
                self.decode = Decode::Gzip { decoder, fed };
            }
            other => self.decode = other,
        }
    }

    fn decide(&mut self, head: &[u8]) {
        self.decode = if head.starts_with(&[0x1f, 0x8b]) {
            Decode::Gzip { decoder: Box::new(MultiGzDecoder::new(Vec::new())), fed: 0 }
        } else {
            Decode::Plain
        };
    }

    /// Ends the file: flushes what is pending and returns its account.
    pub fn finish(mut self, sink: &mut dyn FnMut(Event)) -> FileAccount {
        match std::mem::replace(&mut self.decode, Decode::Plain) {
            Decode::Sniff(head) => {
                self.decide(&head);
                self.feed(&head, sink);
                return self.finish(sink);
            }
            Decode::Plain => self.text.finish(sink),
            Decode::Gzip { mut decoder, fed } => {
                let result = decoder.try_finish();
                let out = std::mem::take(decoder.get_mut());
                self.text.push(&out, sink);
                match result {
                    Ok(()) => self.text.finish(sink),
                    Err(e) => self.text.abandon(&format!(
                        "gzip stream truncated or corrupt at its end (after {fed} compressed bytes): {e}"
                    )),
                }
            }
            Decode::Failed => {}
            Decode::Ignore => {
                self.text.account.count_skip(SKIP_CONFIG_CHECK);
                self.text.recognised = Some(Format::Skipped);
            }
        }
        self.text.into_account()
    }
}

impl FileIngest {
    /// Ends the file after the input feeding it failed (a corrupt zip entry…): one error stands
    /// for the failure and the incomplete record it cut.
    pub fn fail(mut self, message: &str) -> FileAccount {
        self.text.abandon(message);
        self.text.into_account()
    }
}

/// Ingests a whole in-memory file, `chunk` bytes at a time (tests, benchmarks).
pub fn ingest_bytes(path: &str, file: u32, bytes: &[u8], chunk: usize) -> (Vec<Event>, FileAccount) {
    let mut events = Vec::new();
    let mut sink = |e: Event| events.push(e);
    let mut f = FileIngest::new(path, file);
    for c in bytes.chunks(chunk.max(1)) {
        f.push(c, &mut sink);
    }
    let account = f.finish(&mut sink);
    (events, account)
}

/// The source a file's records have turned out to be, so the next record is parsed as such
/// straight away (no probing) while it keeps being one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    CloudTrail,
    Dns,
}

/// Which array of an envelope object is being streamed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Envelope {
    /// `Records`, `events`, `logEvents`: records (or wrappers of records).
    Records,
    /// `QueryResultRows` of a CloudTrail Lake query result: rows of `{column: value}` cells.
    LakeRows,
}

#[derive(Clone, Copy)]
enum JsonCtx {
    Top,
    Array(Option<Envelope>),
    /// After the streamed array of an envelope object: skipping to its closing brace.
    AfterEnvelope(ValueScan),
}

enum Mode {
    Sniff,
    Json(JsonCtx),
    Lines,
    /// Unrecognised content (already reported); the rest is only counted in bytes.
    Unknown,
}

/// Resumable scan for the end of one JSON value, tracking only nesting and strings.
#[derive(Clone, Copy, Default)]
struct ValueScan {
    /// Bytes of the value already examined.
    scanned: usize,
    depth: u32,
    in_str: bool,
    lines: LineRule,
    /// Which of the first 64 open containers are arrays (bit `d` for depth `d + 1`).
    arrays: u64,
    /// The last byte outside strings that is not whitespace (`"` for a string's end).
    last: u8,
}

/// Whether a line break can end a top-level record that is still open, so that a damaged line
/// of JSON lines costs that line only instead of swallowing the lines after it.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum LineRule {
    /// Inside arrays and envelopes: records may span lines.
    #[default]
    Free,
    /// A top-level record: it ends at a line break followed by a `{` in the first column when
    /// joining the two lines could not be valid JSON (the open record expects a key or a comma
    /// there) — pretty-printed records never lose anything to this.
    Top,
    /// The file is JSON lines (its first record held on one line): every record ends at the end
    /// of its line.
    Bound,
}

enum ScanResult {
    /// The value is this many bytes long.
    Complete(usize),
    Incomplete,
    /// A raw newline inside a string (never valid JSON): the value is broken; the line ends at
    /// this offset.
    BrokenAt(usize),
    /// A top-level record still open where its line ends (see [`LineRule`]); the line ends at
    /// this offset.
    LineEnds(usize),
}

impl ValueScan {
    /// Inside an object whose opening brace has been consumed.
    fn inside_object() -> Self {
        Self { depth: 1, ..Self::default() }
    }

    fn with_lines(lines: LineRule) -> Self {
        Self { lines, ..Self::default() }
    }

    /// Whether the innermost open container is an array.
    fn in_array(&self) -> bool {
        self.depth >= 1 && self.depth <= 64 && self.arrays & (1 << (self.depth - 1)) != 0
    }

    /// At a line break (offset `i` of `v`) inside the open value: does the record end here?
    /// `None` when the next byte is not there yet.
    fn line_ends_record(&self, v: &[u8], i: usize) -> Option<bool> {
        match self.lines {
            LineRule::Free => Some(false),
            LineRule::Bound => Some(true),
            LineRule::Top => {
                let next = *v.get(i + 1)?;
                // After `:`, or after `,` / `[` inside an array, a `{` continues the value.
                let continues = self.last == b':' || (self.in_array() && matches!(self.last, b',' | b'['));
                Some(next == b'{' && !continues)
            }
        }
    }

    /// Continues over `v`, the bytes from the value's first byte (or, after [`Self::consume`],
    /// from where it left off).
    fn advance(&mut self, v: &[u8]) -> ScanResult {
        let mut i = self.scanned;
        while i < v.len() {
            if self.in_str {
                match memchr::memchr3(b'"', b'\\', b'\n', &v[i..]) {
                    None => {
                        i = v.len();
                        break;
                    }
                    Some(k) => {
                        i += k;
                        match v[i] {
                            b'\\' => i += 2,
                            b'\n' => return ScanResult::BrokenAt(i),
                            _ => {
                                self.in_str = false;
                                self.last = b'"';
                                i += 1;
                                if self.depth == 0 {
                                    return ScanResult::Complete(i);
                                }
                            }
                        }
                        continue;
                    }
                }
            }
            let b = v[i];
            match b {
                b'"' => self.in_str = true,
                b'{' | b'[' => {
                    if self.depth < 64 {
                        let bit = 1u64 << self.depth;
                        if b == b'[' {
                            self.arrays |= bit;
                        } else {
                            self.arrays &= !bit;
                        }
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        return ScanResult::Complete(i);
                    }
                    self.depth -= 1;
                    if self.depth == 0 {
                        return ScanResult::Complete(i + 1);
                    }
                }
                b'\n' if self.depth > 0 && self.lines != LineRule::Free => {
                    match self.line_ends_record(v, i) {
                        Some(true) => return ScanResult::LineEnds(i),
                        Some(false) => {}
                        None => {
                            // Look again once the next line's first byte is there.
                            self.scanned = i;
                            return ScanResult::Incomplete;
                        }
                    }
                }
                b',' | b' ' | b'\n' | b'\r' | b'\t' if self.depth == 0 && i > 0 => {
                    return ScanResult::Complete(i)
                }
                _ => {}
            }
            if !b.is_ascii_whitespace() {
                self.last = b;
            }
            i += 1;
        }
        self.scanned = i;
        ScanResult::Incomplete
    }

    /// Forgets the first `n` bytes (no longer kept), shifting the scan position.
    fn consume(&mut self, n: usize) {
        self.scanned -= n.min(self.scanned);
    }
}

/// Where a record starts, for error locations.
#[derive(Clone, Copy)]
enum At {
    /// Byte offset in the current buffer (line number worked out only if needed).
    Byte(usize),
    /// A JSON record whose line number is known.
    RecordLine(u64),
    /// A line of a line-based format.
    Line(u64),
}

/// Decoded text → records → events.
struct TextIngest {
    file: u32,
    account: FileAccount,
    buf: Vec<u8>,
    /// Position in the text being processed (during a run).
    pos: usize,
    /// The text being processed is valid UTF-8 up to here (during a run).
    utf8_valid: usize,
    /// Newlines in the text already dropped from `buf`.
    lines_before: u64,
    /// Line counting cursor within `buf`: (offset, newlines before it).
    line_cursor: (usize, u64),
    /// Lines-mode line number of the last line read.
    line_no: u64,
    mode: Mode,
    sticky: Option<Kind>,
    /// A record being framed slowly (its end not yet in the buffer).
    pending: Option<ValueScan>,
    /// An oversized record being skipped over.
    discard: Option<ValueScan>,
    /// Lines mode: the rest of an oversized line is being skipped.
    discard_line: bool,
    /// Whether top-level JSON records are one per line (known after the first one).
    json_lines: Option<bool>,
    flow: FlowFormat,
    recognised: Option<Format>,
    /// Events per source: CloudTrail, flow, DNS.
    events_by_kind: [u64; 3],
}

/// Keys that tell what a JSON object is. Only presence matters for most.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(rename = "eventTime")]
    event_time: Option<IgnoredAny>,
    #[serde(rename = "eventName")]
    event_name: Option<IgnoredAny>,
    query_name: Option<IgnoredAny>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
    #[serde(borrow, rename = "Records")]
    records: Option<&'a RawValue>,
    #[serde(borrow)]
    events: Option<&'a RawValue>,
    #[serde(borrow, rename = "logEvents")]
    log_events: Option<&'a RawValue>,
    #[serde(borrow, rename = "QueryResultRows")]
    query_result_rows: Option<&'a RawValue>,
    #[serde(borrow, rename = "eventJson")]
    event_json: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "eventData")]
    event_data: Option<&'a RawValue>,
    #[serde(borrow, rename = "Type")]
    sns_type: Option<Cow<'a, str>>,
    #[serde(rename = "TopicArn")]
    topic_arn: Option<IgnoredAny>,
    #[serde(rename = "s3Bucket")]
    s3_bucket: Option<IgnoredAny>,
    #[serde(rename = "s3ObjectKey")]
    s3_object_key: Option<IgnoredAny>,
    #[serde(rename = "Messages")]
    sqs_messages: Option<IgnoredAny>,
    #[serde(borrow, rename = "Event")]
    s3_event: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "messageType")]
    message_type: Option<Cow<'a, str>>,
    #[serde(rename = "digestStartTime")]
    digest_start_time: Option<IgnoredAny>,
    #[serde(rename = "digestPublicKeyFingerprint")]
    digest_fingerprint: Option<IgnoredAny>,
}

impl TextIngest {
    fn new(path: &str, file: u32) -> Self {
        Self {
            file,
            account: FileAccount::new(path),
            buf: Vec::new(),
            pos: 0,
            utf8_valid: 0,
            lines_before: 0,
            line_cursor: (0, 0),
            line_no: 0,
            mode: Mode::Sniff,
            sticky: None,
            pending: None,
            discard: None,
            discard_line: false,
            json_lines: None,
            flow: FlowFormat::default(),
            recognised: None,
            events_by_kind: [0; 3],
        }
    }

    /// Processes new text in place; only an incomplete record at the end is copied (kept for
    /// the next chunk). While such a record is pending, the new text is appended in growing
    /// pieces until it completes, then processing goes back to working in place.
    fn push(&mut self, bytes: &[u8], sink: &mut dyn FnMut(Event)) {
        if matches!(self.mode, Mode::Unknown) || bytes.is_empty() {
            return;
        }
        let mut rest = bytes;
        let mut piece = 4096;
        while !self.buf.is_empty() && !rest.is_empty() {
            let old = self.buf.len();
            let n = piece.min(rest.len());
            piece *= 2;
            self.buf.extend_from_slice(&rest[..n]);
            let mut buf = std::mem::take(&mut self.buf);
            let used = self.run(&buf, false, sink);
            if used >= old {
                // The pending record is done; go on from the original bytes.
                rest = &rest[used - old..];
                buf.clear();
            } else {
                rest = &rest[n..];
                buf.drain(..used);
            }
            self.buf = buf;
        }
        if !rest.is_empty() {
            let used = self.run(rest, false, sink);
            self.buf.extend_from_slice(&rest[used..]);
        }
    }

    fn finish(&mut self, sink: &mut dyn FnMut(Event)) {
        let buf = std::mem::take(&mut self.buf);
        self.run(&buf, true, sink);
    }

    /// Stops after damage in the layer below: one error stands for the damage and for the
    /// incomplete record, if any, it cut.
    fn abandon(&mut self, message: &str) {
        let at = if !self.buf.is_empty() {
            let buf = std::mem::take(&mut self.buf);
            let loc = self.location(&buf, At::Byte(0));
            self.buf = buf;
            format!("{loc} onwards")
        } else {
            format!("after record {}", self.account.records)
        };
        self.account.count_error(at, message.to_string());
        self.buf = Vec::new();
        self.pos = 0;
        self.mode = Mode::Unknown;
    }

    fn into_account(mut self) -> FileAccount {
        let [ct, flow, dns] = self.events_by_kind;
        self.account.format = if ct + flow + dns > 0 {
            if ct >= flow && ct >= dns {
                Format::CloudTrail
            } else if flow >= dns {
                Format::VpcFlow
            } else {
                Format::Route53Resolver
            }
        } else if let Some(f) = self.recognised {
            f
        } else if self.account.skipped_total() > 0 && self.account.error_total() == 0 {
            Format::Skipped
        } else {
            Format::Unknown
        };
        self.account
    }

    /// Processes what it can of `buf`; returns how many bytes were consumed.
    fn run(&mut self, buf: &[u8], eof: bool, sink: &mut dyn FnMut(Event)) -> usize {
        self.pos = 0;
        self.line_cursor = (0, 0);
        self.utf8_valid = match std::str::from_utf8(buf) {
            Ok(_) => buf.len(),
            Err(e) => e.valid_up_to(),
        };
        if matches!(self.mode, Mode::Sniff) {
            self.sniff(buf, eof);
        }
        match self.mode {
            Mode::Sniff => {}
            Mode::Json(_) => self.json(buf, eof, sink),
            Mode::Lines => self.lines(buf, eof, sink),
            Mode::Unknown => self.pos = buf.len(),
        }
        let used = self.pos;
        self.lines_before = self.line_number_at(buf, used) - 1;
        self.line_cursor = (0, 0);
        self.pos = 0;
        used
    }

    /// 1-based line number of byte `at` of `buf`.
    fn line_number_at(&mut self, buf: &[u8], at: usize) -> u64 {
        if at < self.line_cursor.0 {
            self.line_cursor = (0, 0);
        }
        let (from, n) = self.line_cursor;
        let n = n + memchr::memchr_iter(b'\n', &buf[from..at]).count() as u64;
        self.line_cursor = (at, n);
        self.lines_before + n + 1
    }

    fn location(&mut self, buf: &[u8], at: At) -> String {
        match at {
            At::Byte(b) => {
                let line = self.line_number_at(buf, b.min(buf.len()));
                format!("record {} (line {line})", self.account.records + 1)
            }
            At::RecordLine(l) => format!("record {} (line {l})", self.account.records + 1),
            At::Line(l) => format!("line {l}"),
        }
    }

    fn next_src(&self) -> SourceRef {
        SourceRef { file: self.file, record: self.account.records }
    }

    fn error(&mut self, buf: &[u8], at: At, message: String) {
        let loc = self.location(buf, at);
        self.account.count_error(loc, message);
    }

    fn emit_api(&mut self, api: Box<ApiCall>, sink: &mut dyn FnMut(Event)) {
        // S3 event notifications look like CloudTrail records (`Records`, `eventTime`,
        // `eventName`) but their `eventSource` is `aws:s3`: they are not logs.
        if api.event_source.starts_with("aws:") {
            self.account.count_skip(SKIP_S3_EVENT);
            return;
        }
        self.sticky = Some(Kind::CloudTrail);
        self.events_by_kind[0] += 1;
        self.account.count_event();
        sink(Event::Api(api));
    }

    fn emit_dns(&mut self, q: crate::event::DnsQuery, sink: &mut dyn FnMut(Event)) {
        self.sticky = Some(Kind::Dns);
        self.events_by_kind[2] += 1;
        self.account.count_event();
        sink(Event::Dns(q));
    }

    // ---- recognition ----

    fn sniff(&mut self, buf: &[u8], eof: bool) {
        let mut p = self.pos;
        if buf[p..].starts_with(b"\xEF\xBB\xBF") {
            p += 3;
        }
        while p < buf.len() && buf[p].is_ascii_whitespace() {
            p += 1;
        }
        if p == buf.len() {
            if eof {
                self.account.count_skip(SKIP_EMPTY_FILE);
                self.recognised = Some(Format::Skipped);
                self.mode = Mode::Unknown;
            }
            return;
        }
        if buf[p] == b'{' || buf[p] == b'[' {
            self.pos = p;
            self.mode = Mode::Json(JsonCtx::Top);
            return;
        }
        let line_end = memchr::memchr(b'\n', &buf[p..]).map(|n| p + n);
        let line = match line_end {
            Some(e) => &buf[p..e],
            None if eof || buf.len() - p >= SNIFF_LIMIT => &buf[p..buf.len().min(p + SNIFF_LIMIT)],
            None => return,
        };
        let line = trim(line);
        let rest = strip_timestamp(line).unwrap_or(line);
        let first = rest.split(|b| *b == b' ').next().unwrap_or(b"");
        let numeric_fields = first.iter().all(u8::is_ascii_digit) && rest.split(|b| *b == b' ').count() >= 6;
        if strip_timestamp(line).is_some()
            || FlowFormat::from_header(line).is_some()
            || FlowFormat::default().looks_like_record(line)
            || numeric_fields
        {
            // Lines mode counts lines from the start of the text.
            self.mode = Mode::Lines;
            return;
        }
        let start = String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned();
        self.error(
            buf,
            At::Line(1),
            format!(
                "unrecognised format: not CloudTrail, VPC Flow Logs or Route 53 Resolver query logs \
                 (starts with {start:?})"
            ),
        );
        self.mode = Mode::Unknown;
        self.pos = buf.len();
    }

    // ---- lines ----

    fn lines(&mut self, buf: &[u8], eof: bool, sink: &mut dyn FnMut(Event)) {
        loop {
            let rest = &buf[self.pos..];
            if rest.is_empty() {
                return;
            }
            let (line, next) = match memchr::memchr(b'\n', rest) {
                Some(n) => (&rest[..n], self.pos + n + 1),
                None if eof => (rest, buf.len()),
                None => {
                    if rest.len() > MAX_RECORD_BYTES {
                        self.line_no += 1;
                        let l = self.line_no;
                        self.error(buf, At::Line(l), format!("line longer than {MAX_RECORD_BYTES} bytes"));
                        self.discard_line = true;
                        self.pos = buf.len();
                    }
                    return;
                }
            };
            self.pos = next;
            if self.discard_line {
                self.discard_line = false;
                continue;
            }
            self.line_no += 1;
            let l = self.line_no;
            self.line(line, l, sink);
        }
    }

    fn line(&mut self, line: &[u8], line_no: u64, sink: &mut dyn FnMut(Event)) {
        let line = trim(line);
        if line.is_empty() {
            return;
        }
        let rest = strip_timestamp(line).unwrap_or(line);
        if rest.first() == Some(&b'{') {
            self.record(rest, At::Line(line_no), 0, sink);
        } else if let Some(f) = FlowFormat::from_header(rest) {
            self.flow = f;
            self.recognised = Some(Format::VpcFlow);
        } else {
            self.flow_line(rest, At::Line(line_no), sink);
        }
    }

    fn flow_line(&mut self, line: &[u8], at: At, sink: &mut dyn FnMut(Event)) {
        match self.flow.parse_line_adapting(line, self.next_src()) {
            Ok(FlowLine::Record(r)) => {
                self.recognised = Some(Format::VpcFlow);
                self.events_by_kind[1] += 1;
                self.account.count_event();
                sink(Event::Flow(*r));
            }
            Ok(FlowLine::Skip(reason)) => {
                self.recognised = Some(Format::VpcFlow);
                self.account.count_skip(reason);
            }
            Err(m) => self.error(&[], at, format!("flow log record: {m}")),
        }
    }

    // ---- JSON framing ----

    fn json(&mut self, buf: &[u8], eof: bool, sink: &mut dyn FnMut(Event)) {
        loop {
            if let Some(mut scan) = self.discard.take() {
                match scan.advance(&buf[self.pos..]) {
                    ScanResult::Complete(n) | ScanResult::BrokenAt(n) | ScanResult::LineEnds(n) => {
                        self.pos += n
                    }
                    ScanResult::Incomplete => {
                        let n = buf.len() - self.pos;
                        scan.consume(n);
                        self.pos = buf.len();
                        if !eof {
                            self.discard = Some(scan);
                        }
                        return;
                    }
                }
            }
            // A scan resumed after an envelope's array sees every byte itself (whitespace may
            // be inside one of its strings).
            let resuming_scan =
                matches!(self.mode, Mode::Json(JsonCtx::AfterEnvelope(s)) if s.scanned > 0 || s.in_str);
            while !resuming_scan && self.pos < buf.len() && buf[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if self.pos == buf.len() {
                if eof {
                    self.json_eof(buf);
                }
                return;
            }
            let Mode::Json(ctx) = self.mode else { return };
            let b = buf[self.pos];
            match ctx {
                JsonCtx::Top => match b {
                    b'{' => match envelope_prefix(&buf[self.pos..]) {
                        Prefix::Incomplete if !eof => return,
                        Prefix::Envelope(len, kind) => {
                            self.pos += len;
                            if kind == Envelope::LakeRows {
                                self.recognised.get_or_insert(Format::CloudTrail);
                            }
                            self.mode = Mode::Json(JsonCtx::Array(Some(kind)));
                        }
                        _ => {
                            if !self.element(buf, eof, None, sink) {
                                return;
                            }
                        }
                    },
                    b'[' => {
                        self.pos += 1;
                        self.mode = Mode::Json(JsonCtx::Array(None));
                    }
                    _ => {
                        // Not JSON where a record should start: report the line, go on after it.
                        let end = memchr::memchr(b'\n', &buf[self.pos..]).map(|n| self.pos + n);
                        let Some(end) = end.or(eof.then_some(buf.len())) else { return };
                        let text = String::from_utf8_lossy(trim(&buf[self.pos..end.min(self.pos + 60)]));
                        let message = format!("not a JSON record: {text:?}");
                        self.error(buf, At::Byte(self.pos), message);
                        self.pos = end;
                    }
                },
                JsonCtx::Array(envelope) => match b {
                    b',' => self.pos += 1,
                    b']' => {
                        self.pos += 1;
                        self.mode = Mode::Json(match envelope {
                            Some(_) => JsonCtx::AfterEnvelope(ValueScan::inside_object()),
                            None => JsonCtx::Top,
                        });
                    }
                    _ => {
                        if !self.element(buf, eof, envelope, sink) {
                            return;
                        }
                    }
                },
                JsonCtx::AfterEnvelope(mut scan) => match scan.advance(&buf[self.pos..]) {
                    ScanResult::Complete(n) | ScanResult::BrokenAt(n) | ScanResult::LineEnds(n) => {
                        self.pos += n;
                        self.mode = Mode::Json(JsonCtx::Top);
                    }
                    ScanResult::Incomplete => {
                        let n = buf.len() - self.pos;
                        scan.consume(n);
                        self.pos = buf.len();
                        self.mode = Mode::Json(JsonCtx::AfterEnvelope(scan));
                        if eof {
                            self.json_eof(buf);
                        }
                        return;
                    }
                },
            }
        }
    }

    /// The text ended: an array or envelope left open means the file was cut short.
    fn json_eof(&mut self, buf: &[u8]) {
        if let Mode::Json(JsonCtx::Array(_) | JsonCtx::AfterEnvelope(_)) = self.mode {
            let at = At::Byte(buf.len());
            self.error(buf, at, "the file ends inside a JSON array or object (truncated?)".to_string());
            self.mode = Mode::Json(JsonCtx::Top);
        }
    }

    /// The first complete top-level record tells whether the file is JSON lines.
    fn note_record_shape(&mut self, record: &[u8]) {
        if self.json_lines.is_none() {
            self.json_lines = Some(memchr::memchr(b'\n', record).is_none());
        }
    }

    /// Frames and handles the value starting at `pos`. Returns `false` when more input is
    /// needed.
    fn element(
        &mut self,
        buf: &[u8],
        eof: bool,
        envelope: Option<Envelope>,
        sink: &mut dyn FnMut(Event),
    ) -> bool {
        let start = self.pos;
        let top = matches!(self.mode, Mode::Json(JsonCtx::Top));
        let lines = match (top, self.json_lines) {
            (false, _) => LineRule::Free,
            (true, Some(true)) => LineRule::Bound,
            (true, _) => LineRule::Top,
        };
        if self.pending.is_none() && buf[start] == b'{' && envelope != Some(Envelope::LakeRows) {
            match self.fast_record(buf, eof, sink) {
                Fast::Done => {
                    if top {
                        self.note_record_shape(&buf[start..self.pos]);
                    }
                    return true;
                }
                Fast::NeedMore => {
                    self.pending = Some(ValueScan::with_lines(lines));
                    return false;
                }
                Fast::Slow => {}
            }
        }
        let mut scan = self.pending.take().unwrap_or(ValueScan::with_lines(lines));
        match scan.advance(&buf[start..]) {
            ScanResult::Complete(0) => {
                // A closing bracket where a value should start.
                let c = buf[start] as char;
                self.error(buf, At::Byte(start), format!("unexpected {c:?} where a record should start"));
                self.pos = start + 1;
                true
            }
            ScanResult::Complete(n) => {
                let value = &buf[start..start + n];
                self.pos = start + n;
                if top {
                    self.note_record_shape(value);
                }
                let at = At::RecordLine(self.line_number_at(buf, start));
                match (value[0], envelope) {
                    (b'{', Some(Envelope::Records) | None) => self.record(value, at, 0, sink),
                    (b'[', Some(Envelope::LakeRows)) => self.lake_row(value, at, sink),
                    _ => {
                        let text = String::from_utf8_lossy(&value[..value.len().min(40)]).into_owned();
                        self.error(buf, At::Byte(start), format!("not a log record: {text:?}"))
                    }
                }
                true
            }
            ScanResult::BrokenAt(n) => {
                self.error(buf, At::Byte(start), "malformed JSON record: line break inside a string".into());
                self.pos = start + n + 1;
                true
            }
            ScanResult::LineEnds(n) => {
                self.error(
                    buf,
                    At::Byte(start),
                    "malformed JSON record: the line ends before the record does".into(),
                );
                self.pos = start + n + 1;
                true
            }
            ScanResult::Incomplete if eof => {
                self.error(
                    buf,
                    At::Byte(start),
                    "incomplete JSON record: the file ends inside it (truncated?)".to_string(),
                );
                self.pos = buf.len();
                // That error stands for the unclosed array too.
                self.mode = Mode::Json(JsonCtx::Top);
                true
            }
            ScanResult::Incomplete => {
                if buf.len() - start > MAX_RECORD_BYTES {
                    self.error(
                        buf,
                        At::Byte(start),
                        format!("record larger than {MAX_RECORD_BYTES} bytes: skipped"),
                    );
                    scan.consume(buf.len() - start);
                    self.discard = Some(scan);
                    self.pos = buf.len();
                    true
                } else {
                    self.pending = Some(scan);
                    false
                }
            }
        }
    }

    /// Parses the record at `pos` straight from the buffer as the file's known source, without
    /// framing it first.
    fn fast_record(&mut self, buf: &[u8], eof: bool, sink: &mut dyn FnMut(Event)) -> Fast {
        let start = self.pos;
        let src = self.next_src();
        if start >= self.utf8_valid {
            return Fast::Slow;
        }
        // SAFETY: `run` checked with `str::from_utf8` that `buf[..utf8_valid]` is UTF-8, so
        // `utf8_valid` is a character boundary; `start` is one too, being the position of a `{`.
        // Parsing from `str` lets serde_json skip checking every string again.
        let rest = unsafe { std::str::from_utf8_unchecked(&buf[start..self.utf8_valid]) };
        // Past the checked text the record may simply be incomplete, or may hold invalid UTF-8
        // (the slow path reports that).
        let more_may_come = !eof && self.utf8_valid == buf.len();
        match self.sticky {
            Some(Kind::CloudTrail) => {
                let normalise = |raw: RawRecord<'_>| match cloudtrail::from_raw(raw, src) {
                    Ok(api) => Parsed::Api(api),
                    Err(RecordError::NotARecord(_)) => Parsed::NotARecord,
                    Err(e) => Parsed::Error(e.to_string()),
                };
                self.fast_parse(buf, start, rest, more_may_come, sink, cloudtrail::read_record, normalise)
            }
            Some(Kind::Dns) => {
                let normalise = |raw: RawQuery<'_>| match route53::from_raw(raw, src) {
                    Ok(q) => Parsed::Dns(q),
                    Err(QueryError::NotARecord(_)) => Parsed::NotARecord,
                    Err(e) => Parsed::Error(e.to_string()),
                };
                self.fast_parse(buf, start, rest, more_may_come, sink, route53::read_query, normalise)
            }
            None => Fast::Slow,
        }
    }

    /// Reads one `R` from the start of `rest` (which begins at `buf[start]`) and hands it to
    /// `normalise`; an object that is not a record of this source is classified instead. The
    /// plain record is read by `read`, without serde; serde_json takes anything else.
    #[allow(clippy::too_many_arguments)]
    fn fast_parse<'a, R: Deserialize<'a>>(
        &mut self,
        buf: &[u8],
        start: usize,
        rest: &'a str,
        more_may_come: bool,
        sink: &mut dyn FnMut(Event),
        read: impl FnOnce(&'a str) -> Option<(R, usize)>,
        normalise: impl FnOnce(R) -> Parsed,
    ) -> Fast {
        if let Some((raw, len)) = read(rest) {
            self.parsed(buf, start, start + len, normalise(raw), sink);
            return Fast::Done;
        }
        let mut de = serde_json::Deserializer::from_str(rest).into_iter::<R>();
        let raw = de.next().unwrap_or_else(|| R::deserialize(&mut serde_json::Deserializer::from_str("")));
        match raw {
            Ok(raw) => {
                self.parsed(buf, start, start + de.byte_offset(), normalise(raw), sink);
                Fast::Done
            }
            Err(e) if e.is_eof() && more_may_come => Fast::NeedMore,
            Err(_) => Fast::Slow,
        }
    }

    /// Takes the outcome of parsing the record at `buf[start..end]`.
    fn parsed(&mut self, buf: &[u8], start: usize, end: usize, parsed: Parsed, sink: &mut dyn FnMut(Event)) {
        self.pos = end;
        match parsed {
            Parsed::Api(api) => self.emit_api(api, sink),
            Parsed::Dns(q) => self.emit_dns(q, sink),
            Parsed::NotARecord => {
                let at = At::RecordLine(self.line_number_at(buf, start));
                self.classify(&buf[start..end], at, 0, sink)
            }
            Parsed::Error(message) => self.error(buf, At::Byte(start), message),
        }
    }

    /// One complete JSON object: parsed as the file's known source if it is one, else
    /// classified.
    fn record(&mut self, value: &[u8], at: At, depth: u8, sink: &mut dyn FnMut(Event)) {
        let src = self.next_src();
        match self.sticky {
            Some(Kind::CloudTrail) => match cloudtrail::parse_record_bytes(value, src) {
                Ok(api) => self.emit_api(api, sink),
                Err(RecordError::NotARecord(_)) => self.classify(value, at, depth, sink),
                Err(e) => self.error(&[], at, e.to_string()),
            },
            Some(Kind::Dns) => match route53::parse_query(value, src) {
                Ok(q) => self.emit_dns(q, sink),
                Err(QueryError::NotARecord(_)) => self.classify(value, at, depth, sink),
                Err(e) => self.error(&[], at, e.to_string()),
            },
            None => self.classify(value, at, depth, sink),
        }
    }

    /// Works out what a JSON object is and handles it.
    fn classify(&mut self, value: &[u8], at: At, depth: u8, sink: &mut dyn FnMut(Event)) {
        let probe: Probe<'_> = match serde_json::from_slice(value) {
            Ok(p) => p,
            Err(e) => return self.error(&[], at, format!("malformed JSON record: {e}")),
        };
        let src = self.next_src();
        if probe.event_time.is_some() || probe.event_name.is_some() {
            match cloudtrail::parse_record_bytes(value, src) {
                Ok(api) => self.emit_api(api, sink),
                Err(e) => self.error(&[], at, e.to_string()),
            }
        } else if probe.query_name.is_some() {
            match route53::parse_query(value, src) {
                Ok(q) => self.emit_dns(q, sink),
                Err(e) => self.error(&[], at, e.to_string()),
            }
        } else if depth >= MAX_NESTING
            && (probe.message.is_some() || probe.records.is_some() || probe.event_json.is_some())
        {
            self.error(&[], at, "wrappers nested too deeply".into());
        } else if let Some(message) = probe.message {
            self.message(message, at, depth + 1, sink);
        } else if let Some(json) = probe.event_json {
            self.record(json.trim().as_bytes(), at, depth + 1, sink);
        } else if let Some(data) = probe.event_data {
            self.record(data.get().as_bytes(), at, depth + 1, sink);
        } else if let Some(list) = probe.records.or(probe.events).or(probe.log_events) {
            self.record_list(list, at, depth + 1, sink);
        } else if let Some(rows) = probe.query_result_rows {
            match serde_json::from_str::<Vec<&RawValue>>(rows.get()) {
                Ok(rows) => {
                    self.recognised.get_or_insert(Format::CloudTrail);
                    for row in rows {
                        self.lake_row(row.get().as_bytes(), at, sink);
                    }
                }
                Err(e) => self.error(&[], at, format!("QueryResultRows is not a list of rows: {e}")),
            }
        } else if probe.topic_arn.is_some()
            && matches!(probe.sns_type.as_deref(), Some("Notification" | "SubscriptionConfirmation"))
        {
            self.account.count_skip(SKIP_SNS);
        } else if probe.s3_bucket.is_some() && probe.s3_object_key.is_some() {
            self.account.count_skip(SKIP_DELIVERY_NOTICE);
        } else if probe.sqs_messages.is_some() {
            self.account.count_skip(SKIP_SQS);
        } else if probe.s3_event.as_deref() == Some("s3:TestEvent") {
            self.account.count_skip(SKIP_S3_TEST_EVENT);
        } else if probe.message_type.as_deref() == Some("CONTROL_MESSAGE") {
            self.account.count_skip(SKIP_CW_CONTROL);
        } else if probe.digest_start_time.is_some() || probe.digest_fingerprint.is_some() {
            self.account.count_skip(SKIP_DIGEST);
        } else if value.iter().all(|b| matches!(b, b'{' | b'}') || b.is_ascii_whitespace()) {
            self.account.count_skip(SKIP_EMPTY_OBJECT);
        } else {
            self.error(
                &[],
                at,
                "unrecognised JSON object: neither a CloudTrail record (eventTime, eventName), a Route 53 \
                 Resolver query log record (query_name) nor a known wrapper"
                    .into(),
            );
        }
    }

    fn record_list(&mut self, list: &RawValue, at: At, depth: u8, sink: &mut dyn FnMut(Event)) {
        match serde_json::from_str::<Vec<&RawValue>>(list.get()) {
            Ok(items) => {
                for item in items {
                    let text = item.get();
                    if text.starts_with('{') {
                        self.record(text.as_bytes(), at, depth, sink);
                    } else {
                        let start: String = text.chars().take(40).collect();
                        self.error(&[], at, format!("not a log record: {start:?}"));
                    }
                }
            }
            Err(_) => self.error(&[], at, "record list is not a JSON array".into()),
        }
    }

    /// A CloudWatch Logs `message`: a JSON record as a string (or object), or a flow-log line.
    fn message(&mut self, message: &RawValue, at: At, depth: u8, sink: &mut dyn FnMut(Event)) {
        let raw = message.get();
        if raw.starts_with('{') {
            return self.record(raw.as_bytes(), at, depth, sink);
        }
        let text: Cow<'_, str> = match serde_json::from_str(raw) {
            Ok(t) => t,
            Err(_) => return self.error(&[], at, "log message is neither a string nor an object".into()),
        };
        let text = text.trim();
        if text.is_empty() {
            self.account.count_skip(SKIP_EMPTY_MESSAGE);
        } else if text.starts_with('{') {
            self.record(text.as_bytes(), at, depth, sink);
        } else if let Some(f) = FlowFormat::from_header(text.as_bytes()) {
            self.flow = f;
            self.account.count_skip(SKIP_FLOW_HEADER_MESSAGE);
        } else {
            self.flow_line(text.as_bytes(), at, sink);
        }
    }

    /// A CloudTrail Lake query result row: `[{"column": value}, …]`. The `eventJson` column,
    /// when selected, is the whole record; otherwise the columns are the record's fields.
    fn lake_row(&mut self, row: &[u8], at: At, sink: &mut dyn FnMut(Event)) {
        let cells: Vec<std::collections::BTreeMap<Cow<'_, str>, &RawValue>> =
            match serde_json::from_slice(row) {
                Ok(c) => c,
                Err(e) => {
                    return self.error(&[], at, format!("CloudTrail Lake row is not a list of cells: {e}"))
                }
            };
        let mut object = String::with_capacity(row.len() + 2);
        object.push('{');
        for (name, value) in cells.iter().flatten() {
            let mut v = value.get();
            if name.as_ref() == "eventJson" {
                if let Ok(json) = serde_json::from_str::<Cow<'_, str>>(v) {
                    let src = self.next_src();
                    match cloudtrail::parse_record_bytes(json.trim().as_bytes(), src) {
                        Ok(api) => self.emit_api(api, sink),
                        Err(e) => self.error(&[], at, e.to_string()),
                    }
                    return;
                }
            }
            // Struct columns come as JSON text in a string; use them as objects when they
            // are, and leave out ones in another notation rather than fail the record.
            let nested: Option<Cow<'_, str>> =
                v.starts_with("\"{").then(|| serde_json::from_str(v).ok()).flatten();
            if let Some(n) = &nested {
                if serde_json::from_str::<IgnoredAny>(n).is_err() {
                    continue;
                }
                v = n;
            }
            if object.len() > 1 {
                object.push(',');
            }
            object.push_str(&serde_json::to_string(name.as_ref()).unwrap_or_default());
            object.push(':');
            object.push_str(v);
        }
        object.push('}');
        let src = self.next_src();
        match cloudtrail::parse_record_bytes(object.as_bytes(), src) {
            Ok(api) => self.emit_api(api, sink),
            Err(e) => self.error(&[], at, format!("CloudTrail Lake row: {e}")),
        }
    }
}

enum Fast {
    Done,
    NeedMore,
    Slow,
}

/// What a record deserialised on the fast path turned out to be.
// Lives for one call; boxing the query would cost an allocation per DNS record.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Api(Box<ApiCall>),
    Dns(crate::event::DnsQuery),
    /// Valid JSON, but not a record of the file's source (a notification, a wrapper…).
    NotARecord,
    Error(String),
}

enum Prefix {
    Incomplete,
    NotEnvelope,
    /// Length of `{"Records":[` (with any whitespace) and what the array holds.
    Envelope(usize, Envelope),
}

/// Recognises the start of an envelope object whose first key holds the records.
fn envelope_prefix(b: &[u8]) -> Prefix {
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let i = skip_ws(1);
    if i >= b.len() {
        return Prefix::Incomplete;
    }
    if b[i] != b'"' {
        return Prefix::NotEnvelope;
    }
    let Some(close) = memchr::memchr(b'"', &b[i + 1..b.len().min(i + 40)]) else {
        return if b.len() < i + 40 { Prefix::Incomplete } else { Prefix::NotEnvelope };
    };
    let key = &b[i + 1..i + 1 + close];
    let kind = match key {
        b"Records" | b"events" | b"logEvents" => Envelope::Records,
        b"QueryResultRows" => Envelope::LakeRows,
        _ => return Prefix::NotEnvelope,
    };
    let i = skip_ws(i + close + 2);
    if i >= b.len() {
        return Prefix::Incomplete;
    }
    if b[i] != b':' {
        return Prefix::NotEnvelope;
    }
    let i = skip_ws(i + 1);
    if i >= b.len() {
        return Prefix::Incomplete;
    }
    if b[i] != b'[' {
        return Prefix::NotEnvelope;
    }
    Prefix::Envelope(i + 1, kind)
}

fn trim(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// CloudWatch Logs exports prefix each line with its ISO 8601 timestamp and a space.
fn strip_timestamp(line: &[u8]) -> Option<&[u8]> {
    let sp = memchr::memchr(b' ', &line[..line.len().min(40)])?;
    let first = std::str::from_utf8(&line[..sp]).ok()?;
    if first.len() < 19 || parse_iso8601(first).is_none() {
        return None;
    }
    Some(trim(&line[sp + 1..]))
}
