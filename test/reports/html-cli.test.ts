/** `mail-preflight audit --format html|junit` end to end against the loopback lab. */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { runCli as run } from '../helpers/cli.js';

const DEMO = readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8');
const HOSTILE_SPF = 'v=spf1 <script>alert(1)</script> "><img src=x onerror=alert(1)> -all';

describe('audit --format html / junit', () => {
  let lab: LabHandle;
  let resolver: string;
  beforeAll(async () => {
    lab = await startLab(`${DEMO}\nevil.example:\n  TXT: ${JSON.stringify(HOSTILE_SPF)}\n`);
    resolver = `${lab.host}:${lab.port}`;
  });
  afterAll(() => lab.stop());

  it('html: one self-contained page, the hostile SPF record escaped, exit code as for text', async () => {
    const r = await run(['audit', 'evil.example', '--resolver', resolver, '--no-smtp', '--format', 'html']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).not.toContain('<img');
    expect(r.stdout).not.toContain('<script>alert');
    // the record travels in the embedded JSON with < and > escaped
    expect(r.stdout).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(r.stdout.match(/<script\b/g)).toHaveLength(2);
  });

  it('junit: a well-formed document with one testcase per check', async () => {
    const r = await run([
      'audit',
      'broken.example',
      '--resolver',
      resolver,
      '--no-smtp',
      '--format',
      'junit',
    ]);
    expect(r.code).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(r.stdout);
    const suite = doc.testsuites.testsuite;
    expect(suite['@name']).toBe('broken.example');
    const cases = Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
    expect(cases.length).toBeGreaterThanOrEqual(4);
    const spf = cases.find((c: Record<string, string>) => c['@name'] === 'spf');
    expect(spf.failure['@type']).toMatch(/^spf\//);
  });

  it('rejects an unknown format', async () => {
    const r = await run(['audit', 'good.example', '--resolver', resolver, '--format', 'pdf']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('text, json, html, junit, github or gitlab');
  });
});
