/**
 * Federated subscriptions: the contract between a subgraph that owns a
 * subscription field and the router that serves it over graphql-ws.
 *
 * - A subgraph declares `type Subscription { field(args): T }` in its SDL and
 *   a {@link SubscriptionField} for it in its definition.
 * - When a client subscribes, the router asks the owning subgraph (POST
 *   {@link SUBSCRIPTION_PATH} with `event: null`) whether this caller may
 *   subscribe with these arguments; the subgraph answers with the bus topics
 *   to listen to (or a catalogued error: FORBIDDEN, NOT_FOUND...).
 * - The subgraph publishes live events on those topics
 *   (`bus.publish(topic, event)`), after the change commits.
 * - For each event, the router asks the subgraph again (with the event) to
 *   turn it into the field's value for this caller, or to skip it (null): the
 *   owner filters. Fields of other subgraphs are then resolved by the normal
 *   query plan.
 *
 * No router change is needed per field.
 */
import type { EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';
import type { SubgraphContext } from './subgraph.ts';

/** Subgraph path of subscription checks and event execution. */
export const SUBSCRIPTION_PATH = '/subscription';

/** What a subgraph does for one of its subscription fields. */
export interface SubscriptionField<TServices> {
  /**
   * Checks that the caller may subscribe with `args` (throw a catalogued
   * error otherwise) and returns the topics whose events concern them.
   */
  subscribe(args: Record<string, unknown>, context: SubgraphContext<TServices>): Promise<string[]>;
  /**
   * Turns one event published on those topics into the field's value for
   * this caller (the object the field's type resolves from), or null when the
   * event is not for them.
   */
  resolve(event: unknown, args: Record<string, unknown>, context: SubgraphContext<TServices>): Promise<unknown>;
}

/** Body of a router → subgraph subscription request. */
export interface SubscriptionRequest {
  query: string;
  variables: Record<string, unknown>;
  /** Null to check a new subscription; the event otherwise. */
  event: unknown;
}

/** Answer of the subgraph: topics for a check; data (or null to skip) for an event. */
export interface SubscriptionResponse {
  topics?: string[];
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Topic of a subscription field's events. Subgraphs build topics with it, for
 * example `subscriptionTopic('messageAdded', 'conversation', id)` or
 * `subscriptionTopic('notificationAdded', 'user', userId)`.
 */
export function subscriptionTopic(field: string, scope: string, id: string): string {
  return `subscription.${field}.${scope}.${id}`;
}

/**
 * Publishes a live event for subscribers. The change it announces is already
 * committed, so a failed publication is logged, not thrown: the caller's
 * request succeeded, and live delivery is best effort by design.
 */
export async function publishLive(bus: EventBus, logger: Logger, topic: string, event: object): Promise<void> {
  try {
    await bus.publish(topic, event);
  } catch (error) {
    logger.warn({ err: error, topic }, 'live event not published');
  }
}
