#!/usr/bin/env python3
"""Converts ip-location-db CSV tables (npm packages `@ip-location-db/geo-whois-asn-country`,
`@ip-location-db/asn`) into Vigil's compact geo range table (VGEO), gzip-compressed.

Python 3 standard library only. Usage:

    npm pack @ip-location-db/geo-whois-asn-country @ip-location-db/asn   # in a scratch folder
    tar xzf ip-location-db-geo-whois-asn-country-*.tgz                    # → package/…
    scripts/build-geo.py country package/geo-whois-asn-country-ipv4-num.csv \\
        [package/geo-whois-asn-country-ipv6-num.csv] --out crates/vigil-core/data/geo-country.vgeo.gz
    scripts/build-geo.py asn asn-ipv4-num.csv [asn-ipv6-num.csv] --out asn.vgeo.gz

Input rows are `first,last,value` (numeric addresses; for `asn`: `first,last,number,org`).
Adjacent ranges with the same value are merged. The layout (read by
crates/vigil-core/src/geo/table.rs):

    "VGEO" u8:version=1 u8:kind (1 country, 2 asn)
    varint:labels, each: country → 2 ASCII bytes; asn → varint:number varint:len org(UTF-8)
    for family in (IPv4, IPv6): varint:ranges, each: varint:gap (first − previous last − 1;
        first − 0 for the first range), varint:span (last − first), varint:label index

Varints are LEB128 (7 bits a byte, low first). Sorted, non-overlapping ranges.
"""

import argparse
import csv
import gzip
import ipaddress
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read(path, kind):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) < 3:
                continue
            first, last = int(row[0]), int(row[1])
            if kind == "country":
                value = row[2].strip().upper()
                if len(value) != 2:
                    continue
            else:
                value = (int(row[2]), row[3].strip() if len(row) > 3 else "")
            rows.append((first, last, value))
    rows.sort()
    merged = []
    for first, last, value in rows:
        if merged and merged[-1][2] == value and merged[-1][1] + 1 >= first:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last), value)
        elif merged and first <= merged[-1][1]:
            continue  # overlapping row: the first one wins
        else:
            merged.append((first, last, value))
    return merged


def is_v6(rows):
    return bool(rows) and rows[-1][1] > 0xFFFFFFFF


def build(kind, paths):
    families = [[], []]
    for p in paths:
        rows = read(p, kind)
        families[1 if is_v6(rows) else 0].extend(rows)
    labels, index = [], {}
    for fam in families:
        for _, _, v in fam:
            if v not in index:
                index[v] = len(labels)
                labels.append(v)
    out = bytearray(b"VGEO")
    out += bytes([1, 1 if kind == "country" else 2])
    out += varint(len(labels))
    for v in labels:
        if kind == "country":
            out += v.encode("ascii")
        else:
            org = v[1].encode("utf-8")[:200]
            out += varint(v[0]) + varint(len(org)) + org
    for fam in families:
        out += varint(len(fam))
        prev = -1
        for first, last, v in fam:
            out += varint(first - prev - 1) + varint(last - first) + varint(index[v])
            prev = last
    return bytes(out), [len(f) for f in families], len(labels)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=["country", "asn"])
    ap.add_argument("csv", nargs="+", help="numeric CSV files (IPv4 and/or IPv6)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    raw, counts, labels = build(args.kind, args.csv)
    packed = gzip.compress(raw, 9, mtime=0)
    with open(args.out, "wb") as f:
        f.write(packed)
    print(f"{args.out}: {labels} labels, {counts[0]} IPv4 ranges, {counts[1]} IPv6 ranges, "
          f"{len(raw):,} bytes raw, {len(packed):,} bytes gzip", file=sys.stderr)


if __name__ == "__main__":
    main()
