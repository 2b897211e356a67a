import { SpanKind } from '@opentelemetry/api';
import { withSpan } from '../../src';

export interface TreeIds {
  traceId?: string;
  server?: string;
  db?: string;
  render?: string;
}

/**
 * The span tree the exporter tests check on the wire: a SERVER span `GET /orders/:id` with
 * attributes, a failing child `db.query` (ERROR + exception), and a child `render`.
 * Needs the globals registered (children find their parent through the context manager).
 */
export function buildTree(): TreeIds {
  const ids: TreeIds = {};
  withSpan(
    'GET /orders/:id',
    (server) => {
      ids.traceId = server.spanContext().traceId;
      ids.server = server.spanContext().spanId;
      try {
        withSpan('db.query', (db) => {
          ids.db = db.spanContext().spanId;
          db.setAttribute('db.system.name', 'postgresql');
          throw new Error('db down');
        });
      } catch {
        // expected
      }
      withSpan('render', (render) => {
        ids.render = render.spanContext().spanId;
      });
    },
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'app.items': 3,
        'app.cached': true,
      },
    },
  );
  return ids;
}
