/**
 * What the demo data of the embedded default (`npm start` outside
 * production) shares between subgraphs: the demo users' ids and roles and
 * the ids of their accounts. Each subgraph seeds its own database from its
 * `src/seed.ts` (`SubgraphDefinition.seedDemoData`) and refers to the others'
 * demo data by these fixed ids, never by asking them.
 *
 * The ids are fixed (not secret: they exist only in development databases),
 * so a second start finds what the first one seeded. This module holds ids
 * only, so that importing it brings no subgraph's code into another's
 * process.
 */
import type { Role } from './caller.ts';

/** A demo user as every subgraph knows them: id, email and role (identity holds the rest). */
export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

/** Carla Customer: a checking and a savings account, bills. */
export const DEMO_CUSTOMER: DemoUser = {
  id: 'de000000-0000-4000-8000-000000000001',
  email: 'customer@bank.local',
  role: 'CUSTOMER',
};

/** Omar Owner of Omar’s Bakery LLC: a business account, bills, a conversation with the banker. */
export const DEMO_OWNER: DemoUser = {
  id: 'de000000-0000-4000-8000-000000000002',
  email: 'owner@bank.local',
  role: 'BUSINESS_OWNER',
};

/** Beatriz Banker: a lending profile in the banker directory, a conversation with the owner. */
export const DEMO_BANKER: DemoUser = {
  id: 'de000000-0000-4000-8000-000000000003',
  email: 'banker@bank.local',
  role: 'BANKER',
};

/** Ravi Risk, the risk officer. */
export const DEMO_RISK_OFFICER: DemoUser = {
  id: 'de000000-0000-4000-8000-000000000004',
  email: 'risk@bank.local',
  role: 'RISK_OFFICER',
};

/** The demo users' accounts in banking (USD), which billing's demo bills are paid from. */
export const DEMO_ACCOUNTS = {
  customerChecking: 'de000000-0000-4000-8000-00000000a001',
  customerSavings: 'de000000-0000-4000-8000-00000000a002',
  ownerBusiness: 'de000000-0000-4000-8000-00000000a003',
} as const;
