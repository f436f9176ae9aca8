//! UTC timestamps as milliseconds since the Unix epoch, and the ISO 8601 forms AWS logs use.
//!
//! Hand-written because the only forms we meet are `YYYY-MM-DDTHH:MM:SS[.fff]Z` (CloudTrail,
//! Route 53 Resolver) and epoch seconds (flow logs); a date library would add weight to the wasm
//! download for two small functions.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// Days since the epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (a space may stand for `T`).
/// Returns `None` for anything else rather than guessing.
pub fn parse_iso8601(s: &str) -> Option<Millis> {
    let b = s.trim().as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])? as i64;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let (h, mi, sec) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0i64;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut scaled = 0i64;
        for (i, c) in frac[..n].iter().take(3).enumerate() {
            scaled += (c - b'0') as i64 * [100, 10, 1][i];
        }
        millis = scaled;
        rest = &frac[n..];
    }
    let offset_minutes: i64 = match rest {
        b"" | b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), hh1, hh2, b':', mm1, mm2] | [sign @ (b'+' | b'-'), hh1, hh2, mm1, mm2] => {
            let hh = digits(&[*hh1, *hh2])? as i64;
            let mm = digits(&[*mm1, *mm2])? as i64;
            let v = hh * 60 + mm;
            if *sign == b'+' {
                v
            } else {
                -v
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + sec as i64 - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

/// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ`, the form GuardDuty uses in findings.
pub fn format_iso8601(t: Millis) -> String {
    let secs = t.div_euclid(1000);
    let ms = t.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", sod / 3600, (sod / 60) % 60, sod % 60)
}

/// The UTC day number (days since the epoch) of a timestamp.
pub fn day_of(t: Millis) -> i64 {
    t.div_euclid(DAY)
}

/// The UTC hour of day (0–23) of a timestamp.
pub fn hour_of_day(t: Millis) -> u32 {
    (t.rem_euclid(DAY) / HOUR) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_cloudtrail_times() {
        let t = parse_iso8601("2023-09-14T08:07:01Z").unwrap();
        assert_eq!(t, 1_694_678_821_000);
        assert_eq!(format_iso8601(t), "2023-09-14T08:07:01.000Z");
        let t = parse_iso8601("2024-02-29T23:59:59.123456Z").unwrap();
        assert_eq!(format_iso8601(t), "2024-02-29T23:59:59.123Z");
    }

    #[test]
    fn offsets_and_garbage() {
        assert_eq!(parse_iso8601("2023-01-01T01:00:00+01:00"), parse_iso8601("2023-01-01T00:00:00Z"));
        assert_eq!(parse_iso8601("2023-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso8601("yesterday"), None);
        assert_eq!(parse_iso8601("2023-01-01T00:00:00Zjunk"), None);
        assert_eq!(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
    }
}
