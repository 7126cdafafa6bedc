/** The README's first command: `npm run demo` runs the whole demo world end to end. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../reports/schema.js';
import { packageRoot } from '../src/paths.js';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('audits every demo identity on loopback, prints the reports and writes valid JSON', {
    timeout: 90_000,
  }, async () => {
    const root = packageRoot();
    const cwd = mkdtempSync(join(tmpdir(), 'mp-demo-'));
    const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/demo.ts')], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 80_000,
    });
    for (const domain of [
      'good.example',
      'plusall.example',
      'broken.example',
      'news.heavy.example',
      'slow.example',
    ]) {
      expect(stdout).toContain(`=== ${domain}`);
    }
    expect(stdout).toMatch(/good\.example\s+pass\s+exit 0/);
    expect(stdout).toMatch(/slow\.example\s+unknown\s+exit 2/);
    expect(stdout).toContain('spf/plus-all');
    expect(stdout).toContain('tls/no-starttls');
    expect(stdout).not.toContain('\u001b[');
    const files = readdirSync(join(cwd, 'out/demo')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(6);
    for (const f of files) {
      const report = JSON.parse(readFileSync(join(cwd, 'out/demo', f), 'utf8'));
      expect(validateReport(report).errors, f).toEqual([]);
    }
  });
});
