/** Docs cannot drift: the README's generated blocks must match the code (`npm run docs`). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedReadme } from '../scripts/findings-doc.js';
import { packageRoot } from '../src/paths.js';
import { DERIVED_CHECKS, EVERY_CHECK } from '../src/registry.js';

/** Lines above which a check is split into index, findings, collect and judge (docs/ARCHITECTURE.md). */
const CHECK_SPLIT_LINES = 300;

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

  it('every check over CHECK_SPLIT_LINES lines has the shape index, findings, collect, judge', () => {
    for (const check of EVERY_CHECK) {
      const dir = join(root, 'checks', check.id);
      const lines = readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').length, 0);
      if (lines <= CHECK_SPLIT_LINES) continue;
      const parts = DERIVED_CHECKS.includes(check as never)
        ? ['index', 'findings', 'judge']
        : ['index', 'findings', 'collect', 'judge'];
      for (const part of parts)
        expect(existsSync(join(dir, `${part}.ts`)), `checks/${check.id}/${part}.ts`).toBe(true);
    }
  });

  it('every file and folder docs/ARCHITECTURE.md names exists', () => {
    const text = readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
    const paths = [...text.matchAll(/`((?:src|checks|reports|test|scripts|bench)\/[^`<>*\s]*)`/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(20);
    for (const p of paths) expect(existsSync(join(root, p)), p).toBe(true);
  });
});
