/**
 * The lending subgraph: bankers' lending profiles and the banker directory,
 * loan applications through commercial and risk review (live through
 * `loanApplicationUpdated`), encrypted application documents, and loans paid
 * out and repaid through banking's holds (sagas, resumed by a recovery job).
 */
import { measureSagas } from '../../../platform/subgraph-metrics.ts';
import { loadSchema, type SubgraphDefinition } from '../../../platform/subgraph.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedDemoLendingProfile } from './seed.ts';
import { bankingClientFor } from '../../../platform/banking-client.ts';
import { startErasureConsumer } from '../../../platform/data-rights.ts';
import { createLendingServices, type LendingServices } from './services/index.ts';
import { ERASURE_CONSUMER_GROUP, eraseLendingData } from './services/data-rights.ts';
import { startRecovery } from './services/recovery.ts';
import { subscriptions } from './subscriptions.ts';

export const lending: SubgraphDefinition<LendingServices> = {
  name: 'lending',
  typeDefs: loadSchema(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  database: { entities, migrations, migrationsPath: new URL('./migrations', import.meta.url).pathname },
  outbox: true,
  subscriptions,
  createServices: createLendingServices,
  // The recovery job stops when the subgraph closes, before its database.
  // So does the consumer that anonymizes erased users' data (identity's `identity.user.erased`).
  onStart: async ({ orm, config, bus, logger, metrics }) => {
    // A payout has no FAILED state: a loan is DISBURSING until its money is out.
    const stopMeasuring = measureSagas(
      metrics,
      orm,
      ['loan_payout', 'loan_repayment'],
      `select 'loan_payout' as saga, case status when 'DISBURSING' then 'pending' else 'completed' end as state,
              count(*) as n from loans group by status
       union all
       select 'loan_repayment', lower(status), count(*) from loan_repayments group by status`,
    );
    const stopRecovery = await startRecovery({ em: orm.em, banking: bankingClientFor(config, 'lending'), bus, logger });
    const stopErasure = await startErasureConsumer({
      orm,
      bus,
      logger,
      group: ERASURE_CONSUMER_GROUP,
      erase: eraseLendingData,
    });
    return async () => {
      await stopErasure();
      await stopRecovery();
      stopMeasuring();
    };
  },
  seedDemoData: seedDemoLendingProfile,
};
