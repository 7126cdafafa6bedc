/** Runs checkRecipients over literal text and collects its results. */
import { type CheckRecipientsOptions, checkRecipients } from '../../src/recipients/index.js';
import type { RecipientResult, RecipientsSummary } from '../../src/recipients/types.js';

export async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const p of parts) yield p;
}

export async function checkList(
  input: string | Uint8Array | AsyncIterable<string | Uint8Array>,
  options: CheckRecipientsOptions = {},
): Promise<{
  results: RecipientResult[];
  summary: RecipientsSummary;
  by: (address: string) => RecipientResult;
}> {
  const results: RecipientResult[] = [];
  const source = typeof input === 'string' || input instanceof Uint8Array ? chunksOf(input) : input;
  const summary = await checkRecipients(source, { ...options, onResult: (r) => void results.push(r) });
  const by = (address: string) => {
    const r = results.find((x) => x.address === address);
    if (!r) throw new Error(`no result for ${address}`);
    return r;
  };
  return { results, summary, by };
}
