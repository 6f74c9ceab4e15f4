/**
 * How long an upload takes at a homeserver's rate limits: Synapse's limiters simulated request by
 * request, as one account sends them (one at a time, as matrix.md §3 asks of the client).
 *
 * Synapse's `Ratelimiter.can_do_action` (synapse/api/ratelimiting.py) keeps, per key, an action
 * count and a start time; the actions not yet drained are `count − (now − start) × rate` (never
 * below 0: then count and start reset), and one more action is allowed while that plus one is at
 * most `burst`. From empty, the i-th action (1-based) of a steady stream is therefore allowed at
 * `max(0, (i − burst) / rate)` s: `burst` at once, then one per `1 / rate` s. 50 000 messages at
 * `rc_message` 0.2/s, burst 10: (50 000 − 10) / 0.2 = 249 950 s ≈ 69.4 h.
 *
 * What each request costs (Synapse 1.163, handlers/room.py, room_member.py, message.py):
 *   createRoom   one `rc_message` and one `rc_room_creation` action (its initial state is free);
 *   send         one `rc_message` action (a text, a media event or a notice);
 *   invite       one `rc_invites.per_room`, `.per_user` (the invited person, across all rooms),
 *                `.per_issuer` and `rc_message` action;
 *   media upload (`/media/v3/upload`) no limiter by default: its bytes at the upload bandwidth.
 * A request also takes `1 / requestsPerSecond` s of the client's own time when the profile says so.
 * The result is what the limits allow; a real client adds its retry jitter on top.
 */
import type { RateLimit, RateProfile } from '../../../shared/model/index.js';

/** One Synapse limiter for one key (times in seconds from the start of the upload). */
export class LeakyBucket {
  private count = 0;
  private start = 0;
  constructor(readonly limit: RateLimit) {}

  /** The earliest time from `t` on at which one more action is allowed. */
  earliest(t: number): number {
    const { perSecond, burst } = this.limit;
    const performed = this.count - (t - this.start) * perSecond;
    if (performed <= burst - 1) return t;
    return this.start + (this.count - burst + 1) / perSecond;
  }

  /** Records one action at `t` (which must be allowed). */
  take(t: number): void {
    if (this.count - (t - this.start) * this.limit.perSecond < 0) {
      this.count = 0;
      this.start = t;
    }
    this.count++;
  }
}

const bucket = (l: RateLimit | null) => (l ? new LeakyBucket(l) : null);

/** The requests of one upload, in order, and the time they take at a profile's limits. */
export class UploadSchedule {
  /** When the client is free for its next request (seconds). */
  private t = 0;
  private readonly message: LeakyBucket | null;
  private readonly roomCreation: LeakyBucket | null;
  private readonly invitesPerIssuer: LeakyBucket | null;
  private readonly invitesPerUser = new Map<string, LeakyBucket>();
  private invitesPerRoom: LeakyBucket | null;
  private readonly requestSeconds: number;

  constructor(readonly profile: RateProfile) {
    this.message = bucket(profile.message);
    this.roomCreation = bucket(profile.roomCreation);
    this.invitesPerIssuer = bucket(profile.invitesPerIssuer);
    this.invitesPerRoom = bucket(profile.invitesPerRoom);
    this.requestSeconds = profile.requestsPerSecond ? 1 / profile.requestsPerSecond : 0;
  }

  private request(a: LeakyBucket | null, b: LeakyBucket | null = null, c: LeakyBucket | null = null, d: LeakyBucket | null = null): void {
    // Buckets only drain as time passes, so the latest of their earliest times satisfies them all.
    let start = this.t;
    for (const x of [a, b, c, d]) if (x) start = Math.max(start, x.earliest(this.t));
    for (const x of [a, b, c, d]) x?.take(start);
    this.t = start + this.requestSeconds;
  }

  /** `POST /createRoom` (the new room gets its own per-room invite limiter). */
  createRoom(): void {
    this.invitesPerRoom = bucket(this.profile.invitesPerRoom);
    this.request(this.message, this.roomCreation);
  }

  /** One event: `PUT /rooms/{id}/send/…`. */
  send(): void {
    // The common case, without the general path's loops.
    const m = this.message;
    const start = m ? Math.max(this.t, m.earliest(this.t)) : this.t;
    m?.take(start);
    this.t = start + this.requestSeconds;
  }

  /** `POST /rooms/{id}/invite` for `account`. */
  invite(account: string): void {
    let perUser: LeakyBucket | null = null;
    if (this.profile.invitesPerUser) {
      perUser = this.invitesPerUser.get(account) ?? null;
      if (!perUser) this.invitesPerUser.set(account, (perUser = new LeakyBucket(this.profile.invitesPerUser)));
    }
    this.request(this.message, this.invitesPerRoom, perUser, this.invitesPerIssuer);
  }

  /** `POST /media/v3/upload` of `bytes`: not rate-limited, limited by the bandwidth. */
  upload(bytes: number): void {
    this.t += bytes / this.profile.uploadBytesPerSecond + this.requestSeconds;
  }

  /** Time from the first request to the end of the last one, in whole milliseconds. */
  get elapsedMs(): number {
    return Math.round(this.t * 1000);
  }
}

/**
 * The closed form for `n` requests that all take one action of a single limiter, from empty, with
 * no time of their own: the last is allowed at `max(0, (n − burst) / rate)` s. (For tests and quick
 * figures; {@link UploadSchedule} is the general case.)
 */
export function burstThenRateMs(n: number, limit: RateLimit): number {
  return Math.round(Math.max(0, (n - limit.burst) / limit.perSecond) * 1000);
}
