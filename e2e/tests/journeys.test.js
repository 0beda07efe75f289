// Journeys a person takes through the dashboard, asserting on what they see after each step.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, PHONE } from '../support/browser.js';
import { PAGES } from '../support/pages.js';
import { contrastFailures } from '../support/contrast.js';

const env = useServerAndBrowser();

/** The number in the results heading, e.g. "7 events match these filters" -> 7. */
async function shownTotal(page) {
  const heading = await page.locator('#results-heading').innerText();
  const match = /^(\d+) events?\b/.exec(heading.trim());
  assert.ok(match, `the results heading states a count: "${heading}"`);
  return Number(match[1]);
}

const eventCards = (page) => page.locator('#results .event');

/** The count shown beside one facet option, e.g. the "Export controls 4" checkbox -> 4. */
async function optionCount(page, param, value) {
  // textContent: the option may sit in a closed <details>, where innerText is empty
  return Number(await page.locator(`label[for="f-${param}-${value}"] .count`).textContent());
}

async function submitFilters(page) {
  await Promise.all([page.waitForURL(() => true, { waitUntil: 'load' }), page.getByRole('button', { name: 'Apply filters' }).click()]);
}

/** Whether the focused element draws a visible focus indicator (an outline or a box-shadow). */
function focusIndicator(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, what: 'nothing focused' };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== 'none';
    const rect = el.getBoundingClientRect();
    const what = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ')[0] : ''}`;
    return { ok: (outline || shadow) && rect.width > 0 && rect.height > 0, what };
  });
}

