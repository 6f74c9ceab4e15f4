/**
 * Opens a file with the system's default program (the HTML report in the user's browser, where they can
 * read and print it). The engine runs on the user's own computer in both hosts, so the desktop app and the
 * loopback browser host open it the same way. No shell: the path is one argument of a fixed program.
 */
import { spawn } from 'node:child_process';

export type OpenFile = (file: string) => Promise<void>;

function command(file: string): [string, string[]] {
  if (process.platform === 'win32') return ['explorer.exe', [file]];
  if (process.platform === 'darwin') return ['open', [file]];
  return ['xdg-open', [file]];
}

/**
 * Starts the opener and waits briefly: a missing opener or an immediate failure is an error the step can
 * show (with the path to open by hand); an opener still running after `waitMs` is taken as success.
 */
export function openWithSystem(waitMs = 1500): OpenFile {
  return (file) =>
    new Promise<void>((resolve, reject) => {
      const [cmd, args] = command(file);
      let settled = false;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const child = spawn(cmd, args, { detached: true, stdio: 'ignore', windowsHide: true });
      const timer = setTimeout(() => {
        child.unref();
        done();
      }, waitMs);
      child.once('error', (err) => done(new Error(`${cmd}: ${err.message}`)));
      // explorer.exe exits with 1 even when it opened the file.
      child.once('exit', (code) => done(code === 0 || process.platform === 'win32' ? undefined : new Error(`${cmd} exited with code ${code}`)));
    });
}
