import { bankingClientFor } from '../../../../platform/banking-client.ts';
import type { Config } from '../../../../platform/config.ts';
import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { LoanApplications } from './applications.ts';
import { LendingDataRights } from './data-rights.ts';
import { DocumentVault } from './documents.ts';
import { Loans } from './loans.ts';
import { LendingProfiles } from './profiles.ts';

export interface LendingServices {
  profiles: LendingProfiles;
  applications: LoanApplications;
  loans: Loans;
  dataRights: LendingDataRights;
}

const vaults = new WeakMap<Config, DocumentVault>();

/** The document vault of a configuration (its key decoded once per process). */
export function documentVault(config: Config): DocumentVault {
  let vault = vaults.get(config);
  if (!vault) {
    const key = config.keys.documentEncryptionKey;
    if (!key) throw new Error('lending needs DOCUMENT_ENCRYPTION_KEY');
    vaults.set(config, (vault = new DocumentVault(key)));
  }
  return vault;
}

/** Builds the services of one request. */
export function createLendingServices({ em, caller, config, bus, logger }: ServiceDeps): LendingServices {
  const banking = bankingClientFor(config, 'lending');
  const vault = documentVault(config);
  const profiles = new LendingProfiles(em, caller);
  const applications = new LoanApplications(em, caller, { bus, logger, vault, profiles });
  const loans = new Loans(em, caller, { applications, saga: { em, banking, bus, logger } });
  return { profiles, applications, loans, dataRights: new LendingDataRights(em, caller, vault) };
}
