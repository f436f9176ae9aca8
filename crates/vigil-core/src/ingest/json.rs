//! A strict, borrowing JSON cursor for the CloudTrail hot path.
//!
//! serde_json spends most of a CloudTrail parse in generic machinery: a visitor call per token,
//! a word-at-a-time scan per string, a field lookup per key. This cursor reads the usual record
//! directly: strings found with `memchr`, values that no field wants skipped (but still
//! checked), keys matched by the caller. It is deliberately narrow: anything unusual — an escape
//! in a string the caller reads, a type it does not expect, deep nesting, the end of the text —
//! is a [`Bail`], and the caller hands the record to serde_json, which parses it again and
//! reports problems precisely. So the cursor never needs error messages, and on any text it
//! either agrees with serde_json or steps aside (checked by differential tests in the record
//! readers).

use std::borrow::Cow;

use super::text::{Flag, Port, RawText, Str, Text};

/// The cursor stepped aside: serde_json must handle this text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Bail;

pub(crate) type Step<T> = Result<T, Bail>;

/// Nesting deeper than this is left to serde_json (whose own limit is 128).
const MAX_DEPTH: u32 = 100;

pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    /// Byte offset of the next unread byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline]
    fn eat(&mut self, b: u8) -> Step<()> {
        if self.peek() != Some(b) {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    /// A string without escapes, the cursor on its opening quote; borrowed from the text.
    #[inline]
    pub(crate) fn plain_str(&mut self) -> Step<&'a str> {
        let start = self.pos + 1;
        let end = string_stop(self.bytes(), start).ok_or(Bail)?;
        if self.bytes()[end] != b'"' {
            return Err(Bail);
        }
        self.pos = end + 1;
        // Both ends are ASCII quotes, so the slice is on character boundaries.
        Ok(&self.text[start..end])
    }

    /// A string, the cursor on its opening quote: borrowed from the text when it has no
    /// escapes, else unescaped into a new one. A `\\u` escape steps aside (serde_json's rules
    /// for surrogates decide those).
    pub(crate) fn string(&mut self) -> Step<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.pos + 1;
        let mut i = string_stop(b, start).ok_or(Bail)?;
        if b[i] == b'"' {
            self.pos = i + 1;
            return Ok(Cow::Borrowed(&self.text[start..i]));
        }
        let mut out = String::with_capacity(i - start + 16);
        let mut from = start;
        loop {
            // The stops are ASCII, so `from..i` is on character boundaries.
            out.push_str(&self.text[from..i]);
            match b[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    out.push(match b.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        _ => return Err(Bail),
                    });
                    from = i + 2;
                }
                _ => return Err(Bail),
            }
            i = string_stop(b, from).ok_or(Bail)?;
        }
    }

    /// Skips a string (escapes allowed and checked), the cursor on its opening quote.
    fn skip_str(&mut self) -> Step<()> {
        let b = self.bytes();
        let mut i = self.pos + 1;
        loop {
            i = string_stop(b, i).ok_or(Bail)?;
            match b[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(());
                }
                b'\\' => match b.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        let hex = b.get(i + 2..i + 6).ok_or(Bail)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(Bail);
                        }
                        i += 6;
                    }
                    _ => return Err(Bail),
                },
                // A control character, which JSON strings must escape.
                _ => return Err(Bail),
            }
        }
    }

    fn skip_literal(&mut self, word: &[u8]) -> Step<()> {
        if !self.bytes()[self.pos..].starts_with(word) {
            return Err(Bail);
        }
        self.pos += word.len();
        Ok(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn skip_number(&mut self) -> Step<()> {
        let b = self.bytes();
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            if *i == from {
                Err(Bail)
            } else {
                Ok(())
            }
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => digits(&mut i)?,
            _ => return Err(Bail),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i)?;
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            digits(&mut i)?;
        }
        self.pos = i;
        Ok(())
    }

    /// Skips any value, checking it is well-formed JSON.
    pub(crate) fn skip_value(&mut self) -> Step<()> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: u32) -> Step<()> {
        match self.peek().ok_or(Bail)? {
            b'"' => self.skip_str(),
            b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(Bail);
                }
                self.object(|c, _| c.skip_nested(depth + 1))
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(Bail);
                }
                self.array(|c| c.skip_nested(depth + 1))
            }
            b't' => self.skip_literal(b"true"),
            b'f' => self.skip_literal(b"false"),
            b'n' => self.skip_literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => Err(Bail),
        }
    }

    /// Skips a value and returns its text.
    pub(crate) fn raw(&mut self) -> Step<&'a str> {
        let start = self.pos;
        self.skip_value()?;
        Ok(&self.text[start..self.pos])
    }

    /// `null`, consumed, when the cursor is on it.
    #[inline]
    pub(crate) fn null(&mut self) -> Step<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.skip_literal(b"null").map(|()| true)
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Step<Option<bool>> {
        match self.peek() {
            Some(b't') => self.skip_literal(b"true").map(|()| Some(true)),
            Some(b'f') => self.skip_literal(b"false").map(|()| Some(false)),
            _ => Ok(None),
        }
    }

    /// Whether the cursor is on a number; if so it is skipped.
    pub(crate) fn skip_if_number(&mut self) -> Step<bool> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.skip_number().map(|()| true),
            _ => Ok(false),
        }
    }

    /// The members of the object the cursor is on: `member` gets each key (without escapes)
    /// with the cursor on the value, and must consume the value.
    pub(crate) fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Step<()>) -> Step<()> {
        self.eat(b'{')?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(Bail);
            }
            let key = self.plain_str()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            member(self, key)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// The elements of the array the cursor is on: `element` is called with the cursor on
    /// each, and must consume it.
    pub(crate) fn array(&mut self, mut element: impl FnMut(&mut Self) -> Step<()>) -> Step<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            element(self)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// What serde_json's stream reader accepts right after a value: the end of the text,
    /// whitespace or a structural character.
    pub(crate) fn at_value_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(b' ' | b'\n' | b'\t' | b'\r' | b'"' | b'[' | b']' | b'{' | b'}' | b',' | b':')
        )
    }
}

