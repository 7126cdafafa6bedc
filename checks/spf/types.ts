/** The SPF record model shared by the parser (record.ts), the evaluator and the audit. */

export type Qualifier = '+' | '-' | '~' | '?';

export type MechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface Mechanism {
  kind: 'mechanism';
  qualifier: Qualifier;
  /** Whether the qualifier was written (a bare "a" has qualifier '+' and explicit false). */
  explicitQualifier: boolean;
  name: MechanismName;
  /** Unexpanded domain-spec (may hold macros) for include, a, mx, ptr, exists. */
  domainSpec?: string;
  /** Address for ip4/ip6, as written. */
  ip?: string;
  /** Prefix lengths; undefined when not written. For ip4 only cidr4, for ip6 only cidr6. */
  cidr4?: number;
  cidr6?: number;
  /** The term exactly as written. */
  text: string;
  /** 0-based character offset of the term in the record. */
  position: number;
}

export interface Modifier {
  kind: 'modifier';
  /** Lower-cased modifier name, e.g. 'redirect', 'exp', or an unknown one. */
  name: string;
  /** Unexpanded macro-string value. */
  value: string;
  text: string;
  position: number;
}

export type Term = Mechanism | Modifier;

export interface SpfRecord {
  /** The record text as evaluated (TXT strings joined without spaces). */
  text: string;
  terms: Term[];
  mechanisms: Mechanism[];
  redirect?: Modifier;
  exp?: Modifier;
  /** Unknown modifiers, ignored per RFC 7208 6. */
  unknownModifiers: Modifier[];
}

export interface SpfSyntaxError {
  /** Human message, e.g. 'invalid ip4 address "1.2.3"'. */
  message: string;
  /** The offending term as written. */
  term: string;
  /** 0-based offset of the term in the record. */
  position: number;
}

export type ParseResult = { ok: true; record: SpfRecord } | { ok: false; error: SpfSyntaxError };

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';
