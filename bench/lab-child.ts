/**
 * Benchmark lab process: builds the seeded world, serves it through the loopback lab DNS
 * server and counts what it is asked. Runs in its own process (forked by bench/fleet.ts) so
 * the server's CPU and memory are not charged to the audit being measured.
 *
 * Arguments: N, seed, latency ("20-50" ms), world ("fleet", default, or "recipients").
 *
 * IPC protocol (process.send):
 *   -> parent { type: 'ready', host, port, nodes, buildMs }
 *   <- { type: 'stats', dump?: path, reset?: boolean }
 *   -> parent { type: 'stats', packets, distinct, udp, tcp }  (dump: distinct questions written
 *      to `path`, one "TYPE<TAB>name" per line; reset: counters and the set start afresh)
 *   <- { type: 'stop' }
 *
 * `distinct` is the number of distinct (name, type) questions received: the questions the
 * client needed answered, each counted once, i.e. what a perfect cache would send.
 */
import { writeFileSync } from 'node:fs';
import { LabDnsServer } from '../src/lab/index.js';
import type { LatencySpec } from '../src/lab/zone.js';
import { buildRecipientsZone } from './recipients-world.js';
import { buildZone, planWorld } from './world.js';

/** How often the server's query log is drained into the counters. */
const DRAIN_INTERVAL_MS = 50;
/** The server's log bound: far above what arrives between two drains. */
const QUERY_LOG_SIZE = 1_000_000;

interface Stats {
  packets: number;
  udp: number;
  tcp: number;
  distinct: Set<string>;
}

function parseLatency(v: string | undefined): LatencySpec | undefined {
  if (!v || v === '0') return undefined;
  const [lo, hi] = v.split('-').map(Number);
  if (lo === undefined || !Number.isFinite(lo)) throw new Error(`bad latency ${v}`);
  return hi === undefined ? lo : [lo, hi];
}

async function main(): Promise<void> {
  const [nText = '1000', seedText = '1', latencyText, world = 'fleet'] = process.argv.slice(2);
  const t0 = performance.now();
  // World "recipients" (bench/recipients.ts): N is the number of domains.
  const zone =
    world === 'recipients'
      ? buildRecipientsZone(Number(nText))
      : buildZone(planWorld(Number(nText), Number(seedText)));
  const buildMs = performance.now() - t0;
  const latency = parseLatency(latencyText);
  const server = await LabDnsServer.start({
    zone,
    queryLogSize: QUERY_LOG_SIZE,
    ...(latency !== undefined ? { latencyMs: latency } : {}),
  });
  let stats: Stats = { packets: 0, udp: 0, tcp: 0, distinct: new Set() };
  const drain = () => {
    for (const q of server.queries) {
      stats.packets++;
      if (q.transport === 'udp') stats.udp++;
      else stats.tcp++;
      stats.distinct.add(`${q.type}\t${q.name}`);
    }
    server.clearQueries();
  };
  const timer = setInterval(drain, DRAIN_INTERVAL_MS);
  process.on('message', (msg: { type: string; dump?: string; reset?: boolean }) => {
    if (msg.type === 'stats') {
      drain();
      if (msg.dump) writeFileSync(msg.dump, [...stats.distinct].join('\n') + '\n');
      process.send?.({
        type: 'stats',
        packets: stats.packets,
        distinct: stats.distinct.size,
        udp: stats.udp,
        tcp: stats.tcp,
      });
      if (msg.reset) stats = { packets: 0, udp: 0, tcp: 0, distinct: new Set() };
    } else if (msg.type === 'stop') {
      clearInterval(timer);
      void server.stop().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', host: server.host, port: server.port, nodes: zone.nodes.size, buildMs });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
