// Starts the real release binary on 127.0.0.1 with a fresh database, and stops it.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The e2e/ directory; paths in the environment are taken relative to it. */
export const E2E_DIR = resolve(here, '..');
/** The repository root. */
export const REPO_ROOT = resolve(E2E_DIR, '..');

const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Spawns `tradewatch --bind 127.0.0.1:0` on a new SQLite file in a temporary directory and
 * resolves once the server logs the address it listens on.
 * @returns {Promise<{ baseURL: string, stop: () => Promise<void> }>}
 */
export async function startServer() {
  const bin = resolve(E2E_DIR, process.env.TRADEWATCH_BIN ?? '../target/release/tradewatch');
  if (!existsSync(bin)) {
    throw new Error(`no server binary at ${bin}: run \`cargo build --release\` or set TRADEWATCH_BIN`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tradewatch-e2e-'));
  const child = spawn(
    bin,
    ['--bind', '127.0.0.1:0', '--database-url', `sqlite:${join(dir, 'tradewatch.db')}`],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', RUST_LOG: process.env.RUST_LOG ?? 'tradewatch=info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );

  let log = '';
  const baseURL = await new Promise((resolveAddr, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${log}`)),
      STARTUP_TIMEOUT_MS,
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /tradewatch is serving at (http:\/\/\S+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolveAddr(match[1]);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before serving:\n${log}`));
    });
  });
  // Keep draining stderr so that a chatty log can never block the server.
  child.stderr.resume();

  const exited = new Promise((done) => child.once('exit', done));
  return {
    baseURL,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timeout = new Promise((done) => setTimeout(done, 10_000, 'timeout'));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
