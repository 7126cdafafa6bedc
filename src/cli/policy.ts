/**
 * The policy file of a command: --policy FILE, else the config's `policy:`, else
 * `.mail-preflight.yml` in the working directory when it exists; --no-policy reads none.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { DEFAULT_POLICY_FILE, type Policy, policySelectors, readPolicyFile } from '../policy/index.js';

export interface PolicyFlags {
  policy?: string;
  'no-policy'?: boolean;
}

export function loadPolicy(values: PolicyFlags, configPolicy?: string): Policy | undefined {
  if (values['no-policy']) {
    if (values.policy !== undefined) throw new UsageError('give --policy or --no-policy, not both');
    return undefined;
  }
  const given = values.policy ?? configPolicy;
  if (given !== undefined) return readPolicyFile(given);
  // Named as a relative path, as annotations and Code Quality want it.
  return existsSync(DEFAULT_POLICY_FILE) ? readPolicyFile(DEFAULT_POLICY_FILE) : undefined;
}

/**
 * The DKIM selectors to audit: those given plus those the policy expects for `domain` (the
 * audit must look them up for the policy to judge them). Undefined when there are none.
 */
export function withPolicySelectors(
  given: readonly string[] | undefined,
  policy: Policy | undefined,
  domain: string,
): string[] | undefined {
  const expected = policy ? policySelectors(policy, domain) : [];
  if (expected.length === 0) return given ? [...given] : undefined;
  return [...new Set([...(given ?? []), ...expected])];
}