/// The offset of the first byte from `i` on that ends a run of plain string content: a quote,
/// a backslash or a control character (which JSON strings must escape). `None` at the end of
/// the text.
///
/// Sixteen bytes at a time with SSE2, which every x86_64 CPU has; elsewhere (wasm) eight at a
/// time. Strings in CloudTrail records are short, too short for `memchr`'s setup to pay off.
#[cfg(target_arch = "x86_64")]
#[inline]
fn string_stop(b: &[u8], mut i: usize) -> Option<usize> {
    use std::arch::x86_64::*;
    while let Some(chunk) = b.get(i..i + 16) {
        // SAFETY: `chunk` holds 16 readable bytes (an unaligned load is allowed), and SSE2 is
        // part of the x86_64 baseline.
        let hits = unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // Unsigned v <= 0x1f exactly when max(v, 0x1f) == 0x1f.
            let limit = _mm_set1_epi8(0x1f);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
        };
        if hits != 0 {
            return Some(i + hits.trailing_zeros() as usize);
        }
        i += 16;
    }
    string_stop_swar(b, i)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn string_stop(b: &[u8], i: usize) -> Option<usize> {
    string_stop_swar(b, i)
}

/// [`string_stop`] eight bytes at a time in a `u64` (Mycroft's zero-byte test, as serde_json
/// does).
#[inline]
fn string_stop_swar(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap());
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // Each test can also flag bytes after a true hit (a borrow), never before one: the
        // lowest flagged byte is the first stop.
        let hits = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let hits = hits & HIGH;
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i.min(b.len())..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|n| i + n)
}

// ---- field readers for the record readers built on the cursor ----

/// Reads the object the cursor is on as a `$kind` (which must be `Default`): each listed key's
/// value into its field by its reader, other keys skipped. A listed key given twice steps
/// aside, as serde's derived structs reject it. Evaluates to `Step<$kind>`.
macro_rules! read_object {
    ($c:expr, $kind:ident { $($key:literal => $field:ident: $read:expr),+ $(,)? }) => {{
        let mut value = $kind::default();
        let mut seen = 0u32;
        $c.object(|c, key| {
            let mut bit = 1u32;
            $(
                if key == $key {
                    if seen & bit != 0 {
                        return Err($crate::ingest::json::Bail);
                    }
                    seen |= bit;
                    value.$field = $read(c)?;
                    return Ok(());
                }
                bit <<= 1;
            )+
            let _ = bit;
            c.skip_value()
        })
        .map(|()| value)
    }};
}
pub(crate) use read_object;

/// A string field: a string or `null`.
pub(crate) fn text_field<'a>(c: &mut Cursor<'a>) -> Step<Text<'a>> {
    if c.null()? {
        return Ok(None);
    }
    if c.peek() != Some(b'"') {
        return Err(Bail);
    }
    c.string().map(|s| Some(Str::from(s)))
}

