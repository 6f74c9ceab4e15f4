/**
 * A suggested priority per chat, with the reasons, so the Inventory step can say why a chat should
 * move first (the seed's "inventory of groups and channels": active, many members, official
 * announcements) or can wait. It only suggests: the user decides what moves.
 */
import type { ChatSummary } from '../../../shared/model/index.js';

type Reason = NonNullable<ChatSummary['priority']>['reasons'][number];

/** Messages in the last 90 days from which a chat counts as active. */
export const ACTIVE_LAST90 = 20;
/** Members from which a group counts as large. */
export const MANY_MEMBERS = 20;
/** Words in a title that mark a chat as holding confidential matters (ru/en). */
const CONFIDENTIAL = /(конфиденц|секрет|служебн|зарплат|кадр|hr\b|payroll|salary|confidential|secret|legal|юрист|договор)/iu;

export function suggestPriority(c: Omit<ChatSummary, 'priority'>): NonNullable<ChatSummary['priority']> {
  const reasons: Reason[] = [];
  if (c.messages === 0 && c.events === 0) return { level: 'low', reasons: ['empty'] };
  if (c.last90 >= ACTIVE_LAST90) reasons.push('active');
  if (c.members >= MANY_MEMBERS) reasons.push('many-members');
  if (c.type === 'channel') reasons.push('announcements');
  if (CONFIDENTIAL.test(c.title)) reasons.push('confidential');
  if (reasons.length > 0) return { level: 'high', reasons };
  if (c.left) return { level: 'low', reasons: ['left'] };
  if (c.last90 === 0) return { level: 'low', reasons: ['inactive'] };
  return { level: 'normal', reasons: [] };
}
