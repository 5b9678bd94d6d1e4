#!/usr/bin/env python3
"""UX crawl: every demo page, as each kind of visitor reaches it by following
links, checked in headless Chromium at a desktop and a phone width.

For each role (visitor, member, org-admin, analyst, editor, moderator,
admin) the script signs in to a demo portal (`lookout serve --demo`) in its
own headless Chromium, enrolling the second factor where the portal asks
for one, and follows every same-origin `<a href>` from `/` (GET only; at
most PER_SHAPE pages per URL shape, as in
crates/lookout-server/tests/page_weight.rs). On every page, at 1280x900 and
390x844:

  overflow  the page does not scroll sideways (scrollWidth <= innerWidth + 1);
            boxes that scroll within themselves are fine
  colour    no visible control (a, button, input, select, textarea, summary,
            label) has text the colour of its effective background
  axe       axe-core reports no violation of impact serious or critical
  http      every link a page shows answers 200 (or redirects)

each with the page as it loads and again with its disclosures open (every
<details>, and the header menu that collapses behind "Menu" on a phone);
what only the open state shows is reported at "WIDTH open". The viewport
size is set exactly with DevTools' Emulation.setDeviceMetricsOverride on
one browser per role, not by restarting it.

and the HTML of every page as served (fetched again with the browser's
cookies) goes to the Nu HTML checker once at the end:

  vnu       no error (--errors-only)

Prints every failure grouped by check and rule with the pages it was seen
on, and a summary; exits 1 if anything failed.

Usage: python3 .ci/ux_crawl.py --lookout PATH_TO_LOOKOUT_BINARY

Installs what it needs when missing: selenium 4 (pip), axe-core and vnu-jar
(npm, pinned, into /var/tmp/lookout-ci-npm or --npm-dir), and, as root,
Debian's chromium and chromium-driver. Needs java (17+) for vnu.jar.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html.parser
import json
import os
import pathlib
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict, deque
from dataclasses import dataclass, field

SELENIUM_SPEC = "selenium==4.*"
AXE_VERSION = "4.14.1"
VNU_VERSION = "26.9.27"
DEFAULT_NPM_DIR = "/var/tmp/lookout-ci-npm"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

ROLES = [
    ("visitor", None),
    ("member", "it@northwind-tankers.example"),
    ("org-admin", "cso@northwind-tankers.example"),
    ("analyst", "analyst@lookout.example"),
    ("editor", "editor@lookout.example"),
    ("moderator", "moderator@lookout.example"),
    ("admin", "admin@lookout.example"),
]
WIDTHS = [(1280, 900), (390, 844)]
PER_SHAPE = 2
# TOTP keys enrolled in this run (a retried role signs in with them) and the
# last time step each was used for.
SECOND_FACTORS: dict[str, str] = {}
USED_STEPS: dict[str, int] = {}
MFA_LOCK = threading.Lock()
MFA_PAGES_CHECKED: list[str] = []
# Downloads (attachments, an article saved for offline use) are not pages.
SKIP_PATH = re.compile(r"(^/static/|/attachments/|/offline\.html$|logout|log-out|sign-?out)", re.I)

# ---------------------------------------------------------------- setup


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_browser() -> None:
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"need {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)")
    log("installing chromium and chromium-driver (apt)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def ensure_selenium() -> None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        log(f"installing {SELENIUM_SPEC} (pip)")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", SELENIUM_SPEC],
            check=True,
        )


def ensure_npm(npm_dir: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """axe-core and vnu-jar at the pinned versions in npm_dir."""
    axe = npm_dir / "node_modules" / "axe-core" / "axe.min.js"
    vnu = npm_dir / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

    def version(package: str) -> str | None:
        try:
            manifest = npm_dir / "node_modules" / package / "package.json"
            return json.loads(manifest.read_text())["version"]
        except (OSError, ValueError, KeyError):
            return None

    if version("axe-core") != AXE_VERSION or version("vnu-jar") != VNU_VERSION or not vnu.exists():
        log(f"installing axe-core@{AXE_VERSION} and vnu-jar@{VNU_VERSION} (npm) into {npm_dir}")
        npm_dir.mkdir(parents=True, exist_ok=True)
        manifest = npm_dir / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "lookout-ci-tools", "private": true}\n')
        subprocess.run(
            [
                "npm", "install", "--prefix", str(npm_dir), "--no-audit", "--no-fund",
                "--silent", f"axe-core@{AXE_VERSION}", f"vnu-jar@{VNU_VERSION}",
            ],
            check=True,
        )
    return axe, vnu


# ---------------------------------------------------------------- portal


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Portal:
    """`lookout serve --demo` on a free loopback port; reads the demo
    accounts it prints."""

    def __init__(self, binary: str):
        self.data_dir = tempfile.mkdtemp(prefix="lookout-ux-data-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOOKOUT_")}
        env["LOOKOUT_LOG"] = "warn"
        self.stderr = open(os.path.join(self.data_dir, "serve.stderr"), "w+")
        self.process = subprocess.Popen(
            [binary, "serve", "--demo", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        self.passwords: dict[str, str] = {}
        self.output: list[str] = []
        deadline = time.time() + 120
        ready = threading.Event()

        def read() -> None:
            assert self.process.stdout
            for line in self.process.stdout:
                self.output.append(line.rstrip("\n"))
                m = re.match(r"^\s+(\S+@\S+)\s+(\S+)\s+(\S+)\s*$", line)
                if m:
                    self.passwords[m.group(1)] = m.group(3)
                if "is running at" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        while not ready.wait(0.2):
            if time.time() > deadline:
                break
        if self.process.poll() is not None or not self.passwords:
            self.stop()
            self.stderr.seek(0)
            sys.exit(
                "the portal did not start:\n" + "\n".join(self.output) + "\n" + self.stderr.read()
            )
        # Up and answering.
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)


# ---------------------------------------------------------------- helpers


def totp(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238: HMAC-SHA1, 30 s steps, 6 digits."""
    secret = secret_b32.strip().replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def shape(path: str) -> str:
    """`/incidents/I-3F2A` and `/incidents/I-99B0` are one shape."""
    return "/".join("N" if any(c.isdigit() for c in part) else part for part in path.split("/"))


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        a = dict(attrs)
        if a.get("href") is not None and "download" not in a:
            self.hrefs.append(a["href"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


@dataclass
class Fetched:
    status: int
    content_type: str
    location: str | None
    body: bytes


def fetch(url: str, cookie: str) -> Fetched:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": "text/html"})
    try:
        with OPENER.open(request, timeout=30) as response:
            return Fetched(
                response.status, response.headers.get("content-type", ""), None, response.read()
            )
    except urllib.error.HTTPError as e:
        return Fetched(e.code, e.headers.get("content-type", ""), e.headers.get("location"), e.read())


# ---------------------------------------------------------------- in-page checks

# Why the page scrolls sideways: the outermost boxes that stick out of the
# viewport on the right, and boxes whose content spills out of them, that are
# not inside a box that clips or scrolls them.
OVERFLOW_JS = r"""
const limit = window.innerWidth + 1;
const doc = document.documentElement;
const result = {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, offenders: []};
if (doc.scrollWidth <= limit) return result;
function clipped(el) {
  for (let e = el.parentElement; e && e !== document.body && e !== doc; e = e.parentElement) {
    if (getComputedStyle(e).overflowX !== 'visible') return true;
  }
  return false;
}
// Boxes that stick out to the right, and boxes that fit but whose content
// spills out of them (a <pre> or a long word without overflow-x).
const boxes = [], spills = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  if (clipped(el)) continue;
  const right = r.right + window.scrollX;
  if (right > limit) boxes.push(el);
  else if (getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1
           && r.left + window.scrollX + el.scrollWidth > limit) spills.push(el);
}
const boxSet = new Set(boxes), spillSet = new Set(spills);
const describe = (el, kind) => {
  const r = el.getBoundingClientRect();
  return {selector: window.__uxSelector(el), kind,
    left: Math.round(r.left + window.scrollX),
    right: Math.round(kind === 'box' ? r.right + window.scrollX : r.left + window.scrollX + el.scrollWidth),
    text: (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60)};
};
for (const el of boxes) {
  let p = el.parentElement, inner = false;
  while (p) { if (boxSet.has(p)) { inner = true; break; } p = p.parentElement; }
  if (!inner) result.offenders.push(describe(el, 'box'));
}
for (const el of spills) {
  // The innermost box whose content spills, and none holding a box that sticks out.
  if ([...el.querySelectorAll('*')].some(c => spillSet.has(c) || boxSet.has(c))) continue;
  result.offenders.push(describe(el, 'content'));
}
result.offenders = result.offenders.slice(0, 6);
return result;
"""

SELECTOR_JS = r"""
window.__uxSelector = function (el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 5; e = e.parentElement) {
    if (e.id) { parts.unshift(e.localName + '#' + CSS.escape(e.id)); break; }
    let part = e.localName;
    const classes = [...e.classList].slice(0, 3).map(c => '.' + CSS.escape(c)).join('');
    part += classes;
    const parent = e.parentElement;
    if (parent && e.localName !== 'body' && e.localName !== 'html') {
      const same = [...parent.children].filter(c => c.localName === e.localName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(part);
    if (e.localName === 'body') break;
  }
  return parts.join(' > ');
};
"""

# Controls whose visible text is the colour of what is behind it.
COLOUR_JS = r"""
function rgba(s) {
  const m = s.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function shown(el) {
  if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true})) return false;
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  // Off the page (skip links waiting for focus).
  if (r.right + window.scrollX <= 0 || r.bottom + window.scrollY <= 0) return false;
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (parseFloat(cs.opacity) === 0) return false;
    if (cs.clip !== 'auto' && cs.clip !== '' && cs.position === 'absolute') return false;
    if (cs.clipPath !== 'none') return false;
    if (e !== el && e.localName === 'details' && !e.open) {
      // Only the summary of a closed <details> is rendered.
      const summary = e.querySelector(':scope > summary');
      if (!summary || !summary.contains(el)) return false;
    }
  }
  return true;
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.backgroundImage !== 'none') return null;  // an image or gradient: cannot tell
    const c = rgba(cs.backgroundColor);
    if (c && c[3] > 0) return c;
  }
  return [255, 255, 255, 1];
}
function textColour(el) {
  const cs = getComputedStyle(el);
  return rgba(cs.webkitTextFillColor || cs.color) || rgba(cs.color);
}
const NO_TEXT = new Set(['checkbox', 'radio', 'range', 'color', 'hidden', 'image']);
const failures = [];
const checked = new Set();
for (const control of document.querySelectorAll('a, button, input, select, textarea, summary, label')) {
  if (control.localName === 'input' && NO_TEXT.has(control.type)) continue;
  if (!shown(control)) continue;
  // The elements that paint the control's text.
  const painters = new Set();
  if (['input', 'select', 'textarea'].includes(control.localName)) {
    painters.add(control);
  } else {
    const walker = document.createTreeWalker(control, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.textContent.trim() && t.parentElement) painters.add(t.parentElement);
    }
  }
  for (const el of painters) {
    if (checked.has(el)) continue;
    checked.add(el);
    if (el !== control && !shown(el)) continue;
    const fg = textColour(el), bg = background(el);
    if (!fg || !bg) continue;
    if (fg[0] === bg[0] && fg[1] === bg[1] && fg[2] === bg[2]) {
      failures.push({selector: window.__uxSelector(control),
        text: (control.innerText || control.value || '').trim().replace(/\s+/g, ' ').slice(0, 60),
        colour: getComputedStyle(el).color, background: 'rgb(' + bg.slice(0, 3).join(', ') + ')'});
    }
  }
}
return failures;
"""

AXE_RUN_JS = r"""
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(results => {
  done(results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300),
                              html: n.html.slice(0, 160)}))
  })));
}).catch(e => done({error: String(e)}));
"""


# ---------------------------------------------------------------- crawl


@dataclass
class Failure:
    check: str
    rule: str  # what to group by
    detail: str  # selector / extract
    role: str
    width: str | None
    url: str
    extra: str = ""


@dataclass
class RoleResult:
    role: str
    pages: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    saved: list[tuple[str, str]] = field(default_factory=list)  # (file, url)
    error: str | None = None


class Crawler:
    def __init__(self, portal: Portal, role: str, email: str | None, axe_source: str, out_dir: str, profile_root: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.portal = portal
        self.role = role
        self.email = email
        self.axe_source = axe_source
        self.out_dir = out_dir
        self.result = RoleResult(role)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            f"--window-size={WIDTHS[0][0]},{WIDTHS[0][1]}",
            f"--user-data-dir={tempfile.mkdtemp(prefix=f'{role}-', dir=profile_root)}",
        ]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(
            service=Service(CHROMEDRIVER, log_output=subprocess.DEVNULL), options=options
        )
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(120)

    # -- browser plumbing

    def resize(self, width: int, height: int) -> None:
        # Viewport exactly width x height (no browser chrome in headless).
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        # Let layout settle.
        self.driver.execute_async_script(
            "const d = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => d()));"
        )

    def cookie_header(self) -> str:
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def save_html(self, url: str, body: bytes) -> None:
        name = f"{self.role}-{len(self.result.saved):03d}.html"
        path = os.path.join(self.out_dir, name)
        with open(path, "wb") as f:
            f.write(body)
        self.result.saved.append((path, url))

    def fail(self, check: str, rule: str, detail: str, width: str | None, url: str, extra: str = "") -> None:
        self.result.failures.append(Failure(check, rule, detail, self.role, width, url, extra))

    # -- sign-in

    def sign_in(self) -> None:
        from selenium.webdriver.common.by import By

        d = self.driver
        d.get(self.portal.base + "/login")
        d.find_element(By.ID, "email").send_keys(self.email)
        d.find_element(By.ID, "password").send_keys(self.portal.passwords[self.email])
        d.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        self.wait_for(lambda: urllib.parse.urlsplit(d.current_url).path != "/login", "leaving /login")
        path = urllib.parse.urlsplit(d.current_url).path
        if path == "/account/mfa":
            # The enrolment page and the recovery codes page are reached by
            # form, not link: check them here (once per run).
            with MFA_LOCK:
                first = not MFA_PAGES_CHECKED
                MFA_PAGES_CHECKED.append(self.role)
            if first:
                self.check_page("/account/mfa", raw=fetch(d.current_url, self.cookie_header()).body, loaded=True)
            secret = d.find_element(By.ID, "totp-secret").text.strip()
            SECOND_FACTORS[self.email] = secret
            d.find_element(By.CSS_SELECTOR, "form[action='/account/mfa'] input[name=code]").send_keys(
                self.fresh_code(secret)
            )
            d.find_element(By.CSS_SELECTOR, "form[action='/account/mfa'] button[type=submit]").click()
            self.wait_for(lambda: d.find_elements(By.LINK_TEXT, "Continue"), "the recovery codes page")
            if first:
                # After a POST: the served HTML cannot be fetched again, so no vnu.
                self.check_page("/account/mfa (recovery codes, after POST)", raw=None, loaded=True)
            d.find_element(By.LINK_TEXT, "Continue").click()
        elif path == "/login/mfa":
            # Enrolled by an earlier attempt: the code for the same key.
            secret = SECOND_FACTORS.get(self.email)
            if not secret:
                raise RuntimeError(f"{self.role}: asked for a second factor never enrolled here")
            d.find_element(By.CSS_SELECTOR, "form[action='/login/mfa'] input[name=code]").send_keys(
                self.fresh_code(secret)
            )
            d.find_element(By.CSS_SELECTOR, "form[action='/login/mfa'] button[type=submit]").click()
        self.wait_for(
            lambda: urllib.parse.urlsplit(d.current_url).path not in ("/login", "/login/mfa", "/account/mfa"),
            "the end of sign-in",
        )
        signed_in = d.execute_script(
            "return [...document.querySelectorAll('header button, header a')].map(e => e.textContent.trim())"
        )
        if "Sign out" not in signed_in:
            raise RuntimeError(f"{self.role}: no Sign out in the header after sign-in: {signed_in}")

    def fresh_code(self, secret: str) -> str:
        """A TOTP code for a time step not used before with this key (the
        portal refuses a code twice), not about to expire."""
        while True:
            now = time.time()
            step = int(now // 30)
            if USED_STEPS.get(secret) != step and 30 - now % 30 >= 3:
                USED_STEPS[secret] = step
                return totp(secret, now)
            time.sleep(0.5)

    def wait_for(self, condition, what: str, timeout: float = 20) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return
            except Exception:  # noqa: BLE001 - page in flux
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.role}: timed out waiting for {what} (at {self.driver.current_url})")

    # -- checks on the loaded page

    def check_page(self, label: str, raw: bytes | None, loaded: bool = False, url: str | None = None) -> None:
        """Checks the page at each width as it loads, then at each width
        with its disclosures open: every <details> open and, where the
        header's menu collapses behind "Menu" (#menu, shown by :target),
        that menu open. What the open state adds is reported as
        "WIDTH open"."""
        d = self.driver
        if not loaded:
            d.get(url)
        if raw is not None:
            self.save_html(label, raw)
        seen: set[tuple[str, str, str, str]] = set()
        for width, height in WIDTHS:
            self.resize(width, height)
            self.check_state(label, str(width), seen, axe=True)
        has_details = d.execute_script(
            "const closed = document.querySelectorAll('details:not([open])');"
            "closed.forEach(e => e.open = true);"
            "if (document.getElementById('menu') && location.hash !== '#menu') location.hash = 'menu';"
            "return [...closed].some(e => e.closest('main'));"
        )
        # axe with everything open on the first page and on pages with
        # disclosures of their own (the header is the same everywhere).
        axe_open = has_details or not self.result.pages
        for width, height in reversed(WIDTHS):
            self.resize(width, height)
            self.check_state(label, f"{width} open", seen, axe=axe_open)
        self.resize(*WIDTHS[0])

    def check_state(self, label: str, state: str, seen: set[tuple[str, str, str, str]], axe: bool) -> None:
        d = self.driver
        found: list[tuple[str, str, str, str]] = []  # check, rule, detail, extra
        d.execute_script(SELECTOR_JS)
        overflow = d.execute_script(OVERFLOW_JS)
        if overflow["scrollWidth"] > overflow["innerWidth"] + 1:
            offenders = overflow["offenders"] or [
                {"selector": "(no single element found)", "kind": "box", "left": 0, "right": 0, "text": ""}
            ]
            for o in offenders:
                what = "sticks out" if o["kind"] == "box" else "content spills out"
                found.append((
                    "overflow",
                    f"page scrolls sideways at {overflow['innerWidth']}px",
                    o["selector"],
                    f"page {overflow['scrollWidth']}px wide; {what} to x={o['right']}"
                    + (f"; text \"{o['text']}\"" if o["text"] else ""),
                ))
        for c in d.execute_script(COLOUR_JS):
            found.append((
                "colour",
                f"text colour {c['colour']} on background {c['background']}",
                c["selector"],
                f"text \"{c['text']}\"",
            ))
        if axe:
            if not d.execute_script("return typeof window.axe === 'object'"):
                d.execute_script(self.axe_source)
            violations = d.execute_async_script(AXE_RUN_JS)
            if isinstance(violations, dict):
                found.append(("axe", "axe-core did not run", violations.get("error", ""), ""))
                violations = []
            for v in violations:
                for node in v["nodes"][:8]:
                    found.append((
                        "axe",
                        f"{v['id']} ({v['impact']}): {v['help']}",
                        node["target"],
                        node["summary"] or node["html"],
                    ))
        width = state.split()[0]
        for check, rule, detail, extra in found:
            key = (check, rule, detail, width)
            if key in seen:
                continue
            seen.add(key)
            self.fail(check, rule, detail, state, label, extra)

    # -- the crawl

    def crawl(self) -> RoleResult:
        try:
            if self.email:
                self.sign_in()
            self.crawl_links()
        except Exception as e:  # noqa: BLE001 - report and go on with the others
            self.result.error = f"{type(e).__name__}: {e}"
        finally:
            try:
                self.driver.quit()
            except Exception:  # noqa: BLE001
                pass
        return self.result

    def crawl_links(self) -> None:
        base = self.portal.base
        origin = urllib.parse.urlsplit(base)
        queue = deque(["/"])
        seen = {"/"}
        shapes: dict[str, int] = defaultdict(int)
        shapes[shape("/")] = 1
        linked_from: dict[str, str] = {}
        started = time.time()
        while queue:
            target = queue.popleft()
            url = base + target
            page = fetch(url, self.cookie_header())
            if page.status in (301, 302, 303, 307, 308):
                if self.role != "visitor" and page.location and "/login" in page.location:
                    self.fail("http", f"{page.status} to {page.location} (signed out?)", target, None, linked_from.get(target, target))
                # Follow the redirect like a link.
                if page.location:
                    self.enqueue(page.location, url, queue, seen, shapes, linked_from, origin)
                continue
            if page.status != 200:
                self.fail("http", f"answered {page.status}", target, None, linked_from.get(target, "?"),
                          "link on that page")
                continue
            if not page.content_type.startswith("text/html"):
                continue
            self.check_page(target, raw=page.body, url=url)
            self.result.pages.append(target)
            # Still signed in?
            if self.email and "/login" in urllib.parse.urlsplit(self.driver.current_url).path:
                raise RuntimeError(f"{self.role}: signed out while crawling (at {target})")
            parser = Links()
            parser.feed(page.body.decode("utf-8", "replace"))
            for href in parser.hrefs:
                self.enqueue(href, url, queue, seen, shapes, linked_from, origin)
        log(f"{self.role}: {len(self.result.pages)} pages in {time.time() - started:.0f} s")

    def enqueue(self, href, page_url, queue, seen, shapes, linked_from, origin) -> None:
        absolute = urllib.parse.urljoin(page_url, href.strip())
        parts = urllib.parse.urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
            return
        path = parts.path or "/"
        if SKIP_PATH.search(path):
            return
        target = path + (f"?{parts.query}" if parts.query else "")
        if target in seen:
            return
        seen.add(target)
        key = shape(path)
        if shapes[key] >= PER_SHAPE:
            return
        shapes[key] += 1
        linked_from[target] = urllib.parse.urlsplit(page_url).path + (
            "?" + urllib.parse.urlsplit(page_url).query if urllib.parse.urlsplit(page_url).query else ""
        )
        queue.append(target)


# ---------------------------------------------------------------- vnu


def run_vnu(vnu_jar: pathlib.Path, saved: list[tuple[str, str, str]]) -> list[Failure]:
    """saved: (file, role, url)."""
    failures: list[Failure] = []
    if not saved:
        return failures
    by_file = {os.path.realpath(f): (role, url) for f, role, url in saved}
    out = subprocess.run(
        ["java", "-Xss8m", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *[f for f, _, _ in saved]],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(out.stderr or out.stdout)["messages"]
    except (ValueError, KeyError):
        return [Failure("vnu", "vnu.jar did not run", (out.stderr or out.stdout)[:500], "-", None, "-")]
    lines_of: dict[str, list[str]] = {}
    for m in messages:
        if m.get("type") != "error":
            continue
        path = urllib.parse.unquote(urllib.parse.urlsplit(m.get("url", "")).path)
        role, url = by_file.get(os.path.realpath(path), ("?", path))
        line = m.get("lastLine") or m.get("firstLine") or 0
        if path not in lines_of:
            try:
                lines_of[path] = pathlib.Path(path).read_text(errors="replace").splitlines()
            except OSError:
                lines_of[path] = []
        extract = (m.get("extract") or "").replace("\n", "↵")
        # The served line around the error, for finding it in a template.
        source = ""
        if 0 < line <= len(lines_of[path]):
            text = lines_of[path][line - 1]
            column = m.get("lastColumn") or 1
            start = max(0, column - 90)
            source = ("…" if start else "") + text[start : column + 40].strip() + ("…" if column + 40 < len(text) else "")
            if column < 40 and line > 1 and lines_of[path][line - 2].strip():
                # Starts a line: the element it belongs to is likely above.
                source = lines_of[path][line - 2].strip()[-70:] + " ↵ " + source
        failures.append(
            Failure("vnu", m.get("message", ""), extract.strip()[:160], role, None, url, f"line {line}: {source}")
        )
    return failures


# ---------------------------------------------------------------- report


def report(results: list[RoleResult], failures: list[Failure]) -> None:
    """Failures grouped by check, then rule, then place (selector or
    extract), each with the pages (and roles@widths) it was seen on."""
    checks = ["http", "overflow", "colour", "axe", "vnu"]

    def who(hits: list[Failure]) -> str:
        tags = sorted({h.role + (f"@{h.width}" if h.width else "") for h in hits})
        roles = {h.role for h in hits}
        if len(tags) > 6:
            widths = sorted({h.width for h in hits if h.width}, key=lambda w: (len(w), w))
            return f"{len(roles)} roles: {', '.join(sorted(roles))}" + (f" @ {', '.join(widths)}" if widths else "")
        return ", ".join(tags)

    def pages_of(hits: list[Failure], limit: int = 10) -> list[str]:
        pages: dict[str, list[Failure]] = defaultdict(list)
        for h in hits:
            pages[h.url].append(h)
        lines = [f"      - {url}  [{who(hs)}]" for url, hs in sorted(pages.items())]
        if len(lines) > limit:
            lines = lines[:limit] + [f"      - … and {len(lines) - limit} more pages"]
        return lines

    print()
    print("=" * 78)
    if not failures:
        print("No failures.")
    for check in checks:
        group = [f for f in failures if f.check == check]
        if not group:
            continue
        print(f"\n## {check}: {len(group)} failure(s)")
        by_rule: dict[str, list[Failure]] = defaultdict(list)
        for f in group:
            by_rule[f.rule].append(f)
        for rule, items in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
            print(f"\n* {rule}")
            by_detail: dict[str, list[Failure]] = defaultdict(list)
            for f in items:
                by_detail[f.detail].append(f)
            if len(by_detail) <= 4:
                for detail, hits in sorted(by_detail.items(), key=lambda kv: -len(kv[1])):
                    print(f"    at {detail}")
                    extras = sorted({h.extra for h in hits if h.extra})
                    if extras:
                        print(f"      ({'; '.join(extras[:2])}{'; …' if len(extras) > 2 else ''})")
                    print("\n".join(pages_of(hits)))
            else:
                # Many places (one per page, say): one line per page.
                print(f"    at {len(by_detail)} places:")
                first: dict[str, Failure] = {}
                hits_of: dict[str, list[Failure]] = defaultdict(list)
                for h in items:
                    first.setdefault(h.url, h)
                    hits_of[h.url].append(h)
                urls = sorted(first)
                for url in urls[:15]:
                    h = first[url]
                    more = len({x.detail for x in hits_of[url]}) - 1
                    print(f"      - {url}  [{who(hits_of[url])}]")
                    print(f"          {h.detail}" + (f" ({h.extra})" if h.extra else "") + (f" and {more} more" if more else ""))
                if len(urls) > 15:
                    print(f"      - … and {len(urls) - 15} more pages")
    print()
    crawled = ", ".join(f"{r.role} {len(r.pages)}" for r in results)
    counts = ", ".join(f"{c} {sum(1 for f in failures if f.check == c)}" for c in checks)
    print(f"pages crawled: {crawled}")
    print(f"failures: {counts}")
    for r in results:
        if r.error:
            print(f"ERROR {r.role}: {r.error}")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lookout", required=True, help="the lookout binary")
    parser.add_argument("--npm-dir", default=DEFAULT_NPM_DIR, help="where axe-core and vnu-jar are installed")
    parser.add_argument("--roles", default=",".join(r for r, _ in ROLES), help="comma-separated subset of roles")
    parser.add_argument("--jobs", type=int, default=2, help="roles crawled at once")
    parser.add_argument("--keep-html", metavar="DIR", help="keep the served HTML in DIR")
    args = parser.parse_args()

    started = time.time()
    ensure_browser()
    ensure_selenium()
    axe_js, vnu_jar = ensure_npm(pathlib.Path(args.npm_dir))
    if not shutil.which("java"):
        sys.exit("need java for vnu.jar (apt-get install default-jre-headless)")
    axe_source = axe_js.read_text()

    wanted = [r.strip() for r in args.roles.split(",") if r.strip()]
    roles = [(r, e) for r, e in ROLES if r in wanted]
    unknown = set(wanted) - {r for r, _ in ROLES}
    if unknown:
        sys.exit(f"unknown roles: {sorted(unknown)}")

    out_dir = args.keep_html or tempfile.mkdtemp(prefix="lookout-ux-html-")
    os.makedirs(out_dir, exist_ok=True)
    profile_root = tempfile.mkdtemp(prefix="lookout-ux-profiles-")
    portal = Portal(args.lookout)
    log(f"portal at {portal.base}, {len(portal.passwords)} demo accounts")
    results: dict[str, RoleResult] = {}
    try:
        for role, email in roles:
            if email and email not in portal.passwords:
                sys.exit(f"the demo printed no password for {email}")
        pending = deque(roles)
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    role, email = pending.popleft()
                for attempt in (1, 2):
                    log(f"{role}: starting" + (" again" if attempt > 1 else ""))
                    try:
                        crawler = Crawler(portal, role, email, axe_source, out_dir, profile_root)
                        result = crawler.crawl()
                    except Exception as e:  # noqa: BLE001
                        result = RoleResult(role, error=f"{type(e).__name__}: {e}")
                    if not result.error:
                        break
                    # A browser that died or a step that timed out: once more.
                    log(f"{role}: {result.error}")
                with lock:
                    results[role] = result

        threads = [threading.Thread(target=worker) for _ in range(max(1, args.jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        portal.stop()
        shutil.rmtree(profile_root, ignore_errors=True)

    ordered = [results[r] for r, _ in roles if r in results]
    failures = [f for r in ordered for f in r.failures]
    saved = [(f, r.role, url) for r in ordered for f, url in r.saved]
    log(f"vnu over {len(saved)} pages")
    failures += run_vnu(vnu_jar, saved)
    if not args.keep_html:
        shutil.rmtree(out_dir, ignore_errors=True)
    report(ordered, failures)
    errors = [r for r in ordered if r.error]
    too_few = [r.role for r in ordered if len(r.pages) < 3]
    for role in too_few:
        print(f"ERROR {role}: reached only {len(results[role].pages)} pages")
    print(f"took {time.time() - started:.0f} s")
    return 1 if failures or errors or too_few else 0


if __name__ == "__main__":
    sys.exit(main())
