/**
 * Judges the attachment facts: Gmail's blocked types by name (however hidden) and by content,
 * also inside archives; password-protected archives holding archives; unsafe entry names; what
 * could not be inspected (never "clean"); the attachment count. Pure.
 */
import type { FindingResult } from '../../src/check.js';
import type { ArchiveEntry, NotInspected, NotInspectedReason } from '../../src/message/archive.js';
import { ARCHIVE_MAX_DEPTH } from '../../src/message/archive.js';
import type { AttachmentFacts } from '../../src/message/attachments.js';
import { compareExtension } from '../../src/message/filetype.js';
import { ATTACHMENTS_MAX_DESCRIBED, type AttachmentsEvidence } from './collect.js';
import { formatBytes, kindLabel, shownPath, usualExtensions } from './display.js';
import type { AttachmentsFindingKey } from './findings.js';
import {
  ARCHIVE_EXTENSIONS,
  type BlockedName,
  baseName,
  blockedExtension,
  effectiveExtension,
  NAME_TRICK_TEXT,
} from './names.js';

type Result = FindingResult<AttachmentsFindingKey>;

/** Exchange Online: at most 250 attachments per message (Exchange Online limits, checked 2026-12). */
export const MICROSOFT_MAX_ATTACHMENTS = 250;
/** Findings of one kind listed per attachment; the last one says how many more there are. */
export const FINDINGS_LISTED_PER_ATTACHMENT = 10;
/** Parts not inspected that a 'not-inspected' finding names; the rest are counted. */
export const NOT_INSPECTED_LISTED = 5;
/** Encrypted inner archives named by 'encrypted-archive-with-archive'. */
const ENCRYPTED_LISTED = 5;

const GMAIL_BLOCKED_SOURCE = "Gmail Help answer 6590 'File types blocked in Gmail'";
const EXCHANGE_LIMITS_SOURCE = 'Exchange Online limits: 250 attachments per message';

const ADVICE: Readonly<Record<NotInspectedReason, string>> = {
  encrypted:
    'Send the files without a password (receivers cannot scan encrypted archives, and Gmail refuses those ' +
    'holding archives), or share them via a link.',
  depth: `Put the files in one archive instead of archives nested ${ARCHIVE_MAX_DEPTH} or more deep.`,
  entries: 'Send fewer files per message, or share the archive via a link.',
  'total-bytes': 'Share large archives via a link instead of attaching them.',
  'entry-bytes': 'Share large archives via a link instead of attaching them.',
  'compression-ratio':
    'Check the archive: receivers treat extreme compression ratios as decompression bombs; share it via a ' +
    'link if it is genuine.',
  time: 'Send fewer or smaller archives, or share them via a link.',
  corrupt: 'Re-create the file: it is damaged, and receivers may refuse what they cannot open.',
  'unsupported-format':
    'Use zip instead (receivers scan zip; Gmail also refuses blocked types inside rar), or share the file via a link.',
  'unsupported-compression': 'Re-create the zip with standard (deflate) compression.',
};

export function judgeAttachments(ev: AttachmentsEvidence): Result[] {
  const out: Result[] = [];
  if (ev.count > MICROSOFT_MAX_ATTACHMENTS) {
    out.push({
      key: 'too-many-attachments',
      data: { count: ev.count, limit: MICROSOFT_MAX_ATTACHMENTS },
      evidence: { count: ev.count, limit: MICROSOFT_MAX_ATTACHMENTS, source: EXCHANGE_LIMITS_SOURCE },
    });
  }
  if (ev.notDescribed > 0) {
    const data = { count: ev.count, inspected: ATTACHMENTS_MAX_DESCRIBED, skipped: ev.notDescribed };
    out.push({ key: 'parts-not-inspected', data, evidence: data });
  }
  for (const a of ev.attachments) out.push(...judgeAttachment(a));
  return out;
}

/** The name a part goes by: its file name, or its position when it has none. */
function partName(a: AttachmentFacts): string {
  return a.filename ?? `unnamed part ${a.index + 1}`;
}

/** The attachment's facts without the archive listing, for findings' evidence. */
function partEvidence(a: AttachmentFacts): Record<string, unknown> {
  const { archive: _archive, notInspected: _notInspected, ...rest } = a;
  return rest;
}

function trickText(b: BlockedName): string {
  return b.trick ? `, hidden by ${NAME_TRICK_TEXT[b.trick]}` : '';
}

