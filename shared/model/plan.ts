import { z } from 'zod';
import { ChatTypeSchema } from './chat.js';

/**
 * The migration plan: per chat, what the upload will do in the target (create a room, skip the
 * chat, or add only the missing messages to a room that already exists), how much it moves, and
 * how long that takes at the target's rate limits. Written as `plan.json` by the clean step.
 */

/**
 * One of Synapse's rate limiters: a leaky bucket of `burst` actions that drains at `perSecond`
 * (synapse/api/ratelimiting.py: an action is allowed while the actions not yet drained, plus this
 * one, are at most `burst`). From empty: `burst` actions at once, then one per `1 / perSecond` s.
 */
export const RateLimitSchema = z.object({ perSecond: z.number().positive(), burst: z.number().positive() }).strict();
export type RateLimit = z.infer<typeof RateLimitSchema>;

export const RateProfileSchema = z
  .object({
    /** `synapse-default` (a normal account), `fast` (limits lifted), or a caller's own. */
    id: z.string().min(1).max(64),
    /** `rc_message`: every event sent, and also every room creation and invite (all go through the request limiter). null: not limited. */
    message: RateLimitSchema.nullable(),
    /** `rc_room_creation` (Synapse ≥ 1.159). */
    roomCreation: RateLimitSchema.nullable(),
    /** `rc_invites.per_room`, `.per_user` (the invited person, across all rooms), `.per_issuer` (the uploader). */
    invitesPerRoom: RateLimitSchema.nullable(),
    invitesPerUser: RateLimitSchema.nullable(),
    invitesPerIssuer: RateLimitSchema.nullable(),
    /** The client's own pace when nothing limits it: requests per second (measured). null: requests take no time of their own. */
    requestsPerSecond: z.number().positive().nullable(),
    /** Upload bandwidth for media, bytes per second: an assumption, stated here so the UI can show it. */
    uploadBytesPerSecond: z.number().positive(),
  })
  .strict();
export type RateProfile = z.infer<typeof RateProfileSchema>;

/** 10 Mbit/s: an ordinary office or home uplink (an assumption; the caller can give its own). */
export const ASSUMED_UPLOAD_BYTES_PER_SECOND = 1_250_000;

/** The client's own pace on a local network when nothing limits it (an assumption, to be replaced by a measured one). */
export const ASSUMED_REQUESTS_PER_SECOND = 100;

/** Synapse's defaults (synapse/config/ratelimiting.py, 1.163): what a normal account gets. */
export const SYNAPSE_DEFAULT_PROFILE: RateProfile = {
  id: 'synapse-default',
  message: { perSecond: 0.2, burst: 10 },
  roomCreation: { perSecond: 0.016, burst: 10 },
  invitesPerRoom: { perSecond: 0.3, burst: 10 },
  invitesPerUser: { perSecond: 0.003, burst: 5 },
  invitesPerIssuer: { perSecond: 0.3, burst: 10 },
  requestsPerSecond: ASSUMED_REQUESTS_PER_SECOND,
  uploadBytesPerSecond: ASSUMED_UPLOAD_BYTES_PER_SECOND,
};

/**
 * Limits lifted: an admin's `override_ratelimit` of 0/0 for the user, or an application service
 * with `rate_limited: false`. Then the client's own throughput is what counts.
 */
export const FAST_PROFILE: RateProfile = {
  id: 'fast',
  message: null,
  roomCreation: null,
  invitesPerRoom: null,
  invitesPerUser: null,
  invitesPerIssuer: null,
  requestsPerSecond: ASSUMED_REQUESTS_PER_SECOND,
  uploadBytesPerSecond: ASSUMED_UPLOAD_BYTES_PER_SECOND,
};

export const PlanActionSchema = z.enum(['create', 'skip', 'merge']);
export type PlanAction = z.infer<typeof PlanActionSchema>;

/**
 * Why: `new` (create), `room-exists` / `partly-uploaded` (merge: the target has the room, only the
 * missing messages are sent), `excluded` (unticked by the user), `empty` (nothing to send),
 * `already-uploaded` (the target has every message).
 */
