/**
 * The messaging subgraph: conversations between business owners and
 * bankers, their messages (live through `messageAdded`), and the
 * notifications made from the bank's domain events (live through
 * `notificationAdded`, and queued for email, SMS and push). It keeps users'
 * roles and who applied to which banker from identity's and lending's
 * events, to know who may talk to whom.
 */
import { startErasureConsumer } from '../../../platform/data-rights.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoConversation } from './seed.ts';
import { ERASURE_CONSUMER_GROUP, eraseMessagingData } from './services/data-rights.ts';
import { createMessagingServices, type MessagingServices } from './services/index.ts';
import { startDirectoryConsumer } from './services/directory.ts';
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
  // The consumers stop when the subgraph closes, before its database.
  onStart: async ({ orm, bus, logger }) => {
    const stops = [
      await startDirectoryConsumer({ orm, bus, logger }),
      await startNotificationConsumer({ orm, bus, logger }),
      await startErasureConsumer({ orm, bus, logger, group: ERASURE_CONSUMER_GROUP, erase: eraseMessagingData }),
    ];
    return async () => {
      for (const stop of stops) await stop();
    };
  },
  seedDemoData: seedDemoConversation,
};
