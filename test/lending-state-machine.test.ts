/**
 * The loan application state machine through the router: every allowed
 * transition (with its history row, its outbox event and the applicant's
 * notification), every refused one (INVALID_STATE_TRANSITION, nothing
 * changed), who may make each move, and the inputs of the review steps.
 */
import {
  ACCEPT,
  bankerWithProfile,
  businessOwner,
  COMMERCIAL_REVIEW,
  lendingSql,
  openAccount,
  problemOf,
  RISK_DECISION,
  START_REVIEW,
  submitApplication,
} from './support/lending.ts';
import { createStaff, must, signIn, signInAdmin, signUp, TEST_PASSWORD, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { until } from './support/ws.ts';

let bank: TestStack;
let url: string;
let owner: SignedUp;
let otherOwner: SignedUp;
let banker: SignedUp;
let otherBanker: SignedUp;
let officer: SignedUp;
let admin: SignedUp;
let customer: SignedUp;
let account: string;

const WITHDRAW = `mutation($id: ID!, $reason: String) { withdrawLoanApplication(applicationId: $id, reason: $reason) { id status } }`;
const STATUS_CHANGED = 'lending.application.status_changed';

const gql = (query: string, variables: Record<string, unknown>, token?: string): Promise<JsonResponse> =>
  postGraphQL(url, query, variables, token);

let keys = 0;
/** The moves of the state machine, each by the user who may make it (unless `as` says otherwise). */
const moves = {
  start: (id: string, as = banker) => gql(START_REVIEW, { id }, as.token),
  eligible: (id: string, as = banker) =>
    gql(
      COMMERCIAL_REVIEW,
      { input: { applicationId: id, eligible: true, notes: 'Solid cash flow.', proposedRate: '7.5' } },
      as.token,
    ),
  ineligible: (id: string, as = banker) =>
    gql(COMMERCIAL_REVIEW, { input: { applicationId: id, eligible: false, notes: 'Thin margins.' } }, as.token),
  approve: (id: string, as = officer) =>
    gql(
      RISK_DECISION,
      { input: { applicationId: id, approved: true, annualRate: '7.25', termMonths: 24, reason: 'Within appetite.' } },
      as.token,
    ),
  refuse: (id: string, as = officer) =>
    gql(RISK_DECISION, { input: { applicationId: id, approved: false, reason: 'Too much debt.' } }, as.token),
  withdraw: (id: string, as = owner) => gql(WITHDRAW, { id, reason: 'Found a cheaper loan.' }, as.token),
  accept: (id: string, as = owner) =>
    gql(
      ACCEPT,
      { input: { applicationId: id, disbursementAccountId: account, idempotencyKey: `accept-${(keys += 1)}` } },
      as.token,
    ),
};
type Move = keyof typeof moves;

/** What a refused request must leave as it was. */
async function snapshot(id: string) {
  const [row] = await lendingSql<Record<string, unknown>>(
    bank,
    `select status, updated_at,
       review_eligible, review_notes, review_proposed_rate_ppm, decision_approved, decision_rate_ppm, decision_reason,
       (select count(*) from loan_application_transitions t where t.application_id = a.id) as transitions,
       (select count(*) from outbox_events e where e.payload->>'applicationId' = a.id::text) as events,
       (select count(*) from loans l where l.application_id = a.id) as loans
     from loan_applications a where id = ?`,
    [id],
  );
  return row;
}

const statusOf = async (id: string): Promise<string> => (await snapshot(id))!.status as string;

/** Expects `result` refused with `code` (and `field`), and the application unchanged. */
async function expectRefused(
  id: string,
  run: () => Promise<JsonResponse>,
  expected: { code: string; field?: string },
): Promise<JsonResponse> {
  const before = await snapshot(id);
  const result = await run();
  expect(problemOf(result)).toEqual({ code: expected.code, field: expected.field });
  expect(await snapshot(id)).toEqual(before);
  return result;
}

async function ok(result: Promise<JsonResponse>): Promise<void> {
  const answer = await result;
  expect(answer.errors).toBeUndefined();
}

/** A new application of `owner` to `banker`, taken to `status` by the allowed moves. */
async function applicationIn(status: string): Promise<string> {
  const id = await submitApplication(url, owner, banker);
  const path: Record<string, Move[]> = {
    SUBMITTED: [],
    COMMERCIAL_REVIEW: ['start'],
    RISK_REVIEW: ['start', 'eligible'],
    APPROVED: ['start', 'eligible', 'approve'],
    REJECTED: ['start', 'ineligible'],
    WITHDRAWN: ['withdraw'],
    DISBURSED: ['start', 'eligible', 'approve', 'accept'],
  };
  for (const move of path[status]!) await ok(moves[move](id));
  expect(await statusOf(id)).toBe(status);
  return id;
}

interface History {
  loanApplication: {
    status: string;
    history: { from: string | null; to: string; actor: { id: string } | null; at: string; note: string | null }[];
  };
}
const history = async (id: string, as = owner) =>
  (
    await must<History>(
      url,
      `query($id: ID!) { loanApplication(id: $id) { status history { from to actor { id } at note } } }`,
      { id },
      as.token,
    )
  ).loanApplication;

/** The status_changed events of an application, in outbox order (other events, such as a loan's, left out). */
const eventsOf = async (id: string) =>
  (
    await lendingSql<{ type: string; payload: Record<string, unknown> }>(
      bank,
      `select type, payload from outbox_events where type = ? and payload->>'applicationId' = ? order by position`,
      [STATUS_CHANGED, id],
    )
  ).map((e) => ({ type: e.type, ...e.payload }));

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  [owner, otherOwner, banker, otherBanker, officer, admin, customer] = await Promise.all([
    businessOwner(url, 'olga'),
    businessOwner(url, 'oscar'),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'boris'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
    signUp(url, 'cyril', 'CUSTOMER'),
  ]);
  account = await openAccount(url, owner);
}, 60_000);

