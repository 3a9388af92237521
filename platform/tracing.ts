/**
 * Traces with OpenTelemetry: one trace per operation, from the router to the
 * subgraphs, their SQL, the outbox, the event bus and its consumers, and the
 * router's delivery of subscription events, with a W3C `traceparent` on
 * every hop (HTTP headers, outbox rows, bus events).
 *
 * Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set: {@link startTracing} then
 * registers a tracer provider exporting over OTLP/HTTP (JSON) with a batch
 * processor, the AsyncLocalStorage context manager, and the `pg` patch. The
 * SDK is imported only then: with tracing off, no provider exists, every
 * helper below returns at its first check, and no span is made.
 *
 * Several services share one process under `npm start` and the tests, and
 * one process has one context manager and one `pg` module (so one SQL
 * instrumentation). A provider per service cannot work with that: the SQL
 * spans' tracer is one. So there is one provider per process, whose Resource
 * names the process (`bank` for the whole stack, the service itself under
 * bin/service.ts), and every span carries the service that made it in
 * {@link SERVICE_ATTRIBUTE}: server, consumer and relay spans put it in their
 * context, and the spans started under them (SQL, gateway, client calls)
 * inherit it.
 *
 * What spans never carry: headers, query strings, variables, SQL values
 * (MikroORM sends its statements with the values written in, so the
 * statement text is kept with every literal replaced by `?`), error messages
 * of SQL (sanitized the same way), payloads of events.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Span as SdkSpan, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Config } from './config.ts';
import { busView, type DomainEvent, type EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';

export { SpanKind };

/** The span attribute naming the bank service that made a span (router, banking, ...). */
export const SERVICE_ATTRIBUTE = 'bank.service';
/** The header of W3C trace context, and the outbox column and event field that carry the same value. */
export const TRACEPARENT = 'traceparent';
/** Paths never traced: probes and scrapes run every few seconds and tell nothing about an operation. */
const UNTRACED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
const SQL_SCOPE = '@opentelemetry/instrumentation-pg';

const SERVICE_KEY = createContextKey('bank.service');
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
/** What {@link traceLogFields} returns outside a traced operation: one shared object, never written to. */
export const NO_TRACE_FIELDS: Readonly<{ trace_id?: string; span_id?: string }> = Object.freeze({});

interface ActiveTracing {
  tracer: Tracer;
  propagator: TextMapPropagator;
  flush(): Promise<void>;
  stop(): Promise<void>;
  /** Stacks of this process that started it (tests may start two); stopped when the last one stops. */
  users: number;
}

/** Set once at start-up when tracing is on; undefined otherwise (the only check on every path). */
let active: ActiveTracing | undefined;
/** A set-up in progress: stacks starting together share it. */
let settingUp: Promise<ActiveTracing> | undefined;

/** A started tracing setup: flush its spans, or stop it (flushing first). */
export interface Tracing {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Whether this process traces (an endpoint was configured and {@link startTracing} ran). */
export const tracingEnabled = (): boolean => active !== undefined;

/**
 * Starts tracing for this process when `config.tracing.endpoint` is set;
 * resolves undefined (and registers nothing) otherwise. `processName` is the
 * Resource's `service.name` unless `OTEL_SERVICE_NAME` says otherwise.
 */
export async function startTracing(config: Config, processName: string, logger: Logger): Promise<Tracing | undefined> {
  const { endpoint, serviceName } = config.tracing;
  if (endpoint === undefined) return undefined;
  const started =
    active ??
    (await (settingUp ??= setUp(endpoint, serviceName ?? processName, logger).then(
      (ready) => {
        active = ready;
        settingUp = undefined;
        return ready;
      },
      (error: unknown) => {
        settingUp = undefined;
        throw error;
      },
    )));
  started.users += 1;
  let stopped = false;
  return {
    flush: () => started.flush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      started.users -= 1;
      if (started.users > 0) return;
      if (active === started) active = undefined;
      await started.stop();
    },
  };
}

