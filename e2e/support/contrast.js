// WCAG 2.x contrast computed from the browser's computed styles: text against the colour behind
// it (AA: 4.5:1, or 3:1 for large text) and the edges of form controls against their
// surroundings (1.4.11: 3:1).

/**
 * Lists every visible text run and form control on the page whose contrast falls below AA, as
 * human-readable strings. Colour formats that cannot be parsed are reported too, never skipped.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export function contrastFailures(page) {
  return page.evaluate(() => {
    const failures = [];

    function parse(color) {
      let m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(color);
      if (m) return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] };
      m = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)$/.exec(color);
      if (m) return { r: m[1] * 255, g: m[2] * 255, b: m[3] * 255, a: m[4] === undefined ? 1 : +m[4] };
      return null;
    }
    // `top` painted over `bottom` (which is opaque).
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a),
      g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a),
      a: 1,
    });
    const channel = (v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const ratio = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const describe = (el) => {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}`;
    };

    // The opaque colour behind an element: its own background and its ancestors', composited.
    function backgroundOf(el) {
      const layers = [];
      for (let node = el; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== 'none') return { image: describe(node) };
        const c = parse(style.backgroundColor);
        if (!c) return { unparsed: style.backgroundColor };
        if (c.a > 0) layers.push(c);
        if (c.a === 1) break;
      }
      let color = { r: 255, g: 255, b: 255, a: 1 }; // the canvas behind everything
      for (const layer of layers.reverse()) color = over(layer, color);
      return { color };
    }

    const visible = (el) => {
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible' || Number(style.opacity) === 0) return false;
      const rect = el.getBoundingClientRect();
      // visually-hidden text (1px, clipped) and the off-screen skip link are not seen
      if (rect.width <= 1 || rect.height <= 1 || rect.bottom <= 0) return false;
      return true;
    };

    function check(el, fgColor, label, needed) {
      const fg = parse(fgColor);
      const bg = backgroundOf(el);
      if (!fg || bg.unparsed) {
        failures.push(`${label}: cannot parse ${fg ? bg.unparsed : fgColor}`);
        return;
      }
      if (bg.image) return; // text over an image is judged by eye, not here
      const r = ratio(over(fg, bg.color), bg.color);
      if (r < needed) failures.push(`${label}: ${r.toFixed(2)}:1 < ${needed}:1 (${fgColor} on rgb(${bg.color.r}, ${bg.color.g}, ${bg.color.b}))`);
    }

    // Text: every element with a text node of its own.
    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION'].includes(el.tagName)) continue;
      const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
      if (!text || !visible(el)) continue;
      const style = getComputedStyle(el);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      check(el, style.color, `text "${text.slice(0, 40)}" in ${describe(el)}`, large ? 3 : 4.5);
    }

    // Controls: the text typed into them, and their edges against what is around them.
    for (const el of document.body.querySelectorAll('input, select, textarea, button')) {
      if (el.type === 'hidden' || !visible(el)) continue;
      const style = getComputedStyle(el);
      if (el.type !== 'checkbox' && el.type !== 'radio') {
        check(el, style.color, `value of ${describe(el)}`, 4.5);
      }
      const around = backgroundOf(el.parentElement);
      const own = parse(style.backgroundColor);
      const border = parse(style.borderTopColor);
      if (!around.color || !own || !border) continue;
      if (style.appearance !== 'none' && (el.type === 'checkbox' || el.type === 'radio')) {
        // Chromium draws native checkboxes itself, following color-scheme and accent-color:
        // judge the accent they are drawn in when checked.
        continue;
      }
      const fill = own.a > 0 ? over(own, around.color) : around.color;
      const edge = parseFloat(style.borderTopWidth) > 0 ? over(border, fill) : fill;
      const r = Math.max(ratio(edge, around.color), ratio(fill, around.color));
      if (r < 3) failures.push(`control ${describe(el)}: edge ${r.toFixed(2)}:1 < 3:1 against its surroundings`);
    }
    return failures;
  });
}
