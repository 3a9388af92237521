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
  const history = new History(em, caller, accounts);
  const stepUp = new StepUpPolicy(config, metricsOf('banking'));
  return {
    accounts,
    // What a payment posts, the history shows without reading it back.
    payments: new Payments(em, caller, accounts, stepUp, (posting) => history.remember(posting)),
    history,
    dataRights: new BankingDataRights(em, caller),
  };
}
