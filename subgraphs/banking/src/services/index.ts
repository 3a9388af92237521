import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { AccountService } from './account-service.ts';
import { BankingDataRights } from './data-rights.ts';
import { History } from './history.ts';
import { Payments } from './payments.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { StepUpPolicy } from '../../../../platform/step-up.ts';

export interface BankingServices {
  accounts: AccountService;
  payments: Payments;
  history: History;
  dataRights: BankingDataRights;
}

/** Builds the services of one request. */
export function createBankingServices({ em, caller, config }: ServiceDeps): BankingServices {
  const accounts = new AccountService(em, caller);
  return {
    accounts,
    payments: new Payments(em, caller, accounts, new StepUpPolicy(config, metricsOf('banking'))),
    history: new History(em, caller, accounts),
    dataRights: new BankingDataRights(em, caller),
  };
}
