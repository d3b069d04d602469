/**
 * src/core/tokens.ts: display status, relative times and expiry as data (the
 * UI words them, localized, in services/words.ts) and as English for core
 * messages.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { displayStatus, expiryFact, expiryParts, expiryText, relativeParts, relativeTime, type TokenTimes } from '../../../src/core/tokens';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const MIN = 60e3;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const active = (expiresAt: number | null): TokenTimes => ({ status: 'active', expiresAt: expiresAt === null ? null : iso(expiresAt) });

describe('displayStatus', () => {
  test('revoked wins, then expired, then expiring within the window, else active', () => {
    assert.equal(displayStatus({ status: 'revoked', expiresAt: iso(NOW - DAY) }, NOW), 'revoked');
    assert.equal(displayStatus(active(NOW), NOW), 'expired', 'expiresAt = now is expired');
    assert.equal(displayStatus(active(NOW + 7 * DAY), NOW), 'expiring');
    assert.equal(displayStatus(active(NOW + 7 * DAY + 1), NOW), 'active');
    assert.equal(displayStatus(active(NOW + 2 * DAY), NOW, DAY), 'active', 'a custom window');
    assert.equal(displayStatus(active(null), NOW), 'active');
    assert.equal(displayStatus({ status: 'active', expiresAt: 'not a date' }, NOW), 'active', 'unparsable: never expires');
  });
});

describe('relative times', () => {
  test('the largest unit, rounded to the nearest; under 30 seconds is "just now"', () => {
    assert.deepEqual(relativeParts(12 * DAY + 5 * HOUR), { count: 12, unit: 'day', future: true });
    assert.deepEqual(relativeParts(-3 * HOUR - 59 * MIN), { count: 4, unit: 'hour', future: false });
    assert.deepEqual(relativeParts(-3 * HOUR - 29 * MIN), { count: 3, unit: 'hour', future: false });
    assert.deepEqual(relativeParts(400 * DAY), { count: 1, unit: 'year', future: true });
    // A token made a few seconds ago to last 7 days expires "in 7 days", not "in 6 days".
    assert.deepEqual(relativeParts(7 * DAY - 5_000), { count: 7, unit: 'day', future: true });
    assert.deepEqual(relativeParts(23 * HOUR + 45 * MIN), { count: 1, unit: 'day', future: true });
    assert.deepEqual(relativeParts(23 * HOUR + 15 * MIN), { count: 23, unit: 'hour', future: true });
    assert.deepEqual(relativeParts(59_999), { count: 1, unit: 'minute', future: true });
    assert.equal(relativeParts(29_999), undefined);
    assert.equal(relativeParts(-29_999), undefined);
    assert.equal(relativeTime(12 * DAY), 'in 12 days');
    assert.equal(relativeTime(-HOUR), '1 hour ago');
    assert.equal(relativeTime(20 * 1000), 'just now');
  });
});

describe('expiry', () => {
  test('as data, as an English phrase, and as a fact that does not go stale', () => {
    assert.deepEqual(expiryParts(active(null), NOW), { kind: 'never' });
    assert.deepEqual(expiryParts(active(NOW + DAY), NOW), { kind: 'expires', at: NOW + DAY });
    assert.deepEqual(expiryParts(active(NOW - DAY), NOW), { kind: 'expired', at: NOW - DAY });
    assert.deepEqual(expiryParts({ status: 'revoked', expiresAt: null, revokedAt: iso(NOW - 2 * HOUR) }, NOW), { kind: 'revoked', at: NOW - 2 * HOUR });
    assert.deepEqual(expiryParts({ status: 'revoked', expiresAt: null }, NOW), { kind: 'revoked', at: undefined });

    assert.equal(expiryText(active(null), NOW), 'never expires');
    assert.equal(expiryText(active(NOW + 12 * DAY), NOW), 'expires in 12 days');
    assert.equal(expiryText(active(NOW - 3 * DAY), NOW), 'expired 3 days ago');
    assert.equal(expiryText({ status: 'revoked', expiresAt: null, revokedAt: iso(NOW - 2 * HOUR) }, NOW), 'revoked 2 hours ago');
    assert.equal(expiryText({ status: 'revoked', expiresAt: null }, NOW), 'revoked');

    assert.equal(expiryFact(active(NOW + 12 * DAY), NOW), 'expires on 2026-12-13 12:00 UTC');
    assert.equal(expiryFact(active(NOW - 3 * DAY), NOW + 30 * DAY), 'expired on 2026-11-28 12:00 UTC', 'the same words whenever it is read');
    assert.equal(expiryFact({ status: 'revoked', expiresAt: null, revokedAt: iso(NOW) }, NOW), 'revoked on 2026-12-01 12:00 UTC');
  });
});
