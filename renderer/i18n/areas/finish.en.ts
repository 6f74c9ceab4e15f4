/** English texts of the Verify & report step (key `finish` in the catalogue). */
export const finishEn = {};
