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
import { deflateRawSync, gunzipSync } from 'node:zlib';
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

// ---- zip archives ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflated entries, no zip64) of `[name, bytes]` pairs: enough for the test. */
function zipArchive(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const fields = (head) => {
      head.writeUInt16LE(20, 0); head.writeUInt16LE(0, 2); head.writeUInt16LE(8, 4);
      head.writeUInt32LE(0, 6); head.writeUInt32LE(crc32(data), 10);
      head.writeUInt32LE(packed.length, 14); head.writeUInt32LE(data.length, 18);
      head.writeUInt16LE(nameBytes.length, 22);
      return head;
    };
    const local = Buffer.concat([Buffer.from('PK\x03\x04', 'binary'), fields(Buffer.alloc(26)), nameBytes, packed]);
    const central = Buffer.alloc(42);
    central.writeUInt16LE(20, 0);
    fields(Buffer.alloc(26)).copy(central, 2);
    central.writeUInt32LE(offset, 38);
    centrals.push(Buffer.concat([Buffer.from('PK\x01\x02', 'binary'), central, nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(18);
  end.writeUInt16LE(entries.length, 4); end.writeUInt16LE(entries.length, 6);
  end.writeUInt32LE(directory.length, 8); end.writeUInt32LE(offset, 12);
  return Buffer.concat([...locals, directory, Buffer.from('PK\x05\x06', 'binary'), end]);
}

test('a dropped .zip of an AWSLogs tree is read in place and gives the CLI\'s findings', async () => {
  const world = mkdtempSync(join(tmpdir(), 'vigil-zip-'));
  execFileSync(join(ROOT, 'target/debug/vigil'), ['sample', world, '--days', '3'], { stdio: 'pipe' });
  const logs = walk(join(world, 'AWSLogs')).sort();
  const archive = join(world, 'logs.zip');
  writeFileSync(archive, zipArchive(logs.map(f => [relative(world, f), readFileSync(f)])));

  const cli = JSON.parse(execFileSync(join(ROOT, 'target/debug/vigil'), ['scan', '--format', 'json', archive],
    { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
  const want = new Set(cli.Findings.map(f => `${f.Type} @ ${resourceId(f)}`));
  assert.ok(want.size >= 5, `the CLI found only ${want.size} findings in the archive`);

  await withPage(browser, server.url, 'drop-zip', async page => {
    await page.setInputFiles('[data-testid=drop-input]', [archive]);
    await waitDone(page);
    const got = new Set((await rows(page)).map(r => `${r.type} @ ${r.resource}`));
    assert.deepEqual([...got].sort(), [...want].sort(), 'the console finds in the zip what the CLI finds');
    await page.click('[data-testid=tab-summary]');
    const summary = await page.locator('main').textContent();
    assert.match(summary, /logs\.zip!AWSLogs\//, 'entries are named inside their archive');
    console.log(`zip of ${logs.length} files: ${got.size} findings`);
  });
});
