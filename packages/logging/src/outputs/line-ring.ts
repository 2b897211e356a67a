import { BoundedRing } from '@otelkit/config';

/**
 * A fixed-size ring of the most recent log lines, exactly as written to the outputs (the JSON or
 * ECS line, before any pretty-printing), filled by the logger's destination. Storing is one array
 * write of the string pino already built; lines are parsed only when somebody reads them (the
 * live dashboard). Give it to `createLogger` (`options.recentLines`).
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
}
