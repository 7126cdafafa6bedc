/**
 * The chunked parse of a fleet config must give exactly what parsing the file as one YAML
 * document gives (identities, their lines, invalid entries, run-wide settings), and must
 * step aside for anything it does not plainly fit.
 */
import { describe, expect, it } from 'vitest';
import { parseFleetConfig, splitIdentityList } from '../../src/fleet/config.js';

function entries(n: number, indent: string, bad: ReadonlySet<number> = new Set()): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (bad.has(i)) out.push(`${indent}- domain: "bad domain ${i}"`);
    else if (i % 3 === 0) out.push(`${indent}- d${i}.example   # a bare domain`);
    else if (i % 3 === 1) {
      out.push(`${indent}- domain: d${i}.example`, `${indent}  ips: [192.0.2.${i % 250}]`, '');
    } else {
      out.push(
        `${indent}- domain: d${i}.example`,
        `${indent}  dkimSelectors:`,
        `${indent}  - s1`,
        `${indent}  - s${i % 7}`,
        `${indent}  helo: >-`,
        `${indent}    mail.d${i}.example`,
        `# a comment at column 0 between entries`,
      );
    }
  }
  return out.join('\n');
}

function same(text: string): ReturnType<typeof parseFleetConfig> {
  const whole = parseFleetConfig(text, 'f.yaml', { chunked: false });
  const chunked = parseFleetConfig(text, 'f.yaml');
  expect(chunked).toEqual(whole);
  // ...and it was the chunked path that gave it, not the fallback.
  expect(parseFleetConfig(text, 'f.yaml', { chunked: 'only' })).toEqual(whole);
  return chunked;
}

describe('fleet config: chunked parse', () => {
  it('gives what the one-document parse gives, across chunk boundaries, with lines and duplicates', () => {
    const bad = new Set([3, 255, 256, 511, 700]);
    const text =
      '# nightly fleet\ndefaults:\n  profile: transactional\nresolvers: ["127.0.0.1:5353"]\nidentities:\n' +
      `${entries(800, '  ', bad)}\n  - d0.example\n` + // a duplicate of the first entry
      'concurrency: 8\ntimeout: 1500\n';
    expect(splitIdentityList(text)?.chunks.length).toBe(4);
    const input = same(text);
    expect(input.identities).toHaveLength(800 - bad.size);
    expect(input.invalidCount).toBe(bad.size + 1);
    expect(input.invalid.at(-1)?.message).toMatch(/the same identity/);
    expect(input).toMatchObject({ resolvers: ['127.0.0.1:5353'], concurrency: 8, timeoutMs: 1500 });
    expect(input.identities[0]?.target.profile).toBe('transactional');
    // An entry's line is where it starts in the file.
    const lines = text.split('\n');
    for (const id of input.identities) expect(lines[id.line - 1]).toContain(id.target.domain.split('.')[0]);
  });

  it('handles a list at column 0, CRLF line ends and defaults after the list', () => {
    const text = `identities:\n${entries(300, '')}\ndefaults:\n  profile: transactional\n`;
    expect(splitIdentityList(text)).toBeDefined();
    expect(same(text).identities.every((i) => i.target.profile === 'transactional')).toBe(true);
    const crlf = text.replace(/\n/g, '\r\n');
    expect(splitIdentityList(crlf)).toBeDefined();
    expect(same(crlf).identities).toHaveLength(300);
  });

  it('steps aside for flow style, anchors and aliases, document markers and odd lines', () => {
    const cases = [
      'identities: [a.example, b.example]\n',
      'defaults: &d {profile: bulk}\nidentities:\n  - domain: a.example\n  - <<: *d\n    domain: b.example\n',
      '---\nidentities:\n  - a.example\n',
      'identities:\n  - a.example\n -5\n',
      'identities:\n  - a.example\nidentities:\n  - b.example\n',
    ];
    for (const text of cases) {
      expect(splitIdentityList(text), text).toBeUndefined();
      let whole: unknown;
      let chunked: unknown;
      try {
        whole = parseFleetConfig(text, 'f.yaml', { chunked: false });
      } catch (err) {
        whole = (err as Error).message;
      }
      try {
        chunked = parseFleetConfig(text, 'f.yaml');
      } catch (err) {
        chunked = (err as Error).message;
      }
      expect(chunked).toEqual(whole);
    }
  });

  it('an error inside a late chunk is reported as the one-document parse reports it', () => {
    const text = `identities:\n${entries(600, '  ')}\n  - domain: [unclosed\n${entries(10, '  ')}\n`;
    expect(() => parseFleetConfig(text, 'f.yaml', { chunked: false })).toThrow(/not valid YAML/);
    expect(() => parseFleetConfig(text, 'f.yaml')).toThrow(/not valid YAML/);
    // A bad top level is still a usage error naming the key.
    expect(() => parseFleetConfig(`colour: blue\nidentities:\n${entries(5, '  ')}\n`, 'f.yaml')).toThrow(
      /unknown top-level key "colour"/,
    );
  });
});
