/**
 * Demo users of the embedded default (`npm start`), created on first run and
 * listed in the README. Never run in production.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../../platform/caller.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { User } from './entities/index.ts';
import { PasswordHasher } from './services/passwords.ts';
import { recordUserRegistered } from './services/user-events.ts';

/** The demo password of every demo user (development only). */
export const DEMO_PASSWORD = 'demo-password-2026';

export const DEMO_USERS: readonly {
  email: string;
  name: string;
  role: Role;
  profile?: Partial<Pick<User, 'businessName' | 'registrationNumber' | 'industry' | 'institution' | 'title' | 'bio'>>;
}[] = [
  { email: 'customer@bank.local', name: 'Carla Customer', role: 'CUSTOMER' },
  {
    email: 'owner@bank.local',
    name: 'Omar Owner',
    role: 'BUSINESS_OWNER',
    profile: { businessName: 'Omar’s Bakery LLC', registrationNumber: 'LLC-2041-77', industry: 'Food & Beverage' },
  },
  {
    email: 'banker@bank.local',
    name: 'Beatriz Banker',
    role: 'BANKER',
    profile: {
      institution: 'Bank Supergraph',
      title: 'Commercial Lender',
      bio: 'Twelve years of small-business lending.',
    },
  },
  { email: 'risk@bank.local', name: 'Ravi Risk', role: 'RISK_OFFICER' },
];

export async function seedDemoUsers({ orm, config, logger }: StartDeps): Promise<void> {
  const em = orm.em.fork();
  const existing = new Set(
    (await em.find(User, { email: { $in: DEMO_USERS.map((u) => u.email) } })).map((u) => u.email),
  );
  const missing = DEMO_USERS.filter((u) => !existing.has(u.email));
  if (missing.length === 0) return;
  const hasher = new PasswordHasher(config.auth.argon2);
  const passwordHash = await hasher.hash(DEMO_PASSWORD);
  for (const demo of missing) {
    const user = em.create(User, {
      id: randomUUID(),
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
