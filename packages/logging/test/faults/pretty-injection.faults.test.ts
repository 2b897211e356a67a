import { runChild } from '../support/child';
import { loggingConfig } from '../support/helpers';

// Issue 14 item 17: in pretty mode a message with a newline forged a `{"level":60…}` line, and
// terminal escape sequences reached the terminal. JSON output escapes them; pretty must too.

describe('pretty console output', () => {
  it('escapes control characters in messages and fields: no forged line, no escape sequence', async () => {
    const forged = '{"level":60,"time":1,"msg":"forged"}';
    const result = await runChild(
      {
        scenario: 'run-and-shutdown',
        config: loggingConfig({ format: 'pretty', outputs: [{ type: 'console', stream: 'stdout' }] }),
        calls: [
          { level: 'info', msg: `login ok\n${forged}\r\u001b[2J\u0007done` },
          { level: 'warn', obj: { user: `bob\n${forged}`, nested: { why: 'a\u001b[31mb' } }, msg: 'fields' },
        ],
      },
      undefined,
      60_000,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.some((l) => l.trimStart().startsWith('{"level":60'))).toBe(false);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // still readable: the message is there, its newline shown as \n
    expect(result.stdout).toContain('login ok\\n{"level":60');
    expect(result.stdout).toContain('fields');
  }, 90_000);
});
