import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');
export const binKeepalivedTs = path.join(repoRoot, 'bin/keepalived-ts');

export function requireShared(sub: string): string {
  const p = path.join(sharedDir, sub);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: the tests expect the shared/ directory beside the checkout, as CI provides it`);
  return p;
}

export function requireBuilt(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist/src/core/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (test/run-all.sh does)');
}
