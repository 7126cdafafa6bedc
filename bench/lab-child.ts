/**
 * Benchmark lab process: builds the seeded world, serves it through the loopback lab DNS
 * server and counts what it is asked. Runs in its own process (forked by bench/fleet.ts) so
 * the server's CPU and memory are not charged to the audit being measured.
 *
 * Arguments: N, seed, latency ("20-50" ms), world ("fleet", default, or "recipients"), and
 * "smtp" (fleet world only): the MX hosts on loopback with a real SMTP server at each address
 * (bench/smtp-lab.ts); `ready` then carries `smtp: { port, caPem, servers, names }` and every
 * `stats` answer `smtp` (SmtpLabFigures, reset with the rest).
 *
 * IPC protocol (process.send):
 *   -> parent { type: 'ready', host, port, nodes, buildMs }
 *   <- { type: 'stats', dump?: path, reset?: boolean }
 *   -> parent { type: 'stats', packets, distinct, udp, tcp, dropped, cpuMs }  (dump: distinct
 *      questions written to `path`, one "TYPE<TAB>name" per line; reset: counters, the set
 *      and the CPU clock start afresh)
 *   <- { type: 'loss', rate }   drop this share of the UDP queries received from now on
 *   -> parent { type: 'loss', rate }
 *   <- { type: 'stop' }
 *
 * `distinct` is the number of distinct (name, type) questions received: the questions the
 * client needed answered, each counted once, i.e. what a perfect cache would send.
 */
import { writeFileSync } from 'node:fs';
import { LabDnsServer } from '../src/lab/index.js';
import type { LatencySpec } from '../src/lab/zone.js';
import { buildRecipientsZone } from './recipients-world.js';
import { type RunningSmtpLab, startWorldSmtpLab } from './smtp-lab.js';
import { buildZone, planWorld, worldSmtpServers } from './world.js';

/** How often the server's query log is drained into the counters. */
const DRAIN_INTERVAL_MS = 50;
/**
 * UDP receive buffer of the lab: the replayer (and an adaptive probe) sends ~1,000 queries at
 * once, which overflow the default ~200 KB (each small datagram costs ~1 KB of it), and the
 * kernel would drop them before the lab saw them. 4 MB is Debian's default net.core.rmem_max.
 */
const LAB_UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
/** The server's log bound: far above what arrives between two drains. */
const QUERY_LOG_SIZE = 1_000_000;

interface Stats {
  packets: number;
  udp: number;
  tcp: number;
  distinct: Set<string>;
  /** UDP queries dropped (--loss). */
  dropped: number;
  /** Process CPU at the last reset. */
  cpu: NodeJS.CpuUsage;
}

function freshStats(): Stats {
  return { packets: 0, udp: 0, tcp: 0, distinct: new Set(), dropped: 0, cpu: process.cpuUsage() };
}

function parseLatency(v: string | undefined): LatencySpec | undefined {
  if (!v || v === '0') return undefined;
  const [lo, hi] = v.split('-').map(Number);
  if (lo === undefined || !Number.isFinite(lo)) throw new Error(`bad latency ${v}`);
  return hi === undefined ? lo : [lo, hi];
}

async function main(): Promise<void> {
  const [nText = '1000', seedText = '1', latencyText, world = 'fleet', smtpFlag] = process.argv.slice(2);
  const smtp = smtpFlag === 'smtp';
  if (smtp && world !== 'fleet') throw new Error('smtp needs the fleet world');
  const t0 = performance.now();
  // World "recipients" (bench/recipients.ts): N is the number of domains.
  const plan = world === 'recipients' ? undefined : planWorld(Number(nText), Number(seedText));
  const zone = plan ? buildZone(plan, { smtp }) : buildRecipientsZone(Number(nText));
  const buildMs = performance.now() - t0;
  const smtpServers = plan && smtp ? worldSmtpServers(plan) : undefined;
  const smtpLab: RunningSmtpLab | undefined = smtpServers ? await startWorldSmtpLab(smtpServers) : undefined;
  const latency = parseLatency(latencyText);
  const server = await LabDnsServer.start({
    zone,
    queryLogSize: QUERY_LOG_SIZE,
    udpReceiveBufferBytes: LAB_UDP_RECEIVE_BUFFER_BYTES,
    ...(latency !== undefined ? { latencyMs: latency } : {}),
  });
  let stats = freshStats();
  const drain = () => {
    stats.dropped += server.droppedQueries;
    server.droppedQueries = 0;
    for (const q of server.queries) {
      stats.packets++;
      if (q.transport === 'udp') stats.udp++;
      else stats.tcp++;
      stats.distinct.add(`${q.type}\t${q.name}`);
    }
    server.clearQueries();
  };
  const timer = setInterval(drain, DRAIN_INTERVAL_MS);
  process.on('message', (msg: { type: string; dump?: string; reset?: boolean; rate?: number }) => {
    if (msg.type === 'stats') {
      drain();
      if (msg.dump) writeFileSync(msg.dump, [...stats.distinct].join('\n') + '\n');
      const cpu = process.cpuUsage(stats.cpu);
      process.send?.({
        type: 'stats',
        packets: stats.packets,
        distinct: stats.distinct.size,
        udp: stats.udp,
        tcp: stats.tcp,
        dropped: stats.dropped,
        cpuMs: (cpu.user + cpu.system) / 1000,
        ...(smtpLab ? { smtp: smtpLab.log.figures() } : {}),
      });
      if (msg.reset) {
        stats = freshStats();
        smtpLab?.log.reset();
      }
    } else if (msg.type === 'loss') {
      server.setDropRate(msg.rate ?? 0);
      process.send?.({ type: 'loss', rate: msg.rate ?? 0 });
    } else if (msg.type === 'stop') {
      clearInterval(timer);
      void Promise.all([server.stop(), smtpLab?.stop()]).then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({
    type: 'ready',
    host: server.host,
    port: server.port,
    nodes: zone.nodes.size,
    buildMs,
    ...(smtpLab && smtpServers
      ? {
          smtp: {
            port: smtpLab.port,
            caPem: smtpLab.caPem,
            servers: smtpServers.length,
            names: smtpServers.reduce((n, s) => n + s.names.length, 0),
          },
        }
      : {}),
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
