// Makes the built CLI executable (npm links bin files, but `node dist/src/cli.js` users and
// direct execution need the mode bit).
import { chmodSync, existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(cli)) chmodSync(cli, 0o755);