/// A [`Flag`] field: a boolean, a string (`"true"`, `"false"`, anything else unknown), a
/// number (unknown) or `null`.
pub(crate) fn flag_field(c: &mut Cursor<'_>) -> Step<Option<Flag>> {
    if c.null()? {
        return Ok(None);
    }
    if let Some(b) = c.boolean()? {
        return Ok(Some(Flag(Some(b))));
    }
    if c.skip_if_number()? {
        return Ok(Some(Flag(None)));
    }
    if c.peek() != Some(b'"') {
        return Err(Bail);
    }
    let s = c.plain_str()?;
    Ok(Some(Flag(match s {
        _ if s.eq_ignore_ascii_case("true") => Some(true),
        _ if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })))
}

/// An array of items read by `item`, or `null`.
pub(crate) fn list_field<'a, T>(
    c: &mut Cursor<'a>,
    mut item: impl FnMut(&mut Cursor<'a>) -> Step<T>,
) -> Step<Option<Vec<T>>> {
    nullable(c, |c| {
        let mut list = Vec::new();
        c.array(|c| item(c).map(|v| list.push(v)))?;
        Ok(list)
    })
}

/// A free-form field, kept as text; `null` is absent.
pub(crate) fn raw_field<'a>(c: &mut Cursor<'a>) -> Step<Option<RawText<'a>>> {
    if c.null()? {
        return Ok(None);
    }
    c.raw().map(|t| Some(RawText(t)))
}

/// An object (or array) read by `read`, or `null`; anything else steps aside.
pub(crate) fn nullable<'a, T>(
    c: &mut Cursor<'a>,
    read: impl FnOnce(&mut Cursor<'a>) -> Step<T>,
) -> Step<Option<T>> {
    if c.null()? {
        return Ok(None);
    }
    match c.peek() {
        Some(b'{' | b'[') => read(c).map(Some),
        _ => Err(Bail),
    }
}

/// A port: a number, or a string holding one (Route 53 Resolver logs write `"53122"`), or
/// `null`; out of range is unknown. Only plain non-negative integers are read here.
pub(crate) fn port_field(c: &mut Cursor<'_>) -> Step<Option<Port>> {
    if c.null()? {
        return Ok(None);
    }
    let digits = match c.peek() {
        Some(b'"') => return Ok(Some(Port(c.plain_str()?.trim().parse().ok()))),
        Some(b'0'..=b'9') => c.raw()?,
        _ => return Err(Bail),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Bail);
    }
    // Past u64 serde_json reads a float, which is no port either.
    Ok(Some(Port(digits.parse::<u64>().ok().and_then(|n| u16::try_from(n).ok()))))
}

/// Checks a record reader built on the cursor against serde_json.
#[cfg(test)]
pub(crate) mod differential {
    use std::fmt::Debug;

    use serde::Deserialize;

    /// What serde_json makes of the record at the start of `text`: the normalised record (as
    /// text, to compare) and where the record ends.
    pub(crate) fn by_serde<'a, R: Deserialize<'a>, T: Debug>(
        text: &'a str,
        normalise: impl Fn(R) -> T,
    ) -> Option<(String, usize)> {
        let mut de = serde_json::Deserializer::from_str(text).into_iter::<R>();
        let raw = de.next()?.ok()?;
        Some((format!("{:?}", normalise(raw)), de.byte_offset()))
    }

    /// The same from a record reader built on the cursor.
    pub(crate) fn by_reader<'a, R, T: Debug>(
        text: &'a str,
        read: impl Fn(&'a str) -> Option<(R, usize)>,
        normalise: impl Fn(R) -> T,
    ) -> Option<(String, usize)> {
        let (raw, len) = read(text)?;
        Some((format!("{:?}", normalise(raw)), len))
    }

    /// The decompressed files of a small sample world whose path contains `part`.
    pub(crate) fn sample_world_files(part: &str) -> Vec<Vec<u8>> {
        let opts = crate::sample::SampleOptions { days: 2, ..Default::default() };
        let mut texts = Vec::new();
        for f in crate::sample::generate(&opts) {
            if f.path.contains(part) {
                let mut text = Vec::new();
                let mut gz = flate2::read::MultiGzDecoder::new(&f.bytes[..]);
                std::io::Read::read_to_end(&mut gz, &mut text).unwrap();
                texts.push(text);
            }
        }
        texts
    }

    /// Whatever the reader reads of `records` must be read the same by serde_json. Returns how
    /// many it read.
    pub(crate) fn as_is<T: PartialEq + Debug>(
        records: &[String],
        by_reader: impl Fn(&str) -> Option<T>,
        by_serde: impl Fn(&str) -> Option<T>,
    ) -> usize {
        let mut read = 0;
        for r in records {
            if let Some(fast) = by_reader(r) {
                read += 1;
                assert_eq!(Some(fast), by_serde(r), "{r}");
            }
        }
        read
    }

