/**
 * The assistant's subscription field (the contract is platform/subscriptions.ts):
 * `assistantTurnAdded(sessionId)` for the session's owner only (anyone else
 * gets NOT_FOUND, as for an id that does not exist); each event's turn is
 * reloaded and checked for the subscriber.
 */
import type { SubscriptionField } from '../../../platform/subscriptions.ts';
import type { AssistantTurn } from './entities/index.ts';
import { turnAddedEvent, turnAddedTopic } from './services/live.ts';
import type { AssistantServices } from './services/index.ts';

export const assistantTurnAdded: SubscriptionField<AssistantServices> = {
  async subscribe(args, { services }) {
    const session = await services.sessions.get(args.sessionId);
    return [turnAddedTopic(session.id)];
  },
  async resolve(event, args, { services }): Promise<AssistantTurn | null> {
    const parsed = turnAddedEvent.safeParse(event);
    // The id as stored (PostgreSQL's lower case): an id sent in upper case found the same session when subscribing.
    const sessionId = String(args.sessionId).toLowerCase();
    if (!parsed.success || parsed.data.sessionId !== sessionId) return null;
    const turn = await services.sessions.findTurn(parsed.data.turnId);
    return turn?.sessionId === sessionId ? turn : null;
  },
};

export const subscriptions = { assistantTurnAdded };
