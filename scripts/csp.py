#!/usr/bin/env python3
"""Trunk post-build hook: writes a strict Content-Security-Policy into the built index.html.

Trunk's loader is an inline <script type="module">; rather than allow inline scripts, the policy
names that exact script by its SHA-256. Everything else comes from the page's own origin, except
pre-signed S3 URLs, which the console fetches directly from S3 (connect-src https://*.amazonaws.com).
"""
import base64
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()

hashes = []
for m in re.finditer(r"<script\b[^>]*>(.*?)</script>", html, re.S):
    body = m.group(1)
    if body.strip():
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")

policy = "; ".join([
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self' https://*.amazonaws.com",
    "base-uri 'self'",
    "form-action 'none'",
    "object-src 'none'",
])
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
marker = "<!-- VIGIL-CSP: scripts/csp.py replaces this comment with the Content-Security-Policy. -->"
if marker in html:
    html = html.replace(marker, meta)
elif 'http-equiv="Content-Security-Policy"' not in html:
    html = html.replace("<head>", "<head>\n  " + meta, 1)
open(path, "w", encoding="utf-8").write(html)
print(f"csp.py: policy written with {len(hashes)} inline script hash(es)")
