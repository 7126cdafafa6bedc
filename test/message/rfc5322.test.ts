import { describe, expect, it } from 'vitest';
import { parseAddressField } from '../../src/message/address.js';
import { parseDateTime } from '../../src/message/date-time.js';
import { parseMsgId } from '../../src/message/msg-id.js';

describe('RFC 5322 3.4 address fields', () => {
  it.each<[string, string, string[]]>([
    ['addr-spec', 'ann@example.com', ['ann@example.com']],
    ['name-addr', 'Ann Smith <ann@example.com>', ['ann@example.com']],
    ['quoted display name with comma', '"Smith, Ann" <ann@example.com>', ['ann@example.com']],
    ['angle-addr alone', '<ann@example.com>', ['ann@example.com']],
    ['comment and folding whitespace', 'ann@example.com (Ann)\r\n ', ['ann@example.com']],
    ['quoted local part (3.4.1)', '"ann smith"@example.com', ['"ann smith"@example.com']],
    ['domain literal (3.4.1)', 'ann@[192.0.2.1]', ['ann@[192.0.2.1]']],
    ['several mailboxes', 'a@example.com, B <b@example.org>', ['a@example.com', 'b@example.org']],
    ['RFC 2047 display name', '=?UTF-8?Q?J=C3=B6rg?= <j@example.com>', ['j@example.com']],
  ])('3.4: %s is a valid mailbox-list', (_n, value, addresses) => {
    const f = parseAddressField(value, 'mailbox-list');
    expect(f.valid, f.error).toBe(true);
    expect(f.obsolete).toBe(false);
    expect(f.mailboxes.map((m) => m.address)).toEqual(addresses);
  });

  it('decodes an RFC 2047 display name for display', () => {
    expect(parseAddressField('=?UTF-8?Q?J=C3=B6rg?= <j@example.com>', 'mailbox').mailboxes[0]?.name).toBe(
      'Jörg',
    );
  });

  it.each<[string, string]>([
    ['unquoted dot in the display name (obs-phrase)', 'A. Smith <a@example.com>'],
    ['spaces around the dot of a local part (obs-local-part)', 'ann . smith@example.com'],
    ['source route (obs-route)', '<@relay.example:ann@example.com>'],
    ['empty list element (obs-mbox-list)', 'a@example.com,,b@example.com'],
  ])('4.4: %s is valid but obsolete', (_n, value) => {
    const f = parseAddressField(value, 'mailbox-list');
    expect(f.valid, f.error).toBe(true);
    expect(f.obsolete).toBe(true);
  });

  it.each<[string, string]>([
    ['no domain', 'ann'],
    ['unquoted comma in the display name', 'Smith, Ann <ann@example.com>'],
    ['unclosed angle bracket', 'Ann <ann@example.com'],
    ['two @', 'ann@@example.com'],
    ['unterminated quoted string', '"Ann <ann@example.com>'],
    ['unbalanced comment', 'ann@example.com (Ann'],
    ['empty', ''],
    ['trailing dot in the local part', 'ann.@example.com'],
    ['header injection residue', 'ann@example.com\r\nBcc: x@example.net'],
  ])('3.4: %s is invalid', (_n, value) => {
    expect(parseAddressField(value, 'mailbox-list').valid).toBe(false);
  });

  it('3.6.2: a group is not a mailbox-list (From) but is an address-list (To)', () => {
    expect(parseAddressField('Team: a@example.com, b@example.com;', 'mailbox-list').valid).toBe(false);
    const to = parseAddressField('Team: a@example.com, b@example.com;, c@example.com', 'address-list');
    expect(to.valid).toBe(true);
    expect(to.groups).toBe(1);
    expect(to.mailboxCount).toBe(3);
    expect(parseAddressField('undisclosed-recipients:;', 'address-list').valid).toBe(true);
  });

  it('3.6.2: Sender is exactly one mailbox', () => {
    expect(parseAddressField('a@example.com', 'mailbox').valid).toBe(true);
    expect(parseAddressField('a@example.com, b@example.com', 'mailbox').valid).toBe(false);
  });

  it('3.6.3: Bcc may be empty', () => {
    expect(parseAddressField('', 'optional-address-list').valid).toBe(true);
    expect(parseAddressField('', 'address-list').valid).toBe(false);
  });

  it('RFC 6532: UTF-8 in an address is noted', () => {
    const f = parseAddressField('Jörg <jörg@exämple.com>', 'mailbox');
    expect(f.valid).toBe(true);
    expect(f.utf8).toBe(true);
  });

  it('is linear: 20,000 mailboxes parse fast and only MAX_MAILBOXES_KEPT are kept', () => {
    const value = Array.from({ length: 20_000 }, (_, i) => `u${i}@example.com`).join(', ');
    const t0 = performance.now();
    const f = parseAddressField(value, 'address-list');
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(f.valid).toBe(true);
    expect(f.mailboxCount).toBe(20_000);
    expect(f.mailboxes.length).toBe(1_000);
  });
});

