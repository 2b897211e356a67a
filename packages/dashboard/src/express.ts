/**
 * Express (4 and 5) mounting: `app.use(dashboardMiddleware(monitoring))` serves the dashboard at
 * `dashboard.path`; `app.use('/ops', dashboardMiddleware(monitoring))` serves it at `/ops/`
 * (Express strips the mount path). Express is imported as types only.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createDashboard } from './create-dashboard';
import type { DashboardHandler, DashboardOptions, DashboardSource } from './types';

/** An Express middleware with the handler's `shutdown()` and `stats()`. */
export type DashboardMiddleware = RequestHandler & Pick<DashboardHandler, 'path' | 'shutdown' | 'stats'>;

/**
 * @example
 * app.use(dashboardMiddleware(monitoring)); // http://127.0.0.1:3000/monitoring/dashboard/
 */
export function dashboardMiddleware(
  source: DashboardSource,
  options: DashboardOptions = {},
): DashboardMiddleware {
  const handler = createDashboard(source, options);
  const mw = ((req: Request, res: Response, next: NextFunction) => {
    // Mounted under a prefix: Express hands over the URL relative to it.
    if (req.baseUrl) {
      const original = req.originalUrl.split('?')[0] ?? '';
      if (original === req.baseUrl) {
        // `/ops` → `ops/`: relative URLs need the trailing slash.
        const query = req.originalUrl.slice(original.length);
        res.statusCode = 308;
        res.setHeader('location', `${req.baseUrl.slice(req.baseUrl.lastIndexOf('/') + 1)}/${query}`);
        res.end();
        return;
      }
      return handler.serve(req, res, req.url || '/');
    }
    handler(req, res, next);
  }) as DashboardMiddleware;
  Object.defineProperty(mw, 'path', { value: handler.path, enumerable: true });
  mw.shutdown = handler.shutdown;
  mw.stats = handler.stats;
  return mw;
}
