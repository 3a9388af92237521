/**
 * The messaging subgraph: conversations between business owners and
 * bankers, their messages (live through `messageAdded`), and the
 * notifications made from the bank's domain events (live through
 * `notificationAdded`, and queued for email, SMS and push).
 */
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { createMessagingServices, type MessagingServices } from './services/index.ts';
import { startNotificationConsumer } from './services/notification-consumer.ts';
import { subscriptions } from './subscriptions.ts';

export const messaging: SubgraphDefinition<MessagingServices> = {
  name: 'messaging',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  subscriptions,
  createServices: createMessagingServices,
  // The consumer stops when the subgraph closes, before its database.
  onStart: ({ orm, bus, logger }) => startNotificationConsumer({ orm, bus, logger }),
};
