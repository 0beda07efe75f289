// Regenerates the screenshots shown in the README (docs/screenshots/): first screenfuls only,
// to keep them small. Optimise them afterwards, e.g. `pngquant --force --ext .png docs/screenshots/*.png`.
//
//   npm run screenshots:docs

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, DESKTOP, PHONE } from '../support/browser.js';
import { startServer, REPO_ROOT } from '../support/server.js';

// Tall enough for the timeline's chart; the other charts are shot as their own figure.
const TALL = { width: 1280, height: 1100 };

const SHOTS = [
  { file: 'timeline-1280.png', path: '/', viewport: DESKTOP, colorScheme: 'light' },
  { file: 'event-1280-dark.png', path: '/events/raimondo-meets-li-qiang', viewport: DESKTOP, colorScheme: 'dark' },
  { file: 'timeline-360.png', path: '/', viewport: PHONE, colorScheme: 'light' },
  { file: 'official-360-dark.png', path: '/officials/gina-raimondo', viewport: PHONE, colorScheme: 'dark' },
  { file: 'timeline-chart-1280.png', path: '/?from=2023&to=2023', viewport: TALL, colorScheme: 'light' },
  { file: 'timeline-chart-kind-1280-dark.png', path: '/?from=2023&to=2023&stack=kind', viewport: TALL, colorScheme: 'dark', clip: '#timeline-chart' },
  { file: 'network-1280-dark.png', path: '/network', viewport: TALL, colorScheme: 'dark', clip: '#network-chart' },
];

const out = join(REPO_ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const { file, path, viewport, colorScheme, clip } of SHOTS) {
    const context = await browser.newContext({ baseURL: server.baseURL, viewport, colorScheme });
    const page = await context.newPage();
    await page.goto(path);
    if (clip) await page.locator(clip).screenshot({ path: join(out, file) });
    else await page.screenshot({ path: join(out, file) });
    await context.close();
    console.log(`docs/screenshots/${file}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
