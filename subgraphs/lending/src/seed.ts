/**
 * Demo data of the embedded default (`npm start` outside production): the
 * demo banker's lending profile, so that the banker directory (`bankers`)
 * lists her from the first start. Written through the profile service, as
 * her own `updateLendingProfile` would, and only when she has no profile
 * yet: a second start, or a banker who changed it, keeps what is there.
 */
import { DEMO_BANKER } from '../../../platform/demo-data.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { LendingProfile } from './entities/index.ts';
import { LendingProfiles } from './services/profiles.ts';

/** What the demo banker lends: the inputs of `updateLendingProfile`. */
export const DEMO_LENDING_PROFILE = {
  products: ['TERM_LOAN', 'LINE_OF_CREDIT', 'EQUIPMENT_FINANCING', 'SBA_LOAN'],
  minAmount: '10000.00',
  maxAmount: '500000.00',
  industries: ['Food & Beverage', 'Retail', 'Hospitality', 'Professional Services'],
  available: true,
} as const;

export async function seedDemoLendingProfile({ orm, logger }: StartDeps): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(LendingProfile, { bankerId: DEMO_BANKER.id })) > 0) return;
  const banker = { kind: 'user', userId: DEMO_BANKER.id, roles: [DEMO_BANKER.role] } as const;
  await new LendingProfiles(em, banker).update(DEMO_LENDING_PROFILE);
  logger.info({ banker: DEMO_BANKER.email }, 'demo lending profile created');
}