describe('RFC 5322 3.6.4 msg-id', () => {
  it.each([
    ['<abc.123@example.com>', '<abc.123@example.com>'],
    [' <abc@example.com> (comment)', '<abc@example.com>'],
    ['<abc@[192.0.2.1]>', '<abc@[192.0.2.1]>'],
    ["<a!#$%&'*+/=?^_`{|}~-b@x>", "<a!#$%&'*+/=?^_`{|}~-b@x>"],
  ])('3.6.4: %s is valid', (value, id) => {
    const m = parseMsgId(value);
    expect(m.valid, m.error).toBe(true);
    expect(m.obsolete).toBe(false);
    expect(m.id).toBe(id);
  });

  it.each([
    ['abc@example.com', 'missing "<"'],
    ['<abc@example.com', 'missing ">"'],
    ['<abc>', 'missing "@"'],
    ['<abc@example.com> <def@example.com>', 'text after ">"'],
    ['<a b@example.com>', 'invalid left part'],
    ['', 'empty value'],
    ['<abc@>', 'missing "@"'],
    ['<abc@exa mple.com>', 'invalid right part'],
  ])('3.6.4: %s is invalid (%s)', (value, error) => {
    const m = parseMsgId(value);
    expect(m.valid).toBe(false);
    expect(m.error).toBe(error);
  });

  it('4.5.4: a quoted id-left is obsolete', () => {
    const m = parseMsgId('<"a b"@example.com>');
    expect(m.valid).toBe(true);
    expect(m.obsolete).toBe(true);
  });

  it('counts characters for the 500-character Gmail limit', () => {
    expect(parseMsgId(`<${'a'.repeat(600)}@example.com>`).length).toBe(614);
  });
});

describe('RFC 5322 3.3 date-time', () => {
  it.each([
    ['Mon, 7 Dec 2026 10:00:00 +0000', '2026-12-07T10:00:00.000Z'],
    ['7 Dec 2026 10:00 +0100', '2026-12-07T09:00:00.000Z'],
    ['Mon, 07 Dec 2026 10:00:00 -0500 (EST)', '2026-12-07T15:00:00.000Z'],
    ['Tue, 29 Feb 2028 23:59:60 +0000', '2028-02-29T23:59:59.000Z'],
  ])('3.3: %s is valid', (value, iso) => {
    const d = parseDateTime(value);
    expect(d.valid, d.error).toBe(true);
    expect(d.obsolete).toBe(false);
    expect(d.iso).toBe(iso);
  });

  it.each([
    ['Mon, 7 Dec 26 10:00:00 +0000', '2026-12-07T10:00:00.000Z'],
    ['Mon, 7 Dec 2026 10:00:00 GMT', '2026-12-07T10:00:00.000Z'],
    ['Mon, 7 Dec 2026 10:00:00 EST', '2026-12-07T15:00:00.000Z'],
    ['Mon, 7 Dec 2026 10 : 00 : 00 +0000', '2026-12-07T10:00:00.000Z'],
  ])('4.3: %s is valid but obsolete', (value, iso) => {
    const d = parseDateTime(value);
    expect(d.valid, d.error).toBe(true);
    expect(d.obsolete).toBe(true);
    expect(d.iso).toBe(iso);
  });

  it.each([
    ['2026-12-07T10:00:00Z'],
    ['Tue, 7 Dec 2026 10:00:00 +0000'],
    ['Mon, 31 Nov 2026 10:00:00 +0000'],
    ['Mon, 7 Dec 2026 25:00:00 +0000'],
    ['Mon, 7 Dec 2026 10:00:00 +0075'],
    ['Mon, 7 Foo 2026 10:00:00 +0000'],
    ['Mon, 7 Dec 2026 10:00:00'],
    ['Mon, 7 Dec 2026 10:00:00 +0000 extra'],
    ['Mon 7 Dec 2026 10:00:00 +0000'],
    [''],
  ])('3.3: %s is invalid', (value) => {
    expect(parseDateTime(value).valid).toBe(false);
  });

  it('3.3: the day-of-week must be the one the date implies', () => {
    expect(parseDateTime('Tue, 7 Dec 2026 10:00:00 +0000').error).toMatch(/day name does not match/);
  });
});
