// End-to-end: a generated AWSLogs tree (CloudTrail, VPC Flow Logs, Route 53 Resolver; gzip and
// plain mixed, plus one damaged file) dropped on the page gives the same findings, on the same
// resources, as the native CLI on the same tree — including the answer key's attacks — while the
// damaged file is named with its error and the rest is analysed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { serveDist, launch, withPage, waitDone, rows, screenshot, ROOT } from './harness.mjs';

let server, browser, tree;
before(async () => {
  server = await serveDist();
  browser = await launch();
  tree = mkdtempSync(join(tmpdir(), 'vigil-drop-'));
  const vigil = join(ROOT, 'target/debug/vigil');
  if (!existsSync(vigil)) execFileSync('cargo', ['build', '-q', '-p', 'vigil-cli'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(vigil, ['sample', tree], { stdio: 'pipe' });
});
after(async () => { await browser?.close(); await server?.close(); });

function walk(dir) {
  return readdirSync(dir).flatMap(n => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The id a finding row shows as `data-resource`, from a `get-findings`-shaped finding. */
function resourceId(f) {
  const r = f.Resource;
  if (r.AccessKeyDetails) return r.AccessKeyDetails.AccessKeyId || r.AccessKeyDetails.UserName;
  if (r.InstanceDetails) return r.InstanceDetails.InstanceId;
  if (r.S3BucketDetails) return r.S3BucketDetails.map(b => b.Name).join(',');
  return '';
}

test('a dropped AWSLogs tree (gz and plain, all three log types) gives the CLI\'s findings on the right resources', async () => {
  const key = JSON.parse(readFileSync(join(tree, 'expected-findings.json'), 'utf8'));
  unlinkSync(join(tree, 'expected-findings.json'));
  // Every third file decompressed: plain and gzip side by side, told apart by content.
  const files = walk(tree).sort();
  files.forEach((f, i) => {
    if (i % 3 === 0 && f.endsWith('.gz')) {
      writeFileSync(f.slice(0, -3), gunzipSync(readFileSync(f)));
      unlinkSync(f);
    }
  });
  const damaged = join(tree, 'AWSLogs', key.accounts[0].accountId, 'CloudTrail', 'damaged.json');
  writeFileSync(damaged, '{"Records":[{"eventTime":"2026-11-05T00:00:00Z","eventName":"ListUsers"}, {not json');
  const dropped = walk(tree).sort();
  const kinds = new Set(dropped.map(f => f.split('/').find(p => /^(CloudTrail|vpcflowlogs|vpcdnsquerylogs)$/.test(p))));
  assert.deepEqual([...kinds].filter(Boolean).sort(), ['CloudTrail', 'vpcdnsquerylogs', 'vpcflowlogs']);
  assert.ok(dropped.some(f => f.endsWith('.gz')) && dropped.some(f => !f.endsWith('.gz')));

  const cli = JSON.parse(execFileSync(join(ROOT, 'target/debug/vigil'), ['scan', '--format', 'json', tree],
    { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
  const want = new Set(cli.Findings.map(f => `${f.Type} @ ${resourceId(f)}`));

  await withPage(browser, server.url, 'drop-tree', async page => {
    await page.setInputFiles('[data-testid=drop-input]', dropped);
    await waitDone(page);
    const got = new Set((await rows(page)).map(r => `${r.type} @ ${r.resource}`));
    assert.deepEqual([...got].sort(), [...want].sort(), 'the console finds what the CLI finds');

    // The answer key's attacks, on the right resources (the core's tests hold the full key).
    const hits = key.expectedFindings.filter(e => got.has(`${e.type} @ ${e.resourceId}`));
    assert.ok(hits.length >= 15, `only ${hits.length} of ${key.expectedFindings.length} expected findings: ` +
      key.expectedFindings.filter(e => !hits.includes(e)).map(e => `${e.type} @ ${e.resourceId}`).join(', '));

    // The damaged file is named with the record that failed; everything else was analysed.
    await page.click('[data-testid=tab-summary]');
    const summary = await page.locator('main').textContent();
    assert.match(summary, /damaged\.json/);
    const status = await page.locator('[data-testid=analyze-status]').textContent();
    assert.match(status, new RegExp(`${dropped.length} files`));
    await screenshot(page, 'drop-tree-summary');
    console.log(`dropped ${dropped.length} files (${relative(tmpdir(), tree)}): ${got.size} findings, ` +
      `${hits.length}/${key.expectedFindings.length} answer-key findings; ${status}`);
  });
});
