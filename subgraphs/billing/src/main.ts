/**
 * The billing subgraph: billers, the bills users owe, bill payments as a
 * saga over banking's holds, and scheduled payments, with background jobs
 * (recovery of interrupted payments, the scheduler, overdue bills, "due
 * soon" notices).
 */
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoBills } from './seed.ts';
import { ensureStartingBillers } from './services/billers.ts';
import { bankingClientFor } from '../../../platform/banking-client.ts';
import { createBillingServices, type BillingServices } from './services/index.ts';
import { startBillingJobs } from './services/jobs.ts';

export const billing: SubgraphDefinition<BillingServices> = {
  name: 'billing',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  createServices: createBillingServices,
  // The starting list of billers on an empty database; the jobs stop when the subgraph closes, before its database.
  onStart: async ({ orm, config, logger }) => {
    await ensureStartingBillers(orm.em.fork());
    return startBillingJobs({ em: orm.em, banking: bankingClientFor(config, 'billing'), logger });
  },
  seedDemoData: seedDemoBills,
};
