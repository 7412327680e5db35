// Version banner. keepalived prints `Keepalived v2.2.7 (01/16,2022)`; we keep the
// "Keepalived" prefix (operators grep "Starting Keepalived") and name ourselves.
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  // src/core/ under vitest, dist/src/core/ once built.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'keepalived-ts' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const PACKAGE_NAME = 'Keepalived';
export const PROGRAM_NAME = 'keepalived-ts';
/** keepalived release whose behaviour we reproduce. */
export const COMPAT_VERSION = '2.2.7';
export const VERSION = packageVersion();
export const VERSION_STRING = `Keepalived-ts v${VERSION} (keepalived ${COMPAT_VERSION} compatible)`;
export const COPYRIGHT_STRING =
  'Copyright the keepalived-ts authors; behaviour modelled on keepalived by Alexandre Cassen and contributors.';
