/** A private redis-server for a test: loopback, a free port, a temporary directory; stopped by the test. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long redis-server may take to accept connections. */
const START_TIMEOUT_MS = 10_000;

export interface RedisOptions {
  /** appendonly yes with fsync on every write: the queue survives a SIGKILL. */
  persist?: boolean;
  password?: string;
  /** Reuse a port (a restart); default a free one. */
  port?: number;
  /** Reuse a data directory (a restart with persistence). */
  dir?: string;
}

export interface RedisHandle {
  port: number;
  dir: string;
  url: string;
  process: ChildProcess;
  /** SIGKILL (no save) and wait for the exit. */
  kill(): Promise<void>;
  /** Stops the server and removes its directory (unless `keepDir`). */
  stop(keepDir?: boolean): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisHandle> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'mp-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    options.persist ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`redis-server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const auth = options.password !== undefined ? `:${options.password}@` : '';
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}/0`,
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop(keepDir = false) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
