/**
 * The layers of the design (DESIGN.md, "Layers"; arrows point down): the library (src/, src/fleet/) never imports a
 * renderer, and the renderers (reports/) read checks only through their index modules (the
 * typed evidence accessors), never a check's internals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI and demo layer, above the renderers: they may import them. */
const ABOVE_RENDERERS = new Set(['src/cli.ts', 'src/fleet/cli.ts', 'src/demo.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** Every relative import or re-export of a file, resolved to a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
    out.push(relative(ROOT, resolve(ROOT, dirname(file), m[1] as string)));
  }
  return out;
}

describe('layers', () => {
  it('the library imports no renderer (reports/)', () => {
    const offending = tsFiles('src')
      .filter((f) => !ABOVE_RENDERERS.has(f))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('reports/'))
          .map((i) => `${f} -> ${i}`),
      );
    expect(offending).toEqual([]);
  });

  it('renderers read checks only through checks/<id>/index.ts', () => {
    const offending = tsFiles('reports').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('checks/') && !/^checks\/[^/]+\/index\.js$/.test(i))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offending).toEqual([]);
  });

  it('finds the imports it checks', () => {
    // guards the scan itself: the CLI does import renderers
    expect(importsOf('src/cli.ts')).toContain('reports/html.js');
  });
});