describe('journeys', () => {
  test('1. choose an official: only their events, the URL carries the filter, reload keeps it', async () => {
    const page = await env.newPage();
    await page.goto('/');
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'US–China trade relations' }).waitFor());
    const all = await shownTotal(page);
    // The timeline lists its events 50 to a page.
    assert.equal(await eventCards(page).count(), Math.min(all, 50), 'the plain timeline lists its first page of events');
    const expected = await optionCount(page, 'official', 'gina-raimondo');
    assert.ok(expected > 0 && expected < all, 'Raimondo has some but not all events');

    await page.getByLabel(/^Gina Raimondo\b/).check();
    await submitFilters(page);

    const url = new URL(page.url());
    assert.equal(url.pathname, '/');
    assert.deepEqual(url.searchParams.getAll('official'), ['gina-raimondo']);
    assert.equal(await shownTotal(page), expected, 'the heading counts what the option promised');
    assert.match(await page.locator('#results-heading').innerText(), /match these filters/);
    const people = await eventCards(page).locator('.event__people').allInnerTexts();
    assert.equal(people.length, Math.min(expected, 50), 'one card per matching event, on the first page');
    for (const line of people) assert.match(line, /Gina Raimondo/);
    assert.ok(await page.getByRole('link', { name: 'Remove filter Official: Gina Raimondo' }).isVisible(), 'the active filter is shown as a chip');

    await page.reload();
    assert.deepEqual(new URL(page.url()).searchParams.getAll('official'), ['gina-raimondo']);
    assert.ok(await page.getByLabel(/^Gina Raimondo\b/).isChecked(), 'the checkbox stays checked');
    assert.equal(await shownTotal(page), expected);
    await page.context().close();
  });

  test('2. add a topic: the intersection and the facet counts change; clear filters', async () => {
    const page = await env.newPage();
    await page.goto('/?official=gina-raimondo');
    const withOfficial = await shownTotal(page);
    const topicBefore = await optionCount(page, 'topic', 'export-controls');
    await page.goto('/');
    const topicUnfiltered = await optionCount(page, 'topic', 'export-controls');
    assert.ok(topicBefore <= topicUnfiltered, 'facet counts narrow with the other filters');
    await page.goto('/?official=gina-raimondo');

    // The topic facet starts closed: open it the way a person would.
    await page.locator('details.facet summary', { hasText: 'Topics' }).click();
    const wangBefore = await optionCount(page, 'official', 'wang-wentao');
    await page.getByLabel(/^Export controls\b/).check();
    await submitFilters(page);

    const url = new URL(page.url());
    assert.deepEqual(url.searchParams.getAll('official'), ['gina-raimondo']);
    assert.deepEqual(url.searchParams.getAll('topic'), ['export-controls']);
    const both = await shownTotal(page);
    assert.equal(both, topicBefore, 'the topic option had counted the intersection');
    assert.ok(both > 0 && both < withOfficial, 'the intersection is smaller than the official alone');
    for (const card of await eventCards(page).all()) {
      assert.match(await card.locator('.event__people').innerText(), /Gina Raimondo/);
      assert.match(await card.locator('.chips').innerText(), /Export controls/);
    }
    const wangAfter = await optionCount(page, 'official', 'wang-wentao');
    assert.ok(wangAfter < wangBefore, `another official's count follows the new filter (${wangBefore} -> ${wangAfter})`);
    assert.match(await page.locator('details.facet summary', { hasText: 'Topics' }).innerText(), /1 selected/);

    await Promise.all([page.waitForURL((u) => u.search === ''), page.locator('.active-filters').getByRole('link', { name: 'Clear filters' }).click()]);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/');
    assert.doesNotMatch(await page.locator('#results-heading').innerText(), /match/);
    assert.equal(await page.locator('.filter-form input[type="checkbox"]:checked').count(), 0);
    await page.context().close();
  });

  test('3. a date range from the date inputs; an impossible range shows the error by the form', async () => {
    const page = await env.newPage();
    await page.goto('/');
    const all = await shownTotal(page);
    await page.getByLabel('From', { exact: true }).fill('2023-08-01');
    await page.getByLabel('To', { exact: true }).fill('2023-08-31');
    await submitFilters(page);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('from'), '2023-08-01');
    assert.equal(url.searchParams.get('to'), '2023-08-31');
    const inAugust = await shownTotal(page);
    assert.ok(inAugust > 0 && inAugust < all, `August 2023 holds some events (${inAugust} of ${all})`);
    // An event matches when any day it may have fallen on lies in the range, so spans that
    // reach into August 2023 are listed too.
    for (const heading of await page.locator('.period__heading').allTextContents()) {
      assert.match(heading, /2023/, `the period "${heading}" reaches into August 2023`);
    }
    assert.ok(await page.getByRole('link', { name: 'Raimondo meets Premier Li Qiang' }).isVisible());
    assert.equal(await page.getByRole('link', { name: 'Biden and Xi meet in Indonesia' }).count(), 0, 'a November 2022 event is gone');
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '2023-08-01', 'the inputs keep what was typed');

    await page.getByLabel('From', { exact: true }).fill('2023-09-01');
    await page.getByLabel('To', { exact: true }).fill('2023-08-01');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().isNavigationRequest()), page.getByRole('button', { name: 'Apply filters' }).click()]);
    await page.waitForLoadState('load');
    assert.equal(response.status(), 400);
    const alert = page.getByRole('alert');
    assert.ok(await alert.isVisible(), 'the error is shown');
    assert.match(await alert.innerText(), /Check the filter/);
    const form = await page.locator('.filter-form').boundingBox();
    const box = await alert.boundingBox();
    assert.ok(box.y >= form.y && box.y + box.height <= form.y + form.height, 'the error sits inside the filter form');
    assert.ok(box.y < 800, 'the error is in the first screenful');
    assert.equal(await page.locator('.filter-form').getAttribute('aria-describedby'), 'filter-error');
    assert.match(await page.locator('#results-heading').innerText(), /needs correcting/);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '2023-09-01', 'the bad values stay to be corrected');
    await page.context().close();
  });

  test('4. follow an event, see its participants and sources, visit an official, go Back', async () => {
    const page = await env.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Raimondo meets Premier Li Qiang' }).click();
    await page.waitForURL('**/events/raimondo-meets-li-qiang');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Raimondo meets Premier Li Qiang');
    assert.match(await page.title(), /^Raimondo meets Premier Li Qiang · tradewatch$/);

    const participants = page.getByRole('region', { name: 'Participants' });
    const people = await participants.locator('.person__name').allInnerTexts();
    assert.ok(people.includes('Gina Raimondo') && people.includes('Li Qiang'), `participants: ${people}`);
    const sources = page.getByRole('region', { name: 'Sources' });
    assert.ok(await sources.locator('cite').first().isVisible(), 'the source is named');
    assert.ok((await sources.locator('.paragraph').count()) > 0, 'the cited paragraphs are shown');
    // A full text's paragraphs are numbered ¶ n, an editors' summary's points "point n".
    assert.match(await sources.locator('.paragraph__number').first().innerText(), /^(¶|point) \d+$/);

    await participants.getByRole('link', { name: 'Li Qiang' }).click();
    await page.waitForURL('**/officials/li-qiang');
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /^Li Qiang/);
    assert.ok(await page.getByRole('link', { name: 'Raimondo meets Premier Li Qiang' }).isVisible(), "the event is on the official's page");

    await page.goBack();
    await page.waitForURL('**/events/raimondo-meets-li-qiang');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Raimondo meets Premier Li Qiang');
    await page.context().close();
  });

  test('5. search from the header box and reach an event from a result', async () => {
    const page = await env.newPage();
    await page.goto('/officials');
    const box = page.getByRole('search').getByRole('searchbox');
    await box.fill('tourism');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'tourism'), box.press('Enter')]);

    const url = new URL(page.url());
    // The header box searches the timeline today; a /search page may take over. Either way the
    // reader follows an event from the results.
    let result;
    if (url.pathname === '/search') {
      result = page.locator('main a[href^="/events/"]').first();
    } else {
      assert.equal(url.pathname, '/');
      assert.ok((await shownTotal(page)) > 0, 'the search finds events');
      assert.match(await page.locator('#results-heading').innerText(), /match these filters/);
      assert.equal(await page.locator('#filter-q').inputValue(), 'tourism', 'the query shows in the filter form');
      result = eventCards(page).locator('.event__title a').first();
    }
    const title = (await result.innerText()).trim();
    await result.click();
    await page.waitForURL('**/events/**');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title);
    assert.match(await page.locator('main').innerText(), /touris/i, 'the event is about what was searched');
    await page.context().close();
  });

  test('6. keyboard only: skip link, the filter form, submit with Enter, focus always visible', async () => {
    const page = await env.newPage();
    await page.goto('/');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    const skip = await page.locator('.skip-link').boundingBox();
    assert.ok(skip && skip.y >= 0 && skip.y < 100, 'the focused skip link comes into view');
    assert.deepEqual((await focusIndicator(page)).ok, true);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to the content');

    // Tab on to the text field, checking every stop shows where focus is.
    const stops = [];
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== 'filter-q'; i++) {
      await page.keyboard.press('Tab');
      const focus = await focusIndicator(page);
      stops.push(focus.what);
      assert.ok(focus.ok, `focus is visible on ${focus.what}`);
    }
    assert.equal(await page.evaluate(() => document.activeElement.id), 'filter-q', `reached the text field via ${stops.join(' > ')}`);
    await page.keyboard.type('export');

    // Through the rest of the form to the submit button, ticking the first official on the way.
    let ticked = false;
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      const focus = await focusIndicator(page);
      assert.ok(focus.ok, `focus is visible on ${focus.what}`);
      const el = await page.evaluate(() => ({ type: document.activeElement.type, name: document.activeElement.name, text: document.activeElement.textContent }));
      if (!ticked && el.type === 'checkbox' && el.name === 'official') {
        await page.keyboard.press('Space');
        ticked = true;
      }
      if (el.type === 'submit' && /Apply filters/.test(el.text)) break;
    }
    assert.ok(ticked, 'an official checkbox was reachable by Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Apply filters');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'export'), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.searchParams.getAll('official').length, 1, 'the ticked official was submitted');

    // Enter in the text field submits too.
    await page.locator('#filter-q').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('tourism');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'tourism'), page.keyboard.press('Enter')]);
    await page.context().close();
  });

  test('7. at 360×740 every page fits the width and the filters are reachable', async () => {
    const page = await env.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    for (const { path } of PAGES) {
      await page.goto(path);
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(scrollWidth <= clientWidth, `${path} scrolls sideways: ${scrollWidth} > ${clientWidth}`);
      const sizes = await page.evaluate(() => ({
        body: parseFloat(getComputedStyle(document.body).fontSize),
        smallest: Math.min(...[...document.querySelectorAll('main *')]
          .filter((el) => el.getClientRects().length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
          .map((el) => parseFloat(getComputedStyle(el).fontSize))),
      }));
      assert.ok(sizes.body >= 16, `${path}: body text is ${sizes.body}px`);
      assert.ok(sizes.smallest >= 12, `${path}: the smallest text is ${sizes.smallest}px`);
    }

    await page.goto('/');
    const search = page.locator('#filter-q');
    await search.scrollIntoViewIfNeeded();
    assert.ok(await search.isVisible());
    const apply = page.getByRole('button', { name: 'Apply filters' });
    await apply.scrollIntoViewIfNeeded();
    const box = await apply.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, 'the submit button is within the screen');
    assert.ok(box.height >= 24, 'the submit button is a usable target');
    // Past the filters to the results in one step.
    await page.goto('/');
    await page.locator('.skip-to-results').click();
    assert.equal(new URL(page.url()).hash, '#results');
    // (the scroll may be smooth: wait for it to settle)
    await page.waitForFunction(() => {
      const top = document.querySelector('#results-heading').getBoundingClientRect().top;
      return top >= -1 && top < innerHeight / 2;
    }, null, { timeout: 5000 });
    await page.context().close();
  });

  test('8. in dark mode, text and controls keep WCAG AA contrast', async () => {
    const page = await env.newPage({ colorScheme: 'dark' });
    for (const { path } of PAGES) {
      await page.goto(path);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.match(bg, /^rgb\((\d|[1-4]\d), (\d|[1-4]\d), (\d|[1-4]\d)\)$/, `${path} is dark: ${bg}`);
      const failures = await contrastFailures(page);
      assert.deepEqual(failures, [], `${path}: contrast below AA`);
    }
    await page.context().close();
  });

  test('9. a chart column opens its month; the toggle restacks it; the marks stand out in both themes', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await env.newPage({ colorScheme });
      await page.goto('/?official=gina-raimondo&from=2023&to=2023');
      const column = page.locator('#timeline-chart a.chart__col[data-period="2023-08"]');
      const count = Number(await column.getAttribute('data-count'));
      assert.ok(count > 0, 'August 2023 has events');
      // Every mark of the chart reaches 3:1 against the chart's background.
      const weak = await page.evaluate(() => {
        const parse = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => {
          const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
          return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
        };
        const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
        const bg = parse(getComputedStyle(document.querySelector('#timeline-chart')).backgroundColor);
        return [...document.querySelectorAll('#timeline-chart .chart__seg, #timeline-chart .chart__span-bar')]
          .map((el) => [el.getAttribute('class'), ratio(parse(getComputedStyle(el).fill), bg)])
          .filter(([, r]) => r < 3)
          .map(([cls, r]) => `${cls}: ${r.toFixed(2)}`);
      });
      assert.deepEqual(weak, [], `${colorScheme}: chart marks below 3:1`);
      // The column is a link, reachable by keyboard like any other.
      await column.focus();
      await Promise.all([page.waitForURL((u) => u.searchParams.get('range') === 'within'), page.keyboard.press('Enter')]);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('official'), 'gina-raimondo', 'the other filters are kept');
      assert.equal(url.searchParams.get('from'), '2023-08-01');
      assert.equal(url.searchParams.get('to'), '2023-08-31');
      assert.equal(await shownTotal(page), count);
      assert.equal(await eventCards(page).count(), count);
      // Restack by kind: the same columns, the filters kept.
      await Promise.all([page.waitForURL((u) => u.searchParams.get('stack') === 'kind'), page.locator('.chart__stack a', { hasText: 'kind' }).click()]);
      assert.equal(Number(await page.locator('#timeline-chart a.chart__col[data-period="2023-08"]').getAttribute('data-count')), count);
      assert.equal(await shownTotal(page), count);
      await page.context().close();
    }
  });
});
