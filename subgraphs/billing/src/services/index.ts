import { createBankingClient, type BankingClient } from '../../../../platform/banking-client.ts';
import type { Config } from '../../../../platform/config.ts';
import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { Billers } from './billers.ts';
import { Bills } from './bills.ts';
import { BillPayments } from './payments.ts';
import { ScheduledPayments } from './schedules.ts';

export interface BillingServices {
  billers: Billers;
  bills: Bills;
  payments: BillPayments;
  schedules: ScheduledPayments;
}

const clients = new WeakMap<Config, BankingClient>();

/** Billing's client of banking for a configuration (built once per process). */
export function bankingClientOf(config: Config): BankingClient {
  let client = clients.get(config);
  if (!client) {
    const privateKey = config.keys.serviceSigningPrivateKey;
    if (!privateKey) throw new Error('billing needs SERVICE_SIGNING_PRIVATE_KEY');
    client = createBankingClient({ url: config.router.subgraphUrls.banking, service: 'billing', privateKey });
    clients.set(config, client);
  }
  return client;
}

/** Builds the services of one request. */
export function createBillingServices({ em, caller, config, logger }: ServiceDeps): BillingServices {
  const saga = { em, banking: bankingClientOf(config), logger };
  const billers = new Billers(em, caller);
  const bills = new Bills(em, caller, billers);
  return {
    billers,
    bills,
    payments: new BillPayments(em, caller, { bills, saga }),
    schedules: new ScheduledPayments(em, caller, { bills, saga }),
  };
}
