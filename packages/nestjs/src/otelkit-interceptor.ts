import type { ServerResponse } from 'node:http';
import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { type Attributes, context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { recordRequestError, setRequestRoute } from '@otelkit/metrics';
import type { Monitoring } from '@otelkit/service';
import { Observable } from 'rxjs';
import { ignoredRequest } from './http-middleware';
import { ATTR_CODE_FUNCTION_NAME } from './semconv';
import { OTELKIT_MONITORING } from './tokens';

const reflector = new Reflector();

/** What one controller handler is called, computed on its first request. */
interface HandlerSite {
  readonly spanName: string;
  readonly attributes: Attributes;
  /** The template from Nest's route metadata (controller path + method path), without prefix. */
  readonly metadataRoute: string | undefined;
}

function paths(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function joinRoute(controller: string | undefined, method: string | undefined): string | undefined {
  if (controller === undefined && method === undefined) return undefined;
  const parts = [controller ?? '', method ?? ''].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

/**
 * The route template of the request as the HTTP framework under Nest registered it — with the
 * global prefix, versions and RouterModule paths Nest put in front: Express's matched
 * `req.route.path` (behind `req.baseUrl`), Fastify's `request.routeOptions.url`.
 */
function frameworkRoute(req: unknown): string | undefined {
  if (req === null || typeof req !== 'object') return undefined;
  const r = req as { route?: { path?: unknown }; baseUrl?: unknown; routeOptions?: { url?: unknown } };
  const fastify = r.routeOptions?.url;
  if (typeof fastify === 'string') return fastify;
  const path = r.route?.path;
  if (typeof path === 'string') return (typeof r.baseUrl === 'string' ? r.baseUrl : '') + path;
  return undefined;
}

/** The node:http response under Express's response (itself) or Fastify's reply (`raw`). */
function rawResponse(res: unknown): ServerResponse | undefined {
  if (res === null || typeof res !== 'object') return undefined;
  const raw = (res as { raw?: unknown }).raw;
  const candidate = raw !== null && typeof raw === 'object' ? raw : res;
  return typeof (candidate as ServerResponse).setHeader === 'function'
    ? (candidate as ServerResponse)
    : undefined;
}

/** Expected answers (4xx HttpExceptions) are not failures of the handler. */
function isFailure(err: unknown): boolean {
  return !(err instanceof HttpException && err.getStatus() < 500);
}

/**
 * A global interceptor (`OtelkitModule` registers it as `APP_INTERCEPTOR`) that, for every
 * controller handler call:
 *
 * - names the HTTP request by its route template (`/users/:id`) — `http.route` on the one
 *   `http.server.request.duration` stream and the one SERVER span, whichever made them (the
 *   module's middleware or the http auto-instrumentation); it never measures the request again;
 * - notes a thrown error for `error.type` (its class name, when the answer is a 5xx);
 * - runs the handler in an INTERNAL span `Controller.handler` (`code.function.name`), so spans and
 *   log lines of the providers it calls (`@monitored`) are its children.
 *
 * The handler's result or error passes through unchanged; instrumentation failures never reach it.
 */
export class OtelkitInterceptor implements NestInterceptor {
  private readonly _tracer: Tracer;
  private readonly _sites = new WeakMap<Function, HandlerSite>();

  constructor(monitoring: Monitoring) {
    this._tracer = monitoring.tracer;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    let site: HandlerSite;
    let res: ServerResponse | undefined;
    try {
      site = this._site(ctx);
      if (ctx.getType() === 'http') {
        const http = ctx.switchToHttp();
        const req = http.getRequest<unknown>();
        // Express's request is the node:http one; Fastify's wraps it as `raw`.
        if (ignoredRequest(req) || ignoredRequest((req as { raw?: unknown } | undefined)?.raw))
          return next.handle();
        res = rawResponse(http.getResponse());
        if (res) setRequestRoute(res, frameworkRoute(req) ?? site.metadataRoute);
      }
    } catch {
      return next.handle();
    }
    const parent = context.active();
    return new Observable<unknown>((subscriber) => {
      let span: ReturnType<Tracer['startSpan']> | undefined;
      try {
        span = this._tracer.startSpan(
          site.spanName,
          { kind: SpanKind.INTERNAL, attributes: site.attributes },
          parent,
        );
      } catch {
        span = undefined;
      }
      let ended = false;
      const end = (err?: unknown, failed = false): void => {
        if (ended) return;
        ended = true;
        try {
          if (failed && span) {
            if (err instanceof Error) span.recordException(err);
            span.setStatus({
              code: SpanStatusCode.ERROR,
              ...(err instanceof Error ? { message: err.message } : {}),
            });
          }
          span?.end();
        } catch {
          // never into the app
        }
      };
      // Nest binds the handler's async context when handle() is called, so calling it inside the
      // span's context makes the handler (and what it awaits) run there.
      const source = span ? context.with(trace.setSpan(parent, span), () => next.handle()) : next.handle();
      const subscription = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => {
          const failed = isFailure(err);
          if (failed && res) recordRequestError(res, err);
          end(err, failed);
          subscriber.error(err);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      });
      return () => {
        end();
        subscription.unsubscribe();
      };
    });
  }

  private _site(ctx: ExecutionContext): HandlerSite {
    const handler = ctx.getHandler();
    let site = this._sites.get(handler);
    if (site === undefined) {
      const controller = ctx.getClass();
      const name = `${controller.name}.${handler.name}`;
      site = {
        spanName: name,
        attributes: { [ATTR_CODE_FUNCTION_NAME]: name },
        metadataRoute: joinRoute(
          paths(reflector.get<unknown>(PATH_METADATA, controller)),
          paths(reflector.get<unknown>(PATH_METADATA, handler)),
        ),
      };
      this._sites.set(handler, site);
    }
    return site;
  }
}
Injectable()(OtelkitInterceptor);
Inject(OTELKIT_MONITORING)(OtelkitInterceptor, undefined, 0);
