/**
 * Config values YAML types as numbers where a string is expected (issue 14 part 3): DKIM
 * selectors are often dates (`20161025`), and YAML 1.2's core schema reads them as numbers. They
 * are taken as written (the scalar's source text: `0123` stays "0123", `1e3` stays "1e3", not
 * 123 and 1000); only real type errors are refused, with their line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromObject, readConfigFile } from '../src/config.js';
import { parseFleetConfig, splitIdentityList } from '../src/fleet/config.js';

const dir = mkdtempSync(join(tmpdir(), 'mp-config-numbers-'));

function auditConfig(text: string): unknown {
  const path = join(dir, 'c.yaml');
  writeFileSync(path, text);
  return readConfigFile(path);
}

/** A fleet config through both parsers, which must agree. */
function fleet(text: string): ReturnType<typeof parseFleetConfig> {
  const whole = parseFleetConfig(text, 'f.yaml', { chunked: false });
  if (splitIdentityList(text)) expect(parseFleetConfig(text, 'f.yaml', { chunked: 'only' })).toEqual(whole);
  return whole;
}

describe('audit --config: numbers where a string is expected', () => {
  it('takes YAML numbers as written (the scalar source, not the number)', () => {
    expect(
      auditConfig('domain: example.com\ndkimSelectors: [2023, 20161025, 0123, 1e3, 0x1F, -7, 1.50]\n'),
    ).toEqual({
      domain: 'example.com',
      dkimSelectors: ['2023', '20161025', '0123', '1e3', '0x1F', '-7', '1.50'],
    });
    // A single selector, the list's other form, and a number too long for a double.
    expect(auditConfig('domain: example.com\ndkim-selector: 20161025123456789012345\n')).toEqual({
      domain: 'example.com',
      dkimSelectors: ['20161025123456789012345'],
    });
    // JSON is YAML: its numbers are taken as written as well.
    expect(auditConfig('{"domain": "example.com", "dkimSelectors": [2023, 0.10]}')).toEqual({
      domain: 'example.com',
      dkimSelectors: ['2023', '0.10'],
    });
  });

  it('a number option still reads the number', () => {
    expect(auditConfig('domain: example.com\ntimeout: 1e3\n')).toEqual({
      domain: 'example.com',
      timeoutMs: 1000,
    });
  });

  it('refuses real type errors with the line of the key', () => {
    expect(() => auditConfig('domain: example.com\n\ndkimSelectors:\n  - s1\n  - [s2]\n')).toThrow(
      /c\.yaml: "dkimSelectors" must be a string or a list of strings \(line 3\)$/,
    );
    expect(() => auditConfig('domain: example.com\nhelo: true\n')).toThrow(
      /"helo" must be a string \(line 2\)$/,
    );
    expect(() => auditConfig('domain: example.com\ndkimSelectors: [yes, false]\n')).toThrow(
      /"dkimSelectors" must be a string or a list of strings \(line 2\)$/,
    );
    expect(() => auditConfig('domain: example.com\ndkimDiscovery: 0\n')).toThrow(
      /"dkimDiscovery" must be true or false \(line 2\)$/,
    );
    expect(() => auditConfig('domain: example.com\ntimeout: 0\n')).toThrow(
      /"timeout" must be 1 to 120000 ms, not "0" \(line 2\)$/,
    );
    expect(() => auditConfig('domain: example.com\ncolour: 1\n')).toThrow(
      /unknown option "colour" \(line 2\)$/,
    );
  });

  it('a number from a JavaScript caller has no written text and stays a type error', () => {
    expect(() => configFromObject({ dkimSelectors: [2023] })).toThrow(
      'config: "dkimSelectors" must be a string or a list of strings',
    );
  });
});

describe('fleet config: numbers where a string is expected', () => {
  const CONFIG = [
    'defaults:', // 1
    '  dkimSelectors: [2023, 0123]', // 2
    'identities:', // 3
    '  - a.example', // 4
    '  - domain: b.example', // 5
    '    dkimSelectors:', // 6
    '      - 20161025', // 7
    '      - 1e3', // 8
    '  - {domain: c.example, dkimSelectors: 20240101}', // 9
    '  - domain: d.example', // 10
    '    helo: [x.example]', // 11
    '  - {domain: e.example, dkimSelectors: [true]}', // 12
    '  - 42', // 13
    'concurrency: 0x10', // 14
    '',
  ].join('\n');

  it('in defaults and identities, both parsers, as written', () => {
    const input = fleet(CONFIG);
    expect(input.identities.map((i) => [i.target.domain, i.target.dkimSelectors])).toEqual([
      ['a.example', ['2023', '0123']],
      ['b.example', ['20161025', '1e3']],
      ['c.example', ['20240101']],
    ]);
    expect(input.concurrency).toBe(16);
  });

  it('skips only the entries with real type errors, naming the entry and the key line', () => {
    expect(fleet(CONFIG).invalid).toEqual([
      { file: 'f.yaml', line: 10, message: 'entry at f.yaml line 10: "helo" must be a string (line 11)' },
      {
        file: 'f.yaml',
        line: 12,
        message: 'entry at f.yaml line 12: "dkimSelectors" must be a string or a list of strings',
      },
      // A bare entry is a domain: the number is its text, and "42" is no domain name.
      { file: 'f.yaml', line: 13, message: expect.stringMatching(/"42" ends in a numeric label/) },
    ]);
  });

  it('a type error in the defaults or at the top stops the run with its line', () => {
    expect(() =>
      parseFleetConfig('defaults:\n  profile: bulk\n  helo: [a]\nidentities: [a.example]\n', 'f.yaml'),
    ).toThrow('defaults at f.yaml line 2: "helo" must be a string (line 3)');
    for (const chunked of [false, true]) {
      expect(() =>
        parseFleetConfig('identities:\n  - a.example\n  - b.example\nconcurrency: true\n', 'f.yaml', {
          chunked,
        }),
      ).toThrow('f.yaml: "concurrency" must be 1 to 1024, not "true" (line 4)');
    }
  });
});
