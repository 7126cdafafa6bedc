/**
 * The registry: every check in report order, then the derived checks (which judge the others'
 * evidence), and the one list of check ids that the CLI, the fleet, the docs and the tests use.
 */

import { alignmentCheck } from '../checks/alignment/index.js';
import { attachmentsCheck } from '../checks/attachments/index.js';
import { daneCheck } from '../checks/dane/index.js';
import { dkimCheck } from '../checks/dkim/index.js';
import { dkimSignatureCheck } from '../checks/dkim-signature/index.js';
import { dmarcCheck } from '../checks/dmarc/index.js';
import { dnsCheck } from '../checks/dns/index.js';
import { messageFormatCheck } from '../checks/message-format/index.js';
import { messageHeadersCheck } from '../checks/message-headers/index.js';
import { messageSizeCheck } from '../checks/message-size/index.js';
import { mtaStsCheck } from '../checks/mta-sts/index.js';
import { mxCheck } from '../checks/mx/index.js';
import { mxTlsCheck } from '../checks/mx-tls/index.js';
import { ptrCheck } from '../checks/ptr/index.js';
import { reputationCheck } from '../checks/reputation/index.js';
import { spfCheck } from '../checks/spf/index.js';
import { tlsCheck } from '../checks/tls/index.js';
import { tlsRptCheck } from '../checks/tls-rpt/index.js';
import { unsubscribeCheck } from '../checks/unsubscribe/index.js';
import type { Check, DerivedCheck } from './check.js';
import { UsageError } from './errors.js';

export const ALL_CHECKS: readonly Check<unknown>[] = [
  spfCheck,
  dmarcCheck,
  dkimCheck,
  ptrCheck,
  mxCheck,
  tlsCheck,
  mxTlsCheck,
  mtaStsCheck,
  tlsRptCheck,
  daneCheck,
  dnsCheck,
  reputationCheck,
] as unknown as readonly Check<unknown>[];

/** Checks that judge the evidence of the others (run after them, in this order). */
export const DERIVED_CHECKS: readonly DerivedCheck<unknown>[] = [
  alignmentCheck,
] as unknown as readonly DerivedCheck<unknown>[];

/** Every check id, in report order: collecting checks, then derived ones. */
export const CHECK_IDS: readonly string[] = [
  ...ALL_CHECKS.map((c) => c.id),
  ...DERIVED_CHECKS.map((c) => c.id),
];

/**
 * The checks of a sample message (the message command), in report order: they read the message
 * parsed once (CollectContext.message) and run beside the domain checks of its From domain.
 */
export const MESSAGE_CHECKS: readonly Check<unknown>[] = [
  messageSizeCheck,
  messageHeadersCheck,
  messageFormatCheck,
  attachmentsCheck,
  unsubscribeCheck,
  dkimSignatureCheck,
] as unknown as readonly Check<unknown>[];

/** Ids of the message checks (the message command's --check takes these and CHECK_IDS). */
export const MESSAGE_CHECK_IDS: readonly string[] = MESSAGE_CHECKS.map((c) => c.id);

/** Every check, derived check and message check, for the docs and consistency tests. */
export const EVERY_CHECK: readonly (Check<unknown> | DerivedCheck<unknown>)[] = [
  ...ALL_CHECKS,
  ...DERIVED_CHECKS,
  ...MESSAGE_CHECKS,
];

/** A usage error for the first id that names no check (--check, a config's `checks`). */
export function assertKnownCheckIds(ids: readonly string[] = [], known: readonly string[] = CHECK_IDS): void {
  for (const id of ids) if (!known.includes(id)) throw new UsageError(`unknown check "${id}"`);
}
