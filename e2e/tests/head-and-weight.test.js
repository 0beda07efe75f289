// What a shared link, a printer and a slow connection see: the head's tags, the print
// stylesheet, the page weight and the absence of scripts and third-party requests.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { useServerAndBrowser } from '../support/browser.js';
import { PAGES } from '../support/pages.js';

const env = useServerAndBrowser();

/** Bytes on the wire for `path` when the client accepts `encoding`, and the encoding served. */
function transferSize(path, encoding) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, env.baseURL), { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: res.headers['content-encoding'] ?? 'identity', status: res.statusCode }));
    });
    req.on('error', reject);
  });
}

describe('head, print and weight', () => {
  test('every page has a title, description, canonical link and Open Graph tags', async () => {
    const page = await env.newPage();
    for (const { path, status = 200, canonical } of PAGES) {
      await page.goto(path);
      const head = await page.evaluate(() => {
        const attr = (selector, name) => document.head.querySelector(selector)?.getAttribute(name) ?? null;
        return {
          title: document.title,
          description: attr('meta[name="description"]', 'content'),
          canonical: attr('link[rel="canonical"]', 'href'),
          ogTitle: attr('meta[property="og:title"]', 'content'),
          ogDescription: attr('meta[property="og:description"]', 'content'),
          ogType: attr('meta[property="og:type"]', 'content'),
          ogUrl: attr('meta[property="og:url"]', 'content'),
          ogSiteName: attr('meta[property="og:site_name"]', 'content'),
        };
      });
      assert.match(head.title, / · tradewatch$/, `${path}: title`);
      assert.ok(head.description?.length > 20, `${path}: description "${head.description}"`);
      assert.ok(head.ogTitle?.length > 0, `${path}: og:title`);
      assert.equal(head.ogDescription, head.description, `${path}: og:description`);
      assert.match(head.ogType ?? '', /^(website|article|profile)$/, `${path}: og:type`);
      assert.equal(head.ogSiteName, 'tradewatch');
      if (status === 200) {
        // the absolute address of the page as requested (the server's public URL is its own)
        const expected = new URL(canonical ?? path, env.baseURL).href;
        assert.equal(head.canonical, expected, `${path}: canonical`);
        assert.equal(head.ogUrl, expected, `${path}: og:url`);
      } else {
        assert.equal(head.canonical, null, `${path}: an error page names no canonical address`);
      }
    }
    await page.context().close();
  });

  test('the timeline weighs under 60 KB compressed with its stylesheet, with no scripts or third parties', async () => {
    const page = await env.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('/');
    const origin = new URL(env.baseURL).origin;
    for (const url of requests) assert.equal(new URL(url).origin, origin, `a request leaves the site: ${url}`);
    assert.equal(await page.locator('script').count(), 0, 'no JavaScript');
    await page.context().close();

    const assets = [...new Set(requests.map((u) => new URL(u).pathname + new URL(u).search))];
    let total = 0;
    const lines = [];
    for (const asset of assets) {
      const { bytes, encoding, status } = await transferSize(asset, 'br, gzip');
      assert.equal(status, 200, asset);
      total += bytes;
      lines.push(`  ${asset}: ${(bytes / 1024).toFixed(1)} KB (${encoding})`);
    }
    console.log(`page weight of /:\n${lines.join('\n')}\n  total: ${(total / 1024).toFixed(1)} KB`);
    assert.ok(total < 60 * 1024, `/ weighs ${total} bytes compressed`);
  });

  test('an event and an official print without navigation and with link addresses', async () => {
    const page = await env.newPage();
    await page.emulateMedia({ media: 'print' });
    for (const path of ['/events/raimondo-meets-li-qiang', '/officials/gina-raimondo']) {
      await page.goto(path);
      for (const selector of ['.site-nav', '.site-search', '.skip-link', '.pager']) {
        const hidden = await page.locator(selector).evaluateAll((els) => els.every((el) => getComputedStyle(el).display === 'none'));
        assert.ok(hidden, `${path}: ${selector} is not printed`);
      }
      const link = page.locator('.record a[href^="/"]').first();
      const href = await link.getAttribute('href');
      const after = await link.evaluate((el) => getComputedStyle(el, '::after').content);
      assert.equal(after, `" (${href})"`, `${path}: a link in the record prints its address`);
      const brand = await page.locator('.brand').evaluate((el) => getComputedStyle(el, '::after').content);
      assert.equal(brand, 'none', 'links outside the record do not');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.match(bg, /^rgb\(255, 255, 255\)$|^rgba\(0, 0, 0, 0\)$/, 'prints on white');
    }
    await page.context().close();
  });
});
