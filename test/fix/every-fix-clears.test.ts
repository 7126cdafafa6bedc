/**
 * The property of --fix: every finding a proposed fix is meant to clear is gone when the
 * identity is audited again with the fix as an overlay. Over the demo world, the fleet world,
 * the fixture zones of the check tests and SPF worlds made for the fixes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { audit } from '../../src/audit.js';
import { DEMO_IDENTITIES } from '../../src/demo/identities.js';
import { proveFixes } from '../../src/fix/reaudit.js';
import type { Probe } from '../../src/probe/types.js';
import type { TargetInput } from '../../src/target.js';
import { makeWorld } from '../fleet/world.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../helpers/memory-resolver.js';
import { FIX_IDENTITIES, FIX_WORLD } from './worlds.js';

const root = join(import.meta.dirname, '../..');
const NOW = new Date('2026-01-15T10:00:00Z');

function yamlWorld(path: string): ZoneObject {
  return parseYaml(readFileSync(join(root, path), 'utf8')) as ZoneObject;
}

/** Domains a zone describes: owners of SPF/MX/DMARC data, without helper names. */
function domainsOf(zone: ZoneObject): string[] {
  const out = new Set<string>();
  for (const name of Object.keys(zone)) {
    if (name.startsWith('$') || name.includes('in-addr.arpa') || name.includes('._domainkey')) continue;
    const d = name.startsWith('_dmarc.') ? name.slice('_dmarc.'.length) : name;
    if (d.startsWith('_') || d.startsWith('*') || !d.includes('.')) continue;
    out.add(d.toLowerCase());
  }
  return [...out];
}

async function prove(world: ZoneObject, input: TargetInput) {
  const probe = memoryProbe(memoryResolver(world));
  const run = (p: Probe) => audit(input, { probe: p, deadlineMs: 20_000 });
  const before = await run(probe);
  return { before, ...(await proveFixes(before, probe, run, { now: NOW })) };
}

const demo = readFileSync(join(root, 'src/demo/world.yaml'), 'utf8');
const fleet = makeWorld(14);
const cases: { world: string; zone: ZoneObject; input: TargetInput }[] = [
  ...DEMO_IDENTITIES.map((d) => ({ world: 'demo', zone: parseYaml(demo) as ZoneObject, input: d.input })),
  ...fleet.identities.map((input) => ({ world: 'fleet', zone: fleet.zone, input })),
  ...['dmarc', 'mx', 'ptr', 'dkim'].flatMap((f) => {
    const zone = yamlWorld(`test/fixtures/zones/${f}.yaml`);
    return domainsOf(zone).map((domain) => ({ world: f, zone, input: { domain } }));
  }),
  ...FIX_IDENTITIES.map((input) => ({ world: 'fix', zone: FIX_WORLD, input })),
];

describe('every fix clears its finding', () => {
  it.each(cases.map((c) => [`${c.world}: ${c.input.domain}`, c] as const))('%s', async (_name, c) => {
    const { plan, verdict, fragment } = await prove(c.zone, c.input);
    expect(verdict.notCleared, fragment).toEqual([]);
    // Whatever the fix claims was a finding of the live audit.
    for (const fix of plan.fixes) expect(fix.records.length).toBeGreaterThan(0);
  });
});
