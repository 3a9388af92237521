/**
 * Structured logging with pino. Every log line of a request carries its
 * request id; secrets never reach the log (see {@link REDACTED_PATHS}).
 */
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';
import { NO_TRACE_FIELDS, traceLogFields } from './tracing.ts';

export type { Logger };

/** Header that carries the request id from the router to the subgraphs. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** The client's own User-Agent, which the router passes on to subgraphs (identity names sessions' devices with it). */
export const CLIENT_AGENT_HEADER = 'x-bank-client-agent';

/** A header's text as sent by a client, cut to `max` characters of printable text; null when absent. */
export function clientText(value: string | string[] | undefined, max = 200): string | null {
  const text = (Array.isArray(value) ? value[0] : value)?.replace(/[^\x20-\x7e]/g, '').trim();
  return text ? text.slice(0, max) : null;
}

/**
 * Fields that must never be written: tokens, passwords, keys, and the caller
 * header. Account numbers are masked where they are produced, not here.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-bank-caller"]',
  'variables.password',
  'variables.input.password',
  'variables.refreshToken',
  // Sign-in with an identity provider: the client secret, the PKCE verifier, the callback URL (it carries the code).
  'clientSecret',
  '*.clientSecret',
  'codeVerifier',
  '*.codeVerifier',
  'variables.callbackUrl',
];

/**
 * Creates the root logger of a service (writing to stdout unless given a
 * `destination`). A line written inside a traced operation carries its
 * `trace_id` and `span_id` (platform/tracing.ts).
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  service: string,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceLogFields,
    // Pino's own merge writes into the mixin's object: the shared empty one (no trace) is left alone.
    mixinMergeStrategy: (line: object, fields: object) =>
      fields === NO_TRACE_FIELDS ? line : Object.assign(fields, line),
  };
  return destination ? pino(options, destination) : pino(options);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Keeps a well-formed incoming request id, or makes a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}
