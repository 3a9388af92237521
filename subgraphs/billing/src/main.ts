/**
 * The billing subgraph: billers, the bills users owe, bill payments as a
 * saga over banking's holds, and scheduled payments, with background jobs
 * (recovery of interrupted payments, the scheduler, overdue bills, "due
 * soon" notices).
 */
import { measureSagas } from '../../../platform/subgraph-metrics.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoBills } from './seed.ts';
import { ensureStartingBillers } from './services/billers.ts';
import { bankingClientFor } from '../../../platform/banking-client.ts';
import { startErasureConsumer } from '../../../platform/data-rights.ts';
import { startKnownUsersConsumer } from '../../../platform/known-users.ts';
import { startSecurityChangesConsumer } from '../../../platform/step-up.ts';
import { ERASURE_CONSUMER_GROUP, eraseBillingData } from './services/data-rights.ts';
import { createBillingServices, type BillingServices } from './services/index.ts';
import { KNOWN_USERS_CONSUMER_GROUP, SECURITY_CHANGES_CONSUMER_GROUP } from './services/bills.ts';
import { startBillingJobs } from './services/jobs.ts';

export const billing: SubgraphDefinition<BillingServices> = {
  name: 'billing',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  createServices: createBillingServices,
  // The starting list of billers on an empty database, the users it may bill and their security changes (from identity's events),
  // and the jobs; all stop when the subgraph closes, before its database.
  onStart: async ({ orm, config, logger, bus, metrics }) => {
    await ensureStartingBillers(orm.em.fork());
    const stopMeasuring = measureSagas(
      metrics,
      orm,
      ['bill_payment'],
      `select 'bill_payment' as saga, lower(status) as state, count(*) as n from bill_payments group by status`,
    );
    const stopUsers = await startKnownUsersConsumer({ orm, bus, logger, group: KNOWN_USERS_CONSUMER_GROUP });
    // Payments soon after a password, role or factor change need a second factor.
    const stopChanges = await startSecurityChangesConsumer({
      orm,
      bus,
      logger,
      group: SECURITY_CHANGES_CONSUMER_GROUP,
    });
    const stopErasure = await startErasureConsumer({
      orm,
      bus,
      logger,
      group: ERASURE_CONSUMER_GROUP,
      erase: eraseBillingData,
    });
    const stopJobs = await startBillingJobs({ em: orm.em, banking: bankingClientFor(config, 'billing'), logger });
    return async () => {
      await stopJobs();
      await stopErasure();
      await stopChanges();
      await stopUsers();
      stopMeasuring();
    };
  },
  seedDemoData: seedDemoBills,
};
