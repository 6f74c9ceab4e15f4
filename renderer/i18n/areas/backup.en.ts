/** English texts of the Backup step (key `backup` in the catalogue). */
export const backupEn = {};
