/**
 * What a file is, from its content (magic bytes), and whether its name's extension agrees.
 * A name is a claim the sender makes; the bytes are what a receiver's scanner looks at, so
 * "invoice.pdf" holding a Windows executable is reported as such. Pure and synchronous: the
 * caller hands over the bytes it has (a whole attachment, or the head of an archive entry).
 */

/** Every content type told apart here; 'unknown' is content with no signature we know (text, csv, ...). */
export type FileKind =
  | 'zip'
  | 'ooxml-word'
  | 'ooxml-excel'
  | 'ooxml-powerpoint'
  | 'jar'
  | 'apk'
  | 'appx'
  | 'appxbundle'
  | 'gzip'
  | 'tar'
  | 'rar'
  | '7z'
  | 'bzip2'
  | 'xz'
  | 'compress'
  | 'windows-executable'
  | 'elf'
  | 'mach-o'
  | 'java-class'
  | 'pdf'
  | 'ole2'
  | 'iso9660'
  | 'dmg'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'script'
  | 'windows-shortcut'
  | 'cab'
  | 'html'
  | 'unknown';

/** How an archive kind can be looked into: by archive.ts, or not at all (rar, 7z, ...). */
export type ArchiveFormat = 'zip' | 'tar' | 'gzip' | 'unsupported';

export interface KindInfo {
  /** For people: "Windows executable (PE)". */
  label: string;
  /** Extensions (lower case, no dot) a file of this kind is normally named with. */
  extensions: readonly string[];
  /** Set for containers of other files. */
  archive?: ArchiveFormat;
  /**
   * Content that runs or installs when opened (or whose natural extensions Gmail refuses): under
   * another name it is a disguise, not a mislabel.
   */
  executable?: boolean;
  /** A zip underneath (OOXML, jar, apk, appx): any zip-family extension is consistent with it. */
  zipFamily?: boolean;
}

export const KIND_INFO: Readonly<Record<FileKind, KindInfo>> = {
  zip: {
    label: 'zip archive',
    extensions: [
      'zip',
      'zipx',
      'epub',
      'odt',
      'ods',
      'odp',
      'odg',
      'xpi',
      'kmz',
      'nupkg',
      'whl',
      'vsix',
      'cbz',
    ],
    archive: 'zip',
    zipFamily: true,
  },
  'ooxml-word': {
    label: 'Word document (OOXML)',
    extensions: ['docx', 'docm', 'dotx', 'dotm'],
    archive: 'zip',
    zipFamily: true,
  },
  'ooxml-excel': {
    label: 'Excel workbook (OOXML)',
    extensions: ['xlsx', 'xlsm', 'xltx', 'xltm', 'xlam'],
    archive: 'zip',
    zipFamily: true,
  },
  'ooxml-powerpoint': {
    label: 'PowerPoint presentation (OOXML)',
    extensions: ['pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm'],
    archive: 'zip',
    zipFamily: true,
  },
  jar: {
    label: 'Java archive (jar)',
    extensions: ['jar', 'war', 'ear'],
    archive: 'zip',
    executable: true,
    zipFamily: true,
  },
  apk: {
    label: 'Android package (apk)',
    extensions: ['apk', 'aab'],
    archive: 'zip',
    executable: true,
    zipFamily: true,
  },
  appx: {
    label: 'Windows app package (appx/msix)',
    extensions: ['appx', 'msix'],
    archive: 'zip',
    executable: true,
    zipFamily: true,
  },
  appxbundle: {
    label: 'Windows app bundle (appxbundle/msixbundle)',
    extensions: ['appxbundle', 'msixbundle'],
    archive: 'zip',
    executable: true,
    zipFamily: true,
  },
  gzip: { label: 'gzip compressed file', extensions: ['gz', 'tgz', 'gzip', 'taz', 'svgz'], archive: 'gzip' },
  tar: { label: 'tar archive', extensions: ['tar'], archive: 'tar' },
  rar: { label: 'RAR archive', extensions: ['rar'], archive: 'unsupported' },
  '7z': { label: '7-Zip archive', extensions: ['7z'], archive: 'unsupported' },
  bzip2: { label: 'bzip2 compressed file', extensions: ['bz2', 'tbz', 'tbz2'], archive: 'unsupported' },
  xz: { label: 'xz compressed file', extensions: ['xz', 'txz'], archive: 'unsupported' },
  compress: { label: 'Unix compress (.Z) file', extensions: ['z', 'taz'], archive: 'unsupported' },
  'windows-executable': {
    label: 'Windows executable (PE/MZ)',
    extensions: ['exe', 'dll', 'sys', 'scr', 'com', 'cpl', 'ocx', 'drv', 'efi', 'mui', 'xll', 'ax', 'pif'],
    executable: true,
  },
  elf: {
    label: 'Linux/Unix executable (ELF)',
    extensions: ['so', 'bin', 'elf', 'o', 'ko', 'out'],
    executable: true,
  },
  'mach-o': { label: 'macOS executable (Mach-O)', extensions: ['dylib', 'bundle', 'o'], executable: true },
  'java-class': { label: 'Java class file', extensions: ['class'] },
  pdf: { label: 'PDF document', extensions: ['pdf', 'ai'] },
  ole2: {
    label: 'OLE2 compound file (old Office document, msi, msg)',
    extensions: [
      'doc',
      'dot',
      'xls',
      'xlt',
      'ppt',
      'pot',
      'pps',
      'msg',
      'msi',
      'msp',
      'mst',
      'vsd',
      'pub',
      'mpp',
    ],
  },
  iso9660: { label: 'ISO 9660 disk image', extensions: ['iso', 'img', 'udf'], executable: true },
  dmg: { label: 'macOS disk image (dmg)', extensions: ['dmg', 'img'], executable: true },
  png: { label: 'PNG image', extensions: ['png', 'apng'] },
  jpeg: { label: 'JPEG image', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  gif: { label: 'GIF image', extensions: ['gif'] },
  script: {
    label: 'script (#! interpreter line)',
    extensions: ['sh', 'bash', 'zsh', 'ksh', 'csh', 'py', 'pl', 'rb', 'php', 'cgi', 'command', 'run'],
  },
  'windows-shortcut': { label: 'Windows shortcut (lnk)', extensions: ['lnk'], executable: true },
  cab: { label: 'Windows cabinet (cab)', extensions: ['cab', 'msu', 'diagcab'], executable: true },
  html: { label: 'HTML document', extensions: ['html', 'htm', 'xhtml', 'shtml', 'hta', 'mht', 'mhtml'] },
  unknown: { label: 'no known signature', extensions: [] },
};

/**
 * Extensions of content without a signature (plain text and the like): a file named so is
 * claiming to be text, so a binary with a signature under such a name is a mismatch.
 */
const TEXT_EXTENSIONS: readonly string[] = [
  'txt',
  'csv',
  'tsv',
  'ics',
  'vcf',
  'json',
  'xml',
  'log',
  'md',
  'rtf',
  'eml',
];

/** Every extension some kind (or text) claims: only these can disagree with the content. */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  ...TEXT_EXTENSIONS,
  ...Object.values(KIND_INFO).flatMap((k) => k.extensions),
]);

