/** Тексты шагов «Подключение», «Пилот» и «Загрузка» (ключ `matrix` в каталоге). */
import type { matrixEn } from './matrix.en.js';

export const matrixRu: typeof matrixEn = {};
