import * as fs from 'node:fs';

/**
 * Writes `text` to `file` without following a symlink planted at that path (`O_NOFOLLOW`: the
 * open fails with `ELOOP`), creating it with `mode`. Throws the open's error, with its `code`.
 * Shared by `otelkit report --out` and `otelkit generate`: a symlink in the output directory must
 * not turn a generated file into a write to whatever it points at.
 */
export function writeFileNoFollow(file: string, text: string, mode: number): void {
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
    mode,
  );
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