/** ISO 9660 volume descriptors start at sector 16 (byte 32768); "CD001" follows the type byte (ECMA-119 8.1). */
const ISO9660_MAGIC_OFFSETS = [32769, 34817, 36865] as const;
/** POSIX ustar: "ustar" at offset 257 of the first header block (POSIX.1-1988, pax). */
const USTAR_MAGIC_OFFSET = 257;
/** The UDIF (dmg) trailer "koly" block is the last 512 bytes of the image. */
const DMG_TRAILER_BYTES = 512;
/** PE: the offset of the "PE\0\0" signature is the 32-bit value at 0x3C of the DOS header. */
const PE_POINTER_OFFSET = 0x3c;
/** Adobe readers accept "%PDF-" anywhere in the first 1024 bytes (PDF 1.7 implementation note 13). */
const PDF_HEADER_WINDOW = 1024;
/** HTML sniffing window (WHATWG MIME Sniffing 7.1 looks at the first 1445 bytes, 512 is ample for tags). */
const HTML_SNIFF_BYTES = 512;
/** A fat Mach-O header counts architectures; a Java class shares the CAFEBABE magic but has version >= 45. */
const MACHO_FAT_MAX_ARCHS = 30;
/**
 * Bytes a caller needs to read for a full verdict from the head alone (ISO 9660 needs the
 * most); the dmg trailer also needs the file's end.
 */
export const SNIFF_HEAD_BYTES = 36865 + 5;

const LNK_MAGIC = Buffer.from('4c0000000114020000000000c000000000000046', 'hex');

function startsWith(data: Buffer, magic: Buffer | string, offset = 0): boolean {
  const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic;
  return data.length >= offset + m.length && data.subarray(offset, offset + m.length).equals(m);
}

function hex(s: string): Buffer {
  return Buffer.from(s, 'hex');
}

