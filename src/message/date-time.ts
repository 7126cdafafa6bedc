/**
 * RFC 5322 3.3 date-time: [day-of-week ","] day month year hour ":" minute [":" second] zone,
 * parsed strictly; the obsolete forms of 4.3 (2- or 3-digit years, alphabetic zones, CFWS
 * inside the time) are accepted and noted. The date must exist and a day-of-week must be the
 * one the date implies (3.3).
 */
import { lex, type Token } from './lexer.js';
import type { DateField } from './types.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 5322 4.3 obs-zone names and their offsets in minutes. */
const OBS_ZONES: Record<string, number> = {
  ut: 0,
  gmt: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

class DateError extends Error {}

export function parseDateTime(value: string): DateField {
  const lexed = lex(value);
  if (lexed.error) return { valid: false, obsolete: false, error: lexed.error };
  const t = lexed.tokens;
  let i = 0;
  let obsolete = false;
  const atom = (what: string, re: RegExp): Token => {
    const tok = t[i];
    if (tok?.kind !== 'atom' || !re.test(tok.text)) throw new DateError(`expected ${what}`);
    i++;
    return tok;
  };
  const special = (ch: string): boolean => {
    const tok = t[i];
    if (tok?.kind === 'special' && tok.text === ch) {
      i++;
      return true;
    }
    return false;
  };
  try {
    let dayName: number | undefined;
    if (t[i]?.kind === 'atom' && /^[a-z]{3}$/i.test(t[i]!.text)) {
      dayName = DAYS.indexOf(t[i]!.text.toLowerCase());
      if (dayName < 0) throw new DateError(`unknown day name "${t[i]!.text}"`);
      i++;
      if (!special(',')) throw new DateError('expected "," after the day name');
    }
    const day = Number(atom('day', /^\d{1,2}$/).text);
    const monthTok = atom('month', /^[a-z]{3}$/i);
    const month = MONTHS.indexOf(monthTok.text.toLowerCase());
    if (month < 0) throw new DateError(`unknown month "${monthTok.text}"`);
    if (!monthTok.ws) throw new DateError('expected space before the month');
    const yearTok = atom('year', /^\d{2,}$/);
    let year = Number(yearTok.text);
    if (yearTok.text.length < 4) {
      obsolete = true; // obs-year (4.3): 2 digits are 19xx/20xx, 3 digits add 1900
      year += yearTok.text.length === 2 && year < 50 ? 2000 : 1900;
    }
    if (year < 1900) throw new DateError('year before 1900');
    const hour = atom('hour', /^\d{2}$/);
    if (!hour.ws) throw new DateError('expected space before the time');
    const parts = [Number(hour.text)];
    while (parts.length < 3 && t[i]?.kind === 'special' && t[i]!.text === ':') {
      if (t[i]!.ws) obsolete = true;
      i++;
      const p = atom(parts.length === 1 ? 'minute' : 'second', /^\d{2}$/);
      if (p.ws) obsolete = true;
      parts.push(Number(p.text));
    }
    if (parts.length < 2) throw new DateError('expected minutes');
    const [h, m, s = 0] = parts as [number, number, number?];
    if (h > 23 || m > 59 || s > 60) throw new DateError('time out of range');
    const zoneTok = t[i];
    if (zoneTok?.kind !== 'atom') throw new DateError('expected zone');
    i++;
    let offset: number;
    const numeric = /^([+-])(\d{2})(\d{2})$/.exec(zoneTok.text);
    if (numeric) {
      if (Number(numeric[3]) > 59) throw new DateError('zone minutes out of range');
      offset = (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
    } else if (zoneTok.text.toLowerCase() in OBS_ZONES) {
      obsolete = true;
      offset = OBS_ZONES[zoneTok.text.toLowerCase()]!;
    } else if (/^[a-ik-z]$/i.test(zoneTok.text)) {
      obsolete = true; // military zones: 4.3 says treat them as -0000
      offset = 0;
    } else throw new DateError(`invalid zone "${zoneTok.text}"`);
    if (!zoneTok.ws) throw new DateError('expected space before the zone');
    if (i < t.length) throw new DateError(`unexpected "${t[i]!.text}"`);
    const utc = Date.UTC(year, month, day, h, m, Math.min(s, 59)) - offset * 60_000;
    const check = new Date(Date.UTC(year, month, day));
    if (check.getUTCDate() !== day || check.getUTCMonth() !== month || day < 1) {
      throw new DateError(`${MONTHS[month]} ${day} does not exist in ${year}`);
    }
    if (dayName !== undefined && check.getUTCDay() !== dayName) {
      throw new DateError(`the day name does not match the date (${DAYS[check.getUTCDay()]})`);
    }
    return { valid: true, obsolete, iso: new Date(utc).toISOString() };
  } catch (e) {
    if (!(e instanceof DateError)) throw e;
    return { valid: false, obsolete, error: e.message };
  }
}
