import { Writable } from 'node:stream';

/** A log line as pino wrote it, parsed. */
export interface CapturedLogLine {
  level: number;
  time: number;
  msg?: string;
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
  [key: string]: unknown;
}

/** Keeps the lines a pino logger writes, parsed; bounded, counting what it had to drop. */
export class MemoryLogStream extends Writable {
  readonly lines: CapturedLogLine[] = [];
  dropped = 0;
  private _partial = '';

  constructor(private readonly _maxLines = 100_000) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const text = this._partial + String(chunk);
    const parts = text.split('\n');
    this._partial = parts.pop() ?? '';
    for (const part of parts) {
      if (part === '') continue;
      if (this.lines.length >= this._maxLines) {
        this.dropped++;
        continue;
      }
      this.lines.push(JSON.parse(part) as CapturedLogLine);
    }
    cb();
  }

  clear(): void {
    this.lines.length = 0;
    this.dropped = 0;
  }
}
