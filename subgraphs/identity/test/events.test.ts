/**
 * Identity's domain events: written to its outbox in the same transaction as
 * the change, with ids and roles only, and published to the bus by the relay.
 */
import type { DomainEvent } from '../../../platform/event-bus.ts';
import {
  adminCaller,
  firstError,
  register,
  startIdentity,
  REGISTER,
  PASSWORD,
  type IdentityHarness,
} from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
});
afterAll(async () => {
  await h?.close();
});

interface OutboxRow {
  type: string;
  payload: { userId: string; roles: string[] };
}

const eventsOf = (userId: string) =>
  h.sql<OutboxRow>(`select type, payload from outbox_events where payload->>'userId' = ? order by position`, [userId]);

test('a sign-up writes identity.user.registered with the id and roles, never the email', async () => {
  const session = await register(h, { email: 'events-banker@example.com', role: 'BANKER', institution: 'Bank' });
  const rows = await eventsOf(session.user.id);
  expect(rows).toEqual([{ type: 'identity.user.registered', payload: { userId: session.user.id, roles: ['BANKER'] } }]);
  expect(JSON.stringify(rows)).not.toContain('events-banker@example.com');
});

test('a role change writes identity.user.roles_changed; a staff user is registered too', async () => {
  const { caller: admin } = await adminCaller(h);
  const created = await h.gql(
    `mutation($input: CreateStaffUserInput!) { createStaffUser(input: $input) { id } }`,
    { input: { email: 'events-risk@example.com', password: PASSWORD, name: 'Risk', role: 'RISK_OFFICER' } },
    admin,
  );
  const id = created.data.createStaffUser.id as string;
  await h.gql(
    `mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { id } }`,
    { input: { userId: id, roles: ['RISK_OFFICER', 'BANKER'] } },
    admin,
  );
  expect((await eventsOf(id)).map((r) => [r.type, r.payload.roles])).toEqual([
    ['identity.user.registered', ['RISK_OFFICER']],
    ['identity.user.roles_changed', ['RISK_OFFICER', 'BANKER']],
    // Payments soon after a role change need a second factor (platform/step-up.ts).
    ['identity.user.security_changed', undefined],
  ]);
});

test('a refused sign-up writes no event', async () => {
  const before = await h.count('users');
  const [{ n: eventsBefore } = { n: 0 }] = await h.sql<{ n: number }>('select count(*)::int as n from outbox_events');
  const refused = await h.gql(REGISTER, {
    input: { email: 'not-an-email', password: PASSWORD, name: 'X', role: 'CUSTOMER' },
  });
  expect(firstError(refused).extensions.code).toBe('BAD_USER_INPUT');
  const [{ n: eventsAfter } = { n: 0 }] = await h.sql<{ n: number }>('select count(*)::int as n from outbox_events');
  expect(eventsAfter).toBe(eventsBefore);
  expect(await h.count('users')).toBe(before);
});

test('the relay publishes them to the durable stream', async () => {
  const seen: DomainEvent[] = [];
  const stop = await h.bus.consume(
    'identity-events-test',
    async (event) => {
      seen.push(event);
    },
    { types: ['identity.user.registered'] },
  );
  const session = await register(h, { email: 'events-owner@example.com', role: 'BUSINESS_OWNER', businessName: 'Co' });
  await h.running.outbox?.drain();
  for (let i = 0; i < 50 && !seen.some((e) => e.payload.userId === session.user.id); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(seen.find((e) => e.payload.userId === session.user.id)).toMatchObject({
    type: 'identity.user.registered',
    payload: { roles: ['BUSINESS_OWNER'] },
  });
  await stop();
});
