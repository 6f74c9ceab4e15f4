import { z } from 'zod';

/**
 * One identity per person across sources: a merged contact group (Telegram contact list, vCards,
 * CSVs) together with the chat participants linked to it (Telegram `from_id`, WhatsApp sender
 * names and numbers, Slack and Discord user ids). The clean step writes one line per identity to
 * `identities.jsonl`; the upload step maps every message sender to one of them through `senders`.
 *
 * Identity keys are stable across runs and sources (never run-local ids):
 *   `phone:+79161234567`         an E.164 number
 *   `email:ivan@example.ru`      an e-mail address, lower case
 *   `user:tg:user1001`           the messenger's own user id, qualified by the messenger (`slack:U01`, `discord:8000…`)
 *   `handle:telegram:ivan`       a username, lower case
 *   `sender:wa:name:иван петров` a sender known only by the name a messenger showed (WhatsApp)
 *   `name:ivan petrov`           a full name's matching skeleton (weak: used only when nothing else is known)
 */
export const IDENTITY_KEY_KINDS = ['phone', 'email', 'user', 'handle', 'sender', 'name'] as const;
export const IdentityKeyKindSchema = z.enum(IDENTITY_KEY_KINDS);
export type IdentityKeyKind = z.infer<typeof IdentityKeyKindSchema>;

export const IdentityKeySchema = z
  .string()
  .min(3)
  .max(512)
  .regex(/^(phone:\+[1-9]\d{4,14}|email:[^\s@]+@[^\s@]+|user:[a-z0-9]+:\S.*|handle:[a-z0-9_-]+:\S.*|sender:[a-z0-9]+:\S.*|name:\S.*)$/u, 'not an identity key');
export type IdentityKey = z.infer<typeof IdentityKeySchema>;

/**
 * An account of the new service: a Matrix user id (`@ivan:example.org`; the localpart as the spec's
 * historical grammar allows, the server name a host name, IPv4 or [IPv6] with an optional port) or
 * a bare XMPP address (`ivan@example.org`).
 */
