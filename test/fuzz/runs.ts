/**
 * Shared setup of the property-based fuzz tests (issue 14 part 4). Every property runs
 * `numRuns` inputs: a few thousand in `npm test`, many more in `npm run fuzz`
 * (MAIL_PREFLIGHT_FUZZ_RUNS). Each test records how many inputs it ran in its task meta, which
 * test/fuzz/reporter.ts adds up for the campaign's summary.
 *
 * The properties every parser shares: it returns (a typed error is data, never a throw), and
 * within MAX_MS_PER_INPUT even on long adversarial input (a backtracking regex over 50,000
 * repeated characters takes seconds, a linear scan a millisecond).
 */
import fc from 'fast-check';
import type { TestContext } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Inputs a fuzz test ran (summed by test/fuzz/reporter.ts). */
    fuzzInputs?: number;
  }
}

export const FUZZ_RUNS_ENV = 'MAIL_PREFLIGHT_FUZZ_RUNS';
/** Replays one failing run: `MAIL_PREFLIGHT_FUZZ_SEED=<seed>` (fast-check prints it). */
export const FUZZ_SEED_ENV = 'MAIL_PREFLIGHT_FUZZ_SEED';
/**
 * The seed of a CI run (CI set, no MAIL_PREFLIGHT_FUZZ_SEED): a gate must not turn red on a
 * draw of inputs its commit did not cause; exploring new inputs is `npm run fuzz`'s job, and what
 * it finds is kept as a regression test.
 */
export const FUZZ_CI_SEED = 20_261_207;
/** Inputs per property in `npm test`: enough to find shallow bugs, cheap enough for every run. */
export const DEFAULT_FUZZ_RUNS = 2000;
/**
 * Time one input may take. Generous (the machine may be busy), yet far below what a quadratic
 * regex needs on an adversarial input of ADVERSARIAL_MAX_CHARS.
 */
export const MAX_MS_PER_INPUT = 1000;
/** Length of the long adversarial inputs: where super-linear parsing shows as seconds. */
export const ADVERSARIAL_MAX_CHARS = 60_000;

/** Length of a failure report kept (fast-check prints the whole counterexample). */
const MAX_REPORT_CHARS = 3000;

function clip(text: string): string {
  return text.length > MAX_REPORT_CHARS ? `${text.slice(0, MAX_REPORT_CHARS)}...` : text;
}

function runsFromEnv(): number {
  const raw = process.env[FUZZ_RUNS_ENV];
  if (raw === undefined || raw === '') return DEFAULT_FUZZ_RUNS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${FUZZ_RUNS_ENV}=${raw} is not a positive integer`);
  return n;
}

export const numRuns = runsFromEnv();

/**
 * Runs a property `numRuns * scale` times (scale < 1 for properties whose one input costs a
 * whole pipeline) and records the count; a failure throws fast-check's report (seed, path and
 * the shrunk counterexample).
 */
export async function fuzz<Ts>(ctx: TestContext, property: fc.IRawProperty<Ts>, scale = 1): Promise<void> {
  const seed = process.env[FUZZ_SEED_ENV] || (process.env['CI'] ? String(FUZZ_CI_SEED) : undefined);
  const out = await fc.check(property, {
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(seed ? { seed: Number(seed) } : {}),
  });
  ctx.task.meta.fuzzInputs = (ctx.task.meta.fuzzInputs ?? 0) + out.numRuns;
  if (out.failed) {
    const report = fc.defaultReportMessage(out) ?? 'property failed';
    const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
    // A long adversarial counterexample would bury the seed, path and cause: keep them readable.
    throw new Error(`${clip(report)}\ncause: ${clip(cause)}`);
  }
}

/** Runs `fn` and fails when it took longer than MAX_MS_PER_INPUT. */
export function bounded<T>(fn: () => T): T {
  const started = performance.now();
  const out = fn();
  const ms = performance.now() - started;
  if (ms > MAX_MS_PER_INPUT) throw new Error(`took ${Math.round(ms)} ms (bound ${MAX_MS_PER_INPUT} ms)`);
  return out;
}

/** The async form of `bounded`. */
export async function boundedAsync<T>(fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const out = await fn();
  const ms = performance.now() - started;
  if (ms > MAX_MS_PER_INPUT) throw new Error(`took ${Math.round(ms)} ms (bound ${MAX_MS_PER_INPUT} ms)`);
  return out;
}

/** Fillers of the classic super-linear inputs: a long blank run, or a long run of one letter. */
const FILLERS = [' ', '\t', 'a'];
/** What ends such a run and makes the match fail late. */
const BREAKERS = ['', 'x', '!', '\n', ';', ':', ' ', '\0', ':x'];

/**
 * Long adversarial text in the shape of a backtracking attack: a keyword or two of the grammar,
 * one or two runs (a piece or a filler repeated up to ADVERSARIAL_MAX_CHARS / 2 characters),
 * then a piece or a breaker that makes the match fail at the very end.
 */
export function adversarial(pieces: readonly string[]): fc.Arbitrary<string> {
  const run = fc
    .oneof(fc.constantFrom(...FILLERS), fc.constantFrom(...pieces))
    .chain((p) =>
      fc
        .integer({ min: 1, max: Math.max(1, Math.floor(ADVERSARIAL_MAX_CHARS / 2 / Math.max(1, p.length))) })
        .map((n) => p.repeat(n)),
    );
  return fc
    .tuple(
      fc.array(fc.constantFrom(...pieces), { maxLength: 2 }),
      fc.array(run, { minLength: 1, maxLength: 2 }),
      fc.array(fc.constantFrom(...pieces, ...BREAKERS), { maxLength: 2 }),
    )
    .map(([prefix, runs, suffix]) => prefix.join('') + runs.join('') + suffix.join(''));
}

/** Short text built from a grammar's pieces (reaches deep into a parser) mixed with any characters. */
export function tokenSoup(pieces: readonly string[], maxTokens = 24): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ arbitrary: fc.constantFrom(...pieces), weight: 4 }, fc.string({ maxLength: 4 })), {
      maxLength: maxTokens,
    })
    .map((tokens) => tokens.join(''));
}

/**
 * The usual input of a text parser: grammar soup most of the time, any Unicode text, and now
 * and then a long adversarial run.
 */
export function hostileText(pieces: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: tokenSoup(pieces), weight: 6 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 2 },
    { arbitrary: adversarial(pieces), weight: 1 },
  );
}

/** `bytes` cut into chunks of the given sizes (the rest in a last chunk): a stream's arrival. */
export function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    chunks.push(bytes.subarray(at, at + c));
    at += c;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

/** Deep equality through JSON (what a replayed run sees). */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