afterAll(async () => {
  await bank?.close();
});

describe('allowed transitions', () => {
  test('SUBMITTED → COMMERCIAL_REVIEW → RISK_REVIEW → APPROVED → ACCEPTED → DISBURSED: history, events, notifications', async () => {
    const id = await submitApplication(url, owner, banker);
    await ok(moves.start(id));
    await ok(moves.eligible(id));
    await ok(moves.approve(id));
    await ok(moves.accept(id));

    const { status, history: steps } = await history(id);
    expect(status).toBe('DISBURSED');
    expect(steps.map(({ at: _at, ...step }) => step)).toEqual([
      { from: null, to: 'SUBMITTED', actor: { id: owner.id }, note: null },
      { from: 'SUBMITTED', to: 'COMMERCIAL_REVIEW', actor: { id: banker.id }, note: null },
      { from: 'COMMERCIAL_REVIEW', to: 'RISK_REVIEW', actor: { id: banker.id }, note: 'Solid cash flow.' },
      { from: 'RISK_REVIEW', to: 'APPROVED', actor: { id: officer.id }, note: 'Within appetite.' },
      { from: 'APPROVED', to: 'ACCEPTED', actor: { id: owner.id }, note: null },
      expect.objectContaining({ from: 'ACCEPTED', to: 'DISBURSED' }),
    ]);
    const times = steps.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const { loanApplication } = await must<{ loanApplication: Record<string, unknown> }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) {
        commercialReview { eligible notes proposedRate reviewer { id } reviewedAt }
        riskDecision { approved annualRate termMonths reason decidedBy { id } decidedAt }
        loan { status principal { amount } annualRate termMonths } disbursementAccount { id }
      } }`,
      { id },
      owner.token,
    );
    expect(loanApplication).toMatchObject({
      commercialReview: { eligible: true, notes: 'Solid cash flow.', proposedRate: '7.5', reviewer: { id: banker.id } },
      riskDecision: {
        approved: true,
        annualRate: '7.25',
        termMonths: 24,
        reason: 'Within appetite.',
        decidedBy: { id: officer.id },
      },
      loan: { status: 'ACTIVE', principal: { amount: '50000.00' }, annualRate: '7.25', termMonths: 24 },
      disbursementAccount: { id: account },
    });

    // One outbox event per history row (the submission included), with who is concerned.
    const concerned = { type: STATUS_CHANGED, applicationId: id, applicantId: owner.id, bankerId: banker.id };
    expect(await eventsOf(id)).toEqual([
      { ...concerned, from: null, status: 'SUBMITTED' },
      { ...concerned, from: 'SUBMITTED', status: 'COMMERCIAL_REVIEW' },
      { ...concerned, from: 'COMMERCIAL_REVIEW', status: 'RISK_REVIEW' },
      { ...concerned, from: 'RISK_REVIEW', status: 'APPROVED' },
      { ...concerned, from: 'APPROVED', status: 'ACCEPTED' },
      { ...concerned, from: 'ACCEPTED', status: 'DISBURSED' },
    ]);

    // Messaging turns each status change into a notification of the applicant.
    const NOTIFICATIONS = `query { me { notifications(first: 100) { edges { node { kind title link } } } } }`;
    const statusNotices = async (user: SignedUp) => {
      const { me } = await must<{
        me: { notifications: { edges: { node: { kind: string; title: string; link: string | null } }[] } };
      }>(url, NOTIFICATIONS, {}, user.token);
      return me.notifications.edges
        .map((e) => e.node)
        .filter((n) => n.kind === 'LOAN_APPLICATION_STATUS' && n.link === `/loan-applications/${id}`);
    };
    await until(async () => (await statusNotices(owner)).length >= 5, 15_000, 'five status notifications');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusNotices(owner)).toHaveLength(5);
    // The banker hears of the new application at most (not of the applicant's later news).
    expect((await statusNotices(banker)).length).toBeLessThanOrEqual(1);
  });

  test('COMMERCIAL_REVIEW → REJECTED when the banker finds it ineligible', async () => {
    const id = await applicationIn('COMMERCIAL_REVIEW');
    const result = await moves.ineligible(id);
    expect(result.data?.recordCommercialReview).toEqual({ id, status: 'REJECTED' });
    const { history: steps } = await history(id, banker);
    expect(steps.at(-1)).toMatchObject({
      from: 'COMMERCIAL_REVIEW',
      to: 'REJECTED',
      actor: { id: banker.id },
      note: 'Thin margins.',
    });
    const { loanApplication } = await must<{ loanApplication: Record<string, unknown> }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) { commercialReview { eligible notes proposedRate } riskDecision { approved } } }`,
      { id },
      owner.token,
    );
    expect(loanApplication).toEqual({
      commercialReview: { eligible: false, notes: 'Thin margins.', proposedRate: null },
      riskDecision: null,
    });
    expect((await eventsOf(id)).at(-1)).toMatchObject({ from: 'COMMERCIAL_REVIEW', status: 'REJECTED' });
  });

  test('RISK_REVIEW → REJECTED by a risk officer: no rate, no term', async () => {
    const id = await applicationIn('RISK_REVIEW');
    const result = await moves.refuse(id);
    expect(result.data?.recordRiskDecision).toEqual({ id, status: 'REJECTED' });
    const { loanApplication } = await must<{ loanApplication: Record<string, unknown> }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) { riskDecision { approved annualRate termMonths reason decidedBy { id } } } }`,
      { id },
      owner.token,
    );
    expect(loanApplication.riskDecision).toEqual({
      approved: false,
      annualRate: null,
      termMonths: null,
      reason: 'Too much debt.',
      decidedBy: { id: officer.id },
    });
    expect((await history(id)).history.at(-1)).toMatchObject({
      from: 'RISK_REVIEW',
      to: 'REJECTED',
      actor: { id: officer.id },
      note: 'Too much debt.',
    });
  });

  test('rates at the limits (0 and 100) are accepted', async () => {
    const id = await applicationIn('COMMERCIAL_REVIEW');
    await ok(
      gql(
        COMMERCIAL_REVIEW,
        { input: { applicationId: id, eligible: true, notes: 'ok', proposedRate: '100' } },
        banker.token,
      ),
    );
    await ok(
      gql(
        RISK_DECISION,
        { input: { applicationId: id, approved: true, annualRate: '0', termMonths: 360, reason: 'Free money.' } },
        officer.token,
      ),
    );
    const { loanApplication } = await must<{ loanApplication: Record<string, unknown> }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) { status commercialReview { proposedRate } riskDecision { annualRate termMonths } } }`,
      { id },
      owner.token,
    );
    expect(loanApplication).toEqual({
      status: 'APPROVED',
      commercialReview: { proposedRate: '100' },
      riskDecision: { annualRate: '0', termMonths: 360 },
    });
  });

  test.each(['SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW'])(
    '%s → WITHDRAWN by the applicant, with the reason in the history',
    async (from) => {
      const id = await applicationIn(from);
      const result = await moves.withdraw(id);
      expect(result.data?.withdrawLoanApplication).toEqual({ id, status: 'WITHDRAWN' });
      expect((await history(id)).history.at(-1)).toMatchObject({
        from,
        to: 'WITHDRAWN',
        actor: { id: owner.id },
        note: 'Found a cheaper loan.',
      });
      expect((await eventsOf(id)).at(-1)).toEqual({
        type: STATUS_CHANGED,
        applicationId: id,
        applicantId: owner.id,
        bankerId: banker.id,
        from,
        status: 'WITHDRAWN',
      });
    },
  );

  test('withdrawing without a reason (or a blank one) leaves the note empty', async () => {
    for (const reason of [undefined, null, '   ']) {
      const id = await applicationIn('SUBMITTED');
      await ok(gql(WITHDRAW, { id, ...(reason === undefined ? {} : { reason }) }, owner.token));
      expect((await history(id)).history.at(-1)).toMatchObject({ to: 'WITHDRAWN', note: null });
    }
  });

  test('accepting twice with the same idempotency key returns the same loan; another key is refused', async () => {
    const id = await applicationIn('APPROVED');
    const input = { applicationId: id, disbursementAccountId: account, idempotencyKey: 'accept-twice' };
    const first = await gql(ACCEPT, { input }, owner.token);
    expect(first.errors).toBeUndefined();
    const again = await gql(ACCEPT, { input }, owner.token);
    expect(again.errors).toBeUndefined();
    expect((again.data?.acceptLoanOffer as { id: string }).id).toBe((first.data?.acceptLoanOffer as { id: string }).id);
    await expectRefused(id, () => moves.accept(id), { code: 'INVALID_STATE_TRANSITION' });
  });
});

