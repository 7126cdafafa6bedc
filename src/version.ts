import { readFileSync } from 'node:fs';
import { packageRoot } from './paths.js';

export const TOOL_NAME = 'mail-preflight';
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string }
).version;
