/**
 * Keeps the layers of docs/ARCHITECTURE.md true: every import in src/, checks/ and reports/ is
 * read and its target's layer must be one the importer's layer may use. An arrow only points
 * down (cli -> renderers -> library -> engine -> checks -> probe and input -> base); checks reach each
 * other only through checks/shared/ and another check's index.ts (its typed evidence accessor).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

type Layer = 'base' | 'probe' | 'input' | 'check' | 'engine' | 'library' | 'renderer' | 'cli' | 'lab';

/** Which layer a file (path relative to the package root, with /) belongs to. First match wins. */
const LAYER_OF: readonly [RegExp, Layer][] = [
  [/^src\/probe\//, 'probe'],
  [/^src\/message\//, 'input'],
  [/^src\/bounce\//, 'library'],
  [/^src\/recipients\//, 'library'],
  [/^src\/lab\//, 'lab'],
  [/^checks\//, 'check'],
  [/^reports\//, 'renderer'],
  [/^src\/(cli|demo)(\.ts$|\/)/, 'cli'],
  [/^src\/fleet\/cli\.ts$/, 'cli'],
  [/^src\/fleet\/queue\//, 'library'],
  [/^src\/(index|config|audit|message-audit|evaluate-spf)\.ts$/, 'library'],
  [/^src\/options\//, 'library'],
  [/^src\/fleet\//, 'library'],
  [/^src\/policy\//, 'library'],
  [/^src\/(runner|registry|check|report|target)\.ts$/, 'engine'],
  [/^src\/replies\//, 'engine'],
  [/^src\/(errors|ip|ip-bytes|orgdomain|version|paths)\.ts$/, 'base'],
  [/^src\/overlay\//, 'library'],
  [/^src\/fix\//, 'library'],
];

/** What each layer may import (besides itself and packages). */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  base: [],
  probe: ['base'],
  input: ['base'],
  check: ['base', 'probe', 'input', 'engine'],
  engine: ['base', 'probe', 'input', 'check'],
  library: ['base', 'probe', 'input', 'check', 'engine'],
  renderer: ['base', 'engine', 'library', 'check'],
  lab: ['base', 'probe'],
  cli: ['base', 'probe', 'input', 'check', 'engine', 'library', 'renderer', 'lab'],
};

/** Engine files a check may use: the check and report types, not the runner or registry. */
const ENGINE_FILES_FOR_CHECKS = new Set(['src/check.ts', 'src/report.ts', 'src/target.ts']);

/** Lab files the library may use: the YAML zone format (pure parsing, no servers), read by --overlay. */
const LAB_FILES_FOR_LIBRARY = new Set(['src/lab/zone.ts']);

function layerOf(file: string): Layer | undefined {
  return LAYER_OF.find(([re]) => re.test(file))?.[1];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative imports and re-exports of a file, resolved to package-relative .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(root, resolve(root, dirname(file), m[1] as string)).replace(/\.js$/, '.ts');
    out.push(target.split('\\').join('/'));
  }
  for (const m of text.matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
    const target = relative(root, resolve(root, dirname(file), m[1] as string)).replace(/\.js$/, '.ts');
    out.push(target.split('\\').join('/'));
  }
  return out;
}

/** The layer rule broken by `file` importing `target`, or undefined. */
function violation(file: string, target: string): string | undefined {
  const from = layerOf(file);
  const to = layerOf(target);
  if (from === undefined) return `${file} is in no layer (add it to LAYER_OF)`;
  if (to === undefined) return `${file} imports ${target}, which is in no layer`;
  if (from === 'check' && to === 'engine' && !ENGINE_FILES_FOR_CHECKS.has(target))
    return `${file} (a check) imports ${target}: checks never use the runner, the registry or the replies`;
  if (from === 'renderer' && to === 'check' && !/^checks\/[^/]+\/index\.ts$/.test(target))
    return `${file} (a renderer) imports ${target}: renderers read a check only through its index.ts accessors`;
  if (from === 'check' && to === 'check') {
    const own = file.split('/')[1];
    const [, other, rest] = target.split('/');
    if (other !== own && other !== 'shared' && rest !== 'index.ts')
      return `${file} imports ${target}: another check is reached only through its index.ts`;
    if (own === 'shared' && other !== 'shared') return `${file}: checks/shared imports no check (${target})`;
  }
  if (from === 'library' && LAB_FILES_FOR_LIBRARY.has(target)) return undefined;
  if (from === to || MAY_IMPORT[from].includes(to)) return undefined;
  return `${file} (${from}) imports ${target} (${to}): a ${from} file may import only ${[from, ...MAY_IMPORT[from]].join(', ')}`;
}

describe('layers (docs/ARCHITECTURE.md)', () => {
  const files = ['src', 'checks', 'reports'].flatMap(sourceFiles).map((f) => f.split('\\').join('/'));

  it('every import points down a layer, or stays in its own', () => {
    const broken = files.flatMap((f) => importsOf(f).flatMap((t) => violation(f, t) ?? []));
    expect(broken).toEqual([]);
  });

  it('every source file belongs to a layer', () => {
    expect(files.filter((f) => layerOf(f) === undefined)).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });

  it('the rules catch what they are for', () => {
    expect(violation('src/fleet/run.ts', 'reports/html.ts')).toMatch(/library.*renderer/);
    expect(violation('checks/mx/index.ts', 'src/runner.ts')).toMatch(/never use the runner/);
    expect(violation('checks/mx/judge.ts', 'checks/dane/tlsa.ts')).toMatch(/only through its index/);
    expect(violation('checks/alignment/judge.ts', 'checks/spf/index.ts')).toBeUndefined();
    expect(violation('reports/html.ts', 'checks/spf/tree.ts')).toMatch(/only through its index/);
    expect(violation('reports/html.ts', 'checks/spf/index.ts')).toBeUndefined();
    expect(violation('src/probe/smtp.ts', 'checks/tls/index.ts')).toMatch(/probe.*check/);
    expect(violation('src/lab/zone.ts', 'reports/text.ts')).toMatch(/lab.*renderer/);
    expect(violation('src/cli.ts', 'reports/text.ts')).toBeUndefined();
    expect(importsOf('src/runner.ts')).toContain('src/check.ts');
    expect(violation('src/overlay/yaml.ts', 'src/lab/zone.ts')).toBeUndefined();
    expect(violation('src/overlay/yaml.ts', 'src/lab/server.ts')).toMatch(/library.*lab/);
  });
});
