/**
 * Demo users of the embedded default (`npm start`), created on first run and
 * listed in the README. Never run in production. Their ids are fixed
 * (platform/demo-data.ts) so that the other subgraphs' seeds can give them
 * accounts, bills, a lending profile and a conversation without asking
 * identity.
 */
import {
  DEMO_BANKER,
  DEMO_CUSTOMER,
  DEMO_OWNER,
  DEMO_RISK_OFFICER,
  type DemoUser,
} from '../../../platform/demo-data.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { User } from './entities/index.ts';
import { PasswordHasher } from './services/passwords.ts';
import { recordUserRegistered } from './services/user-events.ts';

/** The demo password of every demo user (development only). */
export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_USERS: readonly (DemoUser & {
  name: string;
  profile?: Partial<Pick<User, 'businessName' | 'registrationNumber' | 'industry' | 'institution' | 'title' | 'bio'>>;
})[] = [
  { ...DEMO_CUSTOMER, name: 'Carla Customer' },
  {
    ...DEMO_OWNER,
    name: 'Omar Owner',
    profile: { businessName: 'Omar’s Bakery LLC', registrationNumber: 'LLC-2041-77', industry: 'Food & Beverage' },
  },
  {
    ...DEMO_BANKER,
    name: 'Beatriz Banker',
    profile: {
      institution: 'Bank Supergraph',
      title: 'Commercial Lender',
      bio: 'Twelve years of small-business lending.',
    },
  },
  { ...DEMO_RISK_OFFICER, name: 'Ravi Risk' },
];

export async function seedDemoUsers({ orm, config, logger }: StartDeps): Promise<void> {
  const em = orm.em.fork();
  const found = await em.find(User, { email: { $in: DEMO_USERS.map((u) => u.email) } });
  // Demo users created before their ids were fixed keep theirs: the other subgraphs' demo data is not theirs.
  const older = found.filter((u) => DEMO_USERS.some((d) => d.email === u.email && d.id !== u.id));
  if (older.length > 0) {
    logger.warn(
      { users: older.map((u) => u.email) },
      'these demo users were created before demo data existed: the demo accounts, bills and conversation are not theirs (start on fresh databases, e.g. without the data folder, to see them)',
    );
  }
  const existing = new Set(found.map((u) => u.email));
  const missing = DEMO_USERS.filter((u) => !existing.has(u.email));
  if (missing.length === 0) return;
  const hasher = new PasswordHasher(config.auth.argon2);
  const passwordHash = await hasher.hash(DEMO_PASSWORD);
  for (const demo of missing) {
    const user = em.create(User, {
      id: demo.id,
      email: demo.email,
      passwordHash,
      name: demo.name,
      roles: [demo.role],
      ...demo.profile,
    });
    recordUserRegistered(em, user);
  }
  await em.flush();
  logger.info({ users: missing.map((u) => u.email) }, 'demo users created');
}