function judgeAttachment(a: AttachmentFacts): Result[] {
  const name = partName(a);
  const evidence = partEvidence(a);
  const out: Result[] = [];
  const blocked = a.filename !== undefined ? blockedExtension(a.filename) : undefined;
  const whole = {
    name: shownPath([name]),
    path: shownPath([name]),
    entry: shownPath([name]),
    container: 'the message',
    size: formatBytes(a.bytes ?? a.encodedBytes),
    type: kindLabel(a.kind),
    more: '',
  };
  if (blocked) {
    out.push({
      key: 'blocked-extension',
      data: { ...whole, extension: blocked.extension, trick: trickText(blocked) },
      evidence: { attachment: evidence, ...blocked, source: GMAIL_BLOCKED_SOURCE },
    });
  } else if (a.kind) {
    const extension = effectiveExtension(a.filename ?? '');
    const verdict = compareExtension(a.kind, extension);
    const data = { ...whole, extension, expected: usualExtensions(a.kind) };
    if (verdict === 'disguised')
      out.push({ key: 'disguised-executable', data, evidence: { attachment: evidence } });
    if (verdict === 'mismatch') out.push({ key: 'type-mismatch', data, evidence: { attachment: evidence } });
  }
  if (a.archive) out.push(...judgeEntries(name, evidence, a.archive.entries));
  const notInspected = [...(a.notInspected ?? []), ...(a.archive?.notInspected ?? [])];
  if (notInspected.length > 0) out.push(notInspectedFinding(name, whole, evidence, notInspected));
  return out;
}

/** Findings about the entries of an attachment's archives, each kind capped per attachment. */
function judgeEntries(
  attachment: string,
  evidence: Record<string, unknown>,
  entries: readonly ArchiveEntry[],
): Result[] {
  const byKey = new Map<AttachmentsFindingKey, Result[]>();
  const add = (r: Result) => byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const encryptedArchives: string[][] = [];
  for (const entry of entries) {
    const entryName = entry.path[entry.path.length - 1] ?? '';
    const data = {
      path: shownPath([attachment, ...entry.path]),
      entry: shownPath([baseName(entryName)]),
      container: shownPath([attachment, ...entry.path.slice(0, -1)]),
      size: formatBytes(entry.size),
      type: kindLabel(entry.kind),
      more: '',
    };
    const found = { attachment: evidence, entry };
    if (entry.nameProblems)
      add({
        key: 'unsafe-entry-name',
        data: { ...data, problems: entry.nameProblems.join(', ') },
        evidence: found,
      });
    if (entry.directory) continue;
    if (entry.encrypted && ARCHIVE_EXTENSIONS.has(effectiveExtension(entryName)))
      encryptedArchives.push(entry.path);
    const blocked = blockedExtension(entryName);
    if (blocked) {
      const more = { extension: blocked.extension, trick: trickText(blocked) };
      add({
        key: 'blocked-in-archive',
        data: { ...data, ...more },
        evidence: { ...found, ...blocked, source: GMAIL_BLOCKED_SOURCE },
      });
    } else if (entry.kind) {
      const extension = effectiveExtension(entryName);
      if (compareExtension(entry.kind, extension) === 'disguised') {
        add({ key: 'disguised-executable', data: { ...data, extension }, evidence: found });
      }
    }
  }
  const out: Result[] = [];
  if (encryptedArchives.length > 0) {
    const listed = encryptedArchives.slice(0, ENCRYPTED_LISTED).map((p) => shownPath([attachment, ...p]));
    const rest = encryptedArchives.length - listed.length;
    out.push({
      key: 'encrypted-archive-with-archive',
      data: {
        path: shownPath([attachment]),
        inner: listed.join(', ') + (rest > 0 ? ` and ${rest} more` : ''),
      },
      evidence: {
        attachment: evidence,
        encryptedArchives: encryptedArchives.slice(0, FINDINGS_LISTED_PER_ATTACHMENT),
        source: GMAIL_BLOCKED_SOURCE,
      },
    });
  }
  for (const results of byKey.values()) out.push(...capped(results, attachment));
  return out;
}

/** The first FINDINGS_LISTED_PER_ATTACHMENT results; the last listed says how many were left out. */
function capped(results: Result[], attachment: string): Result[] {
  if (results.length <= FINDINGS_LISTED_PER_ATTACHMENT) return results;
  const listed = results.slice(0, FINDINGS_LISTED_PER_ATTACHMENT);
  const last = listed[listed.length - 1]!;
  const rest = results.length - listed.length;
  last.data = { ...last.data, more: ` ${rest} more like it in ${shownPath([attachment])} are not listed.` };
  last.evidence = { ...last.evidence, notListed: rest };
  return listed;
}

function notInspectedFinding(
  attachment: string,
  whole: { name: string; size: string; type: string },
  evidence: Record<string, unknown>,
  parts: readonly NotInspected[],
): Result {
  const listed = parts
    .slice(0, NOT_INSPECTED_LISTED)
    .map((p) => `${shownPath([attachment, ...p.path])}: ${p.detail}`);
  const rest = parts.length - listed.length;
  const reasons = [...new Set(parts.map((p) => p.reason))];
  return {
    key: 'not-inspected',
    data: {
      name: whole.name,
      size: whole.size,
      type: whole.type,
      reasons: listed.join('; ') + (rest > 0 ? `; and ${rest} more` : ''),
      advice: reasons.map((r) => ADVICE[r]).join(' '),
    },
    evidence: {
      attachment: evidence,
      reasons,
      notInspected: parts.slice(0, FINDINGS_LISTED_PER_ATTACHMENT),
      notInspectedCount: parts.length,
    },
  };
}
