import type { Caller } from '../../platform/caller.ts';
import type { Logger } from '../../platform/logger.ts';

/** What the router knows about one client request. */
export interface RouterContext {
  caller: Caller;
  requestId: string;
  logger: Logger;
  /** The client's User-Agent (cut to 200 printable characters), passed on to subgraphs. */
  userAgent?: string | null;
  /**
   * The access token a signed-in user presented. The router passes it to the
   * assistant subgraph alone (platform/caller.ts, USER_TOKEN_HEADER), which acts as that
   * user through the router and nothing more (docs/architecture.md).
   */
  accessToken?: string | undefined;
}
