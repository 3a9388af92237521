/**
 * The live event of `assistantTurnAdded`: published on the bus after the
 * turn commits (at most once; the durable record is the database). It
 * carries ids only: the subscription reloads the turn for each subscriber.
 */
import { z } from 'zod';
import { subscriptionTopic } from '../../../../platform/subscriptions.ts';

/** Topic of the new turns of one session. */
export const turnAddedTopic = (sessionId: string): string =>
  subscriptionTopic('assistantTurnAdded', 'session', sessionId);

/** What is published on {@link turnAddedTopic}. */
export const turnAddedEvent = z.object({ turnId: z.uuid(), sessionId: z.uuid() });
export type TurnAddedEvent = z.infer<typeof turnAddedEvent>;
