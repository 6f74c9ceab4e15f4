import os from 'node:os';
import path from 'node:path';

/** Where Pereezd keeps its small, non-secret state (settings, public backup keys). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEREEZD_CONFIG_DIR) return path.resolve(env.PEREEZD_CONFIG_DIR);
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Pereezd');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Pereezd');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'pereezd');
}