export const TargetAccountSchema = z
  .string()
  .max(255)
  .regex(
    /^(@[\x21-\x39\x3B-\x7E]+:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?|[^\s@/"&'<>:]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/,
    'not an account of the new service (a Matrix id like @ivan:example.org or an XMPP address like ivan@example.org)',
  );
export type TargetAccount = z.infer<typeof TargetAccountSchema>;

export const IdentityMappingSchema = z.object({
  account: TargetAccountSchema,
  /** Who set it: the user in the app or CLI, or an imported file. */
  by: z.enum(['user', 'import']),
  /** ISO time it was set. */
  at: z.string(),
  /** The keys of this identity that found the stored entry. */
  matchedBy: z.array(IdentityKeySchema),
});
export type IdentityMapping = z.infer<typeof IdentityMappingSchema>;

export const IdentitySchema = z.object({
  /** `i-` + 16 hex digits over the people in it: the same input gives the same id, but ids are not kept across runs (keys are). */
  id: z.string().regex(/^i-[0-9a-f]{16}$/),
  /** Display name (the cleaned contact's, user edits included). */
  name: z.string(),
  /** Every distinct name the sources gave this person (Cyrillic and Latin spellings). */
  names: z.array(z.string()),
  /** E.164 numbers. */
  phones: z.array(z.string()),
  /** Addresses as written (display form). */
  emails: z.array(z.string()),
  handles: z.array(z.object({ type: z.string(), value: z.string() })),
  /** Messenger user ids, qualified: `tg:user1001`, `slack:U01IVAN`. */
  userIds: z.array(z.string()),
  /** Sender keys of messages.jsonl that are this person (see `senderKeyOf`): `tg:user1001`, `wa:name:иван петров`. */
  senders: z.array(z.string()),
  /** Contact ids (as in convert's contacts.jsonl) merged into this person. */
  contacts: z.array(z.string()),
  /** The line in contacts.jsonl (`kind: contact`) or participants.jsonl (`kind: participant`) that is this person. */
  line: z.object({ file: z.enum(['contacts', 'participants']), id: z.string() }),
  /** Stable keys (see above), sorted; a key may be shared with another identity (an office line). */
  keys: z.array(IdentityKeySchema),
  /** The keys an identity-map entry for this person is stored under: keys no other identity of this run has. Empty: cannot be remembered. */
  mapKeys: z.array(IdentityKeySchema),
  /** Messengers and files the person was found in (`tg`, `wa`, `vcard`, `csv`, `slack`…). */
  networks: z.array(z.string()),
  /** The account owner. */
  self: z.boolean(),
  /** Messages they wrote (kept, authored) and chats they appear in (as the sender of anything). */
  messages: z.number().int().nonnegative(),
  chats: z.number().int().nonnegative(),
  /** The target account from the stored identity map, when exactly one stored entry matches. */
  account: TargetAccountSchema.nullable(),
  mapping: IdentityMappingSchema.nullable(),
  /** Stored entries that match this person but name different accounts: none is used until the user decides. */
  conflict: z.array(TargetAccountSchema).optional(),
});
export type Identity = z.infer<typeof IdentitySchema>;

/** A message sender that could not be resolved to an identity, with why. */
export const UnresolvedSenderSchema = z.object({
  chat: z.string(),
  /** The sender key, or null when the message names no sender. */
  sender: z.string().nullable(),
  reason: z.enum(['no-sender', 'unknown-sender']),
  messages: z.number().int().positive(),
});
export type UnresolvedSender = z.infer<typeof UnresolvedSenderSchema>;

/** Counts for the Clean step and the CLI (`CleanResult.identities`). */
export const IdentitySummarySchema = z.object({
  total: z.number().int().nonnegative(),
  /** Identities with at least one contact-list entry (the rest were only seen in chats). */
  contacts: z.number().int().nonnegative(),
  participantsOnly: z.number().int().nonnegative(),
  withPhone: z.number().int().nonnegative(),
  withEmail: z.number().int().nonnegative(),
  withUserId: z.number().int().nonnegative(),
  withHandle: z.number().int().nonnegative(),
  /** No phone, e-mail, user id, username or sender name: known by a name at most. */
  nameOnly: z.number().int().nonnegative(),
  /** Identities that cannot be stored in the identity map (no key of their own). */
  unmappable: z.number().int().nonnegative(),
  self: z.number().int().nonnegative(),
  /** With a target account from the identity map. */
  mapped: z.number().int().nonnegative(),
  conflicts: z.number().int().nonnegative(),
  /** Stored map entries that matched nobody in this run (kept for later runs). */
  mapUnused: z.number().int().nonnegative(),
  /** Entries of the cleaned messages.jsonl, by how their sender resolved. */
  senders: z.object({
    /** Entries with a sender that resolved to an identity. */
    resolved: z.number().int().nonnegative(),
    /** Authored messages whose sender could not be resolved (see `unresolved`). */
    unresolved: z.number().int().nonnegative(),
    /** Service entries without a sender (the system's own notices). */
    system: z.number().int().nonnegative(),
  }),
  /** Up to 100 unresolved senders, most messages first. */
  unresolved: z.array(UnresolvedSenderSchema),
  /** Path of the identity map used (null: none). */
  mapFile: z.string().nullable(),
});
export type IdentitySummary = z.infer<typeof IdentitySummarySchema>;

/** One stored mapping: a person, by the keys they were known by when it was set, and their account. */
export const IdentityMapEntrySchema = z
  .object({
    keys: z.array(IdentityKeySchema).min(1).max(200),
    account: TargetAccountSchema,
    by: z.enum(['user', 'import']),
    at: z.string().max(40),
  })
  .strict();
export type IdentityMapEntry = z.infer<typeof IdentityMapEntrySchema>;

/** `identity-map.json` in the config folder (mode 0600): reused on every later run. */
export const IdentityMapSchema = z
  .object({
    version: z.literal(1),
    entries: z.array(IdentityMapEntrySchema).max(1_000_000),
  })
  .strict();
export type IdentityMap = z.infer<typeof IdentityMapSchema>;

export const EMPTY_IDENTITY_MAP: IdentityMap = { version: 1, entries: [] };
