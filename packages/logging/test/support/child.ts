import { spawn } from 'node:child_process';
import * as path from 'node:path';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ctrl: Array<Record<string, unknown>>;
}

/**
 * Runs test/fixtures/log-child.js (the package's TypeScript sources, transpiled on load) with
 * `input`. `onCtrl` sees each control message and gets the child process to signal it.
 */
export function runChild(
  input: Record<string, unknown>,
  onCtrl?: (msg: Record<string, unknown>, child: ReturnType<typeof spawn>) => void,
  timeoutMs = 110_000,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(__dirname, '..', '..', '..', '..', 'test', 'support', 'register-ts.js'),
        path.join(FIXTURES, 'log-child.js'),
        JSON.stringify(input),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let pending = '';
    const ctrl: Array<Record<string, unknown>> = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out after ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      pending += d;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('CTRL ')) {
          const msg = JSON.parse(line.slice(5)) as Record<string, unknown>;
          ctrl.push(msg);
          onCtrl?.(msg, child);
        }
        nl = pending.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ctrl });
    });
  });
}
