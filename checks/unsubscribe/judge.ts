/** Pure judgement of one-click unsubscribe (RFC 8058) for the audited profile. */
import type { FindingResult } from '../../src/check.js';
import type { Profile } from '../../src/report.js';
import type { UnsubscribeEvidence } from './collect.js';
import type { UnsubscribeFindingKey } from './findings.js';

type Result = FindingResult<UnsubscribeFindingKey>;

/** RFC 8058 3.1: the one value List-Unsubscribe-Post may have. */
export const ONE_CLICK_POST_VALUE = 'List-Unsubscribe=One-Click';

export function judgeUnsubscribe(ev: UnsubscribeEvidence, profile: Profile, domain: string): Result[] {
  const problems: Result[] = [];
  const evidence = { ...ev };
  for (const [field, values] of [
    ['List-Unsubscribe', ev.listUnsubscribe],
    ['List-Unsubscribe-Post', ev.listUnsubscribePost],
  ] as const)
    if (values.length > 1)
      problems.push({ key: 'duplicated', data: { field, count: values.length }, evidence });
  const first = ev.listUnsubscribe[0];
  if (first === undefined) problems.push({ key: 'missing', evidence });
  else if (ev.uris === undefined) problems.push({ key: 'invalid-uri', data: { value: first }, evidence });
  const https = (ev.uris ?? []).filter((u) => /^https:\/\//i.test(u));
  if (first !== undefined && https.length === 0)
    problems.push({ key: 'no-https', data: { uris: (ev.uris ?? [first]).join(', '), domain }, evidence });
  const post = ev.listUnsubscribePost[0];
  if (first !== undefined && https.length > 0) {
    if (post === undefined) problems.push({ key: 'no-post', evidence });
    else if (post.trim() !== ONE_CLICK_POST_VALUE)
      problems.push({ key: 'post-invalid', data: { value: post.trim() }, evidence });
  }
  const oneClickFields = first !== undefined && post !== undefined;
  if (oneClickFields && ev.signedBy.length === 0) {
    if (!ev.dkimKnown) problems.push({ key: 'dkim-unknown', evidence });
    else
      problems.push({
        key: 'not-signed',
        data: { missing: 'List-Unsubscribe and List-Unsubscribe-Post' },
        evidence,
      });
  }
  if (profile === 'bulk') return problems;
  // Transactional mail needs no unsubscribe: one note at most, never an error.
  const gaps = problems.filter((p) => p.key !== 'dkim-unknown' && p.key !== 'duplicated').map((p) => p.key);
  return gaps.length === 0
    ? []
    : [{ key: 'transactional-note', data: { missing: gaps.join(', ') }, evidence }];
}
