/** Тексты шага «Проверка и отчёт» (ключ `finish` в каталоге). */
import type { finishEn } from './finish.en.js';

export const finishRu: typeof finishEn = {};
