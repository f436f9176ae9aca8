#!/usr/bin/env python3
"""Rebuilds Vigil's bundled threat intelligence (crates/vigil-core/data/intel.bin) and its
provenance manifest (crates/vigil-core/data/intel-manifest.json) from upstream-format files.

Python 3 standard library only. Usage:

    scripts/build-intel.py [--refdata DIR] [--out FILE] [--with-cloud]

DIR holds the upstream snapshots in their original formats (default /work/shared/refdata, see
its README.md): Tor Onionoo exports, ThreatFox IPs, IPsum levels, mining-pool CSV, NoCoin
hosts, maltrail static trails, AWS ip-ranges.json. To refresh, drop newer copies of the same
files there, update SNAPSHOTS below (date, commit) and rerun.

Only what a detector uses is kept (IPs, CIDRs, domains); comments, ports, URLs and metadata
are dropped, AWS ranges are merged into the fewest CIDRs. `--with-cloud` adds the merged
cloud/hosting-provider ranges (no detector needs them yet, so they stay out by default).
The binary layout is documented in crates/vigil-core/src/intel/bundle.rs.
"""

import argparse
import csv
import gzip
import ipaddress
import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name, category, file (relative to refdata), parser, source, url, license, snapshot date, description
SNAPSHOTS = [
    dict(name="Tor exit nodes", category="tor-exit", file="intel/tor-exits.txt", parser="ips",
         source="Tor Metrics Onionoo via alireza-rezaee/tor-nodes (latest.exits.csv @47d10e9b1)",
         url="https://github.com/alireza-rezaee/tor-nodes", license="Tor Metrics data CC0; repository MIT",
         date="2026-08-22", description="Tor relays with the Exit flag"),
    dict(name="Tor relays", category="tor-relay", file="intel/tor-relays.txt", parser="ips", minus="Tor exit nodes",
         source="Tor Metrics Onionoo via alireza-rezaee/tor-nodes (latest.all.csv @47d10e9b1)",
         url="https://github.com/alireza-rezaee/tor-nodes", license="Tor Metrics data CC0; repository MIT",
         date="2026-08-22", description="Tor relay addresses without the Exit flag (exits are listed above)"),
    dict(name="ThreatFox C2 IPs", category="c2", file="intel/threatfox-ips.txt", parser="ips",
         source="abuse.ch ThreatFox via elliotwutingfeng/ThreatFox-IOC-IPs (@0cef4652)",
         url="https://threatfox.abuse.ch/", license="abuse.ch data CC0; repository BSD-3-Clause",
         date="2026-08-22", description="Command-and-control and malware infrastructure"),
    dict(name="IPsum level 3", category="malicious", file="intel/ipsum-level3.txt", parser="ips",
         source="stamparm/ipsum levels/3.txt (@5a7c15f)", url="https://github.com/stamparm/ipsum",
         license="Unlicense", date="2026-08-22",
         description="Addresses on 3 or more public blocklists"),
    dict(name="Mining pools", category="mining", file="intel/mining_pool_domains.csv", parser="mining_csv",
         source="AdamYoung71/mining-pool-domain-intel (@8807979)",
         url="https://github.com/AdamYoung71/mining-pool-domain-intel", license="Apache-2.0",
         date="2026-04-21", description="Cryptocurrency mining-pool stratum endpoints"),
    dict(name="Maltrail crypto mining", category="mining", file="intel/maltrail/crypto_mining.txt", parser="trail",
         source="stamparm/maltrail trails/static/crypto_mining.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Mining pools and miner endpoints"),
    dict(name="NoCoin in-browser mining hosts", category="crypto-domain", file="intel/nocoin-hosts.txt",
         parser="hosts", source="hoshsadiq/adblock-nocoin-list hosts.txt (@9f3caa9)",
         url="https://github.com/hoshsadiq/adblock-nocoin-list", license="MIT", date="2025-12-30",
         description="In-browser cryptocurrency mining domains"),
    dict(name="Maltrail mass scanners", category="scanner", file="intel/maltrail/mass_scanner.txt", parser="trail",
         source="stamparm/maltrail trails/static/mass_scanner.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Known internet-wide scanners"),
    dict(name="Maltrail dynamic DNS domains", category="abused-domain", file="intel/maltrail/dynamic_domain.txt",
         parser="trail", source="stamparm/maltrail trails/static/dynamic_domain.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Dynamic DNS providers, commonly abused by malware"),
    dict(name="Maltrail free web hosting", category="abused-domain", file="intel/maltrail/free_web_hosting.txt",
         parser="trail", source="stamparm/maltrail trails/static/free_web_hosting.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Free web hosting, commonly abused for phishing and malware"),
    dict(name="Maltrail anonymous web proxies", category="suspicious-domain",
         file="intel/maltrail/anonymous_web_proxy.txt", parser="trail",
         source="stamparm/maltrail trails/static/anonymous_web_proxy.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Anonymising web proxies"),
    dict(name="Maltrail DNS tunnelling services", category="suspicious-domain",
         file="intel/maltrail/dns_tunneling_service.txt", parser="trail",
         source="stamparm/maltrail trails/static/dns_tunneling_service.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="DNS tunnelling services"),
    dict(name="Maltrail blockchain DNS", category="suspicious-domain", file="intel/maltrail/blockchain_dns.txt",
         parser="trail", source="stamparm/maltrail trails/static/blockchain_dns.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Blockchain DNS resolvers (alternative roots)"),
    dict(name="Maltrail Tor2web gateways", category="suspicious-domain", file="intel/maltrail/onion.txt",
         parser="trail", source="stamparm/maltrail trails/static/onion.txt (@8adace159e)",
         url="https://github.com/stamparm/maltrail", license="MIT", date="2026-08-23",
         description="Tor2web gateways to onion services"),
    dict(name="AWS IP ranges", category="aws", file="aws/ip-ranges.json", parser="aws_json",
         source="AWS ip-ranges.json via seligman/aws-ip-ranges (@84688115)",
         url="https://ip-ranges.amazonaws.com/ip-ranges.json", license="AWS public data",
         date="2026-08-22", description="AWS's published address ranges, merged"),
]

CLOUD = [
    dict(name="Cloud provider ranges", category="cloud", file=["intel/cloud-all-v4.txt", "intel/cloud-all-v6.txt"],
         parser="ips", source="lord-alfred/ipranges (@14dd971b)", url="https://github.com/lord-alfred/ipranges",
         license="CC0", date="2026-08-22", description="Cloud and hosting providers' published ranges, merged"),
]

# AWS's GuardDuty tester (awslabs/amazon-guardduty-tester, lib/common/testResources/definitions.json)
# queries these names; GuardDuty's threat intelligence files them under these finding families.
TESTER = dict(
    name="GuardDuty tester domains", category="c2",
    source="awslabs/amazon-guardduty-tester definitions.json and GuardDuty documentation",
    url="https://github.com/awslabs/amazon-guardduty-tester", license="Apache-2.0", date="2026-08-23",
    description="Test domains that GuardDuty's own intelligence flags, so tester runs light up as in GuardDuty",
    domains=[
        ("guarddutyc2activityb.com", "c2"),            # Backdoor:EC2/C&CActivity.B!DNS
        ("c2.guarddutyc2activityb.com", "c2"),
        ("crypto.guarddutyc2activityb.com", "mining"),  # CryptoCurrency:EC2/BitcoinTool.B!DNS
        ("abused-rep.guarddutyc2activityb.com", "abused-domain"),
        ("crypto-rep.guarddutyc2activityb.com", "crypto-domain"),
        ("malicious-rep.guarddutyc2activityb.com", "malicious-domain"),
        ("suspicious-rep.guarddutyc2activityb.com", "suspicious-domain"),
        ("guarddutydroppointactivity.com", "drop-point"),
        ("guarddutyblackholeactivity.com", "blackhole"),
        ("guarddutyphishingactivity.com", "phishing"),
        ("guarddutydrivebyactivity.com", "drive-by"),
        ("guarddutydgaactivity.com", "dga"),
    ],
)

DOMAIN_RE = re.compile(r"^(\*\.)?([a-z0-9_-]+\.)+[a-z][a-z0-9-]*$")


def classify(value):
    """An ip_network, a domain string, or None."""
    v = value.strip().lower().rstrip(".")
    if not v:
        return None
    # ip:port (maltrail, mining CSV) -> ip
    m = re.match(r"^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$", v)
    if m:
        v = m.group(1)
    try:
        return ipaddress.ip_network(v, strict=False)
    except ValueError:
        pass
    host = v.split(":")[0] if v.count(":") == 1 else v
    if "/" in host:
        return None  # URL paths: not matched on
    if DOMAIN_RE.match(host):
        return host
    return None


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield line


def parse(refdata, spec):
    files = spec["file"] if isinstance(spec["file"], list) else [spec["file"]]
    out = []
    for rel in files:
        path = os.path.join(refdata, rel)
        p = spec["parser"]
        if p in ("ips", "trail"):
            out += [classify(l.split()[0]) for l in read_lines(path)]
        elif p == "hosts":
            for l in read_lines(path):
                parts = l.split()
                if len(parts) >= 2 and parts[0] in ("0.0.0.0", "127.0.0.1"):
                    out.append(classify(parts[1]))
        elif p == "mining_csv":
            with open(path, encoding="utf-8", errors="replace", newline="") as f:
                for row in csv.DictReader(f):
                    out.append(classify(row.get("domain", "")))
        elif p == "aws_json":
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            out += [ipaddress.ip_network(p["ip_prefix"]) for p in data.get("prefixes", [])]
            out += [ipaddress.ip_network(p["ipv6_prefix"]) for p in data.get("ipv6_prefixes", [])]
            spec = dict(spec)
        else:
            raise SystemExit(f"unknown parser {p}")
    nets = [x for x in out if isinstance(x, (ipaddress.IPv4Network, ipaddress.IPv6Network))]
    doms = sorted({x for x in out if isinstance(x, str)})
    if spec["category"] in ("aws", "cloud"):
        nets = list(ipaddress.collapse_addresses([n for n in nets if n.version == 4])) + list(
            ipaddress.collapse_addresses([n for n in nets if n.version == 6]))
    dropped = sum(1 for x in out if x is None)
    return nets, doms, dropped


def leb128(n):
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            b.append(byte | 0x80)
        else:
            b.append(byte)
            return bytes(b)


def section(kind, category, count, payload):
    c = category.encode()
    return struct.pack("<BB", kind, len(c)) + c + struct.pack("<II", count, len(payload)) + payload


def encode_list(nets, domains_by_cat, category):
    out = b""
    v4 = sorted({(int(n.network_address), n.prefixlen) for n in nets if n.version == 4})
    v6 = sorted({(int(n.network_address), n.prefixlen) for n in nets if n.version == 6})
    if v4:
        prev, buf = 0, bytearray()
        for base, plen in v4:
            buf += leb128(base - prev)
            buf.append(plen)
            prev = base
        out += section(1, category, len(v4), bytes(buf))
    if v6:
        buf = bytearray()
        for base, plen in v6:
            buf += base.to_bytes(16, "big")
            buf.append(plen)
        out += section(2, category, len(v6), bytes(buf))
    for cat, doms in domains_by_cat:
        if doms:
            out += section(3, cat, len(doms), "\n".join(doms).encode())
    return out + b"\x00"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refdata", default="/work/shared/refdata")
    ap.add_argument("--out", default=os.path.join(ROOT, "crates/vigil-core/data/intel.bin"))
    ap.add_argument("--with-cloud", action="store_true")
    args = ap.parse_args()

    specs = SNAPSHOTS + (CLOUD if args.with_cloud else [])
    manifest, body = [], b""
    seen = {}
    for spec in specs:
        nets, doms, dropped = parse(args.refdata, spec)
        seen[spec["name"]] = set(nets)
        if spec.get("minus"):
            # Every exit is also a relay: keep each address once (the detectors treat exits as relays).
            nets = [n for n in nets if n not in seen[spec["minus"]]]
        body += encode_list(nets, [(spec["category"], doms)], spec["category"])
        entry = {k: spec[k] for k in ("name", "category", "source", "url", "license", "date", "description")}
        entry.update(ipv4=sum(1 for n in nets if n.version == 4), ipv6=sum(1 for n in nets if n.version == 6),
                     domains=len(doms))
        manifest.append(entry)
        print(f"{spec['name']:36} v4={entry['ipv4']:6} v6={entry['ipv6']:6} domains={len(doms):6}"
              f" dropped={dropped}", file=sys.stderr)
    # Tester domains: one list, a section per category.
    by_cat = {}
    for d, c in TESTER["domains"]:
        by_cat.setdefault(c, []).append(d)
    body += encode_list([], sorted(by_cat.items()), TESTER["category"])
    entry = {k: TESTER[k] for k in ("name", "category", "source", "url", "license", "date", "description")}
    entry.update(ipv4=0, ipv6=0, domains=len(TESTER["domains"]))
    manifest.append(entry)

    mjson = json.dumps({"format": "VIGILINTEL1", "lists": manifest}, separators=(",", ":")).encode()
    raw = b"VIGILINTEL1\n" + struct.pack("<I", len(mjson)) + mjson + body
    packed = gzip.compress(raw, compresslevel=9, mtime=0)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(packed)
    with open(os.path.join(os.path.dirname(args.out), "intel-manifest.json"), "w") as f:
        json.dump({"bundle": os.path.basename(args.out), "rawBytes": len(raw), "gzipBytes": len(packed),
                   "lists": manifest}, f, indent=2)
        f.write("\n")
    with open(os.path.join(os.path.dirname(args.out), "intel-attributions.md"), "w") as f:
        f.write("<!-- generated by scripts/build-intel.py; do not edit -->\n")
        f.write(f"Vigil bundles this threat intelligence ({len(packed):,} bytes gzip). Rebuild with "
                "`scripts/build-intel.py`; load newer lists in the console or with `--threat-list`.\n\n")
        f.write("| list | what | indicators | source | license | snapshot |\n|---|---|---|---|---|---|\n")
        for m in manifest:
            n = m["ipv4"] + m["ipv6"] + m["domains"]
            f.write(f"| {m['name']} | {m['description']} | {n:,} | [{m['source']}]({m['url']}) | {m['license']} | {m['date']} |\n")
    print(f"wrote {args.out}: {len(raw)} bytes raw, {len(packed)} bytes gzip", file=sys.stderr)


if __name__ == "__main__":
    main()
