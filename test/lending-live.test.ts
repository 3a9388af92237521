/**
 * `loanApplicationUpdated` through the router over graphql-ws: who may
 * follow one application, and who hears of which applications when
 * following all they may see (applicant, assigned banker, risk officers).
 */
import {
  applicationIn,
  bankerWithProfile,
  businessOwner,
  COMMERCIAL_REVIEW,
  RISK_DECISION,
  START_REVIEW,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { connect, subscribe, until, type Subscription, type WsClient } from './support/ws.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let otherOwner: SignedUp;
let thirdOwner: SignedUp;
let banker: SignedUp;
let otherBanker: SignedUp;
let officer: SignedUp;
let admin: SignedUp;
let customer: SignedUp;
const clients: WsClient[] = [];

const UPDATED = `subscription($id: ID) {
  loanApplicationUpdated(applicationId: $id) { id status applicant { id name } banker { id } }
}`;
interface Update {
  loanApplicationUpdated: {
    id: string;
    status: string;
    applicant: { id: string; name: string };
    banker: { id: string };
  };
}

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [owner, otherOwner, thirdOwner, banker, otherBanker, officer, admin, customer] = await Promise.all([
    businessOwner(url, 'olga'),
    businessOwner(url, 'oscar'),
    businessOwner(url, 'otto'),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'boris'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
    signUp(url, 'cyril', 'CUSTOMER'),
  ]);
}, 60_000);

afterAll(async () => {
  for (const ws of clients) await ws.dispose();
  await bank?.close();
});

function socket(user?: SignedUp): WsClient {
  const ws = connect(url, user?.token);
  clients.push(ws);
  return ws;
}

const stats = () => bank.stack.router.subscriptions.stats();

/** Subscriptions of this file the router serves now (refused ones never count). */
let active = 0;

/** Subscribes as `user` and waits until the router listens for its events. */
async function follow(user: SignedUp, id?: string): Promise<Subscription<Update>> {
  const sub = subscribe<Update>(socket(user), UPDATED, id ? { id } : {});
  active += 1;
  await until(() => stats().subscriptions >= active, 10_000, `${user.name} subscribed`);
  return sub;
}

/** Stops subscriptions and waits until the router has let them go. */
async function stop(...subs: Subscription<Update>[]): Promise<void> {
  for (const sub of subs) await sub.stop();
  active -= subs.length;
  await until(() => stats().subscriptions === active, 10_000, 'subscriptions released');
}

/** The first result of a subscription that the router refuses. */
const refusal = async (user: SignedUp | undefined, id: string) => {
  const ws = socket(user);
  const result = await subscribe<Update>(ws, UPDATED, { id }).next();
  return { ws, result, code: result.errors?.[0]?.extensions?.code };
};

/** Reads `count` events, then checks that nothing more arrives for a while. */
async function received(
  sub: Subscription<Update>,
  count: number,
  quietMs = 400,
): Promise<Update['loanApplicationUpdated'][]> {
  const events: Update['loanApplicationUpdated'][] = [];
  for (let i = 0; i < count; i += 1) {
    const event = await sub.next(5_000);
    expect(event.errors).toBeUndefined();
    events.push(event.data!.loanApplicationUpdated);
  }
  expect(await sub.nothingWithin(quietMs)).toBe(true);
  return events;
}

