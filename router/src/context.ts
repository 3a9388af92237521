import type { Caller } from '../../platform/caller.ts';
import type { Logger } from '../../platform/logger.ts';

/** What the router knows about one client request. */
export interface RouterContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
  /** The client's User-Agent (cut to 200 printable characters), passed on to subgraphs. */
  userAgent?: string | null;
}
