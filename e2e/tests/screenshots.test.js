// Each page type at desktop and phone width, saved for review under target/screenshots/.

import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, DESKTOP, PHONE } from '../support/browser.js';
import { PAGES } from '../support/pages.js';
import { REPO_ROOT } from '../support/server.js';

const env = useServerAndBrowser();
const OUT = join(REPO_ROOT, 'target', 'screenshots');

for (const viewport of [DESKTOP, PHONE]) {
  test(`screenshots at ${viewport.width} px`, async () => {
    mkdirSync(OUT, { recursive: true });
    const page = await env.newPage({ viewport });
    for (const { name, path } of PAGES) {
      await page.goto(path);
      await page.screenshot({ path: join(OUT, `${name}-${viewport.width}.png`), fullPage: true });
    }
    // and the first screenful of the timeline in dark mode
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/');
    await page.screenshot({ path: join(OUT, `timeline-dark-${viewport.width}.png`) });
    await page.context().close();
  });
}