async function setUp(endpoint: string, serviceName: string, logger: Logger): Promise<ActiveTracing> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { OTLPTraceExporter }, sdk, resources] =
    await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/resources'),
    ]);
  // Export failures (collector down) are the SDK's to retry or drop; say so once per failure, never crash.
  const log = logger.child({ component: 'tracing' });
  diag.setLogger(
    {
      error: (message) => log.warn(message),
      warn: (message) => log.warn(message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': serviceName }),
    // A client's sampled flag is followed (its trace is continued or not); everything else is sampled.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    spanProcessors: [new ServiceAndSqlProcessor(), new sdk.BatchSpanProcessor({ exporter })],
  });
  // Global, so that @apollo/gateway's own spans (gateway.request, .plan, .fetch) join the trace.
  trace.setGlobalTracerProvider(provider);
  const unpatchSql = await instrumentSql(provider);
  log.info({ endpoint: new URL(endpoint).origin, serviceName }, 'tracing on: spans exported over OTLP/HTTP');
  return {
    tracer: provider.getTracer('bank'),
    propagator: new W3CTraceContextPropagator(),
    flush: () => provider.forceFlush(),
    async stop() {
      unpatchSql();
      await provider.shutdown().catch((error: unknown) => log.warn({ err: error }, 'tracing: final export failed'));
      trace.disable();
      context.disable();
      diag.disable();
    },
    users: 0,
  };
}

/**
 * SQL spans from `pg`, the driver under MikroORM's PostgreSQL driver. Under
 * ESM the instrumentation's require hook never sees `pg` load, so it stays
 * disabled and its module patch is applied here to the `pg` module object
 * itself (the one MikroORM imports). Only statements inside a traced
 * operation make spans (the outbox relay polls every 200 ms), and never the
 * statement's values: see {@link sanitizeSql}.
 */
async function instrumentSql(provider: TracerProvider): Promise<() => void> {
  const [{ PgInstrumentation }, { default: pg }] = await Promise.all([
    import('@opentelemetry/instrumentation-pg'),
    import('pg'),
  ]);
  const instrumentation = new PgInstrumentation({
    enabled: false,
    requireParentSpan: true,
    ignoreConnectSpans: true,
    enhancedDatabaseReporting: false,
  });
  instrumentation.setTracerProvider(provider);
  const definition = instrumentation.getModuleDefinitions().find((d) => d.name === 'pg');
  if (!definition?.patch) throw new Error('@opentelemetry/instrumentation-pg has no patch for pg');
  definition.patch(pg);
  return () => definition.unpatch?.(pg);
}

/** Names each span's service from its context, and strips values from SQL spans before they end. */
class ServiceAndSqlProcessor implements SpanProcessor {
  onStart(span: SdkSpan, parentContext: Context): void {
    const service = parentContext.getValue(SERVICE_KEY);
    if (typeof service === 'string' && span.attributes[SERVICE_ATTRIBUTE] === undefined) {
      span.setAttribute(SERVICE_ATTRIBUTE, service);
    }
  }

  onEnding(span: SdkSpan): void {
    if (span.instrumentationScope.name !== SQL_SCOPE) return;
    const text = span.attributes['db.query.text'] ?? span.attributes['db.statement'];
    if (typeof text === 'string') {
      span.setAttribute('db.query.text', sanitizeSql(text));
      if (span.attributes['db.statement'] !== undefined) span.setAttribute('db.statement', sanitizeSql(text));
    }
    if (span.status.message !== undefined)
      span.setStatus({ ...span.status, message: sanitizeSql(span.status.message) });
  }

  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/**
 * A SQL statement without its values: every string literal (plain, `E''`,
 * dollar-quoted) and every number becomes `?`; quoted identifiers stay.
 * MikroORM writes values into the statement it sends (amounts, ids, JSON
 * payloads), so this is what stands between them and the trace backend.
 */
export function sanitizeSql(text: string): string {
  return text.replace(
    /"(?:[^"]|"")*"|[Ee]'(?:[^'\\]|\\.|'')*'?|'(?:[^']|'')*'?|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$|\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g,
    (token) => (token.startsWith('"') ? token : '?'),
  );
}