describe('refused transitions: INVALID_STATE_TRANSITION and nothing changed', () => {
  const ALLOWED: Record<string, Move[]> = {
    SUBMITTED: ['start', 'withdraw'],
    COMMERCIAL_REVIEW: ['eligible', 'ineligible', 'withdraw'],
    RISK_REVIEW: ['approve', 'refuse', 'withdraw'],
    APPROVED: ['accept'],
    REJECTED: [],
    WITHDRAWN: [],
    DISBURSED: [],
  };
  // Includes the steps whose target is reachable from another state but not from this one
  // (a risk officer's refusal in COMMERCIAL_REVIEW, a banker's "not eligible" in RISK_REVIEW).
  const cases = Object.entries(ALLOWED).flatMap(([status, allowed]) =>
    (Object.keys(moves) as Move[]).filter((m) => !allowed.includes(m)).map((move) => [status, move] as const),
  );

  test.each(cases)('%s: %s is refused', async (status, move) => {
    const id = await applicationIn(status);
    const result = await expectRefused(id, () => moves[move](id), { code: 'INVALID_STATE_TRANSITION' });
    // The current status comes with the refusal.
    expect(result.errors![0]!.extensions!.status).toBe(status);
    expect(await statusOf(id)).toBe(status);
  });

  test('two bankers’ clicks at once: one startCommercialReview wins, the other is refused', async () => {
    const id = await applicationIn('SUBMITTED');
    const results = await Promise.all([moves.start(id), moves.start(id), moves.start(id)]);
    expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(results.filter((r) => problemOf(r).code === 'INVALID_STATE_TRANSITION')).toHaveLength(2);
    const { history: steps } = await history(id);
    expect(steps.map((s) => s.to)).toEqual(['SUBMITTED', 'COMMERCIAL_REVIEW']);
  });

  test('a withdrawal racing the review start: exactly one of them happens', async () => {
    const id = await applicationIn('SUBMITTED');
    const [start, withdraw] = await Promise.all([moves.start(id), moves.withdraw(id)]);
    const succeeded = [start, withdraw].filter((r) => r.errors === undefined);
    // Both may succeed one after the other (SUBMITTED → COMMERCIAL_REVIEW → WITHDRAWN) but never on a stale status.
    const { history: steps, status } = await history(id);
    expect(steps).toHaveLength(1 + succeeded.length);
    expect(steps.slice(1).map((s) => s.from)).toEqual(steps.slice(0, -1).map((s) => s.to));
    expect(status).toBe(steps.at(-1)!.to);
  });
});