/** Ordered signature tests: the first that matches names the kind. */
const SIGNATURES: readonly [FileKind, (d: Buffer) => boolean][] = [
  ['zip', (d) => startsWith(d, 'PK\x03\x04') || startsWith(d, 'PK\x05\x06') || startsWith(d, 'PK\x07\x08')],
  ['gzip', (d) => startsWith(d, hex('1f8b'))],
  ['rar', (d) => startsWith(d, 'Rar!\x1a\x07\x00') || startsWith(d, 'Rar!\x1a\x07\x01\x00')],
  ['7z', (d) => startsWith(d, hex('377abcaf271c'))],
  ['bzip2', (d) => startsWith(d, 'BZh') && d.length > 3 && d[3]! >= 0x31 && d[3]! <= 0x39],
  ['xz', (d) => startsWith(d, hex('fd377a585a00'))],
  ['compress', (d) => startsWith(d, hex('1f9d'))],
  ['windows-executable', (d) => startsWith(d, 'MZ')],
  ['elf', (d) => startsWith(d, '\x7fELF')],
  ['mach-o', isMachO],
  ['java-class', (d) => startsWith(d, hex('cafebabe'))],
  ['ole2', (d) => startsWith(d, hex('d0cf11e0a1b11ae1'))],
  ['png', (d) => startsWith(d, hex('89504e470d0a1a0a'))],
  ['jpeg', (d) => startsWith(d, hex('ffd8ff'))],
  ['gif', (d) => startsWith(d, 'GIF87a') || startsWith(d, 'GIF89a')],
  ['windows-shortcut', (d) => startsWith(d, LNK_MAGIC)],
  ['cab', (d) => startsWith(d, 'MSCF\x00\x00\x00\x00')],
  ['script', (d) => startsWith(d, '#!')],
  ['tar', (d) => startsWith(d, 'ustar', USTAR_MAGIC_OFFSET)],
  ['pdf', (d) => d.subarray(0, PDF_HEADER_WINDOW).includes('%PDF-', 0, 'latin1')],
  ['iso9660', (d) => ISO9660_MAGIC_OFFSETS.some((o) => startsWith(d, 'CD001', o))],
  ['dmg', (d) => d.length >= DMG_TRAILER_BYTES && startsWith(d, 'koly', d.length - DMG_TRAILER_BYTES)],
  ['html', isHtml],
];

function isMachO(d: Buffer): boolean {
  if (['feedface', 'feedfacf', 'cefaedfe', 'cffaedfe'].some((m) => startsWith(d, hex(m)))) return true;
  // Fat (universal) binaries share CAFEBABE with Java classes: a small architecture count tells them apart.
  return startsWith(d, hex('cafebabe')) && d.length >= 8 && d.readUInt32BE(4) < MACHO_FAT_MAX_ARCHS;
}

function isHtml(d: Buffer): boolean {
  const head = d
    .subarray(0, HTML_SNIFF_BYTES)
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  return /^<(!doctype html|html|head|body|script|iframe|meta|title)[\s>]/.test(head);
}

/** The kind of `data` by its signature ('unknown' when none matches). Zip subtypes need entry names: see zipFlavour. */
export function detectKind(data: Buffer): FileKind {
  for (const [kind, test] of SIGNATURES) if (test(data)) return kind;
  return 'unknown';
}

/** Whether an MZ file carries a PE header (a Windows program) or is a bare DOS executable; for labels. */
export function hasPeHeader(data: Buffer): boolean {
  if (!startsWith(data, 'MZ') || data.length < PE_POINTER_OFFSET + 4) return false;
  const at = data.readUInt32LE(PE_POINTER_OFFSET);
  return startsWith(data, 'PE\x00\x00', at);
}

/**
 * The real kind of a zip from its entry names: Office Open XML, Java, Android and Windows app
 * packages are all zips; the manifest each must contain says which.
 */
export function zipFlavour(entryNames: readonly string[]): FileKind {
  const names = new Set(entryNames.map((n) => n.replace(/\\/g, '/').replace(/^\/+/, '')));
  const lower = new Set([...names].map((n) => n.toLowerCase()));
  if (lower.has('androidmanifest.xml') && lower.has('classes.dex')) return 'apk';
  if (lower.has('appxmetadata/appxbundlemanifest.xml')) return 'appxbundle';
  if (lower.has('appxmanifest.xml')) return 'appx';
  if (names.has('[Content_Types].xml')) {
    const under = (dir: string) => [...lower].some((n) => n.startsWith(dir));
    if (under('word/')) return 'ooxml-word';
    if (under('xl/')) return 'ooxml-excel';
    if (under('ppt/')) return 'ooxml-powerpoint';
  }
  if (lower.has('meta-inf/manifest.mf') || [...lower].some((n) => n.endsWith('.class'))) return 'jar';
  return 'zip';
}

/** The last extension of a file name, lower case, without the dot ('' when there is none). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * How a name's extension relates to the content:
 * - 'consistent': the extension is one this kind is named with (or no verdict is possible);
 * - 'mismatch': the extension claims another known type ("photo.png" holding a PDF);
 * - 'disguised': the content runs or installs (a Windows program, a shortcut, a disk image)
 *   and the name does not say so ("invoice.pdf", "report" or "data.bin" holding a PE).
 */
export type ExtensionVerdict = 'consistent' | 'mismatch' | 'disguised';

export function compareExtension(kind: FileKind, extension: string): ExtensionVerdict {
  const info = KIND_INFO[kind];
  if (kind === 'unknown' || info.extensions.includes(extension)) return 'consistent';
  // A jar or a docx named .zip is still a zip: every zip-based format may travel under .zip.
  if (info.zipFamily && KIND_INFO.zip.extensions.includes(extension)) return 'consistent';
  if (info.executable) return 'disguised';
  return KNOWN_EXTENSIONS.has(extension) ? 'mismatch' : 'consistent';
}
