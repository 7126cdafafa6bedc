import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportWriter } from '../../src/fleet/report-writer.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('report writer thread (fleet reports off the main thread)', () => {
  let dir: string;
  let writer: ReportWriter;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mp-report-writer-'));
    writer = new ReportWriter();
  });
  afterEach(async () => {
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every file of a burst with its own text, and each write resolves once its file is there', async () => {
    const writes = Array.from({ length: 300 }, (_, i) => {
      const path = join(dir, `r${i}.json`);
      return writer.write(path, `{"n":${i},"pad":"${'x'.repeat(i * 37)}"}\n`).then(() => {
        // Resolved only after the file is complete.
        expect(JSON.parse(readFileSync(path, 'utf8')).n).toBe(i);
      });
    });
    await Promise.all(writes);
    expect(writer.pending).toBe(0);
    // A later write replaces the file's content (created or truncated).
    await writer.write(join(dir, 'r1.json'), 'short\n');
    expect(readFileSync(join(dir, 'r1.json'), 'utf8')).toBe('short\n');
  });

  it("a write that fails rejects with the system's error; the others of its batch are written", async () => {
    const bad = writer.write(join(dir, 'missing', 'r.json'), '{}\n');
    const good = writer.write(join(dir, 'ok.json'), '{"ok":true}\n');
    await expect(bad).rejects.toThrow(/ENOENT/);
    await good;
    expect(readFileSync(join(dir, 'ok.json'), 'utf8')).toBe('{"ok":true}\n');
  });

  it('writes still waiting when the thread stops are written the ordinary way, and a later write starts it again', async () => {
    const paths = Array.from({ length: 50 }, (_, i) => join(dir, `w${i}.json`));
    const writes = paths.map((p, i) => writer.write(p, `${i}\n`));
    await writer.close();
    await Promise.all(writes);
    paths.forEach((p, i) => {
      expect(readFileSync(p, 'utf8')).toBe(`${i}\n`);
    });
    await writer.write(join(dir, 'after.json'), 'again\n');
    expect(readFileSync(join(dir, 'after.json'), 'utf8')).toBe('again\n');
  });

  it('never keeps a process alive: a process that wrote a report and did nothing else exits', async () => {
    const script = join(dir, 'one-write.mts');
    const out = join(dir, 'written.json');
    const module = join(process.cwd(), 'src', 'fleet', 'report-writer.ts');
    writeFileSync(
      script,
      `import { reportWriter } from ${JSON.stringify(module)};\n` +
        `await reportWriter.write(${JSON.stringify(out)}, '{"done":true}\\n');\n`,
    );
    const child = spawn(TSX, [script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(-1);
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
  }, 30_000);
});
