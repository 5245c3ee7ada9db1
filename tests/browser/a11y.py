"""Accessibility checks for the browser tests, on real Chromium pages.

`assert_accessible(page, state)` runs axe-core (WCAG 2.1 A and AA, and axe's best
practices) at 1280 and 390 px, adds what axe does not check (every field's border and
every error's tie to its field, ids that references point at, no sideways scrolling on
a phone), saves a full-page screenshot at each width, and fails listing every problem.
`tab_to(page, name)` moves focus with Tab alone until the control of that accessible
name has it, checking on the way that every stop shows a focus ring of 3:1 or more.
`visible_texts(page)` is what a person reads there, for the wording tests.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
WIDTHS = (1280, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
NON_TEXT_CONTRAST = 3.0  # WCAG 1.4.11: borders of fields, focus rings

# Shared by the checks below: colours as the page computes them, the background
# behind an element (the first opaque one up the tree), contrast as WCAG defines it.
COLOUR_JS = """
const rgba = (text) => { const n = (text.match(/[\\d.]+/g) || []).map(Number);
  return n.length < 3 ? null : [n[0], n[1], n[2], n.length > 3 ? n[3] : 1]; };
const behind = (element) => { for (let e = element; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) return c; }
  return [255, 255, 255, 1]; };
const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100; };
const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
  (e.name ? '[name=' + e.name + ']' : '');