describe('who may make each move', () => {
  const unknownId = '00000000-0000-4000-8000-000000000000';

  test('startCommercialReview: the assigned banker only', async () => {
    const id = await applicationIn('SUBMITTED');
    for (const who of [officer, admin, owner]) {
      await expectRefused(id, () => moves.start(id, who), { code: 'FORBIDDEN' });
    }
    await expectRefused(id, () => moves.start(id, otherBanker), { code: 'NOT_FOUND', field: 'applicationId' });
    await expectRefused(id, () => gql(START_REVIEW, { id }), { code: 'UNAUTHENTICATED' });
  });

  test('recordCommercialReview: the assigned banker only', async () => {
    const id = await applicationIn('COMMERCIAL_REVIEW');
    for (const who of [officer, admin, owner, customer]) {
      await expectRefused(id, () => moves.eligible(id, who), { code: 'FORBIDDEN' });
    }
    await expectRefused(id, () => moves.eligible(id, otherBanker), { code: 'NOT_FOUND', field: 'applicationId' });
    await expectRefused(id, () => moves.ineligible(id, otherBanker), { code: 'NOT_FOUND', field: 'applicationId' });
  });

  test('recordRiskDecision: RISK_OFFICERs only (not the banker, not an ADMIN)', async () => {
    const id = await applicationIn('RISK_REVIEW');
    for (const who of [banker, otherBanker, admin, owner, customer]) {
      await expectRefused(id, () => moves.approve(id, who), { code: 'FORBIDDEN' });
      await expectRefused(id, () => moves.refuse(id, who), { code: 'FORBIDDEN' });
    }
    const second = await createStaff(url, 'roger', 'RISK_OFFICER');
    await ok(moves.approve(id, second)); // any risk officer
  });

  // Four eyes: roles can be combined (setUserRoles takes a set), but no one
  // decides on an application they applied for or reviewed as its banker.
  test('a risk officer may not decide on their own application, nor on one they reviewed as its banker', async () => {
    const setRoles = (user: SignedUp, roles: string[]) =>
      must(
        url,
        `mutation($input: SetUserRolesInput!) { setUserRoles(input: $input) { id } }`,
        { input: { userId: user.id, roles } },
        admin.token,
      );
    const applicant = await businessOwner(url, 'selma');
    const reviewer = await bankerWithProfile(url, 'victor');
    const own = await submitApplication(url, applicant, banker);
    await ok(moves.start(own));
    await ok(moves.eligible(own));
    const reviewed = await submitApplication(url, owner, reviewer);
    await ok(moves.start(reviewed, reviewer));
    await ok(moves.eligible(reviewed, reviewer));

    await setRoles(applicant, ['BUSINESS_OWNER', 'RISK_OFFICER']);
    await setRoles(reviewer, ['BANKER', 'RISK_OFFICER']);
    const [applicantNow, reviewerNow] = await Promise.all([
      signIn(url, 'selma@example.com', TEST_PASSWORD),
      signIn(url, 'victor@example.com', TEST_PASSWORD),
    ]);
    await expectRefused(own, () => moves.approve(own, applicantNow), { code: 'FORBIDDEN' });
    await expectRefused(reviewed, () => moves.approve(reviewed, reviewerNow), { code: 'FORBIDDEN' });
  });

  test('withdrawLoanApplication: the applicant only', async () => {
    const id = await applicationIn('COMMERCIAL_REVIEW');
    for (const who of [banker, officer, admin]) {
      await expectRefused(id, () => moves.withdraw(id, who), { code: 'FORBIDDEN' });
    }
    for (const who of [otherOwner, otherBanker, customer]) {
      await expectRefused(id, () => moves.withdraw(id, who), { code: 'NOT_FOUND', field: 'applicationId' });
    }
  });

  test('acceptLoanOffer: the applicant only', async () => {
    const id = await applicationIn('APPROVED');
    for (const who of [banker, officer, admin]) {
      await expectRefused(id, () => moves.accept(id, who), { code: 'FORBIDDEN' });
    }
    for (const who of [otherOwner, otherBanker, customer]) {
      await expectRefused(id, () => moves.accept(id, who), { code: 'NOT_FOUND', field: 'applicationId' });
    }
  });

  test('accepting into an account that is not the applicant’s is NOT_FOUND and the offer stays open', async () => {
    const id = await applicationIn('APPROVED');
    const theirs = await openAccount(url, otherOwner);
    await expectRefused(
      id,
      () =>
        gql(
          ACCEPT,
          { input: { applicationId: id, disbursementAccountId: theirs, idempotencyKey: 'not-mine' } },
          owner.token,
        ),
      { code: 'NOT_FOUND', field: 'disbursementAccountId' },
    );
    await ok(moves.accept(id));
    expect(await statusOf(id)).toBe('DISBURSED');
  });

  test('an unknown application is NOT_FOUND; a malformed id BAD_USER_INPUT, for every move', async () => {
    for (const move of Object.values(moves)) {
      expect(problemOf(await move(unknownId))).toEqual({ code: 'NOT_FOUND', field: 'applicationId' });
      expect(problemOf(await move('not-an-id'))).toEqual({ code: 'BAD_USER_INPUT', field: 'applicationId' });
    }
  });
});

