/** English texts of the Clean step (key `clean` in the catalogue). */
export const cleanEn = {};
