/**
 * The demo's sample messages: one clean campaign message and one for each kind of trouble a
 * message draws by itself (size, a blocked attachment, a broken signature, no one-click
 * unsubscribe). All are sent as good.example from its sending host in the demo world
 * (world.yaml), so the domain half of each report passes and the lesson is the message's own.
 *
 * The demo signs them with a key it generates at start (the world holds no private key) and
 * serves at DEMO_MESSAGE_SELECTOR, a selector no audit tries by itself (checks/dkim/selectors.ts),
 * so the domain identities' reports stay as they are. Composing and signing is injected
 * (`ComposeMail`): this module never loads a mail library.
 */
import { storedZip } from './zip.js';

/** The sending identity of every sample: good.example's sending host in world.yaml. */
export const DEMO_MESSAGE_DOMAIN = 'good.example';
export const DEMO_MESSAGE_IPS: readonly string[] = ['127.0.77.10'];
export const DEMO_MESSAGE_HELO = 'mail.good.example';
/** Not among the selectors the dkim check discovers, so good.example's domain report is unchanged. */
export const DEMO_MESSAGE_SELECTOR = 'campaign';

const MIB = 1024 * 1024;
/**
 * The attachment of the too-big sample: base64 (RFC 2045 6.8) turns 3 bytes into 4 and adds a
 * CRLF every 76 characters, so 19.5 MiB is about 26.7 MiB on the wire, over Gmail's 25 MB.
 */
const CATALOGUE_BYTES = Math.round(19.5 * MIB);
/** Gmail's limit as the demo text says it (checks/message-size/collect.ts holds the measured one). */
const GMAIL_LIMIT_TEXT = '25 MB';

/** The mail a sample is made of: the subset of a composer's options the samples use. */
export interface DemoMail {
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Composes a message with CRLF line ends, DKIM-signed by good.example at DEMO_MESSAGE_SELECTOR. */
export type ComposeMail = (mail: DemoMail) => Promise<Buffer>;

export interface DemoMessage {
  /** File name under out/demo/ (its report is `<file>.json`). */
  file: string;
  shows: string;
  build: (compose: ComposeMail) => Promise<Buffer>;
}

/** The DNS record that publishes the demo's public key (base64 SPKI), in the lab's zone YAML. */
export function demoKeyRecordYaml(publicKeyBase64: string): string {
  return `${DEMO_MESSAGE_SELECTOR}._domainkey.${DEMO_MESSAGE_DOMAIN}: {TXT: "v=DKIM1; k=rsa; p=${publicKeyBase64}"}\n`;
}

const UNSUBSCRIBE_URL = `https://${DEMO_MESSAGE_DOMAIN}/unsubscribe/r-4f2a9c`;

/** A newsletter as an ESP would send it: one-click unsubscribe (RFC 8058) and a bounce address. */
function newsletter(name: string, subject: string, extra: Partial<DemoMail> = {}): DemoMail {
  return {
    from: `Good Example <news@${DEMO_MESSAGE_DOMAIN}>`,
    to: 'reader@example.net',
    subject,
    date: new Date('2026-12-07T10:00:00Z'),
    messageId: `<${name}.20261207@${DEMO_MESSAGE_DOMAIN}>`,
    text: `Our winter collection is here: https://${DEMO_MESSAGE_DOMAIN}/winter\r\nPrices valid until 31 December.\r\n`,
    html: `<p>Our <a href="https://${DEMO_MESSAGE_DOMAIN}/winter">winter collection</a> is here.</p><p>Prices valid until 31 December.</p>`,
    headers: {
      'Return-Path': `<bounces@${DEMO_MESSAGE_DOMAIN}>`,
      'List-Unsubscribe': `<${UNSUBSCRIBE_URL}>, <mailto:unsubscribe@${DEMO_MESSAGE_DOMAIN}?subject=r-4f2a9c>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...extra,
  };
}

/** A PDF-looking file of `bytes` bytes (its magic bytes say PDF, so only its size is the lesson). */
function catalogue(bytes: number): Buffer {
  const file = Buffer.alloc(bytes, 0x20);
  file.write('%PDF-1.7\n', 0, 'latin1');
  return file;
}

/** A Windows executable as far as content detection goes (the MZ magic, then padding). */
function setupExe(): Buffer {
  const file = Buffer.alloc(4096, 0);
  file.write('MZ', 0, 'latin1');
  file.write('This program cannot be run in DOS mode.', 78, 'latin1');
  return file;
}

export const DEMO_MESSAGES: readonly DemoMessage[] = [
  {
    file: 'clean.eml',
    shows: `a clean newsletter: DKIM-signed by ${DEMO_MESSAGE_DOMAIN} (s=${DEMO_MESSAGE_SELECTOR}), signed one-click unsubscribe, well-formed, small`,
    build: (compose) => compose(newsletter('clean', 'Winter collection')),
  },
  {
    file: 'too-big.eml',
    shows: `a ${(CATALOGUE_BYTES / MIB).toFixed(1)} MB catalogue.pdf attached: base64 makes the message larger than Gmail's ${GMAIL_LIMIT_TEXT} on the wire`,
    build: (compose) =>
      compose(
        newsletter('too-big', 'The winter catalogue', {
          attachments: [
            {
              filename: 'catalogue.pdf',
              content: catalogue(CATALOGUE_BYTES),
              contentType: 'application/pdf',
            },
          ],
        }),
      ),
  },
  {
    file: 'exe-in-zip.eml',
    shows: 'invoice.zip holding setup.exe: Gmail refuses blocked file types inside archives too',
    build: (compose) =>
      compose(
        newsletter('exe-in-zip', 'Your invoice', {
          attachments: [
            {
              filename: 'invoice.zip',
              content: storedZip([
                { name: 'invoice.pdf', data: catalogue(2048) },
                { name: 'setup.exe', data: setupExe() },
              ]),
              contentType: 'application/zip',
            },
          ],
        }),
      ),
  },
  {
    file: 'broken-signature.eml',
    shows:
      'changed after signing (a price edited on the way): the body hash no longer matches, no signature verifies',
    build: async (compose) => {
      const signed = await compose(newsletter('broken-signature', 'Winter collection'));
      // latin1 maps every byte to one character and back, so only the edited bytes change.
      return Buffer.from(signed.toString('latin1').replaceAll('31 December', '15 January'), 'latin1');
    },
  },
  {
    file: 'no-unsubscribe.eml',
    shows:
      'bulk mail without List-Unsubscribe: Gmail and Yahoo require one-click unsubscribe (RFC 8058) of bulk senders',
    build: (compose) =>
      compose(
        newsletter('no-unsubscribe', 'Winter collection', {
          headers: { 'Return-Path': `<bounces@${DEMO_MESSAGE_DOMAIN}>` },
        }),
      ),
  },
];
