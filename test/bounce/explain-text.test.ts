/** `explain` with the reply's words: the bounce classifier's reading and its provider codes. */
import { describe, expect, it } from 'vitest';
import { explainExtra } from '../../src/bounce/explain-text.js';
import { explainCode, renderExplanation } from '../../src/replies/explain.js';

const explain = (input: string) => explainCode(input, explainExtra(input));

describe('explain reads the reply text as bounces does', () => {
  it('a 554 5.7.1 naming Spamhaus is a blocklisting, not the RFC 5322 or IPv6 PTR causes of Gmail 550 5.7.1', () => {
    const e = explain(
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    );
    expect(e.reading).toMatchObject({ category: 'blocklisted', provider: null, addressAction: 'keep' });
    expect(e.checks).toEqual(['reputation']);
    expect(e.causes.join(' ')).not.toMatch(/RFC 5322|IPv6/);
    expect(renderExplanation(e)).toContain('What the text says');
  });

  it("Gmail's 550 5.7.1 saying RFC 5322: Gmail's row, and only its RFC 5322 cause", () => {
    const e = explain(
      '550-5.7.1 [192.0.2.1] Our system has detected that this message is not RFC 5322 compliant. gsmtp',
    );
    expect(e.reading).toMatchObject({ category: 'message-format', provider: 'gmail' });
    expect(e.rows.map((r) => r.provider)).toEqual(['gmail']);
    expect(e.checks).toEqual(['message-format']);
    expect(e.causes.join(' ')).not.toMatch(/IPv6/);
  });

  it("Exchange's 550 5.1.10 RESOLVER.ADR.RecipientNotFound is an unknown recipient, not the registry's null MX", () => {
    const e = explain(
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    );
    expect(e.detailText).toBe('Recipient address has null MX');
    expect(e.reading).toMatchObject({ category: 'recipient-unknown', addressAction: 'suppress' });
  });

  it("Microsoft's 5.7.606 (no reply table row): the classifier's provider code, known", () => {
    const e = explain('5.7.606');
    expect(e.known).toBe(true);
    expect(e.reading).toBeUndefined();
    expect(e.providerCodes?.map((p) => [p.provider, p.category])).toEqual([['microsoft', 'blocklisted']]);
    expect(e.causes).toEqual([expect.stringMatching(/^microsoft: /)]);
    expect(renderExplanation(e)).toContain('Provider codes');
  });

  it('words that change nothing add no reading; a bare code neither', () => {
    expect(explain('421 4.7.27').reading).toBeUndefined();
    expect(explain('421 4.7.27 try again').reading).toBeUndefined();
    expect(explainCode('421 4.7.27')).toEqual(explain('421 4.7.27'));
  });
});
