//! Geo lookups on tiny hand-made tables, the bundled table, and bad files.

use super::table::{encode, TableKind};
use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn tiny() -> GeoDb {
    let country = encode(
        TableKind::Country,
        &[("BR", 0), ("DE", 0)],
        &[(0x6681_EB00, 0x6681_EBFF, 0), (0xC633_6400, 0xC633_64FF, 1)], // 102.129.235.0/24, 198.51.100.0/24
        &[(0x2001_0db8_0000_0000_0000_0000_0000_0000, 0x2001_0db8_ffff_ffff_ffff_ffff_ffff_ffff, 1)],
    );
    let asn = encode(
        TableKind::Asn,
        &[("Example Mobile", 64500), ("", 64501)],
        &[(0x6681_EB00, 0x6681_EBFF, 0), (0xC633_6400, 0xC633_64FF, 1)],
        &[],
    );
    let mut db = GeoDb::default();
    db.load("country.vgeo", country).unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&asn).unwrap();
        e.finish().unwrap()
    };
    let info = db.load("asn.vgeo.gz", gz).unwrap();
    assert_eq!((info.format, info.answers.as_str()), ("vgeo", "asn"));
    db
}

#[test]
fn tiny_tables_answer_country_and_asn() {
    let db = tiny();
    let g = db.lookup(ip("102.129.235.17"));
    assert_eq!(g.country.as_deref(), Some("BR"));
    assert_eq!(g.asn_label().as_deref(), Some("AS64500 (Example Mobile)"));
    let g = db.lookup(ip("198.51.100.255"));
    assert_eq!((g.country.as_deref(), g.asn_label().as_deref()), (Some("DE"), Some("AS64501")));
    assert_eq!(db.lookup(ip("198.51.101.0")), GeoInfo::default(), "just past a range");
    assert_eq!(db.lookup(ip("102.129.234.255")), GeoInfo::default(), "just before a range");
    assert_eq!(db.lookup(ip("2001:db8:5::1")).country.as_deref(), Some("DE"));
    assert_eq!(db.lookup(ip("::ffff:102.129.235.1")).country.as_deref(), Some("BR"), "IPv4-mapped");
    assert_eq!(db.lookup(ip("2001:db9::1")), GeoInfo::default());
    assert_eq!(db.sources().len(), 2);
}

#[test]
fn earlier_sources_answer_first() {
    let mut db = tiny();
    let other = encode(TableKind::Country, &[("FR", 0)], &[(0, u32::MAX, 0)], &[]);
    db.load("fallback", other).unwrap();
    assert_eq!(db.lookup(ip("102.129.235.17")).country.as_deref(), Some("BR"));
    assert_eq!(db.lookup(ip("203.0.113.9")).country.as_deref(), Some("FR"));
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let mut db = GeoDb::default();
    assert!(db
        .load("x.mmdb", b"not a database".to_vec())
        .unwrap_err()
        .contains("x.mmdb: not a MaxMind-format"));
    assert!(GeoDb::from_mmdb(Vec::new()).is_err());
    let good = encode(TableKind::Country, &[("BR", 0)], &[(1, 2, 0)], &[]);
    for cut in [5, 7, good.len() - 1] {
        assert!(db.load("cut.vgeo", good[..cut].to_vec()).is_err(), "cut at {cut}");
    }
    let mut bad_label = good.clone();
    let n = bad_label.len();
    bad_label[n - 2] = 9; // label index out of range
    assert!(db.load("bad.vgeo", bad_label).is_err());
    assert!(db.load("gz", vec![0x1f, 0x8b, 0, 0]).unwrap_err().contains("gzip"));
    assert!(db.is_empty());
}

#[test]
fn the_bundled_country_table() {
    let db = GeoDb::bundled();
    let s = db.sources();
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(s[0].description.starts_with("country table: "), "{s:?}");
    assert_eq!(db.lookup(ip("1.0.0.1")).country.as_deref(), Some("AU"));
    assert_eq!(db.lookup(ip("8.8.8.8")).country.as_deref(), Some("US"));
    assert_eq!(db.lookup(ip("10.0.0.1")).country, None, "private addresses are nowhere");
    assert_eq!(db.lookup(ip("8.8.8.8")).asn, None, "no ASN bundled");
}
