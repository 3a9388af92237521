/**
 * The banker directory (`bankers`) and bankers' lending profiles
 * (`updateLendingProfile`), through the router: who is listed for a product,
 * an amount and an industry, in which order, page by page; who may write a
 * profile and what a profile must look like.
 */
import { lendingSql, problemOf } from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let customer: SignedUp;
let officer: SignedUp;
let admin: SignedUp;

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

const UPDATE = `mutation($input: UpdateLendingProfileInput!) {
  updateLendingProfile(input: $input) { products minAmount { amount currency } maxAmount { amount currency } industries available updatedAt }
}`;

const MY_PROFILE = `query { me { lendingProfile { products minAmount { amount } maxAmount { amount } industries available updatedAt } } }`;

const BANKERS = `query($filter: BankerFilter!, $first: Int, $after: String) {
  bankers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id name email bankerProfile { institution title bio } lendingProfile { available } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface BankerNode {
  id: string;
  name: string;
  email: string | null;
  bankerProfile: { institution: string; title: string | null; bio: string | null } | null;
  lendingProfile: { available: boolean } | null;
}
interface BankerPage {
  bankers: {
    edges: { cursor: string; node: BankerNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

interface Profile {
  products: string[];
  minAmount: string;
  maxAmount: string;
  industries: string[];
  available: boolean;
}

const profile = (overrides: Partial<Profile> = {}): Profile => ({
  products: ['TERM_LOAN'],
  minAmount: '10000.00',
  maxAmount: '500000.00',
  industries: [],
  available: true,
  ...overrides,
});

/** A banker who signed up (with a bio) and, unless `p` is null, set a lending profile. */
async function banker(name: string, p: Profile | null): Promise<SignedUp> {
  const signedUp = await signUp(url, name, 'BANKER', {
    institution: `${name} Savings`,
    title: 'Lender',
    bio: `I am ${name}.`,
  });
  if (p) await must(url, UPDATE, { input: p }, signedUp.token);
  return signedUp;
}

async function directory(
  filter: Record<string, unknown>,
  token: string,
  page: { first?: number; after?: string } = {},
): Promise<BankerPage['bankers']> {
  return (await must<BankerPage>(url, BANKERS, { filter, ...page }, token)).bankers;
}

/** Ids of the directory's answer, with the available ones and the others apart. */
async function listed(filter: Record<string, unknown>, token = owner.token) {
  const { edges } = await directory(filter, token, { first: 100 });
  const ids = edges.map((e) => e.node.id);
  const availability = edges.map((e) => e.node.lendingProfile?.available);
  return {
    ids,
    available: new Set(edges.filter((e) => e.node.lendingProfile?.available).map((e) => e.node.id)),
    unavailable: new Set(edges.filter((e) => !e.node.lendingProfile?.available).map((e) => e.node.id)),
    /** True when no unavailable banker comes before an available one. */
    availableFirst: availability.every((a, i) => i === 0 || !a || availability[i - 1]),
  };
}

// The TERM_LOAN directory of this file.
let bakeA: SignedUp; // TERM_LOAN + EQUIPMENT_FINANCING, 10,000–500,000, Bakeries and Restaurants
let anyB: SignedUp; // TERM_LOAN + LINE_OF_CREDIT, 1,000–100,000, any industry
let retailC: SignedUp; // TERM_LOAN, 10,000–500,000, Retail only
let shoutD: SignedUp; // TERM_LOAN, 10,000–1,000,000, "BAKERIES", not available
let locE: SignedUp; // LINE_OF_CREDIT only
let highF: SignedUp; // TERM_LOAN from 50,000.01
let lowG: SignedUp; // TERM_LOAN up to exactly 50,000.00
let exactH: SignedUp; // TERM_LOAN exactly 50,000.00, Bakeries
let bare: SignedUp; // a banker without a profile

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [owner, customer, officer, admin] = await Promise.all([
    signUp(url, 'dora', 'BUSINESS_OWNER', { businessName: 'Dora Bakes', industry: 'Bakeries' }),
    signUp(url, 'cyril', 'CUSTOMER'),
    createStaff(url, 'rhea', 'RISK_OFFICER'),
    signInAdmin(url),
  ]);
  [bakeA, anyB, retailC, shoutD, locE, highF, lowG, exactH, bare] = await Promise.all([
    banker(
      'bake-a',
      profile({ products: ['TERM_LOAN', 'EQUIPMENT_FINANCING'], industries: ['Bakeries', 'Restaurants'] }),
    ),
    banker(
      'any-b',
      profile({ products: ['TERM_LOAN', 'LINE_OF_CREDIT'], minAmount: '1000.00', maxAmount: '100000.00' }),
    ),
    banker('retail-c', profile({ industries: ['Retail'] })),
    banker('shout-d', profile({ maxAmount: '1000000.00', industries: ['BAKERIES'], available: false })),
    banker('loc-e', profile({ products: ['LINE_OF_CREDIT'], minAmount: '1000.00', maxAmount: '1000000.00' })),
    banker('high-f', profile({ minAmount: '50000.01' })),
    banker('low-g', profile({ minAmount: '1000.00', maxAmount: '50000.00' })),
    banker('exact-h', profile({ minAmount: '50000.00', maxAmount: '50000.00', industries: ['Bakeries'] })),
    banker('bare', null),
  ]);
}, 60_000);

afterAll(async () => {
  await bank?.close();
});

describe('bankers: who is listed', () => {
  test('product, amount range (inclusive) and industry (or any industry) decide; available bankers come first', async () => {
    const found = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: 'bakeries' });
    expect(found.available).toEqual(new Set([bakeA.id, anyB.id, lowG.id, exactH.id]));
    expect(found.unavailable).toEqual(new Set([shoutD.id]));
    expect(found.ids).toHaveLength(5);
    expect(found.availableFirst).toBe(true);
    // Not listed: another industry, another product, a range above the amount, no profile.
    for (const absent of [retailC, locE, highF, bare]) expect(found.ids).not.toContain(absent.id);
  });

  test('without an industry every industry is served', async () => {
    const found = await listed({ product: 'TERM_LOAN', amount: '50000.00' });
    expect(found.available).toEqual(new Set([bakeA.id, anyB.id, retailC.id, lowG.id, exactH.id]));
    expect(found.unavailable).toEqual(new Set([shoutD.id]));
    expect(found.availableFirst).toBe(true);
  });

  test('a cent above a maximum, and a cent below a minimum, leave the banker out', async () => {
    const above = await listed({ product: 'TERM_LOAN', amount: '50000.01', industry: 'Bakeries' });
    expect(above.available).toEqual(new Set([bakeA.id, anyB.id, highF.id]));
    expect(above.unavailable).toEqual(new Set([shoutD.id]));
    const below = await listed({ product: 'TERM_LOAN', amount: '9999.99' });
    expect(below.available).toEqual(new Set([anyB.id, lowG.id]));
    expect(below.unavailable.size).toBe(0);
  });

  test('the product filter: only bankers offering it', async () => {
    const found = await listed({ product: 'LINE_OF_CREDIT', amount: '50000.00' });
    expect(found.available).toEqual(new Set([anyB.id, locE.id]));
    const equipment = await listed({ product: 'EQUIPMENT_FINANCING', amount: '50000.00', industry: 'restaurants' });
    expect(equipment.ids).toEqual([bakeA.id]);
    const none = await listed({ product: 'SBA_LOAN', amount: '50000.00' });
    expect(none.ids).toEqual([]);
  });

  test('the industry is matched case-insensitively, whole, and bankers with no industries serve any', async () => {
    const reference = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: 'bakeries' });
    for (const spelling of ['BAKERIES', 'Bakeries', 'bAkErIeS', '  Bakeries ']) {
      const found = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: spelling });
      expect(new Set(found.ids)).toEqual(new Set(reference.ids));
    }
    // A part of a word is not the industry: only the bankers serving any industry remain.
    const partial = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: 'Bakery' });
    expect(new Set(partial.ids)).toEqual(new Set([anyB.id, lowG.id]));
    const retail = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: 'RETAIL' });
    expect(new Set(retail.ids)).toEqual(new Set([anyB.id, lowG.id, retailC.id]));
  });

  test('availableOnly leaves out bankers who take no new applications', async () => {
    const found = await listed({ product: 'TERM_LOAN', amount: '50000.00', industry: 'bakeries', availableOnly: true });
    expect(new Set(found.ids)).toEqual(new Set([bakeA.id, anyB.id, lowG.id, exactH.id]));
    const explicitFalse = await listed({ product: 'TERM_LOAN', amount: '50000.00', availableOnly: false });
    expect(explicitFalse.ids).toContain(shoutD.id);
  });

  test('nodes show the public profile from identity; the email only to staff', async () => {
    const { edges } = await directory({ product: 'EQUIPMENT_FINANCING', amount: '50000.00' }, owner.token);
    expect(edges.map((e) => e.node)).toEqual([
      {
        id: bakeA.id,
        name: 'bake-a',
        email: null,
        bankerProfile: { institution: 'bake-a Savings', title: 'Lender', bio: 'I am bake-a.' },
        lendingProfile: { available: true },
      },
    ]);
    for (const reader of [customer, anyB]) {
      const seen = await directory({ product: 'EQUIPMENT_FINANCING', amount: '50000.00' }, reader.token);
      expect(seen.edges.map((e) => e.node.email)).toEqual([null]);
    }
    for (const staff of [officer, admin]) {
      const seen = await directory({ product: 'EQUIPMENT_FINANCING', amount: '50000.00' }, staff.token);
      expect(seen.edges.map((e) => e.node.email)).toEqual(['bake-a@example.com']);
    }
  });

  test('the directory also shows the lending profile of each banker', async () => {
    const { bankers } = await must<{
      bankers: { edges: { node: { lendingProfile: Record<string, unknown> } }[] };
    }>(
      url,
      `query { bankers(filter: { product: EQUIPMENT_FINANCING, amount: "50000.00" }) {
        edges { node { lendingProfile { products minAmount { amount currency } maxAmount { amount currency } industries available } } }
      } }`,
      {},
      owner.token,
    );
    expect(bankers.edges[0]!.node.lendingProfile).toEqual({
      products: ['TERM_LOAN', 'EQUIPMENT_FINANCING'],
      minAmount: { amount: '10000.00', currency: 'USD' },
      maxAmount: { amount: '500000.00', currency: 'USD' },
      industries: ['Bakeries', 'Restaurants'],
      available: true,
    });
  });

  test('anonymous callers are UNAUTHENTICATED', async () => {
    const result = await gql(BANKERS, { filter: { product: 'TERM_LOAN', amount: '50000.00' } });
    expect(problemOf(result).code).toBe('UNAUTHENTICATED');
    expect(result.data?.bankers ?? null).toBeNull();
  });

  test('a bad amount or a blank industry in the filter is BAD_USER_INPUT', async () => {
    for (const amount of ['0', '-5.00', '100.001']) {
      const result = await gql(BANKERS, { filter: { product: 'TERM_LOAN', amount } }, owner.token);
      expect(problemOf(result).code).toBe('BAD_USER_INPUT');
      expect(String(problemOf(result).field)).toMatch(/amount$/);
    }
    const blank = await gql(
      BANKERS,
      { filter: { product: 'TERM_LOAN', amount: '100.00', industry: '  ' } },
      owner.token,
    );
    expect(problemOf(blank).code).toBe('BAD_USER_INPUT');
    expect(String(problemOf(blank).field)).toMatch(/industry$/);
  });
});

describe('bankers: pages', () => {
  // SBA_LOAN bankers of this block only: four available, three not.
  const sba = profile({ products: ['SBA_LOAN'], minAmount: '1000.00', maxAmount: '10000.00' });
  const filter = { product: 'SBA_LOAN', amount: '5000.00' };
  let sbaBankers: SignedUp[];

  beforeAll(async () => {
    sbaBankers = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6].map((i) => banker(`sba-${i}`, { ...sba, available: i % 2 === 0 })),
    );
  });

  async function readAll(first: number, between?: () => Promise<void>): Promise<BankerPage['bankers']['edges']> {
    const edges: BankerPage['bankers']['edges'] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const result = await directory(filter, owner.token, { first, ...(after ? { after } : {}) });
      expect(result.edges.length).toBeLessThanOrEqual(first);
      edges.push(...result.edges);
      if (page === 0 && between) await between();
      if (!result.pageInfo.hasNextPage) {
        expect(result.pageInfo.endCursor).toBe(result.edges.at(-1)?.cursor ?? null);
        return edges;
      }
      expect(result.edges).toHaveLength(first);
      expect(result.pageInfo.endCursor).toBe(result.edges.at(-1)!.cursor);
      after = result.pageInfo.endCursor!;
    }
    throw new Error('too many pages');
  }

  test.each([1, 2, 3, 4, 7])('pages of %i give every banker once, in the order of one big page', async (first) => {
    const all = (await directory(filter, owner.token, { first: 100 })).edges.map((e) => e.node.id);
    expect(new Set(all)).toEqual(new Set(sbaBankers.map((b) => b.id)));
    const paged = (await readAll(first)).map((e) => e.node.id);
    expect(paged).toEqual(all);
    // Available first: the four available ones, then the three others.
    const available = sbaBankers.filter((_, i) => i % 2 === 0).map((b) => b.id);
    expect(new Set(paged.slice(0, 4))).toEqual(new Set(available));
  });

  test('a banker added while paging does not shift the pages: no one is repeated or skipped', async () => {
    const before = (await directory(filter, owner.token, { first: 100 })).edges.map((e) => e.node.id);
    let added: SignedUp | undefined;
    const paged = (
      await readAll(2, async () => {
        added = await banker('sba-late', { ...sba, available: true });
      })
    ).map((e) => e.node.id);
    expect(new Set(paged).size).toBe(paged.length);
    for (const id of before) expect(paged).toContain(id);
    expect(paged.filter((id) => id !== added!.id)).toEqual(before);
    // Clean up for the other tests of this block.
    await must(
      url,
      UPDATE,
      { input: { ...sba, products: ['COMMERCIAL_REAL_ESTATE'], available: false } },
      added!.token,
    );
  });

  test('a cursor that is not one of the directory is BAD_USER_INPUT on `after`', async () => {
    const foreign = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const after of [
      'not-a-cursor',
      foreign([7]),
      foreign([2, sbaBankers[0]!.id]),
      foreign([0, 'not-a-uuid']),
      foreign({ rank: 0 }),
      '',
    ]) {
      const result = await gql(BANKERS, { filter, after }, owner.token);
      if (after === '') {
        // An empty cursor means "from the start" or is refused; it must not fail otherwise.
        expect(result.errors === undefined || problemOf(result).code === 'BAD_USER_INPUT').toBe(true);
        continue;
      }
      expect(problemOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  test('first must be 1 to 100', async () => {
    for (const first of [0, -1, 101]) {
      const result = await gql(BANKERS, { filter, first }, owner.token);
      expect(problemOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    }
    for (const first of [1, 100]) {
      const result = await gql(BANKERS, { filter, first }, owner.token);
      expect(result.errors).toBeUndefined();
    }
  });
});

describe('updateLendingProfile', () => {
  const profileCount = async () =>
    Number((await lendingSql<{ n: string }>(bank, 'select count(*) as n from lending_profiles'))[0]!.n);

  test('is for BANKERs only: everyone else is FORBIDDEN (anonymous UNAUTHENTICATED) and nothing is written', async () => {
    const before = await profileCount();
    for (const who of [owner, customer, officer, admin]) {
      const result = await gql(UPDATE, { input: profile() }, who.token);
      expect(problemOf(result).code).toBe('FORBIDDEN');
      expect(result.data?.updateLendingProfile ?? null).toBeNull();
    }
    expect(problemOf(await gql(UPDATE, { input: profile() })).code).toBe('UNAUTHENTICATED');
    expect(await profileCount()).toBe(before);
    const { me } = await must<{ me: { lendingProfile: unknown } }>(url, MY_PROFILE, {}, owner.token);
    expect(me.lendingProfile).toBeNull();
  });

  const tooMany = Array.from({ length: 21 }, (_, i) => `Industry ${i}`);
  test.each([
    ['no products', { products: [] }, 'products'],
    ['a product twice', { products: ['TERM_LOAN', 'SBA_LOAN', 'TERM_LOAN'] }, 'products'],
    ['a minimum above the maximum', { minAmount: '600000.00', maxAmount: '500000.00' }, 'maxAmount'],
    ['a zero minimum', { minAmount: '0' }, 'minAmount'],
    ['a zero minimum with decimals', { minAmount: '0.00' }, 'minAmount'],
    ['a negative minimum', { minAmount: '-100.00' }, 'minAmount'],
    ['a minimum with 3 decimals', { minAmount: '100.001' }, 'minAmount'],
    ['a negative maximum', { maxAmount: '-1.00' }, 'maxAmount'],
    ['a maximum with 3 decimals', { maxAmount: '500000.005' }, 'maxAmount'],
    ['a maximum with trailing zero decimals', { maxAmount: '500000.000' }, 'maxAmount'],
    ['21 industries', { industries: tooMany }, 'industries'],
    ['a blank industry', { industries: ['Bakeries', '   '] }, 'industries.1'],
    ['an empty industry', { industries: [''] }, 'industries.0'],
    ['an industry of 101 characters', { industries: ['x'.repeat(101)] }, 'industries.0'],
  ])('%s is BAD_USER_INPUT naming the field, and the profile stays as it was', async (_what, change, field) => {
    const before = await must<{ me: unknown }>(url, MY_PROFILE, {}, bakeA.token);
    const result = await gql(UPDATE, { input: { ...profile(), ...change } }, bakeA.token);
    expect(problemOf(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(result.data?.updateLendingProfile ?? null).toBeNull();
    expect(await must<{ me: unknown }>(url, MY_PROFILE, {}, bakeA.token)).toEqual(before);
  });

  test('the limits themselves are accepted: 20 industries of 100 characters, min = max', async () => {
    const edge = await banker('edge', null);
    const industries = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(100, 'x'));
    const { updateLendingProfile } = await must<{ updateLendingProfile: { industries: string[] } }>(
      url,
      UPDATE,
      { input: profile({ minAmount: '0.01', maxAmount: '0.01', industries }) },
      edge.token,
    );
    expect(updateLendingProfile.industries).toEqual(industries);
  });

  test('a profile is replaced as a whole, and the directory follows', async () => {
    const mover = await banker('mover', null);
    const { updateLendingProfile: first } = await must<{ updateLendingProfile: { updatedAt: string } }>(
      url,
      UPDATE,
      { input: profile({ products: ['INVOICE_FINANCING'], industries: ['Logistics'], minAmount: '500.00' }) },
      mover.token,
    );
    const invoice = { product: 'INVOICE_FINANCING', amount: '600.00', industry: 'logistics' };
    expect((await listed(invoice)).ids).toEqual([mover.id]);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const replacement = {
      products: ['COMMERCIAL_REAL_ESTATE', 'SBA_LOAN'],
      minAmount: '250000.00',
      maxAmount: '2000000.00',
      industries: [],
      available: false,
    };
    const { updateLendingProfile: second } = await must<{
      updateLendingProfile: Profile & {
        minAmount: { amount: string };
        maxAmount: { amount: string };
        updatedAt: string;
      };
    }>(url, UPDATE, { input: replacement }, mover.token);
    expect(second).toMatchObject({
      products: replacement.products,
      minAmount: { amount: '250000.00', currency: 'USD' },
      maxAmount: { amount: '2000000.00', currency: 'USD' },
      industries: [],
      available: false,
    });
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));

    const { me } = await must<{ me: { lendingProfile: Record<string, unknown> } }>(url, MY_PROFILE, {}, mover.token);
    expect(me.lendingProfile).toEqual({
      products: replacement.products,
      minAmount: { amount: '250000.00' },
      maxAmount: { amount: '2000000.00' },
      industries: [],
      available: false,
      updatedAt: second.updatedAt,
    });
    expect((await listed(invoice)).ids).toEqual([]);
    const cre = await listed({ product: 'COMMERCIAL_REAL_ESTATE', amount: '250000.00', industry: 'Anything' });
    expect(cre.ids).toEqual([mover.id]);
    expect((await listed({ product: 'COMMERCIAL_REAL_ESTATE', amount: '250000.00', availableOnly: true })).ids).toEqual(
      [],
    );
    const rows = await lendingSql(bank, 'select banker_id from lending_profiles where banker_id = ?', [mover.id]);
    expect(rows).toHaveLength(1);
  });

  // A banker's first profile is saved with one upsert: a double click is not a primary-key clash.
  test('concurrent first saves of a profile all succeed (a double click is not a server error)', async () => {
    const eager = await banker('eager', null);
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => gql(UPDATE, { input: profile({ industries: [`Take ${i}`] }) }, eager.token)),
    );
    expect(results.map((r) => problemOf(r).code)).toEqual([undefined, undefined, undefined, undefined]);
    const rows = await lendingSql(bank, 'select banker_id from lending_profiles where banker_id = ?', [eager.id]);
    expect(rows).toHaveLength(1);
  });

  test('users who are not bankers have no lending profile', async () => {
    for (const who of [owner, customer, officer, bare]) {
      const { me } = await must<{ me: { lendingProfile: unknown } }>(url, MY_PROFILE, {}, who.token);
      expect(me.lendingProfile).toBeNull();
    }
  });
});
