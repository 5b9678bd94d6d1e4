// Runs the browser token client (static/tokens.js) against the RFC 9474
// test vectors, so the page's blinding agrees byte for byte with the server.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const T = require(path.join(__dirname, '..', '..', 'static', 'tokens.js'));

const VECTORS = JSON.parse(fs.readFileSync(
  path.join(__dirname, '..', '..', '..', 'lookout-tokens', 'tests', 'data', 'rfc9474-vectors.json'), 'utf8'));

// The file's hex has "0x" prefixes, odd lengths and dropped leading zeros.
const int = (hex) => BigInt('0x' + (hex.replace(/^0x/, '') || '0'));
function bytes(hex, len) {
  let h = hex.replace(/^0x/, '');
  if (h.length % 2) h = '0' + h;
  if (len !== undefined) h = h.padStart(2 * len, '0');
  return Uint8Array.from(Buffer.from(h, 'hex'));
}
const flip = (b, i = 7) => { const c = b.slice(); c[c.length - 1 - i] ^= 1; return c; };

function keyOf(v) {
  const n = int(v.n);
  return { id: '0123456789abcdef', n, e: int(v.e), bytes: Math.ceil(n.toString(2).length / 8) };
}
function optsOf(v, key) {
  const randomized = int(v.is_randomized) === 1n;
  return {
    randomize: randomized,
    randomizer: randomized ? bytes(v.msg_prefix) : undefined,
    saltLength: Number(int(v.sLen)),
    salt: bytes(v.salt),
    r: T.modInverse(int(v.inv), key.n),
  };
}

test('the vectors file holds the issuing variant', () => {
  assert.ok(VECTORS.some((v) => v.name === 'RSABSSA-SHA384-PSS-Randomized'));
});

for (const v of VECTORS) {
  test(v.name + ': blind, finalize and verify give the RFC 9474 values', async () => {
    const key = keyOf(v);
    const opts = optsOf(v, key);
    const msg = bytes(v.msg);
    const blinding = await T.blind(key, msg, opts);
    assert.equal(T.b64uEncode(blinding.blindedMessage), T.b64uEncode(bytes(v.blinded_msg, key.bytes)));
    assert.equal(blinding.inv, int(v.inv));
    if (v.encoded_msg) assert.equal(blinding.m, int(v.encoded_msg));

    const sig = await T.finalize(key, msg, bytes(v.blind_sig, key.bytes), blinding);
    assert.deepEqual(sig, bytes(v.sig, key.bytes));
    const verifyOpts = { saltLength: opts.saltLength };
    assert.equal(await T.verify(key, msg, blinding.randomizer, sig, verifyOpts), true);

    // Anything altered is refused.
    assert.equal(await T.verify(key, msg, blinding.randomizer, flip(sig), verifyOpts), false);
    assert.equal(await T.verify(key, flip(msg, 0), blinding.randomizer, sig, verifyOpts), false);
    if (blinding.randomizer) assert.equal(await T.verify(key, msg, flip(blinding.randomizer), sig, verifyOpts), false);
    await assert.rejects(T.finalize(key, msg, flip(bytes(v.blind_sig, key.bytes)), blinding), /does not verify/);
    await assert.rejects(T.finalize(key, msg, bytes(v.blind_sig, key.bytes).slice(1), blinding), /does not verify/);
    await assert.rejects(T.finalize(key, msg, new Uint8Array(key.bytes + 1), blinding), /does not verify/);
    await assert.rejects(T.finalize(key, msg, new Uint8Array(key.bytes).fill(0xff), blinding), /does not verify/);
  });
}

test('random blinding differs each time and still verifies against the private key', async () => {
  const v = VECTORS[0];
  const key = keyOf(v);
  const d = int(v.d);
  const msg = bytes(v.msg);
  const a = await T.blind(key, msg);
  const b = await T.blind(key, msg);
  assert.equal(a.randomizer.length, 32);
  assert.notDeepEqual(a.blindedMessage, b.blindedMessage);
  const z = T.intToBytes(T.modPow(T.bytesToInt(a.blindedMessage), d, key.n), key.bytes);
  const sig = await T.finalize(key, msg, z, a);
  assert.equal(await T.verify(key, msg, a.randomizer, sig), true);
});

