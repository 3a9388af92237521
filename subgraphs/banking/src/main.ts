/**
 * The banking subgraph: accounts and the double-entry ledger, history,
 * statements and spending summaries.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { startSecurityChangesConsumer } from '../../../platform/step-up.ts';
import { startErasureConsumer } from '../../../platform/data-rights.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoAccounts } from './seed.ts';
import { ensureSystemAccounts } from './services/account-service.ts';
import { ERASURE_CONSUMER_GROUP, eraseBankingData } from './services/data-rights.ts';
import { createBankingServices, type BankingServices } from './services/index.ts';
import { statementCsv } from './services/statement-csv.ts';

/** Banking's consumer group for identity's security changes (platform/step-up.ts). */
export const SECURITY_CHANGES_CONSUMER_GROUP = 'banking-security-changes';

export const banking: SubgraphDefinition<BankingServices> = {
  name: 'banking',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  createServices: createBankingServices,
  httpRoutes: {
    '/statement.csv': {
      contentType: 'text/csv; charset=utf-8',
      async handle({ url, services }) {
        const accountId = url.searchParams.get('accountId') ?? '';
        const month = url.searchParams.get('month') ?? '';
        const account = await services.accounts.get(accountId, 'accountId');
        const statement = await services.history.statement(account, month);
        return { body: statementCsv(statement), filename: `statement-${account.number.slice(-4)}-${month}.csv` };
      },
    },
  },
  async onStart({ orm, bus, logger }) {
    try {
      await ensureSystemAccounts(orm.em.fork());
    } catch (error) {
      // Another instance created them at the same moment.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    // Payments soon after a password, role or factor change need a second factor.
    const stopChanges = await startSecurityChangesConsumer({
      orm,
      bus,
      logger,
      group: SECURITY_CHANGES_CONSUMER_GROUP,
    });
    // Anonymizes erased users' banking data (identity's `identity.user.erased`); stops before the database closes.
    const stopErasure = await startErasureConsumer({
      orm,
      bus,
      logger,
      group: ERASURE_CONSUMER_GROUP,
      erase: eraseBankingData,
    });
    return async () => {
      await stopErasure();
      await stopChanges();
    };
  },
  seedDemoData: seedDemoAccounts,
};