"""

# What axe leaves to people: fields whose edge is too faint, errors not tied to
# their field, references to ids that are not there, ids used twice, a page wider
# than a phone.
OWN_CHECKS_JS = "() => {" + COLOUR_JS + """
  const problems = [];
  const shown = (e) => e.getClientRects().length > 0 &&
    getComputedStyle(e).visibility !== 'hidden';
  const fields = document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea');
  for (const field of fields) {
    if (!shown(field)) continue;
    const style = getComputedStyle(field);
    const border = rgba(style.borderTopColor);
    if (parseFloat(style.borderTopWidth) < 1 || !border) {
      problems.push(`field-border: ${describe(field)} has no border`); continue; }
    const outside = ratio(border, behind(field.parentElement));
    const inside = ratio(border, behind(field));
    if (Math.min(outside, inside) < 3) problems.push(
      `field-border: ${describe(field)} border ${style.borderTopColor} is ` +
      `${Math.min(outside, inside)}:1 against its background (3:1 needed)`);
  }
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const e of document.querySelectorAll(`[${attr}]`)) {
      for (const id of e.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(
          `broken-reference: ${describe(e)} ${attr} names #${id}, which is not on the page`);
      }
    }
  }
  const seen = new Map();
  for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
  for (const [id, count] of seen) if (count > 1) problems.push(`duplicate-id: #${id} x${count}`);
  for (const error of document.querySelectorAll('.error[id$="-error"]')) {
    if (error.id === '_form-error' || !shown(error)) continue;
    const field = document.querySelector(`[aria-describedby~="${error.id}"]`);
    if (!field) problems.push(
      `error-not-tied: "${error.innerText.trim()}" (#${error.id}) is named by no field's ` +
      'aria-describedby');
    else if (field.getAttribute('aria-invalid') !== 'true') problems.push(
      `error-not-tied: ${describe(field)} shows #${error.id} but lacks aria-invalid="true"`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(
    `reflow: the page is ${document.documentElement.scrollWidth} px wide in a ` +
    `${window.innerWidth} px window (it scrolls sideways)`);
  return problems;
}"""

FOCUS_JS = "() => {" + COLOUR_JS + """
  const e = document.activeElement;
  if (!e || e === document.body) return {where: 'body', problem: null};
  const style = getComputedStyle(e);
  const where = describe(e) + ' "' + (e.innerText || e.value || e.getAttribute('aria-label')
    || '').trim().slice(0, 40) + '"';
  const colour = rgba(style.outlineColor);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2 || !colour)
    return {where, problem: `${where} shows no focus ring of 2 px or more`};
  const offset = parseFloat(style.outlineOffset) || 0;
  const around = offset > 0 ? behind(e.parentElement) : behind(e);
  const contrast = ratio(colour, around);
  return {where, contrast, problem: contrast < 3 ?
    `${where}: focus ring ${style.outlineColor} is ${contrast}:1 against ${around} ` +
    '(3:1 needed)' : null};
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make install` installs axe-core "
                             "(npm ci --prefix .tools)")
    return AXE.read_text()


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())  # through the debugger: the page's CSP stays on
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
        return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map((n) => n.target.join(' '))}));
    }""", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {target}"
            for v in result for target in v["targets"]]


def screenshot_path(state: str, width: int) -> Path:
    return SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', state.lower())}-{width}.png"


def accessibility_problems(page: Any, state: str) -> list[str]:
    """Every problem at each width, each screenshot saved on the way."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size or {"width": 1280, "height": 800}
    problems: list[str] = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            found = axe_violations(page) + page.evaluate(OWN_CHECKS_JS)
            problems += [f"{width} px: {line}" for line in found]
            page.screenshot(path=str(screenshot_path(state, width)), full_page=True)
    finally:
        page.set_viewport_size(before)
    return problems


def assert_accessible(page: Any, state: str) -> None:
    """No axe violation (WCAG 2.1 A/AA and best practices) nor any of our own checks'
    problems at 1280 and 390 px; screenshots in var/screenshots/<state>-<width>.png."""
    problems = accessibility_problems(page, state)
    assert not problems, (f"{state} ({page.url}): {len(problems)} accessibility "
                          "problem(s):\n  " + "\n  ".join(problems))


def tab_to(page: Any, name: str, role: str | None = None, *, backwards: bool = False,
           max_tabs: int = 40) -> int:
    """Presses Tab (Shift+Tab with `backwards`) until the control named `name` (its
    accessible name: label, button or link text) has focus; returns how many presses
    it took. Fails if it is not reached within `max_tabs`, or if any stop on the way
    shows no focus ring of 3:1 against what surrounds it."""
    if role is not None:
        target = page.get_by_role(role, name=name, exact=True)
    else:
        target = (page.get_by_label(name, exact=True)
                  .or_(page.get_by_role("button", name=name, exact=True))
                  .or_(page.get_by_role("link", name=name, exact=True)))
    stops: list[str] = []
    for presses in range(1, max_tabs + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = page.evaluate(FOCUS_JS)
        assert focus["problem"] is None, focus["problem"]
        if not stops or stops[-1] != focus["where"]:
            stops.append(focus["where"])
        if target.evaluate_all("(found) => found.includes(document.activeElement)"):
            return presses
    raise AssertionError(f"{name!r} not reached in {max_tabs} Tab presses; focus went "
                         "through:\n  " + "\n  ".join(stops))


def focused_name(page: Any) -> str:
    """A short description of what has focus, for messages."""
    return str(page.evaluate(FOCUS_JS)["where"])


VISIBLE_TEXTS_JS = """() => {
  const out = {title: document.title, body: document.body.innerText};
  const attrs = [];
  for (const e of document.querySelectorAll('[aria-label], [placeholder], [alt], [title]'))
    for (const a of ['aria-label', 'placeholder', 'alt', 'title'])
      if (e.hasAttribute(a)) attrs.push(e.getAttribute(a));
  for (const o of document.querySelectorAll('option')) attrs.push(o.textContent);
  for (const i of document.querySelectorAll('input[type=submit], input[type=button]'))
    attrs.push(i.value);
  out.attributes = attrs.join('\\n');
  return out;
}"""


def visible_texts(page: Any) -> dict[str, str]:
    """What a person reads on the page: its title, the body's rendered text, and the
    labels, placeholders, alternative texts, tooltips and options of its controls."""
    texts: dict[str, str] = page.evaluate(VISIBLE_TEXTS_JS)
    return texts
