/**
 * The published findings of the `attachments` check. Ids ('attachments/<key>'), titles, messages
 * and fixes are published text: never reword them. Sources: Gmail Help answer 6590 (blocked file
 * types, 552 5.7.0) and Exchange Online limits (250 attachments per message), as collected in
 * /work/shared/reference/provider-replies.md.
 */
import type { FindingSpecs } from '../../src/check.js';

export const ATTACHMENTS_FINDINGS = {
  'blocked-extension': {
    severity: 'error',
    title: 'Attachment type that Gmail refuses',
    message:
      'The attachment {name} ({size}, {type}) has the extension .{extension}{trick}: Gmail refuses messages ' +
      'with such files (552 5.7.0).',
    fix: 'Remove {name} from the message, or share it via a link (a cloud drive or your website) instead.',
    conditions: ['attachment-blocked'],
  },
  'blocked-in-archive': {
    severity: 'error',
    title: 'Archive holds a file type that Gmail refuses',
    message:
      '{path} ({size}, {type}) has the extension .{extension}{trick}: Gmail refuses such files also inside ' +
      'archives (552 5.7.0).{more}',
    fix: 'Remove {entry} from {container}, or share it via a link instead of attaching it.',
    conditions: ['attachment-blocked'],
  },
  'encrypted-archive-with-archive': {
    severity: 'error',
    title: 'Password-protected archive holding an archive',
    message:
      '{path} holds password-protected archives ({inner}): Gmail refuses password-protected archives whose ' +
      'content is an archive (552 5.7.0), since it cannot scan them.',
    fix:
      'Send the files without a password and without nesting archives, or share them via a link and send ' +
      'the password another way.',
    conditions: ['attachment-blocked'],
  },
  'disguised-executable': {
    severity: 'error',
    title: 'Executable content under another name',
    message:
      '{path} is named .{extension} but its content is a {type} ({size}). Receivers judge files by content: ' +
      'Gmail refuses executables whatever their name (552 5.7.0, inferred from its blocked types).{more}',
    fix:
      'Remove {entry} from {container}, or share it via a link; if it should be a document, export the ' +
      'document again.',
    conditions: ['attachment-disguised'],
  },
  'type-mismatch': {
    severity: 'warning',
    title: "Attachment's extension does not match its content",
    message: '{path} is named .{extension} but its content is a {type} ({size}).',
    fix: 'Attach the intended file, or name {entry} with the extension of what it is ({expected}).',
  },
  'unsafe-entry-name': {
    severity: 'warning',
    title: 'Archive entry with an unsafe name',
    message:
      '{path} has an unsafe name ({problems}): an extractor could write outside its folder or show a false ' +
      'name, and scanners may refuse the archive.{more}',
    fix:
      'Re-create {container} with plain relative names: no "..", no leading "/" or drive letter, no control ' +
      'or direction characters.',
  },
  'not-inspected': {
    severity: 'unknown',
    title: 'Attachment could not be fully inspected',
    message:
      'Part of {name} ({size}, {type}) could not be inspected: {reasons}. What it holds there is unknown.',
    fix: '{advice}',
  },
  'parts-not-inspected': {
    severity: 'unknown',
    title: 'Too many parts to inspect',
    message:
      'The message has {count} attachments and inline parts; only the first {inspected} were inspected, ' +
      'the other {skipped} are unknown.',
    fix: 'Send fewer files per message: combine them into one archive or share them via a link.',
  },
  'too-many-attachments': {
    severity: 'error',
    title: 'More attachments than Exchange Online accepts',
    message: 'The message has {count} attachments and inline parts; Exchange Online accepts at most {limit}.',
    fix: 'Send at most {limit} files per message: combine them into one zip or share them via a link.',
    conditions: ['attachments-too-many'],
  },
} as const satisfies FindingSpecs;

export type AttachmentsFindingKey = keyof typeof ATTACHMENTS_FINDINGS;
