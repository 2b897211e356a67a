import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '@otelkit/logging';
import { fileOutput, loggingConfig, tmpDir } from '../support/helpers';

// Issue 14 item 15: a symlink planted at the log path was followed (a line was appended to the
// victim), and files were created 0644.

const noHooks = { handleSignals: false, logUncaught: false } as const;

describe('log file paths', () => {
  it('refuses a symlink at the log path and leaves its target alone', () => {
    const dir = tmpDir();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'secret\n');
    const link = path.join(dir, 'app.log');
    fs.symlinkSync(victim, link);
    expect(() => createLogger(loggingConfig({ outputs: [fileOutput(link)] }), undefined, noHooks)).toThrow(
      /symbolic link/,
    );
    expect(fs.readFileSync(victim, 'utf8')).toBe('secret\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates files 0640 and directories 0750', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'logs', 'nested', 'app.log');
    const old = process.umask(0o022);
    try {
      const logger = createLogger(loggingConfig({ outputs: [fileOutput(file)] }), undefined, noHooks);
      logger.info('hello');
      await logger.shutdown();
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o750);
    expect(fs.statSync(path.join(dir, 'logs')).mode & 0o777).toBe(0o750);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
