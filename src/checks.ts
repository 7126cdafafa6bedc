/** The registry of checks, in report order. */

import { daneCheck } from '../checks/dane/index.js';
import { dkimCheck } from '../checks/dkim/index.js';
import { dmarcCheck } from '../checks/dmarc/index.js';
import { mtaStsCheck } from '../checks/mta-sts/index.js';
import { mxCheck } from '../checks/mx/index.js';
import { mxTlsCheck } from '../checks/mx-tls/index.js';
import { ptrCheck } from '../checks/ptr/index.js';
import { spfCheck } from '../checks/spf/index.js';
import { tlsCheck } from '../checks/tls/index.js';
import { tlsRptCheck } from '../checks/tls-rpt/index.js';
import type { Check } from './check.js';

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
] as unknown as readonly Check<unknown>[];
