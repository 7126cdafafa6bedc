/**
 * Validate a report against the published JSON Schema (reports/schema/report-v1.json),
 * plus the rules a schema cannot state (a check's key is its id; finding ids start with it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/** Path of the schema inside the package. */
export const REPORT_SCHEMA_RELATIVE_PATH = join('reports', 'schema', 'report-v1.json');

/** Most schema errors listed; a broken report can produce thousands. */
export const MAX_REPORTED_ERRORS = 50;

/** Levels walked up from this file looking for package.json (source: 1, compiled dist/: 2). */
const MAX_PARENT_LEVELS = 6;

let compiled: ValidateFunction | undefined;
let schemaCache: Record<string, unknown> | undefined;

/**
 * The package root: the nearest directory above this file holding package.json. This file
 * runs both as reports/schema.ts (tsx) and as dist/reports/schema.js, while the JSON stays
 * at reports/schema/, so a fixed relative path would break one of the two.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < MAX_PARENT_LEVELS; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, REPORT_SCHEMA_RELATIVE_PATH)))
      return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`cannot find ${REPORT_SCHEMA_RELATIVE_PATH} above ${fileURLToPath(import.meta.url)}`);
}

/** The report JSON Schema as an object. */
export function loadReportSchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(
    readFileSync(join(packageRoot(), REPORT_SCHEMA_RELATIVE_PATH), 'utf8'),
  ) as Record<string, unknown>;
  return schemaCache;
}

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true }).compile(loadReportSchema());
  return compiled;
}

export function validateReport(report: unknown): { valid: boolean; errors: string[] } {
  const validate = validator();
  const errors: string[] = [];
  if (!validate(report)) {
    for (const e of (validate.errors ?? []).slice(0, MAX_REPORTED_ERRORS)) {
      errors.push(`${e.instancePath || '/'} ${e.message ?? 'is invalid'}${paramsNote(e.params)}`);
    }
    if ((validate.errors?.length ?? 0) > MAX_REPORTED_ERRORS) {
      errors.push(`... and ${(validate.errors?.length ?? 0) - MAX_REPORTED_ERRORS} more`);
    }
  } else {
    errors.push(
      ...crossFieldErrors(report as { checks: Record<string, { id: string; findings: { id: string }[] }> }),
    );
  }
  return { valid: errors.length === 0, errors };
}

function paramsNote(params: Record<string, unknown>): string {
  if ('additionalProperty' in params) return `: "${String(params['additionalProperty'])}"`;
  if ('allowedValues' in params) return `: ${JSON.stringify(params['allowedValues'])}`;
  return '';
}

function crossFieldErrors(report: {
  checks: Record<string, { id: string; findings: { id: string }[] }>;
}): string[] {
  const errors: string[] = [];
  for (const [key, check] of Object.entries(report.checks)) {
    if (check.id !== key) errors.push(`/checks/${key}/id is "${check.id}", expected the key "${key}"`);
    check.findings.forEach((f, i) => {
      if (!f.id.startsWith(`${key}/`)) {
        errors.push(`/checks/${key}/findings/${i}/id "${f.id}" does not start with "${key}/"`);
      }
    });
  }
  return errors;
}

/** Path of the fleet summary schema inside the package (summary.json of `mail-preflight fleet`). */
export const SUMMARY_SCHEMA_RELATIVE_PATH = join('reports', 'schema', 'summary-v1.json');

let compiledSummary: ValidateFunction | undefined;

/** The fleet summary JSON Schema as an object. */
export function loadSummarySchema(): Record<string, unknown> {
  return loadSchemaFile(SUMMARY_SCHEMA_RELATIVE_PATH);
}

/** Validate a fleet summary (src/fleet/summary.ts) against reports/schema/summary-v1.json. */
export function validateSummary(summary: unknown): { valid: boolean; errors: string[] } {
  compiledSummary ??= new Ajv({ allErrors: true }).compile(loadSummarySchema());
  return schemaResult(compiledSummary, summary);
}

/** A schema of the package, by its path relative to the package root. */
function loadSchemaFile(relativePath: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(packageRoot(), relativePath), 'utf8')) as Record<string, unknown>;
}

/** Validates `value` and lists at most MAX_REPORTED_ERRORS errors. */
function schemaResult(validate: ValidateFunction, value: unknown): { valid: boolean; errors: string[] } {
  const errors: string[] = [];
  if (!validate(value)) {
    const all = validate.errors ?? [];
    for (const e of all.slice(0, MAX_REPORTED_ERRORS)) {
      errors.push(`${e.instancePath || '/'} ${e.message ?? 'is invalid'}${paramsNote(e.params)}`);
    }
    if (all.length > MAX_REPORTED_ERRORS) errors.push(`... and ${all.length - MAX_REPORTED_ERRORS} more`);
  }
  return { valid: errors.length === 0, errors };
}

/** Path of the bounce triage schema inside the package (JSON of `mail-preflight bounces`). */
export const BOUNCES_SCHEMA_RELATIVE_PATH = join('reports', 'schema', 'bounces-v1.json');

let compiledBounces: ValidateFunction | undefined;

/** The bounce triage JSON Schema as an object. */
export function loadBouncesSchema(): Record<string, unknown> {
  return loadSchemaFile(BOUNCES_SCHEMA_RELATIVE_PATH);
}

/** Validate a bounce triage (src/bounce/triage.ts) against reports/schema/bounces-v1.json. */
export function validateBounces(triage: unknown): { valid: boolean; errors: string[] } {
  compiledBounces ??= new Ajv({ allErrors: true }).compile(loadBouncesSchema());
  return schemaResult(compiledBounces, triage);
}

/** Path of the recipient check schema inside the package (JSON of `mail-preflight recipients`). */
export const RECIPIENTS_SCHEMA_RELATIVE_PATH = join('reports', 'schema', 'recipients-v1.json');

let compiledRecipients: ValidateFunction | undefined;

/** Validate the JSON of `mail-preflight recipients` against reports/schema/recipients-v1.json. */
export function validateRecipients(doc: unknown): { valid: boolean; errors: string[] } {
  compiledRecipients ??= new Ajv({ allErrors: true }).compile(
    loadSchemaFile(RECIPIENTS_SCHEMA_RELATIVE_PATH),
  );
  return schemaResult(compiledRecipients, doc);
}