export const PlanReasonSchema = z.enum(['new', 'room-exists', 'partly-uploaded', 'excluded', 'empty', 'already-uploaded']);
export type PlanReason = z.infer<typeof PlanReasonSchema>;

/** What the caller knows is in the target already (the upload engine's journal): chat id → room. */
export const UploadedChatSchema = z
  .object({
    roomId: z.string().min(1).max(255),
    /** Entries of this chat's timeline (messages.jsonl order: chronological) already in the room, counted from the first. */
    messagesSent: z.number().int().nonnegative(),
  })
  .strict();
export type UploadedChat = z.infer<typeof UploadedChatSchema>;

export const ChatPlanSchema = z.object({
  chatId: z.string(),
  title: z.string(),
  type: ChatTypeSchema,
  action: PlanActionSchema,
  reason: PlanReasonSchema,
  /** Timeline entries the chat has (kept; for an excluded chat, those left out). */
  entries: z.number().int().nonnegative(),
  /** Authored messages to send (for a merge: the missing ones only). */
  messages: z.number().int().nonnegative(),
  /** Service entries to send as notices (joins, calls, pins…); 0 when the plan leaves them out. */
  events: z.number().int().nonnegative(),
  /** Attachments to upload (present in the export). */
  media: z.number().int().nonnegative(),
  mediaBytes: z.number().int().nonnegative(),
  /** Attachments the export left out or that are not on disk: named in the message text, not uploaded. */
  mediaMissing: z.number().int().nonnegative(),
  /** Events the target receives for this chat (each counts against `rc_message`): texts, media events, notices. */
  sends: z.number().int().nonnegative(),
  /** People invited to the room (mapped accounts other than the owner); 0 unless the plan invites. */
  invites: z.number().int().nonnegative(),
  /** Timeline entries already in the target (merge and already-uploaded). */
  alreadySent: z.number().int().nonnegative(),
  /** The target room, when it exists already. */
  roomId: z.string().optional(),
  /** This chat alone, at the default profile (Synapse's limits) and at the fast one; 0 when skipped. */
  estimateMs: z.number().int().nonnegative(),
  estimateFastMs: z.number().int().nonnegative(),
});
export type ChatPlan = z.infer<typeof ChatPlanSchema>;

export const PlanTotalsSchema = z.object({
  chats: z.number().int().nonnegative(),
  create: z.number().int().nonnegative(),
  merge: z.number().int().nonnegative(),
  skip: z.number().int().nonnegative(),
  /** Skipped chats by reason. */
  skipped: z.object({ excluded: z.number().int().nonnegative(), empty: z.number().int().nonnegative(), alreadyUploaded: z.number().int().nonnegative() }),
  messages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  media: z.number().int().nonnegative(),
  mediaBytes: z.number().int().nonnegative(),
  mediaMissing: z.number().int().nonnegative(),
  sends: z.number().int().nonnegative(),
  invites: z.number().int().nonnegative(),
  /**
   * Every planned chat one after another by one account (in the order of `chats`), the limits'
   * bursts used once: less than the sum of the chats' own estimates.
   */
  estimateMs: z.number().int().nonnegative(),
  estimateFastMs: z.number().int().nonnegative(),
  /** Chats the caller said are uploaded that this run does not have (another source set). */
  uploadedElsewhere: z.number().int().nonnegative(),
});
export type PlanTotals = z.infer<typeof PlanTotalsSchema>;

export const PlanSchema = z.object({
  version: z.literal(1),
  chats: z.array(ChatPlanSchema),
  totals: PlanTotalsSchema,
  /** The profiles the estimates were made with. */
  rate: z.object({ default: RateProfileSchema, fast: RateProfileSchema }),
  /** Whether service entries are sent (as notices) and members invited. */
  options: z.object({ includeEvents: z.boolean(), invite: z.boolean() }),
});
export type Plan = z.infer<typeof PlanSchema>;
