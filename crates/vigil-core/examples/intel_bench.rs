//! Lookup speed of the indicator store against one million indicators.
//!
//! `cargo run --release --example intel_bench -p vigil-core`

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use vigil_core::intel::{Category, Intel, ListInfo, ListKind, Origin, RawIndicator};

fn main() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // One million IPv4 indicators over four lists, shaped like real feeds: 95% host addresses,
    // 5% CIDRs /16–/31.
    let mut lists: Vec<Vec<(RawIndicator, Category)>> = vec![Vec::new(); 4];
    for i in 0..1_000_000u32 {
        let addr = Ipv4Addr::from(rnd() as u32);
        let len = if i % 20 == 0 { 16 + (rnd() % 16) as u8 } else { 32 };
        let net = ipnet::Ipv4Net::new(addr, len).unwrap().trunc();
        lists[(i % 4) as usize].push((RawIndicator::Net(net.into()), Category::Malicious));
    }
    let t = Instant::now();
    let mut intel = Intel::new();
    for (n, items) in lists.iter().enumerate() {
        let info = ListInfo {
            name: format!("bench-{n}"),
            kind: ListKind::Threat,
            origin: Origin::User,
            category: Category::Malicious,
            source: "bench".into(),
            url: String::new(),
            license: String::new(),
            date: String::new(),
            description: String::new(),
            format: None,
            enabled: true,
            count: 0,
        };
        intel.add_list(info, items);
    }
    println!("indexed {} indicators in {:.2?} (incremental: 4 rebuilds)", intel.size().0, t.elapsed());

    let queries: Vec<IpAddr> = (0..10_000_000).map(|_| IpAddr::V4(Ipv4Addr::from(rnd() as u32))).collect();
    let t = Instant::now();
    let cpu = cpu_ns();
    let mut hits = 0usize;
    for &q in &queries {
        hits += black_box(intel.is_threat_ip(black_box(q))) as usize;
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu_secs = cpu_ns().zip(cpu).map(|(b, a)| (b - a) as f64 / 1e9);
    println!(
        "is_threat_ip: {} IPv4 lookups in {:.3}s wall = {:.1}M lookups/s ({} hits){}",
        queries.len(),
        secs,
        queries.len() as f64 / secs / 1e6,
        hits,
        cpu_secs
            .map(|c| format!(
                "; {:.3}s on CPU = {:.1}M lookups per CPU-second",
                c,
                queries.len() as f64 / c / 1e6
            ))
            .unwrap_or_default()
    );

    let t = Instant::now();
    let mut n = 0usize;
    for &q in &queries[..1_000_000] {
        n += black_box(intel.lookup_ip(black_box(q))).len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "lookup_ip (full hits with list and indicator text): {:.1}M lookups/s ({n} hits)",
        1e6 / secs / 1e6
    );

    let bundled = Intel::from_bundle(vigil_core::intel::bundle::BUNDLED).unwrap();
    let t = Instant::now();
    let mut hits = 0usize;
    for &q in &queries {
        hits += black_box(bundled.is_threat_ip(black_box(q))) as usize;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "bundled intel ({} IP indicators): {:.1}M IPv4 lookups/s ({hits} hits)",
        bundled.size().0,
        queries.len() as f64 / secs / 1e6
    );
    let t = Instant::now();
    let mut d = 0usize;
    let names = ["a.b.example.com", "x.duckdns.org", "pool.minexmr.com", "www.amazon.com"];
    for i in 0..1_000_000 {
        d += black_box(bundled.lookup_domain(names[i % 4])).len();
    }
    println!("bundled domain lookups: {:.1}M/s ({d} hits)", 1.0 / t.elapsed().as_secs_f64());
}

/// This thread's time on CPU (Linux), so a busy shared machine does not skew the figure.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
