/**
 * The fleet benchmark's figures (bench/fleet-report.ts): the per-identity unknown comparison
 * of `--loss`, the derived rates, and the Markdown rows the lead pastes into before/after
 * tables (as many cells as the header has).
 */
import { describe, expect, it } from 'vitest';
import {
  type BenchSettings,
  compareUnknowns,
  fleetFigures,
  type LabStats,
  MARKDOWN_HEADER,
  markdownRow,
  parseUnknowns,
  render,
  replayerFigures,
  scenarioName,
} from '../../bench/fleet-report.js';
import type { ReplayerPhaseResult } from '../../bench/replay-worker.js';
import type { PhaseResult } from '../../bench/worker.js';

const settings: BenchSettings = {
  identities: 2000,
  seed: 1,
  latency: '20-50',
  selectors: 'known',
  resolver: 'lab',
  loss: 0.01,
  identityConcurrency: 32,
  cacheEntries: 50_000,
  timeoutMs: 2000,
  tries: 2,
  replayInFlight: 1000,
  replaySockets: 4,
  replayTries: 4,
  replayTimeoutMs: 500,
  runtime: 'tsx',
  heapGrowth: '50%',
  node: 'v20',
};
const lab: LabStats = { packets: 20_100, distinct: 20_000, udp: 20_100, tcp: 0, dropped: 200, cpuMs: 900 };
const phase: PhaseResult = {
  type: 'result',
  mode: 'fleet',
  elapsedMs: 10_000,
  items: 2000,
  counters: {
    queriesSent: 20_100,
    cacheHits: 0,
    cacheMisses: 20_000,
    timeouts: 100,
    tcpRetries: 0,
    errors: 0,
  },
  peakRss: 200 * 1024 * 1024,
  startRss: 100 * 1024 * 1024,
  statuses: { pass: 1000, warn: 500, fail: 497, unknown: 3 },
  unknownIdentities: 3,
  cpuMs: 12_000,
};
const replayerPhase: ReplayerPhaseResult = {
  type: 'result',
  mode: 'replayer',
  questions: 20_000,
  answered: 20_000,
  unanswered: 0,
  sent: 20_200,
  retries: 200,
  stray: 0,
  elapsedMs: 1000,
  inFlight: 1000,
  sockets: 4,
  timeoutMs: 500,
  tries: 4,
  cpuMs: 400,
  peakRss: 90 * 1024 * 1024,
};

describe('fleet benchmark figures', () => {
  it('derives rates, CPU per identity and queries per distinct question', () => {
    const f = fleetFigures(phase, lab);
    expect(f.identitiesPerSecond).toBe(200);
    expect(f.questionsPerSecond).toBe(2000);
    expect(f.cpuMsPerIdentity).toBe(6);
    expect(f.sentOverMinimum).toBeCloseTo(1.005, 6);
    expect(replayerFigures(replayerPhase, lab).questionsPerSecond).toBe(20_000);
  });

  it('counts the identities with an unknown check the loss-free run did not have', () => {
    const reference = parseUnknowns('a-1\tdkim\nb-2\tmx,spf\nc-3\tptr\n');
    const lossy = parseUnknowns('a-1\tdkim\nb-2\tmx\nd-4\tspf\ne-5\tdmarc,mx\nc-3\tptr,spf\n');
    const r = compareUnknowns(reference, lossy, 2000);
    // d-4 and e-5 are new; c-3 gained spf; a-1 is unchanged; b-2 lost spf (the other way round).
    expect(r).toEqual({ count: 3, share: 3 / 2000, fewer: 1, examples: ['c-3', 'd-4', 'e-5'] });
    expect(compareUnknowns(reference, reference, 2000).count).toBe(0);
  });

  it('renders one Markdown row per run, with as many cells as the header', () => {
    const f = fleetFigures(phase, lab);
    const r = replayerFigures(replayerPhase, lab);
    const extra = compareUnknowns(new Map(), parseUnknowns('x\tdkim\n'), 2000);
    const row = markdownRow(scenarioName(settings), settings, f, r, extra);
    const cells = (line: string) => line.split('|').length;
    expect(cells(row)).toBe(cells(MARKDOWN_HEADER.split('\n')[0]!));
    expect(row).toBe(
      '| known selectors, lab, loss 1% | 2,000 | default | 32 | 200.0 | 6.00 | 2,000 | 20,000 | **0.10** | 1.005 | 200 MB | 3 | 1 (0.05%) |',
    );
    const text = render({
      scenario: scenarioName(settings),
      settings,
      fleet: f,
      replayer: r,
      fleetOverReplayer: 0.1,
      extraUnknowns: extra,
      markdownRows: [row],
    });
    expect(text).toContain(
      'fleet / replayer (DNS questions answered per second): 0.10 (target >= 0.8: MISSED)',
    );
    expect(text).toContain('CPU per identity: 6.00 ms');
    expect(text).toContain('(0.05%; target <= 0.1%: ok)');
    expect(text.trimEnd().endsWith(row)).toBe(true);
  });
});
