/**
 * The rate model's arithmetic, checked against figures worked out by hand from Synapse's
 * limiter (synapse/api/ratelimiting.py): burst first, then one action per 1 / rate seconds; idle
 * time drains the bucket; every limiter a request passes through must allow it.
 */
import { describe, expect, it } from 'vitest';
import { FAST_PROFILE, SYNAPSE_DEFAULT_PROFILE, type RateProfile } from '../../../shared/model/index.js';
import { burstThenRateMs, LeakyBucket, UploadSchedule } from './rate-model.js';

/** Synapse's defaults with requests that take no time of their own: the limits alone. */
const LIMITS_ONLY: RateProfile = { ...SYNAPSE_DEFAULT_PROFILE, requestsPerSecond: null };

describe('LeakyBucket (one Synapse limiter)', () => {
  it('allows the burst at once, then one action per 1 / rate seconds', () => {
    const b = new LeakyBucket({ perSecond: 0.2, burst: 10 });
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 13; i++) {
      t = b.earliest(t);
      b.take(t);
      times.push(t);
    }
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 10, 15]);
  });

  it('drains while idle: after a pause long enough, the whole burst is available again', () => {
    const b = new LeakyBucket({ perSecond: 0.2, burst: 10 });
    for (let i = 0; i < 10; i++) b.take(0);
    expect(b.earliest(0)).toBe(5);
    expect(b.earliest(30)).toBe(30); // 6 drained by then: allowed at once
    // at 50 s all 10 have drained: 10 more at once, the 11th one interval later
    let t = 50;
    for (let i = 0; i < 10; i++) {
      expect(b.earliest(t)).toBe(50);
      b.take(50);
    }
    t = b.earliest(50);
    expect(t).toBe(55);
  });
});

describe('UploadSchedule: what the limits allow', () => {
  it('50 000 messages at Synapse defaults take (50 000 − 10) / 0.2 s = 249 950 s ≈ 69 h 26 min (matrix.md: ≈ 70 h)', () => {
    const s = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 50_000; i++) s.send();
    expect(s.elapsedMs).toBe(249_950_000);
    expect(burstThenRateMs(50_000, { perSecond: 0.2, burst: 10 })).toBe(249_950_000);
    expect(s.elapsedMs / 3_600_000).toBeCloseTo(69.43, 2);
  });

  it('the burst alone costs nothing; the 11th message waits 5 s', () => {
    const ten = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 10; i++) ten.send();
    expect(ten.elapsedMs).toBe(0);
    ten.send();
    expect(ten.elapsedMs).toBe(5_000);
    expect(burstThenRateMs(3, { perSecond: 0.2, burst: 10 })).toBe(0);
  });

  it('with the client’s own pace (100 requests/s, the default profile): the pace adds to the burst and after the last request', () => {
    const s = new UploadSchedule(SYNAPSE_DEFAULT_PROFILE);
    for (let i = 0; i < 12; i++) s.send();
    // 10 at 0, 0.01, …, 0.09 s; the 11th at 5 s (the bucket, not the pace), the 12th at 10 s; each ends 0.01 s later
    expect(s.elapsedMs).toBe(10_010);
  });

  it('room creation is limited by rc_room_creation (10, then one per 62.5 s) and also counts as a message', () => {
    const s = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 20; i++) s.createRoom();
    expect(s.elapsedMs).toBe(625_000); // (20 − 10) / 0.016
    // the 20 creations used 20 message actions: the next message waits for the message bucket too,
    // which by 625 s has long drained (20 − 625 × 0.2 < 0): it goes at once
    s.send();
    expect(s.elapsedMs).toBe(625_000);
    const mixed = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 5; i++) mixed.createRoom();
    for (let i = 0; i < 6; i++) mixed.send();
    // 11 message actions: the 11th (the 6th send) at 5 s
    expect(mixed.elapsedMs).toBe(5_000);
  });

  it('invites of one person to many rooms follow rc_invites.per_user: 5, then one per 333 s', () => {
    const s = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 7; i++) {
      s.createRoom();
      s.invite('@ivan:example.org');
    }
    // 7th invite of the same person: (7 − 5) / 0.003 s; the rooms and the message bucket are not the limit
    expect(s.elapsedMs).toBe(666_667);
    const many = new UploadSchedule(LIMITS_ONLY);
    many.createRoom();
    for (let i = 0; i < 12; i++) many.invite(`@user${i}:example.org`);
    // 13 message actions (the 11th at 5 s, 12th at 10 s, 13th at 15 s); per room and per issuer 10 then 1 / 3.33 s: not slower
    expect(many.elapsedMs).toBe(15_000);
  });

  it('media take their bytes at the upload bandwidth, and the bucket drains meanwhile', () => {
    const s = new UploadSchedule(LIMITS_ONLY);
    for (let i = 0; i < 20; i++) s.send(); // the 20th at 50 s
    expect(s.elapsedMs).toBe(50_000);
    s.upload(62_500_000); // 50 s at 1.25 MB/s: the bucket is empty again at 100 s
    expect(s.elapsedMs).toBe(100_000);
    for (let i = 0; i < 10; i++) s.send();
    expect(s.elapsedMs).toBe(100_000);
    s.send();
    expect(s.elapsedMs).toBe(105_000);
  });

  it('limits lifted (fast profile): requests at the measured pace, media at the bandwidth', () => {
    const s = new UploadSchedule(FAST_PROFILE);
    s.createRoom();
    for (let i = 0; i < 999; i++) s.send();
    expect(s.elapsedMs).toBe(10_000); // 1 000 requests at 100/s
    s.upload(2_500_000); // 2 s at 1.25 MB/s, plus the request's 0.01 s
    expect(s.elapsedMs).toBe(12_010);
    const measured = new UploadSchedule({ ...FAST_PROFILE, requestsPerSecond: 250 });
    for (let i = 0; i < 50_000; i++) measured.send();
    expect(measured.elapsedMs).toBe(200_000);
  });
});
