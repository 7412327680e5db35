// global_defs reload_check_config [LOG_FILE]: before a reload the parent runs itself with
// its original arguments plus --config-test=LOG_FILE, and reloads only if that exits 0
// (core/main.c start_validate_reload_conf_child(), reload_check_child_thread()).
import { spawn } from 'node:child_process';
import { truncateSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { ORIGINAL_CWD_ENV } from './daemonize.js';

export const RELOAD_CHECK_TIMEOUT_SEC = 5;

/** Resolves true when the new config passed; logs keepalived's messages otherwise. */
export function runReloadCheck(argv: readonly string[], logFile: string, logger: Logger, timeoutSec = RELOAD_CHECK_TIMEOUT_SEC): Promise<boolean> {
  const script = process.argv[1];
  if (!script) return Promise.resolve(true);
  logger.detail('validate conf before Reload');
  if (logFile !== '/dev/null') {
    try {
      truncateSync(logFile, 0);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ENOENT') logger.info(`truncate of config check log ${logFile} failed (${Math.abs(err.errno ?? 0)}) - ${err.message}`);
    }
  }
  return new Promise((resolve) => {
    // Relative -f paths mean what they meant where the operator started us.
    const cwd = process.env[ORIGINAL_CWD_ENV] ?? process.cwd();
    const child = spawn(process.execPath, [script, ...argv, `--config-test=${logFile}`], { stdio: 'ignore', cwd });
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      logger.info('config check timed out');
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    }, timeoutSec * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      logger.info(`Could not run config-test: ${e.message}`);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (code !== 0) logger.info(`New config failed validation, see ${logFile} for details`);
      resolve(code === 0);
    });
  });
}
