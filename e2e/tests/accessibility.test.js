// axe-core on every page type, in light and dark mode: zero violations of any impact.

import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { useServerAndBrowser } from '../support/browser.js';
import { PAGES } from '../support/pages.js';

const env = useServerAndBrowser();
const totals = [];

function summarise(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n')}`)
    .join('\n');
}

for (const colorScheme of ['light', 'dark']) {
  describe(`axe, ${colorScheme} mode`, () => {
    for (const { name, path, status = 200 } of PAGES) {
      test(`${name} (${path}) has no violations`, async () => {
        const page = await env.newPage({ colorScheme });
        try {
          const response = await page.goto(path);
          assert.equal(response.status(), status);
          const results = await new AxeBuilder({ page }).analyze();
          totals.push({ colorScheme, path, violations: results.violations.length, passes: results.passes.length });
          assert.equal(results.violations.length, 0, `${path} in ${colorScheme} mode:\n${summarise(results.violations)}`);
        } finally {
          await page.context().close();
        }
      });
    }
  });
}

after(() => {
  const rows = totals.map((t) => `  ${t.colorScheme.padEnd(5)} ${t.path.padEnd(48)} ${t.violations} violations, ${t.passes} rules passed`);
  console.log(`axe totals:\n${rows.join('\n')}`);
});
