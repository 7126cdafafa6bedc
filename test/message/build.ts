/** Test messages: composed with nodemailer's MailComposer, or written by hand for malformed ones. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

export async function compose(options: Mail.Options): Promise<Buffer> {
  const mail = new MailComposer({
    from: 'Ann <ann@example.com>',
    to: 'bob@example.org',
    subject: 'Hello',
    messageId: '<m1@example.com>',
    date: new Date('2026-12-07T10:00:00Z'),
    text: 'Hello',
    ...options,
  });
  return new Promise((resolve, reject) =>
    mail.compile().build((err, message) => (err ? reject(err) : resolve(message))),
  );
}

/** Lines joined with CRLF, ending in CRLF. */
export function crlf(...lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** A well-formed header to put malformed bodies under. */
export const GOOD_HEADER = [
  'From: Ann <ann@example.com>',
  'To: bob@example.org',
  'Subject: Hello',
  'Date: Mon, 7 Dec 2026 10:00:00 +0000',
  'Message-ID: <m1@example.com>',
  'MIME-Version: 1.0',
];
