/**
 * Trimming of WSP (SP and HTAB, RFC 5234 B.1) without a regex: /[ \t]+$/ retries every start of
 * a long blank run and is quadratic on hostile records (found by test/fuzz).
 */

function isWsp(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** `s` without trailing SP and HTAB. */
export function trimEndWsp(s: string): string {
  let end = s.length;
  while (end > 0 && isWsp(s[end - 1])) end--;
  return s.slice(0, end);
}

/** `s` without leading and trailing SP and HTAB. */
export function trimWsp(s: string): string {
  let start = 0;
  while (start < s.length && isWsp(s[start])) start++;
  return trimEndWsp(s.slice(start));
}
