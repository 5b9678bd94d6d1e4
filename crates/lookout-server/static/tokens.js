// Membership tokens: RFC 9474 blind RSA (RSABSSA-SHA384-PSS-Randomized),
// done in the member's browser so the portal signs values it cannot link
// to the tokens later spent. Only BigInt and WebCrypto; no libraries.
(function (root) {
  'use strict';

  const ALGORITHM = 'RSABSSA-SHA384-PSS-Randomized';
  // The server's Token::parse accepts only this prefix (lookout-tokens).
  const TOKEN_PREFIX = 'lmt1';
  const HASH_LEN = 48;
  const SALT_LEN = 48;
  const RANDOMIZER_LEN = 32;
  const NONCE_LEN = 32;
  const STORAGE_KEY = 'lookout.tokens';
  const PENDING_KEY = 'lookout.tokens.pending';
  // Each month's key fingerprint as first seen in this browser.
  const PINS_KEY = 'lookout.token-keys';
  // The key list is fetched as a stranger would: no cookie, so the portal
  // cannot pick a list for this member, and never from a cache.
  const KEY_LIST_REQUEST = Object.freeze({ credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } });
  const NOT_KEPT = "the server's signature does not verify: the tokens were not kept";

  // Errors carry fixed text; the page shows only these (never a raw exception).
  function fail(message) {
    const error = new Error(message);
    error.lookout = true;
    return error;
  }

  // --- Encodings -----------------------------------------------------------

  function b64uEncode(bytes) {
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // Strict: atob alone would accept padding, white space and stray lengths.
  function b64uDecode(text) {
    if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
      throw fail('not base64url');
    }
    const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  // OS2IP
  function bytesToInt(bytes) {
    let hex = '0x0';
    for (const b of bytes) hex += b.toString(16).padStart(2, '0');
    return BigInt(hex);
  }

  // I2OSP: fixed length, because RSA values are compared and sent byte for byte.
  function intToBytes(x, len) {
    let hex = x.toString(16);
    if (x < 0n || hex.length > 2 * len) throw fail('integer too large');
    hex = hex.padStart(2 * len, '0');
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  // --- Arithmetic ----------------------------------------------------------

  function modPow(base, exp, mod) {
    let result = 1n;
    base %= mod;
    while (exp > 0n) {
      if (exp & 1n) result = (result * base) % mod;
      base = (base * base) % mod;
      exp >>= 1n;
    }
    return result % mod;
  }

  function gcd(a, b) {
    while (b) [a, b] = [b, a % b];
    return a;
  }

  // Extended Euclid; a value with no inverse is an error, never a silent 0.
  function modInverse(a, m) {
    let [r0, r1, t0, t1] = [((a % m) + m) % m, m, 1n, 0n];
    while (r1) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [t0, t1] = [t1, t0 - q * t1];
    }
    if (r0 !== 1n) throw fail('not invertible');
    return ((t0 % m) + m) % m;
  }

  const bitLength = (x) => x.toString(2).length;

  // --- EMSA-PSS with SHA-384 and MGF1-SHA-384 (RFC 8017 §9.1) ---------------

  async function sha384(bytes) {
    return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-384', bytes));
  }

  function randomBytes(len) {
    return globalThis.crypto.getRandomValues(new Uint8Array(len));
  }

  async function mgf1(seed, len) {
    const blocks = [];
    for (let i = 0; HASH_LEN * i < len; i++) blocks.push(await sha384(concat(seed, intToBytes(BigInt(i), 4))));
    return concat(...blocks).slice(0, len);
  }

  async function pssEncode(message, emBits, salt) {
    const emLen = Math.ceil(emBits / 8);
    if (emLen < HASH_LEN + salt.length + 2) throw fail('key too small');
    const h = await sha384(concat(new Uint8Array(8), await sha384(message), salt));
    const db = concat(new Uint8Array(emLen - salt.length - HASH_LEN - 2), [1], salt);
    const mask = await mgf1(h, db.length);
    for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
    db[0] &= 0xff >> (8 * emLen - emBits);
    return concat(db, h, [0xbc]);
  }

  async function pssVerify(message, em, emBits, sLen) {
    const emLen = Math.ceil(emBits / 8);
    if (em.length !== emLen || emLen < HASH_LEN + sLen + 2 || em[emLen - 1] !== 0xbc) return false;
    const db = em.slice(0, emLen - HASH_LEN - 1);
    const h = em.slice(db.length, emLen - 1);
    if (db[0] & ~(0xff >> (8 * emLen - emBits)) & 0xff) return false;
    const mask = await mgf1(h, db.length);
    for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
    db[0] &= 0xff >> (8 * emLen - emBits);
    const ps = db.length - sLen - 1;
    for (let i = 0; i < ps; i++) if (db[i] !== 0) return false;
    if (db[ps] !== 1) return false;
    const h2 = await sha384(concat(new Uint8Array(8), await sha384(message), db.slice(ps + 1)));
    return h2.every((b, i) => b === h[i]);
  }

  // --- RFC 9474 blind RSA ----------------------------------------------------

  // The issuing key from the portal's key list, checked enough that a broken
  // list fails here rather than as unspendable tokens.
  function keyFromList(list) {
    const unusable = fail('the portal published no usable key');
    if (!list || list.algorithm !== ALGORITHM || !Array.isArray(list.keys)) throw unusable;
    const entry = list.keys.find((k) => k && k.id === list.issuing);
    if (!entry || typeof entry.id !== 'string' || !/^[0-9a-f]{16}$/.test(entry.id)) throw unusable;
    let n, e;
    try { [n, e] = [bytesToInt(b64uDecode(entry.n)), bytesToInt(b64uDecode(entry.e))]; } catch (_) { throw unusable; }
    const bits = bitLength(n);
    if (bits < 2048 || bits > 4096 || !(n & 1n) || !(e & 1n) || e < 3n || e >= n) throw unusable;
    return { id: entry.id, n, e, bytes: Math.ceil(bits / 8) };
  }

  // --- Which key: checked, shown, remembered ---------------------------------

  // One DER element at `at`: its tag and where its contents lie.
  function derElement(der, at) {
    const bad = fail('the key is not a well-formed SubjectPublicKeyInfo');
    if (at + 2 > der.length) throw bad;
    let len = der[at + 1];
    let start = at + 2;
    if (len & 0x80) {
      const count = len & 0x7f;
      if (count < 1 || count > 3 || start + count > der.length) throw bad;
      len = 0;
      for (let i = 0; i < count; i++) len = len * 256 + der[start + i];
      start += count;
    }
    if (start + len > der.length) throw bad;
    return { tag: der[at], start, end: start + len };
  }

  // The modulus and exponent inside a SubjectPublicKeyInfo (RFC 5280, with
  // the RSAPublicKey of RFC 8017 in its bit string).
  function rsaFromSpki(der) {
    const bad = fail('the key is not a well-formed SubjectPublicKeyInfo');
    const spki = derElement(der, 0);
    if (spki.tag !== 0x30 || spki.end !== der.length) throw bad;
    const algorithm = derElement(der, spki.start);
    const bits = derElement(der, algorithm.end);
    if (algorithm.tag !== 0x30 || bits.tag !== 0x03 || bits.end !== spki.end || der[bits.start] !== 0) throw bad;
    const rsa = derElement(der, bits.start + 1);
    const n = derElement(der, rsa.start);
    const e = derElement(der, n.end);
    if (rsa.tag !== 0x30 || n.tag !== 0x02 || e.tag !== 0x02 || e.end !== rsa.end) throw bad;
    return { n: bytesToInt(der.slice(n.start, n.end)), e: bytesToInt(der.slice(e.start, e.end)) };
  }

  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  // What members compare out of band: 128 bits in groups of four.
  const shortFingerprint = (hex) => (String(hex).slice(0, 32).match(/.{1,4}/g) || []).join(' ');

  // The issuing key of a list fetched without credentials, bound to its
  // key material: the fingerprint is SHA-256 of the published
  // SubjectPublicKeyInfo, the id its first 16 digits, and the modulus and
  // exponent used for blinding are the ones inside it.
  async function checkedKeyFromList(list) {
    const key = keyFromList(list);
    const entry = list.keys.find((k) => k && k.id === list.issuing);
    const unusable = fail('the portal published a key whose id or fingerprint does not match it');
    let der;
    try { der = Uint8Array.from(atob(entry.spki), (c) => c.charCodeAt(0)); } catch (_) { throw unusable; }
    const fingerprint = toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', der)));
    let inside;
    try { inside = rsaFromSpki(der); } catch (_) { throw unusable; }
    if (fingerprint.slice(0, 16) !== key.id || entry.fingerprint !== fingerprint
      || inside.n !== key.n || inside.e !== key.e) throw unusable;
    const holders = Number.isInteger(entry.holders) ? entry.holders : null;
    return { ...key, fingerprint, period: String(entry.period || ''), holders };
  }

  // Reasons to stop before blinding for `key`: a different key remembered
  // for its month in this browser (pins: {period: fingerprint}), or a
  // different key named by the signed-in page (page: {id, fingerprint}).
  function keyWarnings(key, pins, page) {
    const warnings = [];
    const pinned = pins && typeof pins[key.period] === 'string' ? pins[key.period] : null;
    if (pinned && pinned !== key.fingerprint) {
      warnings.push('The key for ' + key.period + ' has changed since this browser first saw it (it was '
        + shortFingerprint(pinned) + ', it is now ' + shortFingerprint(key.fingerprint)
        + '). A portal that gives you a key of your own could recognise your tokens.');
    }
    if (page && (page.id || page.fingerprint) && (page.id !== key.id || page.fingerprint !== key.fingerprint)) {
      warnings.push('This page, loaded while signed in, names key ' + (page.id || '?')
        + ', but the list published to everyone names ' + key.id + '. You may be shown a key of your own.');
    }
    return warnings;
  }

  // The pins with `key` remembered for its month.
  function pinKey(pins, key) {
    const next = {};
    for (const [period, fingerprint] of Object.entries(pins || {})) {
      if (typeof fingerprint === 'string' && /^[0-9]{4}-[0-9]{2}$/.test(period)) next[period] = fingerprint;
    }
    if (/^[0-9]{4}-[0-9]{2}$/.test(key.period)) next[key.period] = key.fingerprint;
    return next;
  }

  // The signed-in issuance must name the key blinded for, by id and by
  // fingerprint, or the tokens would be signed by a key no one else has.
  function checkIssued(key, answer) {
    if (!answer || answer.key_id !== key.id || answer.key_fingerprint !== key.fingerprint) throw fail(NOT_KEPT);
  }

  // opts (tests only inject values): randomize (default true), randomizer,
  // saltLength (default 48), salt, r.
  async function blind(key, msg, opts = {}) {
    const saltLength = opts.saltLength ?? SALT_LEN;
    const randomizer = opts.randomize === false ? null : (opts.randomizer || randomBytes(RANDOMIZER_LEN));
    const salt = opts.salt || randomBytes(saltLength);
    if (salt.length !== saltLength || (randomizer && randomizer.length !== RANDOMIZER_LEN)) throw fail('bad options');
    const signed = randomizer ? concat(randomizer, msg) : msg;
    const m = bytesToInt(await pssEncode(signed, bitLength(key.n) - 1, salt));
    if (gcd(m, key.n) !== 1n) throw fail('invalid input');
    let r = opts.r;
    // Uniform in [1, n): rejection sampling over bitLength(n) random bits.
    const top = 0xff >> (8 * key.bytes - bitLength(key.n));
    while (r === undefined || r === 0n || r >= key.n || gcd(r, key.n) !== 1n) {
      if (opts.r !== undefined) throw fail('bad options');
      const raw = randomBytes(key.bytes);
      raw[0] &= top;
      r = bytesToInt(raw);
    }
    const x = (m * modPow(r, key.e, key.n)) % key.n;
    return { blindedMessage: intToBytes(x, key.bytes), inv: modInverse(r, key.n), randomizer, m, saltLength };
  }

  // The server could send anything; a bad value would otherwise surface only
  // when the token is refused at spending, long after the allowance was used.
  async function finalize(key, msg, blindSig, blinding) {
    if (!(blindSig instanceof Uint8Array) || blindSig.length !== key.bytes) throw fail(NOT_KEPT);
    const z = bytesToInt(blindSig);
    if (z >= key.n) throw fail(NOT_KEPT);
    const s = (z * blinding.inv) % key.n;
    const sig = intToBytes(s, key.bytes);
    if (modPow(s, key.e, key.n) !== blinding.m) throw fail(NOT_KEPT);
    const opts = { saltLength: blinding.saltLength };
    if (!(await verify(key, msg, blinding.randomizer, sig, opts))) throw fail(NOT_KEPT);
    return sig;
  }

  // RSASSA-PSS verification of randomizer ‖ msg, as the portal checks at spending.
  async function verify(key, msg, randomizer, sig, opts = {}) {
    if (!(sig instanceof Uint8Array) || sig.length !== key.bytes) return false;
    const s = bytesToInt(sig);
    if (s >= key.n) return false;
    const emBits = bitLength(key.n) - 1;
    const m = modPow(s, key.e, key.n);
    if (bitLength(m) > emBits) return false;
    const em = intToBytes(m, Math.ceil(emBits / 8));
    return pssVerify(randomizer ? concat(randomizer, msg) : msg, em, emBits, opts.saltLength ?? SALT_LEN);
  }

  // --- Tokens ------------------------------------------------------------------

  function encodeToken(keyId, randomizer, nonce, signature) {
    return TOKEN_PREFIX + '.' + keyId + '.' + b64uEncode(concat(randomizer, nonce, signature));
  }

  function decodeToken(text) {
    const parts = String(text).trim().split('.');
    const malformed = fail('not a membership token');
    if (parts.length !== 3 || parts[0] !== TOKEN_PREFIX || !/^[0-9a-f]{16}$/.test(parts[1])) throw malformed;
    let body;
    try { body = b64uDecode(parts[2]); } catch (_) { throw malformed; }
    if (body.length < RANDOMIZER_LEN + NONCE_LEN + 256) throw malformed;
    return {
      keyId: parts[1],
      randomizer: body.slice(0, RANDOMIZER_LEN),
      nonce: body.slice(RANDOMIZER_LEN, RANDOMIZER_LEN + NONCE_LEN),
      signature: body.slice(RANDOMIZER_LEN + NONCE_LEN),
    };
  }

  // The message signed is a fresh random nonce: it alone makes a token unique.
  async function makeTokens(key, count) {
    const pending = [];
    for (let i = 0; i < count; i++) {
      const nonce = randomBytes(NONCE_LEN);
      pending.push({ nonce, blinding: await blind(key, nonce) });
    }
    return pending;
  }

  // blindSignatures: base64url strings (as the portal sends them) or bytes, in order.
  async function finishTokens(key, pending, blindSignatures) {
    if (!Array.isArray(blindSignatures) || blindSignatures.length !== pending.length) throw fail(NOT_KEPT);
    const tokens = [];
    for (let i = 0; i < pending.length; i++) {
      let z = blindSignatures[i];
      if (typeof z === 'string') { try { z = b64uDecode(z); } catch (_) { throw fail(NOT_KEPT); } }
      const { nonce, blinding } = pending[i];
      tokens.push(encodeToken(key.id, blinding.randomizer, nonce, await finalize(key, nonce, z, blinding)));
    }
    return tokens;
  }

  const LookoutTokens = {
    ALGORITHM, TOKEN_PREFIX, b64uEncode, b64uDecode, bytesToInt, intToBytes, modPow, modInverse, gcd,
    keyFromList, blind, finalize, verify, encodeToken, decodeToken, makeTokens, finishTokens,
    rsaFromSpki, shortFingerprint, checkedKeyFromList, keyWarnings, pinKey, checkIssued, KEY_LIST_REQUEST,
  };

  // --- Pages (only where their elements exist) ------------------------------------

  // Storage may be off or full; reading then yields nothing, writing throws.
  function stored() {
    try {
      const list = JSON.parse(root.localStorage.getItem(STORAGE_KEY) || '[]');
      return Array.isArray(list) ? list.filter((t) => typeof t === 'string') : [];
    } catch (_) { return []; }
  }
  function store(list) {
    try { root.localStorage.setItem(STORAGE_KEY, JSON.stringify(list)); } catch (_) {
      throw fail('This browser does not let the page store tokens: allow site data for the portal.');
    }
  }

  const byId = (id) => document.getElementById(id);
  function setText(id, text) { const el = byId(id); if (el) el.textContent = text; }

  function showSaved() {
    const count = stored().length;
    const section = byId('token-saved');
    if (section) section.hidden = count === 0;
    setText('token-saved-count', String(count));
  }

  function pins() {
    try {
      const value = JSON.parse(root.localStorage.getItem(PINS_KEY) || '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    } catch (_) { return {}; }
  }
  function savePins(value) {
    try { root.localStorage.setItem(PINS_KEY, JSON.stringify(value)); } catch (_) { /* not remembered */ }
  }

  // The key the signed-in page names (server-rendered).
  function pageKey() {
    const el = byId('token-key');
    return el ? { id: el.getAttribute('data-key-id') || '', fingerprint: el.getAttribute('data-key-fingerprint') || '' } : null;
  }

  // Fetches the published key list anonymously and checks it; shows any
  // warning. Returns the key and its warnings.
  async function publishedKey() {
    const keys = await root.fetch('/.well-known/lookout-token-keys', KEY_LIST_REQUEST);
    if (!keys.ok) throw fail("The portal's key list could not be read. Reload the page and try again.");
    const key = await checkedKeyFromList(await keys.json());
    const warnings = keyWarnings(key, pins(), pageKey());
    const box = byId('token-key-warning');
    if (box) {
      box.textContent = warnings.join(' ');
      box.hidden = warnings.length === 0;
    }
    const checked = byId('token-key-checked');
    if (checked && !warnings.length) {
      checked.textContent = 'Checked: the key list published to everyone (fetched without your cookie) names the same key, '
        + key.id + ', fingerprint ' + shortFingerprint(key.fingerprint) + '; this browser remembers it for ' + key.period + '.';
      checked.hidden = false;
    }
    return { key, warnings };
  }

  const plural = (n) => n + (n === 1 ? ' token' : ' tokens');
  const asJson = { credentials: 'same-origin', headers: { Accept: 'application/json' } };

  async function fetchTokens(form, button) {
    const status = (text) => setText('token-status', text);
    const count = Number(form.elements.count && form.elements.count.value);
    if (!Number.isInteger(count) || count < 1 || count > 1000) { status('Choose how many tokens to fetch.'); return; }
    button.disabled = true;
    try {
      store(stored()); // Fails now, before the allowance is spent, if storage is off.
      status("Fetching the portal's key…");
      const { key, warnings } = await publishedKey();
      if (warnings.length && !root.confirm(warnings.join('\n\n') + '\n\nFetch tokens with this key anyway?')) {
        throw fail('Nothing was fetched: the key differs from the one seen before. Compare the fingerprint with other members first');
      }
      status('Making and blinding ' + plural(count) + '…');
      const pending = await makeTokens(key, count);
      const body = new URLSearchParams();
      body.append('csrf', form.elements.csrf ? form.elements.csrf.value : '');
      body.append('key_id', key.id);
      for (const p of pending) body.append('blinded', b64uEncode(p.blinding.blindedMessage));
      status('Asking the portal to sign them…');
      const response = await root.fetch('/tokens/issue', { ...asJson, method: 'POST', body });
      const answer = await response.json().catch(() => null);
      if (!response.ok || !answer) {
        const refused = 'The portal refused to sign the tokens. Reload the page and try again.';
        throw fail(answer && typeof answer.detail === 'string' ? answer.detail : refused);
      }
      checkIssued(key, answer);
      savePins(pinKey(pins(), key));
      status('Checking the signatures…');
      const tokens = await finishTokens(key, pending, answer.blind_signatures);
      if (Number.isInteger(answer.taken)) setText('token-taken', String(answer.taken));
      if (Number.isInteger(answer.allowance)) setText('token-allowance', String(answer.allowance));
      let spend = ' Sign out before you use one: a token spent in the session that fetched it is refused.';
      if (Number.isInteger(answer.holders)) {
        spend += ' ' + answer.holders + (answer.holders === 1 ? ' member holds' : ' members hold') + ' tokens of this key'
          + (answer.holders < 5 ? ': very few, so wait until more do before you spend one.' : '.');
      }
      try {
        store(stored().concat(tokens));
        status(plural(tokens.length) + ' saved in this browser.' + spend);
      } catch (_) {
        // Signed tokens count against the allowance: never drop them.
        download(tokens);
        status('This browser would not store the tokens, so they were saved as a file.' + spend);
      }
    } catch (error) {
      const text = error && error.lookout ? error.message
        : 'The tokens could not be fetched. Check the connection, reload the page and try again.';
      status(text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.'));
    } finally {
      button.disabled = false;
      showSaved();
    }
  }

  // Same layout as the command line's token file, so either can read it.
  function download(tokens) {
    const text = '# Lookout membership tokens: one per line; each works once.\n' + tokens.map((t) => t + '\n').join('');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'lookout-tokens.txt';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function wireTokensPage() {
    const form = byId('token-fetch');
    if (!form) return;
    const button = form.querySelector('button[type="submit"], button:not([type])') || {};
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!button.disabled) fetchTokens(form, button);
    });
    // Checked as soon as the page opens, so a changed key is seen before
    // anything is fetched.
    publishedKey().catch(() => { /* said again when fetching */ });
    const save = byId('token-download');
    if (save) save.addEventListener('click', () => download(stored()));
    const forget = byId('token-forget');
    if (forget) forget.addEventListener('click', () => {
      if (!root.confirm('Forget the tokens saved in this browser? Those not saved to a file are lost.')) return;
      try { store([]); } catch (_) { /* nothing stored to forget */ }
      showSaved();
    });
    showSaved();
  }

  function wireReportForm() {
    const input = byId('membership_token');
    const offer = byId('token-use');
    if (!input) return;
    const count = stored().length;
    if (offer && count) {
      offer.hidden = false;
      setText('token-use-count', String(count));
      const use = byId('token-use-button');
      if (use) use.addEventListener('click', () => { input.value = stored()[0] || input.value; });
    }
    // Set aside while the report is on its way; `settlePending` decides on
    // the next page whether it was used.
    if (input.form) input.form.addEventListener('submit', () => {
      const value = input.value.trim();
      const list = stored();
      if (value && list.includes(value)) {
        try { setPending(value); store(list.filter((t) => t !== value)); } catch (_) { /* kept */ }
      }
    });
  }

  function pending() {
    try { return root.localStorage.getItem(PENDING_KEY) || ''; } catch (_) { return ''; }
  }
  function setPending(token) {
    if (token) root.localStorage.setItem(PENDING_KEY, token);
    else root.localStorage.removeItem(PENDING_KEY);
  }

  // The token sent with the last report is dropped once the portal says it
  // was used (#token-accepted) or never can be (#token-unusable); when the
  // form comes back for any other reason (a mistake, the fetching session)
  // it goes back to the saved tokens, so nothing is lost.
  function settlePending() {
    const token = pending();
    if (!token) return;
    try {
      if (!byId('token-accepted') && !byId('token-unusable')) {
        if (!byId('membership_token')) return;
        const list = stored();
        if (!list.includes(token)) store([token].concat(list));
      }
      setPending('');
    } catch (_) { /* storage off: nothing more to do */ }
  }

  if (typeof module === 'object' && module.exports) {
    module.exports = LookoutTokens;
  } else {
    root.LookoutTokens = LookoutTokens;
    if (typeof document !== 'undefined') {
      const wire = () => { settlePending(); wireTokensPage(); wireReportForm(); };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
      else wire();
    }
  }
})(typeof self !== 'undefined' ? self : this);
