import { z } from 'zod';

/** What the user chose that must outlive the window (and the browser host's random port). */
export const SettingsSchema = z.object({
  /** Chats the user unticked (privacy opt-out), by chat id. */
  excludedChats: z.array(z.string().min(1).max(512)).max(200_000),
  language: z.enum(['ru', 'en']).nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatchSchema = SettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = { excludedChats: [], language: null };