describe('inputs of the review steps', () => {
  let inCommercialReview: string;
  let inRiskReview: string;
  beforeAll(async () => {
    inCommercialReview = await applicationIn('COMMERCIAL_REVIEW');
    inRiskReview = await applicationIn('RISK_REVIEW');
  });

  const review = (input: Record<string, unknown>) =>
    gql(
      COMMERCIAL_REVIEW,
      { input: { applicationId: inCommercialReview, eligible: true, notes: 'ok', ...input } },
      banker.token,
    );
  const decide = (input: Record<string, unknown>) =>
    gql(
      RISK_DECISION,
      {
        input: {
          applicationId: inRiskReview,
          approved: true,
          annualRate: '7.25',
          termMonths: 24,
          reason: 'ok',
          ...input,
        },
      },
      officer.token,
    );

  test.each(['100.0001', '101', '-0.5', '-1', '7.12345', '7.25000', '1000'])(
    'proposedRate %s is BAD_USER_INPUT on proposedRate',
    async (proposedRate) => {
      await expectRefused(inCommercialReview, () => review({ proposedRate }), {
        code: 'BAD_USER_INPUT',
        field: 'proposedRate',
      });
    },
  );

  test.each([
    ['empty', ''],
    ['blank', '  '],
    ['2,001 characters', 'n'.repeat(2001)],
  ])('notes that are %s are BAD_USER_INPUT on notes', async (_what, notes) => {
    await expectRefused(inCommercialReview, () => review({ notes }), { code: 'BAD_USER_INPUT', field: 'notes' });
  });

  test.each(['100.0001', '101', '-0.01', '7.12345'])(
    'annualRate %s is BAD_USER_INPUT on annualRate',
    async (annualRate) => {
      await expectRefused(inRiskReview, () => decide({ annualRate }), { code: 'BAD_USER_INPUT', field: 'annualRate' });
      // Also when refusing: a rate given must be a valid one.
      await expectRefused(inRiskReview, () => decide({ approved: false, annualRate }), {
        code: 'BAD_USER_INPUT',
        field: 'annualRate',
      });
    },
  );

  test('an approval needs annualRate and termMonths', async () => {
    await expectRefused(inRiskReview, () => decide({ annualRate: null }), {
      code: 'BAD_USER_INPUT',
      field: 'annualRate',
    });
    await expectRefused(inRiskReview, () => decide({ termMonths: null }), {
      code: 'BAD_USER_INPUT',
      field: 'termMonths',
    });
  });

  test.each([0, -3, 361])('an approved termMonths of %i is BAD_USER_INPUT on termMonths', async (termMonths) => {
    await expectRefused(inRiskReview, () => decide({ termMonths }), { code: 'BAD_USER_INPUT', field: 'termMonths' });
  });

  test.each([
    ['empty', ''],
    ['2,001 characters', 'r'.repeat(2001)],
  ])('a decision reason that is %s is BAD_USER_INPUT on reason', async (_what, reason) => {
    await expectRefused(inRiskReview, () => decide({ reason }), { code: 'BAD_USER_INPUT', field: 'reason' });
  });

  // Like every other refusal, a bad withdrawal reason names its input.
  test.each([
    ['2,001 characters', 'w'.repeat(2001)],
    ['with a control character', 'bye\u0000'],
  ])('a withdrawal reason that is %s is BAD_USER_INPUT on reason', async (_what, reason) => {
    const id = await applicationIn('SUBMITTED');
    await expectRefused(id, () => gql(WITHDRAW, { id, reason }, owner.token), {
      code: 'BAD_USER_INPUT',
      field: 'reason',
    });
  });
});