    /// Damages records at random (truncations, deletions, insertions and replacements with
    /// JSON's structural and literal characters): whatever the reader reads must be read the
    /// same by serde_json; the rest it must leave to serde_json.
    pub(crate) fn mutated<T: PartialEq + Debug>(
        records: &[String],
        by_reader: impl Fn(&str) -> Option<T>,
        by_serde: impl Fn(&str) -> Option<T>,
    ) {
        let mut rng = crate::sample::rng::Rng::new(7);
        let alphabet = b"\"\\{}[],:0-e.+ \n\tntfaluE9\x01";
        let (mut tried, mut read) = (0, 0);
        for _ in 0..20_000 {
            let mut r = rng.pick(records).clone().into_bytes();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(r.len() as u64) as usize;
                match rng.below(4) {
                    0 => r.truncate(at),
                    1 => {
                        r.remove(at);
                    }
                    2 => r.insert(at, *rng.pick(alphabet)),
                    _ => r[at] = *rng.pick(alphabet),
                }
                if r.is_empty() {
                    break;
                }
            }
            let Ok(text) = std::str::from_utf8(&r) else { continue };
            tried += 1;
            if let Some(fast) = by_reader(text) {
                read += 1;
                assert_eq!(Some(fast), by_serde(text), "{text}");
            }
        }
        assert!(tried > 15_000 && read > 1_000, "tried {tried}, read {read}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(text: &str) -> Step<usize> {
        let mut c = Cursor::new(text);
        c.skip_value().map(|()| c.pos())
    }

    #[test]
    fn skips_valid_values_to_their_end() {
        for (text, end) in [
            (r#"{"a":[1,-2.5e+3,true,false,null,"x\"\\\u00e9"],"b":{}} tail"#, 54),
            ("[ ]", 3),
            ("0,", 1),
            ("-0.0e0]", 6),
            (r#""\/\b\f\n\r\t""#, 14),
        ] {
            assert_eq!(skip(text), Ok(end), "{text}");
        }
    }

    #[test]
    fn steps_aside_for_what_json_forbids() {
        for text in [
            "01",
            "-",
            "1.",
            "1e",
            ".5",
            "+1",
            "tru",
            "nul",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "\"\\x\"",
            "\"\\u12g4\"",
            "\"tab\there\"",
            "[1 2]",
            "\"open",
            "{\"a\":",
            "'s'",
        ] {
            let mut c = Cursor::new(text);
            let r = c.skip_value();
            // `01` stops after `0`: the caller then sees `1` where `,` or `}` must be.
            let accepted_whole = r.is_ok() && c.pos() == text.len();
            assert!(!accepted_whole, "{text:?} accepted");
        }
    }

    #[test]
    fn deep_nesting_is_left_to_serde() {
        let text = format!("{}{}", "[".repeat(150), "]".repeat(150));
        assert_eq!(skip(&text), Err(Bail));
        let text = format!("{}{}", "[".repeat(50), "]".repeat(50));
        assert_eq!(skip(&text), Ok(100));
    }

    #[test]
    fn string_stops_are_found_at_any_offset() {
        for len in 0..40 {
            for stop in [b'"', b'\\', b'\n', 0x01, 0x1f] {
                let mut text = vec![b'a'; len];
                // Bytes that resemble the stops' bit patterns but are plain.
                for (k, c) in text.iter_mut().enumerate() {
                    *c = [b'a', 0x20, 0x7f, 0xe9, b'#', b']', b'!'][k % 7];
                }
                text.push(stop);
                text.extend_from_slice(b"\"x\\");
                for find in [string_stop, string_stop_swar] {
                    assert_eq!(find(&text, 0), Some(len), "len {len} stop {stop:#x}");
                    assert_eq!(find(&text, len), Some(len));
                }
            }
            assert_eq!(string_stop(&vec![b'z'; len], 0), None);
            assert_eq!(string_stop_swar(&vec![b'z'; len], 0), None);
        }
    }

    #[test]
    fn plain_strings_borrow_and_escaped_ones_bail() {
        let mut c = Cursor::new(r#""caf\u00e9""#);
        assert_eq!(c.plain_str(), Err(Bail));
        let mut c = Cursor::new("\"café\" ");
        assert_eq!(c.plain_str(), Ok("café"));
        assert!(c.at_value_end());
    }
}
