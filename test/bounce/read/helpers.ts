/** Reading fixtures and in-memory inputs with readBounces, for the reader tests. */
import { join } from 'node:path';
import { readBounces } from '../../../src/bounce/read/index.js';
import type { ReadSummary } from '../../../src/bounce/read/problems.js';
import type { BounceRecord } from '../../../src/bounce/types.js';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/bounces');

export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export interface ReadResult {
  records: BounceRecord[];
  summary: ReadSummary;
}

export async function read(paths: string[], stdin?: AsyncIterable<Buffer | string>): Promise<ReadResult> {
  const records: BounceRecord[] = [];
  let summary: ReadSummary | undefined;
  for await (const r of readBounces(paths, {
    year: 2024,
    ...(stdin ? { stdin } : {}),
    onSummary: (s) => (summary = s),
  })) {
    records.push(r);
  }
  return { records, summary: summary! };
}

/** Text (or bytes) as standard input. */
export async function readText(text: string | Buffer): Promise<ReadResult> {
  return read(
    ['-'],
    (async function* () {
      yield typeof text === 'string' ? Buffer.from(text) : text;
    })(),
  );
}

/** The fields a test usually compares. */
export const core = (r: BounceRecord) => ({
  recipient: r.recipient,
  action: r.action,
  status: r.status,
  replyCode: r.replyCode,
  remoteMta: r.remoteMta,
  sender: r.sender,
});

/** The core of a record that names nothing but its action and sender. */
export const bareRecord = (sender: string | null, action = 'failed') => ({
  recipient: null,
  action,
  status: null,
  replyCode: null,
  remoteMta: null,
  sender,
});
