// Regenerates the screenshots shown in the README (docs/screenshots/): first screenfuls only,
// to keep them small. Optimise them afterwards, e.g. `pngquant --force --ext .png docs/screenshots/*.png`.
//
//   npm run screenshots:docs

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, DESKTOP, PHONE } from '../support/browser.js';
import { startServer, REPO_ROOT } from '../support/server.js';

const SHOTS = [
  { file: 'timeline-1280.png', path: '/', viewport: DESKTOP, colorScheme: 'light' },
  { file: 'event-1280-dark.png', path: '/events/raimondo-meets-li-qiang', viewport: DESKTOP, colorScheme: 'dark' },
  { file: 'timeline-360.png', path: '/', viewport: PHONE, colorScheme: 'light' },
  { file: 'official-360-dark.png', path: '/officials/gina-raimondo', viewport: PHONE, colorScheme: 'dark' },
];

const out = join(REPO_ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const { file, path, viewport, colorScheme } of SHOTS) {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport, colorScheme });
    const page = await context.newPage();
    await page.goto(path);
    await page.screenshot({ path: join(out, file) });
    await context.close();
    console.log(`docs/screenshots/${file}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
