import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { Assistant } from './assistant.ts';
import { actAsUser, Graph } from './graph.ts';
import { Sessions } from './sessions.ts';

export interface AssistantServices {
  sessions: Sessions;
  assistant: Assistant;
}

/** Builds the services of one request. The graph client exists only for a signed-in user who sent their token. */
export function createAssistantServices({
  em,
  caller,
  bus,
  logger,
  config,
  userToken,
}: ServiceDeps): AssistantServices {
  const sessions = new Sessions(em, caller);
  const graph = () => new Graph(actAsUser({ routerUrl: config.assistant.routerUrl, caller, token: userToken }));
  return { sessions, assistant: new Assistant({ em, caller, bus, logger, config, sessions, graph }) };
}
