import { bankingClientFor } from '../../../../platform/banking-client.ts';
import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { Billers } from './billers.ts';
import { Bills } from './bills.ts';
import { BillPayments } from './payments.ts';
import { ScheduledPayments } from './schedules.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { StepUpPolicy } from '../../../../platform/step-up.ts';

export interface BillingServices {
  billers: Billers;
  bills: Bills;
  payments: BillPayments;
  schedules: ScheduledPayments;
}

/** Builds the services of one request. */
export function createBillingServices({ em, caller, config, logger }: ServiceDeps): BillingServices {
  const saga = { em, banking: bankingClientFor(config, 'billing'), logger };
  const billers = new Billers(em, caller);
  const bills = new Bills(em, caller, billers);
  const stepUp = new StepUpPolicy(config, metricsOf('billing'));
  return {
    billers,
    bills,
    payments: new BillPayments(em, caller, { bills, saga, stepUp }),
    schedules: new ScheduledPayments(em, caller, { bills, saga, stepUp }),
  };
}
