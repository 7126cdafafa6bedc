/**
 * The config readers: an audit config (YAML/JSON, src/config.ts), a fleet config (its chunked
 * and one-document paths must agree) and a domains file. Bad input is a UsageError, never
 * another throw; a domains file prints back to the same identities.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configFromObject, readConfigFile } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';
import { type FleetInput, parseDomainsFile, parseFleetConfig } from '../../src/fleet/config.js';
import { adversarial, bounded, fuzz, hostileText, tokenSoup } from './runs.js';

const dir = mkdtempSync(join(tmpdir(), 'mp-fuzz-config-'));
// The yaml package reports odd but readable input (unresolved tags, ambiguous aliases) as
// process warnings: thousands of them here, none of them a failure.
const emitWarning = process.emitWarning;
beforeAll(() => {
  process.emitWarning = () => {};
});
afterAll(() => {
  process.emitWarning = emitWarning;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn`; a UsageError is an answer (returned), any other throw fails the property. */
function usageOr<T>(fn: () => T): T | UsageError {
  try {
    return bounded(fn);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
}

const YAML_PIECES = [
  'identities:\n',
  'defaults:\n',
  '  - ',
  '- ',
  '  ',
  '    ',
  '\n',
  'domain: ',
  'example.com',
  'example.org',
  'ips: [192.0.2.1]',
  'ips: ',
  '192.0.2.10',
  'dkimSelectors: [2023, 20161025]',
  'dkimSelectors: s1',
  'helo: mail.example.com',
  'profile: bulk',
  'profile: nope',
  'concurrency: 4',
  'timeout: 0',
  'checks: [spf]',
  'resolvers: ["127.0.0.1:53"]',
  'unknown: 1',
  '#',
  '&a ',
  '*a',
  '---\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  "'",
  '\t',
  '0123',
  '1e3',
  'null',
  '~',
];
const yamlText = fc.oneof(
  { arbitrary: tokenSoup(YAML_PIECES, 30).map((t) => `identities:\n  - ${t}`), weight: 4 },
  { arbitrary: hostileText(YAML_PIECES), weight: 2 },
  {
    arbitrary: fc
      .array(
        fc.record(
          { domain: fc.oneof(fc.domain(), fc.string()), ips: fc.array(fc.ipV4(), { maxLength: 2 }) },
          { requiredKeys: [] },
        ),
        { maxLength: 6 },
      )
      .map((identities) => stringify({ identities })),
    weight: 2,
  },
  {
    arbitrary: adversarial(['  - a\n', '- ', ' ', '#', ':', '[', '{', '\n']).map((t) => `identities:\n${t}`),
    weight: 1,
  },
);

/**
 * A YAML nested past the JavaScript stack overflows the yaml parser (a UsageError); near that
 * depth whether it does depends on the caller's own stack depth, so the two paths may differ there.
 */
const overflowed = (r: FleetInput | UsageError) =>
  r instanceof UsageError && r.message.includes('Maximum call stack size exceeded');

describe('fuzz: config readers', () => {
  it('an audit config file is a config or a UsageError', async (ctx) => {
    let n = 0;
    await fuzz(
      ctx,
      fc.property(
        yamlText.map((t) => t.replace(/^identities:\n {2}- /, '')),
        (text) => {
          const path = join(dir, `c${n++ % 8}.yaml`);
          writeFileSync(path, text);
          usageOr(() => readConfigFile(path));
        },
      ),
      0.5,
    );
  });

  it('configFromObject takes any parsed value: a config or a UsageError', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.dictionary(
            fc.constantFrom('domain', 'ips', 'dkimSelectors', 'helo', 'profile', 'timeout', 'x'),
            fc.anything(),
          ),
        ),
        (data) => {
          usageOr(() => configFromObject(data));
        },
      ),
    );
  });

  it('a fleet config reads the same through the chunked and the one-document paths', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(yamlText, (text) => {
        const chunked = usageOr(() => parseFleetConfig(text, 'fleet.yaml'));
        const whole = usageOr(() => parseFleetConfig(text, 'fleet.yaml', { chunked: false }));
        if (overflowed(chunked) || overflowed(whole)) return;
        if (chunked instanceof UsageError || whole instanceof UsageError) {
          expect(String(chunked)).toBe(String(whole));
        } else expect(chunked).toEqual(whole);
      }),
    );
  });

  it('a domains file never throws, and its identities print back to the same file', async (ctx) => {
    const DOMAIN_PIECES = [
      'example.com',
      'a.example',
      '\n',
      '\r\n',
      ' ',
      '\t',
      '#',
      '# c\n',
      'x..y',
      '-a.com',
      '192.0.2.1',
      '*.x',
    ];
    await fuzz(
      ctx,
      fc.property(fc.oneof(tokenSoup(DOMAIN_PIECES, 30), hostileText(DOMAIN_PIECES)), (text) => {
        const r = bounded(() => parseDomainsFile(text, 'domains.txt'));
        expect(r.invalidCount).toBeGreaterThanOrEqual(r.invalid.length);
        const printed = r.identities.map((i) => i.target.domain).join('\n');
        const again = parseDomainsFile(printed, 'domains.txt');
        expect(again.identities.map((i) => i.key)).toEqual(r.identities.map((i) => i.key));
        expect(again.invalidCount).toBe(0);
      }),
    );
  });
});