describe('following one application', () => {
  test('someone who may not see it is NOT_FOUND, as for an application that does not exist; the socket stays usable', async () => {
    const id = await submitApplication(url, owner, banker);
    for (const who of [otherOwner, otherBanker, customer]) {
      const { ws, code, result } = await refusal(who, id);
      expect(code).toBe('NOT_FOUND');
      expect(result).toEqual((await refusal(who, '00000000-0000-4000-8000-000000000000')).result);
      const me = subscribe<{ me: { id: string } }>(ws, `query { me { id } }`);
      expect((await me.next()).data?.me.id).toBe(who.id);
    }
  });

  test('an unknown application is NOT_FOUND; a malformed id BAD_USER_INPUT; anonymous UNAUTHENTICATED', async () => {
    expect((await refusal(owner, '00000000-0000-4000-8000-000000000000')).code).toBe('NOT_FOUND');
    expect((await refusal(owner, 'application-1')).code).toBe('BAD_USER_INPUT');
    const id = await submitApplication(url, owner, banker);
    expect((await refusal(undefined, id)).code).toBe('UNAUTHENTICATED');
  });

  test('the applicant, the assigned banker, a risk officer and an ADMIN see each status in turn, and only of it', async () => {
    const id = await submitApplication(url, owner, banker);
    const noise = await submitApplication(url, owner, banker);
    const subs = [];
    for (const who of [owner, banker, officer, admin]) subs.push(await follow(who, id));
    await new Promise((resolve) => setTimeout(resolve, 200));

    await must(url, START_REVIEW, { id }, banker.token);
    await must(url, START_REVIEW, { id: noise }, banker.token); // another application: not on these subscriptions
    await must(
      url,
      COMMERCIAL_REVIEW,
      { input: { applicationId: id, eligible: true, notes: 'Solid cash flow.', proposedRate: '7.5' } },
      banker.token,
    );
    await must(
      url,
      RISK_DECISION,
      { input: { applicationId: id, approved: true, annualRate: '7.5', termMonths: 24, reason: 'Within appetite.' } },
      officer.token,
    );
    for (const sub of subs) {
      const events = await received(sub, 3);
      expect(events.map((e) => e.status)).toEqual(['COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED']);
      for (const event of events) {
        expect(event).toMatchObject({ id, applicant: { id: owner.id, name: 'olga' }, banker: { id: banker.id } });
      }
    }
    await stop(...subs);
  });

  test('a withdrawal reaches the followers of the application', async () => {
    const id = await applicationIn(url, 'COMMERCIAL_REVIEW', { owner, banker });
    const sub = await follow(banker, id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await must(url, `mutation($id: ID!) { withdrawLoanApplication(applicationId: $id) { id } }`, { id }, owner.token);
    expect((await received(sub, 1)).map((e) => e.status)).toEqual(['WITHDRAWN']);
    await stop(sub);
  });
});

describe('following every application one may see', () => {
  test('applicants hear of theirs, bankers of those assigned to them, risk officers of all, others of none', async () => {
    // X: owner → banker; Y: otherOwner → otherBanker.
    const x = await submitApplication(url, owner, banker);
    const y = await submitApplication(url, otherOwner, otherBanker);
    const followers = new Map<SignedUp, Subscription<Update>>();
    for (const who of [owner, otherOwner, thirdOwner, banker, otherBanker, officer, customer]) {
      followers.set(who, await follow(who));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    await must(url, START_REVIEW, { id: x }, banker.token);
    await must(url, START_REVIEW, { id: y }, otherBanker.token);
    await must(
      url,
      `mutation($id: ID!) { withdrawLoanApplication(applicationId: $id) { id } }`,
      { id: y },
      otherOwner.token,
    );

    const seen = async (who: SignedUp, count: number) =>
      (await received(followers.get(who)!, count)).map(
        (e) => `${e.id === x ? 'X' : e.id === y ? 'Y' : e.id} ${e.status}`,
      );

    expect(await seen(owner, 1)).toEqual(['X COMMERCIAL_REVIEW']);
    expect(await seen(banker, 1)).toEqual(['X COMMERCIAL_REVIEW']);
    expect(await seen(otherOwner, 2)).toEqual(['Y COMMERCIAL_REVIEW', 'Y WITHDRAWN']);
    expect(await seen(otherBanker, 2)).toEqual(['Y COMMERCIAL_REVIEW', 'Y WITHDRAWN']);
    expect((await seen(officer, 3)).sort()).toEqual(
      ['X COMMERCIAL_REVIEW', 'Y COMMERCIAL_REVIEW', 'Y WITHDRAWN'].sort(),
    );
    expect(await seen(thirdOwner, 0)).toEqual([]);
    expect(await seen(customer, 0)).toEqual([]);
    await stop(...followers.values());
  });

  test('a new application reaches its banker and risk officers following all', async () => {
    const bankerSub = await follow(banker);
    const officerSub = await follow(officer);
    const otherSub = await follow(otherBanker);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = await submitApplication(url, thirdOwner, banker);
    for (const sub of [bankerSub, officerSub]) {
      const [event] = await received(sub, 1);
      expect(event).toMatchObject({ id, status: 'SUBMITTED', applicant: { id: thirdOwner.id } });
    }
    expect(await otherSub.nothingWithin(400)).toBe(true);
    await stop(bankerSub, officerSub, otherSub);
  });
});