test('makeTokens and finishTokens make tokens a signer with the private key accepts', async () => {
  const v = VECTORS[0];
  const key = keyOf(v);
  const d = int(v.d);
  const pending = await T.makeTokens(key, 2);
  assert.equal(pending.length, 2);
  const sigs = pending.map((p) =>
    T.b64uEncode(T.intToBytes(T.modPow(T.bytesToInt(p.blinding.blindedMessage), d, key.n), key.bytes)));
  const tokens = await T.finishTokens(key, pending, sigs);
  assert.equal(tokens.length, 2);
  for (const [i, text] of tokens.entries()) {
    assert.ok(text.startsWith(T.TOKEN_PREFIX + '.' + key.id + '.'));
    const token = T.decodeToken(text);
    assert.deepEqual(token.nonce, pending[i].nonce);
    assert.equal(await T.verify(key, token.nonce, token.randomizer, token.signature), true);
  }
  await assert.rejects(T.finishTokens(key, pending, sigs.slice(1)), /does not verify/);
  await assert.rejects(T.finishTokens(key, pending, [sigs[1], sigs[0]]), /does not verify/);
  await assert.rejects(T.finishTokens(key, pending, [sigs[0], 'not base64!']), /does not verify/);
});

test('token strings round-trip and malformed ones are refused', () => {
  const randomizer = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(32).fill(2);
  const signature = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = T.encodeToken('0123456789abcdef', randomizer, nonce, signature);
  assert.match(text, /^lmt1\.0123456789abcdef\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(T.decodeToken('  ' + text + '\n'), { keyId: '0123456789abcdef', randomizer, nonce, signature });
  for (const bad of ['lmt1.abc', 'lmt2.0123456789abcdef.AAAA', 'lmt1.0123456789ABCDEF.AAAA',
    'lmt1.0123456789abcdef.!!!!', 'lmt1.0123456789abcdef.AAAA', text + '.x']) {
    assert.throws(() => T.decodeToken(bad), /not a membership token/);
  }
});

test('base64url and fixed-length integers', () => {
  for (let len = 0; len < 8; len++) {
    const b = Uint8Array.from({ length: len }, (_, i) => 250 - i * 31);
    const text = T.b64uEncode(b);
    assert.doesNotMatch(text, /[=+/]/);
    assert.deepEqual(T.b64uDecode(text), b);
  }
  assert.equal(T.b64uEncode(Uint8Array.of(0xfb, 0xff)), '-_8');
  for (const bad of ['A', 'AA==', 'A A', 'AB+/']) assert.throws(() => T.b64uDecode(bad));
  assert.deepEqual(T.intToBytes(0x0102n, 4), Uint8Array.of(0, 0, 1, 2));
  assert.equal(T.bytesToInt(Uint8Array.of(0, 0, 1, 2)), 0x0102n);
  assert.equal(T.bytesToInt(new Uint8Array(0)), 0n);
  assert.throws(() => T.intToBytes(0x10000n, 2));
  assert.equal(T.modPow(4n, 13n, 497n), 445n);
  assert.equal(T.modInverse(3n, 11n), 4n);
  assert.throws(() => T.modInverse(6n, 9n));
  assert.equal(T.gcd(12n, 18n), 6n);
});

test('the key list: the issuing key is taken, a broken list is refused', () => {
  const v = VECTORS[0];
  const n = T.b64uEncode(bytes(v.n));
  const e = T.b64uEncode(bytes(v.e));
  const entry = (id) => ({ id, period: '2026-11', modulus_bits: 4096, n, e, spki: '' });
  const list = { algorithm: 'RSABSSA-SHA384-PSS-Randomized', issuing: 'bbbbbbbbbbbbbbbb',
    keys: [entry('aaaaaaaaaaaaaaaa'), entry('bbbbbbbbbbbbbbbb')] };
  const key = T.keyFromList(list);
  assert.deepEqual(key, { id: 'bbbbbbbbbbbbbbbb', n: int(v.n), e: 65537n, bytes: 512 });
  assert.throws(() => T.keyFromList({ ...list, issuing: null }), /no usable key/);
  assert.throws(() => T.keyFromList({ ...list, algorithm: 'RSABSSA-SHA384-PSS-Deterministic' }), /no usable key/);
  assert.throws(() => T.keyFromList({ ...list, keys: [{ ...entry('bbbbbbbbbbbbbbbb'), n: 'AQAB' }] }), /no usable key/);
});

// A key list as the portal publishes it, around a key made by Node (its
// modulus read back through JWK, independently of our DER reader).
function publishedKey(overrides = {}) {
  const crypto = require('node:crypto');
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const jwk = publicKey.export({ format: 'jwk' });
  const fingerprint = crypto.createHash('sha256').update(der).digest('hex');
  const entry = {
    id: fingerprint.slice(0, 16), period: '2026-11', modulus_bits: 2048, n: jwk.n, e: jwk.e,
    spki: der.toString('base64'), fingerprint, holders: 3, ...overrides,
  };
  return { algorithm: 'RSABSSA-SHA384-PSS-Randomized', issuing: entry.id, keys: [entry] };
}

test('the key used for blinding is bound to the published key material', async () => {
  const list = publishedKey();
  const entry = list.keys[0];
  const key = await T.checkedKeyFromList(list);
  assert.equal(key.id, entry.id);
  assert.equal(key.fingerprint, entry.fingerprint);
  assert.equal(key.period, '2026-11');
  assert.equal(key.holders, 3);
  assert.equal(key.n, T.bytesToInt(T.b64uDecode(entry.n)));
  assert.deepEqual(T.rsaFromSpki(Buffer.from(entry.spki, 'base64')), { n: key.n, e: 65537n });
  assert.match(T.shortFingerprint(key.fingerprint), /^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
  // The portal's keys carry the RSASSA-PSS identifier instead: read alike.
  const crypto = require('node:crypto');
  const pss = crypto.generateKeyPairSync('rsa-pss', {
    modulusLength: 2048, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384', saltLength: 48,
  }).publicKey;
  const inside = T.rsaFromSpki(pss.export({ type: 'spki', format: 'der' }));
  assert.equal(inside.n.toString(2).length, 2048);
  assert.equal(inside.e, 65537n);

  // A fingerprint or id that does not hash the key, or a modulus other than
  // the one inside the published key, is refused.
  const other = publishedKey().keys[0];
  for (const bad of [
    { fingerprint: other.fingerprint },
    { n: other.n },
    { spki: other.spki },
  ]) {
    await assert.rejects(T.checkedKeyFromList({ ...list, keys: [{ ...entry, ...bad }] }), /does not match/);
  }
  await assert.rejects(T.checkedKeyFromList({ ...list, keys: [{ ...entry, spki: 'AAAA' }] }), /does not match/);
});

test('a key differing from the pinned one or from the signed-in page is warned about', async () => {
  const key = await T.checkedKeyFromList(publishedKey());
  const page = { id: key.id, fingerprint: key.fingerprint };
  // First sight: nothing to compare with; then pinned for its month.
  assert.deepEqual(T.keyWarnings(key, {}, page), []);
  const pins = T.pinKey({ '2026-10': 'ab'.repeat(32), junk: 1 }, key);
  assert.deepEqual(pins, { '2026-10': 'ab'.repeat(32), '2026-11': key.fingerprint });
  assert.deepEqual(T.keyWarnings(key, pins, page), []);

  // The same month, another key: the operator may be singling this member out.
  const other = await T.checkedKeyFromList(publishedKey());
  const changed = T.keyWarnings(other, pins, { id: other.id, fingerprint: other.fingerprint });
  assert.equal(changed.length, 1);
  assert.match(changed[0], /has changed since this browser first saw it/);
  assert.ok(changed[0].includes(T.shortFingerprint(key.fingerprint)));

  // The signed-in page names one key, the anonymous list another.
  const differs = T.keyWarnings(key, {}, { id: other.id, fingerprint: other.fingerprint });
  assert.equal(differs.length, 1);
  assert.match(differs[0], /names key/);
  // Same id, other fingerprint: still a difference.
  assert.equal(T.keyWarnings(key, {}, { id: key.id, fingerprint: other.fingerprint }).length, 1);
});

test('issuance must name the anonymous key by id and fingerprint', async () => {
  const key = await T.checkedKeyFromList(publishedKey());
  T.checkIssued(key, { key_id: key.id, key_fingerprint: key.fingerprint });
  assert.throws(() => T.checkIssued(key, { key_id: key.id }), /does not verify/);
  assert.throws(() => T.checkIssued(key, { key_id: key.id, key_fingerprint: 'ab'.repeat(32) }), /does not verify/);
  assert.throws(() => T.checkIssued(key, { key_id: 'ffffffffffffffff', key_fingerprint: key.fingerprint }), /does not verify/);
});

test('the key list is fetched without credentials and never from a cache', () => {
  assert.equal(T.KEY_LIST_REQUEST.credentials, 'omit');
  assert.equal(T.KEY_LIST_REQUEST.cache, 'no-store');
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'tokens.js'), 'utf8');
  const fetches = source.match(/fetch\('\/\.well-known\/lookout-token-keys'[^)]*\)/g) || [];
  assert.ok(fetches.length > 0);
  for (const call of fetches) assert.match(call, /KEY_LIST_REQUEST/);
});
