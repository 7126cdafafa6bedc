/**
 * The fleet benchmark's minimal replayer (bench/replayer.ts), against a real lab DNS server on
 * loopback: it answers every question of a set and counts them, retries what the lab drops,
 * and gives up (bounded) on what never comes back. Plus the lab's drop knob (dropRate) that
 * `--loss` uses: it drops about the given share of the UDP queries it receives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeName,
  encodeQuestion,
  parseQuestions,
  type ReplayQuestion,
  replay,
  typeCode,
} from '../../bench/replayer.js';
import { buildZone, planWorld } from '../../bench/world.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { Zone } from '../../src/lab/zone.js';

const QUESTIONS = 200;

let lab: LabHandle | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** A world zone and `count` distinct questions about its names (TXT and A, answered or NXDOMAIN). */
function worldQuestions(count: number): { zone: Zone; questions: ReplayQuestion[] } {
  const zone = buildZone(planWorld(100, 3));
  const names = [...zone.nodes.keys()];
  const questions: ReplayQuestion[] = [];
  for (let i = 0; questions.length < count; i++) {
    const name = names[i % names.length]!;
    questions.push({ name: i < names.length ? name : `nothing-${i}.${name}`, type: i % 2 ? 'A' : 'TXT' });
  }
  return { zone, questions };
}

describe('minimal replayer', () => {
  it('answers every question of a 200-question set and counts them, one send each', async () => {
    const { zone, questions } = worldQuestions(QUESTIONS);
    lab = await startLab(zone, { queryLogSize: 10_000 });
    const r = await replay(questions, { host: lab.host, port: lab.port, inFlight: 1000, sockets: 3 });
    expect(r).toMatchObject({ questions: QUESTIONS, answered: QUESTIONS, unanswered: 0, sent: QUESTIONS });
    expect(r.retries).toBe(0);
    // The lab saw exactly these questions, each once.
    const seen = lab.server.queries.map((q) => `${q.type} ${q.name}`).sort();
    expect(seen).toEqual(questions.map((q) => `${q.type} ${q.name}`).sort());
  });

  it('keeps at most inFlight questions pending', async () => {
    const { zone, questions } = worldQuestions(QUESTIONS);
    // 30 ms per answer and 10 in flight: at least 20 rounds.
    lab = await startLab(zone, { latencyMs: 30 });
    const r = await replay(questions, { host: lab.host, port: lab.port, inFlight: 10, sockets: 2 });
    expect(r.answered).toBe(QUESTIONS);
    expect(r.elapsedMs).toBeGreaterThanOrEqual((QUESTIONS / 10) * 30 * 0.9);
  });

  it('retries what the lab drops, so loss costs sends, not answers', async () => {
    const { zone, questions } = worldQuestions(QUESTIONS);
    lab = await startLab(zone, { dropRate: 0.2 });
    const r = await replay(questions, { host: lab.host, port: lab.port, timeoutMs: 100, tries: 20 });
    expect(r.answered).toBe(QUESTIONS);
    // Every drop costs a retry (a slow answer on a busy machine may cost one more).
    expect(lab.server.droppedQueries).toBeGreaterThan(0);
    expect(r.retries).toBeGreaterThanOrEqual(lab.server.droppedQueries);
    expect(r.sent).toBe(QUESTIONS + r.retries);
  });

  it('gives up after its tries when nothing answers (bounded, never stalls)', async () => {
    const { zone, questions } = worldQuestions(20);
    lab = await startLab(zone, { dropRate: 1 });
    const r = await replay(questions, { host: lab.host, port: lab.port, timeoutMs: 30, tries: 2 });
    expect(r).toMatchObject({ answered: 0, unanswered: 20, sent: 40, retries: 20 });
  });

  it('counts a question it cannot encode as unanswered without sending it', async () => {
    const { zone } = worldQuestions(1);
    lab = await startLab(zone);
    const r = await replay(
      [
        { name: `${'x'.repeat(64)}.example`, type: 'A' },
        { name: 'a.example', type: 'NOSUCHTYPE' },
        { name: 'a.example', type: 'TXT' },
      ],
      { host: lab.host, port: lab.port },
    );
    expect(r).toMatchObject({ questions: 3, answered: 1, unanswered: 2, sent: 1 });
  });

  it('encodes names, types and the lab dump format', () => {
    expect(typeCode('TXT')).toBe(16);
    expect(typeCode('UNKNOWN_65280')).toBe(65280);
    expect(typeCode('BOGUS')).toBeUndefined();
    expect(encodeName('a.example.')).toEqual(Buffer.from([1, 0x61, 7, ...Buffer.from('example'), 0]));
    expect(
      encodeName(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`),
    ).toBeUndefined();
    expect(encodeQuestion({ name: 'a.example', type: 'MX' })?.subarray(-4)).toEqual(
      Buffer.from([0, 15, 0, 1]),
    );
    expect(parseQuestions('TXT\ta.example\nA\tb.example\n\nbroken\n')).toEqual([
      { type: 'TXT', name: 'a.example' },
      { type: 'A', name: 'b.example' },
    ]);
  });
});

describe('lab drop rate (the --loss knob)', () => {
  it('drops about the given share of the UDP queries it receives', async () => {
    const { zone, questions } = worldQuestions(2000);
    // The lab and the replayer share this process: a modest window, and the bigger receive
    // buffer the benchmark's lab uses, so the kernel drops nothing before the lab sees it.
    lab = await startLab(zone, { dropRate: 0.1, queryLogSize: 10_000, udpReceiveBufferBytes: 4 << 20 });
    const r = await replay(questions, {
      host: lab.host,
      port: lab.port,
      inFlight: 100,
      timeoutMs: 1000,
      tries: 1,
    });
    // Binomial(2000, 0.1): mean 200, standard deviation 13.4; the seeded draw repeats.
    expect(r.unanswered).toBe(lab.server.droppedQueries);
    expect(r.unanswered).toBeGreaterThan(150);
    expect(r.unanswered).toBeLessThan(250);
    // Dropped queries were received: the log counts them.
    expect(lab.server.queries.length).toBe(2000);
  });

  it('can be changed while serving, and rejects shares outside 0..1', async () => {
    const { zone, questions } = worldQuestions(100);
    lab = await startLab(zone);
    lab.server.setDropRate(1);
    const dropped = await replay(questions, { host: lab.host, port: lab.port, timeoutMs: 30, tries: 1 });
    expect(dropped.answered).toBe(0);
    lab.server.setDropRate(0);
    const answered = await replay(questions, { host: lab.host, port: lab.port, timeoutMs: 500, tries: 1 });
    expect(answered.answered).toBe(100);
    expect(() => lab!.server.setDropRate(1.5)).toThrow(RangeError);
    expect(() => lab!.server.setDropRate(Number.NaN)).toThrow(RangeError);
  });
});
