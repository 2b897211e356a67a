import { BoundedRing } from '@otelkit/config';

/** The last character code read, kept so that the compiler cannot drop the read that flattens. */
const read = { code: 0 };

/**
 * A fixed-size ring of the most recent log lines, exactly as written to the outputs (the JSON or
 * ECS line, before any pretty-printing), filled by the logger's destination. Storing keeps the
 * string pino already built, flattened first: pino builds a line by concatenation, and a kept
 * concatenation keeps every piece alive (each one copied again by every scavenge it survives);
 * flat, a line is one string (the garbage collector short-cuts the flattened concatenation).
 * Lines are parsed only when somebody reads them (the live dashboard). Give it to `createLogger`
 * (`options.recentLines`).
 *
 * @example
 * const lines = new LineRing(2000);
 * const logger = createLogger(config.logging, resource, { recentLines: lines });
 * lines.toArray(); // oldest first, each ending in "\n"
 */
export class LineRing extends BoundedRing<string> {
  constructor(capacity = 2000) {
    super(capacity, 'LineRing');
  }

  /** Keeps `line` (flattened), dropping the oldest when full. Never throws. */
  override push(line: string): void {
    // Reading a character of a concatenated string makes V8 flatten it in place.
    if (line.length > 0) read.code = line.charCodeAt(line.length - 1);
    super.push(line);
  }
}
