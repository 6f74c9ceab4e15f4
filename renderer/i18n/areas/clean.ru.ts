/** Тексты шага «Очистка» (ключ `clean` в каталоге). */
import type { cleanEn } from './clean.en.js';

export const cleanRu: typeof cleanEn = {};
