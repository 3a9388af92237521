/**
 * The banking subgraph: accounts and the double-entry ledger, history,
 * statements and spending summaries.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { ensureSystemAccounts } from './services/account-service.ts';
import { createBankingServices, type BankingServices } from './services/index.ts';

export const banking: SubgraphDefinition<BankingServices> = {
  name: 'banking',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  createServices: createBankingServices,
  async onStart({ orm }) {
    try {
      await ensureSystemAccounts(orm.em.fork());
    } catch (error) {
      // Another instance created them at the same moment.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
  },
};
