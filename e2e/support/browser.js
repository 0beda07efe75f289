// Debian's Chromium driven through playwright-core (Playwright's own browser download is never
// used), and the shared set-up every test file repeats.

import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from './server.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/**
 * Starts a server and a browser before the file's tests and stops both after them.
 * Returns an object whose fields are filled in once `before` has run.
 */
export function useServerAndBrowser() {
  const env = { baseURL: '', browser: null, server: null };
  before(async () => {
    env.server = await startServer();
    env.baseURL = env.server.baseURL;
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  /**
   * A page in its own context (axe needs pages from `browser.newContext()`).
   * @param {import('playwright-core').BrowserContextOptions} [options]
   */
  env.newPage = async (options = {}) => {
    const context = await env.browser.newContext({
      baseURL: env.baseURL,
      viewport: DESKTOP,
      ...options,
    });
    const page = await context.newPage();
    return page;
  };
  return env;
}
