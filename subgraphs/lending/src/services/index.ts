import { createBankingClient, type BankingClient } from '../../../../platform/banking-client.ts';
import type { Config } from '../../../../platform/config.ts';
import type { ServiceDeps } from '../../../../platform/subgraph.ts';
import { LoanApplications } from './applications.ts';
import { DocumentVault } from './documents.ts';
import { Loans } from './loans.ts';
import { LendingProfiles } from './profiles.ts';

export interface LendingServices {
  profiles: LendingProfiles;
  applications: LoanApplications;
  loans: Loans;
}

/** What lending keeps for the life of the process: its banking client and document key. */
export interface LendingResources {
  banking: BankingClient;
  vault: DocumentVault;
}

const resources = new WeakMap<Config, LendingResources>();

/** The process-wide resources of a configuration (built once). */
export function lendingResources(config: Config): LendingResources {
  let found = resources.get(config);
  if (!found) {
    const { serviceSigningPrivateKey, documentEncryptionKey } = config.keys;
    if (!serviceSigningPrivateKey || !documentEncryptionKey) {
      throw new Error('lending needs SERVICE_SIGNING_PRIVATE_KEY and DOCUMENT_ENCRYPTION_KEY');
    }
    found = {
      banking: createBankingClient({
        url: config.router.subgraphUrls.banking,
        service: 'lending',
        privateKey: serviceSigningPrivateKey,
      }),
      vault: new DocumentVault(documentEncryptionKey),
    };
    resources.set(config, found);
  }
  return found;
}

/** Builds the services of one request. */
export function createLendingServices({ em, caller, config, bus, logger }: ServiceDeps): LendingServices {
  const { banking, vault } = lendingResources(config);
  const profiles = new LendingProfiles(em, caller);
  const applications = new LoanApplications(em, caller, { bus, logger, vault, profiles });
  const loans = new Loans(em, caller, { applications, saga: { em, banking, bus, logger } });
  return { profiles, applications, loans };
}
