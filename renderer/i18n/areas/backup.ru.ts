/** Тексты шага «Резервная копия» (ключ `backup` в каталоге). */
import type { backupEn } from './backup.en.js';

export const backupRu: typeof backupEn = {};
