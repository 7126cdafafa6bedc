/**
 * The page shell: one self-contained document around the header and body, with the inline
 * style and script (page.css and page.js, through the generated assets.ts) and a
 * Content-Security-Policy that allows exactly those two by hash and nothing else.
 */
import { createHash } from 'node:crypto';
import { htmlText } from '../escape.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './assets.js';

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

/** Only this page's own style and script run; nothing is fetched, no form posts, no base. */
export const CSP =
  `default-src 'none'; style-src 'sha256-${sha256(PAGE_STYLE)}'; script-src 'sha256-${sha256(PAGE_SCRIPT)}'; ` +
  `img-src 'none'; base-uri 'none'; form-action 'none'`;

/** The page around `body`, in pieces: a fleet page is written as it is made. */
export function* page(title: string, header: string, body: Iterable<string>): Generator<string> {
  yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${htmlText(CSP)}">\n` +
    '<meta name="referrer" content="no-referrer">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${htmlText(title)}</title>\n<style>${PAGE_STYLE}</style>\n</head>\n<body>\n` +
    header +
    '<main>\n';
  yield* body;
  yield '</main>\n' + `<script>${PAGE_SCRIPT}</script>\n</body>\n</html>\n`;
}
