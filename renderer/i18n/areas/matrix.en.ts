/** English texts of the Connect, Pilot and Upload steps (key `matrix` in the catalogue). */
export const matrixEn = {};