/**
 * Serves one HTTP request inside a server span, continuing the client's
 * trace when its `traceparent` is well formed (a malformed one starts a new
 * trace, never an error). `route` names the span (a known path, never a
 * client's free text). Without tracing, just `handle()`.
 */
export function traceServerRequest(
  service: string,
  req: IncomingMessage,
  res: ServerResponse,
  route: string | undefined,
  handle: () => void,
): void {
  const t = active;
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  if (!t || UNTRACED_PATHS.has(path)) return handle();
  const method = req.method ?? 'GET';
  const parent = t.propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter).setValue(SERVICE_KEY, service);
  const span = t.tracer.startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, ...(route ? { 'http.route': route } : {}) },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), handle);
}

/**
 * Names the GraphQL operation on the request's server span (its type, and
 * its name cut to 100 characters). Added to a server's plugins only when
 * tracing is on.
 */
export function operationSpanPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          trace.getActiveSpan()?.setAttributes({
            ...(operation ? { 'graphql.operation.type': operation.operation } : {}),
            ...(operationName ? { 'graphql.operation.name': operationName.slice(0, 100) } : {}),
          });
        },
      };
    },
  };
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The bank service doing the work (consumers, the outbox relay: no request names it). */
  service?: string;
  /**
   * Start from this carried `traceparent` (an event's) instead of the active
   * context; with `detached` and no traceparent, a new trace.
   */
  traceparent?: string | undefined;
  detached?: boolean;
}

/**
 * Runs `work` inside a span (its child spans and outgoing calls join it);
 * the span records failure by the error's name only. Without tracing, just
 * `work()`.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  const t = active;
  if (!t) return work();
  let parent = options.detached || options.traceparent !== undefined ? ROOT_CONTEXT : context.active();
  if (options.traceparent !== undefined) {
    parent = t.propagator.extract(parent, { [TRACEPARENT]: options.traceparent }, defaultTextMapGetter);
  }
  if (options.service !== undefined) parent = parent.setValue(SERVICE_KEY, options.service);
  const span = t.tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Headers carrying the active trace to another service (`traceparent`); none without tracing or a span. */
export function traceHeaders(): Readonly<Record<string, string>> {
  const t = active;
  if (!t) return NO_HEADERS;
  const carrier: Record<string, string> = {};
  t.propagator.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier;
}

/** The active span's `traceparent`, to carry with an event; undefined without tracing or a span. */
export const currentTraceparent = (): string | undefined => (active ? traceHeaders()[TRACEPARENT] : undefined);

/** The active span's ids for a log line (pino's `mixin`); nothing without tracing or a span. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  if (!active) return NO_TRACE_FIELDS;
  const span = trace.getSpan(context.active());
  if (!span) return NO_TRACE_FIELDS;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** `message` with the active span's `traceparent` when it is a plain object without one. */
function withTraceparent(message: unknown): unknown {
  if (message === null || typeof message !== 'object' || Array.isArray(message) || TRACEPARENT in message) {
    return message;
  }
  const traceparent = currentTraceparent();
  return traceparent ? { ...message, [TRACEPARENT]: traceparent } : message;
}

/**
 * `bus` as `service` uses it: each event its consumers take is handled in a
 * consumer span of the event's own trace (a child of the relay's publication),
 * and what it publishes live carries the publishing span's `traceparent`.
 * Without tracing, `bus` itself.
 */
export function tracedBus(bus: EventBus, service: string): EventBus {
  if (!active) return bus;
  return busView(bus, {
    // Live events (publishLive) carry the publishing operation's trace to the router's subscription delivery.
    publish: (topic, message) => bus.publish(topic, withTraceparent(message)),
    consume: (group, handler, options) =>
      bus.consume(
        group,
        (event: DomainEvent) =>
          inSpan(
            `consume ${event.type}`,
            {
              kind: SpanKind.CONSUMER,
              service,
              traceparent: event.traceparent,
              detached: true,
              attributes: {
                'messaging.operation.type': 'process',
                'messaging.consumer.group.name': group,
                'messaging.message.id': event.id,
                'bank.event.type': event.type,
              },
            },
            () => handler(event),
          ),
        options,
      ),
  });
}
