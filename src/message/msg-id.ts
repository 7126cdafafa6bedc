/**
 * RFC 5322 3.6.4 msg-id: "<" id-left "@" id-right ">", id-left a dot-atom-text, id-right a
 * dot-atom-text or a no-fold-literal, CFWS only around the brackets. The obsolete forms of
 * 4.5.4 (id-left as any local-part, id-right as any domain, CFWS inside) are noted.
 */
import { lex } from './lexer.js';
import type { MsgIdField } from './types.js';

/** Parse a Message-ID value: exactly one msg-id. */
export function parseMsgId(value: string): MsgIdField {
  const length = value.trim().length;
  const lexed = lex(value);
  if (lexed.error) return { valid: false, obsolete: false, error: lexed.error, length };
  const t = lexed.tokens;
  if (t.length === 0) return { valid: false, obsolete: false, error: 'empty value', length };
  if (t[0]?.text !== '<' || t[0].kind !== 'special') {
    return { valid: false, obsolete: false, error: 'missing "<"', length };
  }
  const close = t.findIndex((x) => x.kind === 'special' && x.text === '>');
  if (close < 0) return { valid: false, obsolete: false, error: 'missing ">"', length };
  if (close !== t.length - 1) return { valid: false, obsolete: false, error: 'text after ">"', length };
  const inner = t.slice(1, close);
  const at = inner.findIndex((x) => x.kind === 'special' && x.text === '@');
  if (at <= 0 || at === inner.length - 1)
    return { valid: false, obsolete: false, error: 'missing "@"', length };
  const left = inner.slice(0, at);
  const right = inner.slice(at + 1);
  let obsolete = inner.some((x, i) => i > 0 && x.ws) || t[close]!.ws || inner.some((x) => x.obsolete);
  const dotted = (part: typeof inner, allowQuoted: boolean): string | undefined => {
    let text = '';
    for (let i = 0; i < part.length; i++) {
      const x = part[i]!;
      const wantWord = i % 2 === 0;
      if (wantWord) {
        if (x.kind === 'quoted' && allowQuoted) obsolete = true;
        else if (x.kind !== 'atom') return undefined;
        text += x.kind === 'quoted' ? JSON.stringify(x.text) : x.text;
      } else {
        if (x.kind !== 'special' || x.text !== '.') return undefined;
        text += '.';
      }
    }
    return part.length % 2 === 1 ? text : undefined;
  };
  const l = dotted(left, true);
  if (l === undefined) return { valid: false, obsolete, error: 'invalid left part', length };
  let r: string | undefined;
  if (right.length === 1 && right[0]!.kind === 'literal') r = `[${right[0]!.text}]`;
  else r = dotted(right, false);
  if (r === undefined) return { valid: false, obsolete, error: 'invalid right part', length };
  return { valid: true, obsolete, id: `<${l}@${r}>`, length };
}
