/** Docs cannot drift: the README's generated blocks must match the code (`npm run docs`). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedReadme } from '../scripts/findings-doc.js';
import { packageRoot } from '../src/paths.js';
import { DERIVED_CHECKS, EVERY_CHECK } from '../src/registry.js';

const root = packageRoot();

describe('docs and check metadata', () => {
  it('README generated blocks (findings, CLI help, zone format) are up to date: run npm run docs', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(await generatedReadme(readme)).toBe(readme);
  });

  it('every check has a folder named by its id, kebab-case finding keys and complete specs', () => {
    const ids = new Set<string>();
    for (const check of EVERY_CHECK) {
      expect(check.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(ids.has(check.id), `duplicate check id ${check.id}`).toBe(false);
      ids.add(check.id);
      if (!DERIVED_CHECKS.includes(check as never))
        expect(existsSync(join(root, 'checks', check.id, 'index.ts')), check.id).toBe(true);
      expect(Object.keys(check.findings).length).toBeGreaterThan(0);
      for (const [key, spec] of Object.entries(check.findings)) {
        expect(key, `${check.id}/${key}`).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        expect(spec.title.length, `${check.id}/${key} title`).toBeGreaterThan(5);
        expect(spec.message.length, `${check.id}/${key} message`).toBeGreaterThan(5);
        expect(spec.fix.length, `${check.id}/${key} fix`).toBeGreaterThan(5);
        expect(['info', 'warning', 'error', 'unknown']).toContain(spec.severity);
      }
    }
  });
});
