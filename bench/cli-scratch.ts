import { writeFileSync } from 'node:fs';
import { LabDnsServer } from '../src/lab/index.js';
import { buildZone, planWorld } from './world.js';

const n = Number(process.argv[2] ?? '10000');
const plan = planWorld(n, 1);
const zone = buildZone(plan);
const lines = ['defaults:', '  dkimDiscovery: false', 'identities:'];
for (const id of plan.identities) {
  const t = id.target;
  lines.push(`  - domain: ${t.domain}`);
  if (t.ips?.length) lines.push(`    ips: [${t.ips.join(', ')}]`);
  if (t.helo) lines.push(`    helo: ${t.helo}`);
  if (t.dkimSelectors?.length) lines.push(`    dkimSelectors: [${t.dkimSelectors.join(', ')}]`);
  if (t.profile) lines.push(`    profile: ${t.profile}`);
}
writeFileSync('/tmp/clibench/fleet.yaml', `${lines.join('\n')}\n`);
const server = await LabDnsServer.start({ zone, latencyMs: [20, 50] });
console.log(`${server.host}:${server.port}`);
