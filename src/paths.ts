import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The package root (the folder holding package.json), from src/ under tsx or dist/src/ when built. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error('mail-preflight: cannot find package.json above the module');
}
