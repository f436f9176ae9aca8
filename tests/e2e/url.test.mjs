// End-to-end: pre-signed S3 URLs. The page fetches them itself, from its worker, streaming; S3 is
// stood in for by Playwright's request routing (there is no internet here), answering like a
// bucket with a CORS rule for this page, one refused, and an expired URL. A failure explains itself with the exact
// CORS rule, and the URL's signature is never shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, withPage, waitDone, rows, ROOT } from './harness.mjs';

const FIX = join(ROOT, 'tests/e2e/fixtures');
const SIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261121%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=feedface0123456789';
const GOOD = `https://logs-bucket.s3.us-east-1.amazonaws.com/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21/trail.json?${SIGNED}`;
const NO_CORS = `https://other-bucket.s3.eu-west-1.amazonaws.com/AWSLogs/444455556666/CloudTrail/eu-west-1/trail.json?${SIGNED}`;
const EXPIRED = `https://logs-bucket.s3.us-east-1.amazonaws.com/AWSLogs/111122223333/CloudTrail/old.json?${SIGNED}`;

let server, browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('pre-signed URLs are fetched and analysed; CORS and expiry failures explain themselves', async () => {
  await withPage(browser, server.url, 'urls', async page => {
    const body = readFileSync(join(FIX, 'root-and-xss.json'));
    await page.context().route('https://*.amazonaws.com/**', route => {
      const url = route.request().url();
      // A bucket without a CORS rule: the browser refuses the response and fetch() rejects with
      // a bare network error, which is all a page is ever told (routing cannot fake the CORS
      // check itself, so the refusal is stood in for by aborting the request).
      if (url.startsWith('https://other-bucket')) return route.abort('accessdenied');
      if (url.includes('old.json')) {
        return route.fulfill({ status: 403, headers: { 'Access-Control-Allow-Origin': '*' }, body: '<Error><Code>AccessDenied</Code></Error>' });
      }
      return route.fulfill({
        status: 200, body,
        headers: { 'Access-Control-Allow-Origin': server.origin, 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
      });
    });
    await page.click('.url-box summary');
    await page.fill('[data-testid=url-input]', [GOOD, NO_CORS, EXPIRED].join('\n'));
    await page.click('[data-testid=url-fetch]');
    await waitDone(page);

    const found = await rows(page);
    assert.ok(found.some(r => r.type === 'Policy:IAMUser/RootCredentialUsage' && r.resource === 'AKIAEXAMPLEROOT1'), JSON.stringify(found));

    const errors = await page.locator('[data-testid=url-error]').allTextContents();
    assert.equal(errors.length, 2, errors.join('\n'));
    const cors = errors.find(e => e.includes('other-bucket'));
    assert.match(cors, /CORS/);
    assert.ok(cors.includes(`"AllowedOrigins":["${server.origin}"]`), cors);
    assert.match(cors, /put-bucket-cors/);
    const expired = errors.find(e => e.includes('old.json'));
    assert.match(expired, /403.*expired/);

    // The signature (a credential) is never shown on the page.
    const text = await page.locator('body').textContent();
    assert.ok(!text.includes('feedface') && !text.includes('X-Amz-Credential'), 'the query string stays hidden');
  });
});
