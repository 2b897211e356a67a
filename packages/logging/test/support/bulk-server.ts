import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake Elasticsearch answers one `_bulk` request. */
export type BulkBehaviour =
  | { kind: 'ok' }
  /** Whole request answered with this HTTP status (nothing stored). */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Per-item status chosen by `item(doc, attemptOfThisId)`; 2xx items are stored. */
  | { kind: 'items'; item: (doc: Record<string, unknown>, attempt: number) => number }
  /** Store everything, but answer without `x-elastic-product` (a proxy or another product). */
  | { kind: 'not-elasticsearch' }
  /** Store everything, then drop the connection without answering (a lost answer). */
  | { kind: 'lose-answer' };

export interface BulkRequest {
  headers: http.IncomingHttpHeaders;
  path: string;
  actions: Array<Record<string, { _index?: string; _id?: string }>>;
  answer: number | 'lost';
}

/**
 * A local server implementing the Elasticsearch `_bulk` contract: NDJSON action/document pairs,
 * `create` (409 when the `_id` exists) and `index`, per-item statuses with `errors: true`, and the
 * `x-elastic-product: Elasticsearch` header on every answer.
 */
export async function startBulkServer(
  behaviour: (requestNo: number) => BulkBehaviour = () => ({ kind: 'ok' }),
) {
  const stored = new Map<string, { index: string; doc: Record<string, unknown> }>();
  const attempts = new Map<string, number>();
  const requests: BulkRequest[] = [];
  let errors: string[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestNo = requests.length;
      const record: BulkRequest = { headers: req.headers, path: req.url ?? '', actions: [], answer: 0 };
      requests.push(record);
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !req.url?.endsWith('/_bulk')) {
        record.answer = 404;
        res.writeHead(404, { 'x-elastic-product': 'Elasticsearch' }).end();
        return;
      }
      if (!body.endsWith('\n') || req.headers['content-type'] !== 'application/x-ndjson') {
        errors.push('body must be NDJSON ending with a newline');
        record.answer = 400;
        res.writeHead(400, { 'x-elastic-product': 'Elasticsearch' }).end('{"error":"bad ndjson"}');
        return;
      }
      const lines = body.slice(0, -1).split('\n');
      if (lines.length % 2 !== 0) errors.push(`odd number of NDJSON lines: ${lines.length}`);
      const pairs: Array<{
        op: string;
        meta: { _index?: string; _id?: string };
        doc: Record<string, unknown>;
      }> = [];
      for (let i = 0; i < lines.length; i += 2) {
        const action = JSON.parse(lines[i] as string) as Record<string, { _index?: string; _id?: string }>;
        const op = Object.keys(action)[0] as string;
        record.actions.push(action);
        pairs.push({ op, meta: action[op] ?? {}, doc: JSON.parse(lines[i + 1] as string) });
      }
      const b = behaviour(requestNo);
      if (b.kind === 'status') {
        record.answer = b.status;
        res.writeHead(b.status, {
          'x-elastic-product': 'Elasticsearch',
          'content-type': 'application/json',
          ...b.headers,
        });
        res.end(JSON.stringify({ error: { type: 'test' }, status: b.status }));
        return;
      }
      const items = pairs.map(({ op, meta, doc }) => {
        const id = meta._id ?? `auto-${stored.size}-${Math.random()}`;
        const attempt = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, attempt);
        let status = b.kind === 'items' ? b.item(doc, attempt) : 201;
        if (status >= 200 && status < 300) {
          if (op === 'create' && stored.has(id)) status = 409;
          else stored.set(id, { index: meta._index ?? '', doc });
        }
        const result =
          status >= 300
            ? {
                _id: id,
                status,
                error: {
                  type:
                    status === 409
                      ? 'version_conflict_engine_exception'
                      : status === 429
                        ? 'es_rejected_execution_exception'
                        : 'mapper_parsing_exception',
                  reason: 'test',
                },
              }
            : { _id: id, status, result: 'created' };
        return { [op]: result };
      });
      if (b.kind === 'lose-answer') {
        record.answer = 'lost';
        req.socket.destroy();
        return;
      }
      const anyError = items.some((it) => ((Object.values(it)[0] as { status: number }).status ?? 0) >= 300);
      record.answer = 200;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (b.kind !== 'not-elasticsearch') headers['x-elastic-product'] = 'Elasticsearch';
      res.writeHead(200, headers).end(JSON.stringify({ took: 1, errors: anyError, items }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    requests,
    get protocolErrors() {
      return errors;
    },
    /** Stored documents' `msg`/`message`, in arrival order. */
    messages(): string[] {
      return [...stored.values()].map((s) => String(s.doc.msg ?? s.doc.message));
    },
    reset(): void {
      stored.clear();
      attempts.clear();
      requests.length = 0;
      errors = [];
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
