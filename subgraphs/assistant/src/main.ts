/**
 * The assistant subgraph: customers ask about their money in their own words
 * (`askAssistant`) and get answers from the live ledger and the rest of the
 * graph, read through the router with their own access token; payments it
 * understands wait as pending actions for `confirmAssistantAction`. Turns
 * stream to every device of the customer (`assistantTurnAdded`).
 */
import { startErasureConsumer } from '../../../platform/data-rights.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { shippedClassifier } from './nlu/classifier.ts';
import { resolvers } from './resolvers/index.ts';
import { ERASURE_CONSUMER_GROUP, eraseAssistantData } from './services/data-rights.ts';
import { createAssistantServices, type AssistantServices } from './services/index.ts';
import { subscriptions } from './subscriptions.ts';

export const assistant: SubgraphDefinition<AssistantServices> = {
  name: 'assistant',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  subscriptions,
  actsAsUser: true,
  createServices: createAssistantServices,
  onStart: async ({ orm, bus, logger }) => {
    // The model loads once, before the port opens, not on the first customer's question.
    shippedClassifier();
    const stop = await startErasureConsumer({
      orm,
      bus,
      logger,
      group: ERASURE_CONSUMER_GROUP,
      erase: eraseAssistantData,
    });
    return stop;
  },
};
