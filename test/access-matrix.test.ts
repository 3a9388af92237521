/**
 * The access matrix (issue 10, "One existence rule on every path"): for every
 * object that belongs to someone and every path that reaches it, a caller who
 * may not see it gets what they would get for an object that does not exist
 * (NOT_FOUND for a root field or argument, null for a nullable nested field
 * or `_entities`, nothing in a list, no event), never a FORBIDDEN that tells
 * it exists, except where the README refuses a role an operation as such.
 * Its owner and those the README lets see it (ADMINs; the assigned banker and
 * risk officers for loan applications and loans, and in part for the payout
 * account) see it on the same paths.
 *
 * Each cell (type × path × caller) is asked about the owner's object and,
 * where the path takes an id, about an id that does not exist; the matrix of
 * every cell is printed once at the end, with each failing cell's request
 * and answer.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Caller, Role } from '../platform/caller.ts';
import type { SubgraphName } from '../platform/config.ts';
import {
  CALLER_NAMES,
  OUTSIDERS,
  hidden,
  judge,
  labelAt,
  reduced,
  renderMatrix,
  seen,
  unseen,
  type CallerKey,
  type Expect,
  type Kind,
  type MatrixRow,
  type Observation,
  type PathKey,
  type Verdict,
} from './support/access-matrix.ts';
import { addBill, billerOf, dayFromToday, issueBill, payBill, schedulePayment } from './support/billing.ts';
import {
  REPAY,
  START_REVIEW,
  applicationIn,
  bankerWithProfile,
  deposit,
  openAccount,
  submitApplication,
} from './support/lending.ts';
import { multipartSubscribe, type MultipartSubscription } from './support/multipart.ts';
import {
  createStaff,
  must,
  signInAdmin,
  signUp,
  startConversation,
  TEST_PASSWORD,
  type SignedUp,
} from './support/people.ts';
import { enrolTotp } from './support/second-factor.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { connect, until, type WsClient } from './support/ws.ts';

let bank: TestStack;
let url: string;

// People. The owners: carol (CUSTOMER), olga (BUSINESS_OWNER) and bianca, the banker olga applied to.
// dan receives carol's transfer. The outsiders: eve, oscar, boris (a banker olga did not apply to), rita.
let carol: SignedUp;
let dan: SignedUp;
let eve: SignedUp;
let olga: SignedUp;
let oscar: SignedUp;
let bianca: SignedUp;
let boris: SignedUp;
let rita: SignedUp;
let admin: SignedUp;
const roles = new Map<SignedUp, Role[]>();
/** Everyone's own USD account and own bill, for the mutations that name one of theirs beside someone else's. */
const ownAccount = new Map<SignedUp, string>();
const ownBill = new Map<SignedUp, string>();

// Carol's objects.
let cA1: string; // checking: money in, a transfer out, an alert, bills paid from it
let cA2: string; // savings
let depositId: string;
let transferId: string; // cA1 → dan's account
let billAdded: string; // partly paid
let billIssued: string; // issued by an ADMIN
let billScheduled: string;
let billToCancel: string;
let scheduleId: string;
let paymentId: string;
let paymentTx: string;
let carolExport: string; // her data export, READY
// Olga's objects.
let oA: string; // BUSINESS: the loan was paid into it, a repayment left it
let oA2: string; // checking: no payout ever went there
let olgaBill: string;
let olgaPayment: string;
let applicationId: string; // DISBURSED
let pendingId: string; // SUBMITTED
let documentId: string;
let loanId: string;
let disbursementTx: string;
let repaymentId: string;
let repaymentTx: string;
let conversationId: string; // olga ↔ bianca, about applicationId
let messageId: string;
let olgaNotification: string;
let biancaNotification: string;
/** Where olga is in `conversation.participants`, and bianca in the banker directory. */
let olgaParticipant: number;
let biancaInDirectory: number;
/** A second session of dan's, and his authenticator app (identity's write probes). */
let danSession: string;
let danFactor: string;
// The assistant: carol's session with a balance question and a pending transfer (confirmed in the write
// phase), her second session with another pending transfer (cancelled there), and olga's session.
let carolSession: string;
let carolTurn: string; // the turn that proposed carolAction
let carolAction: string;
let carolAction2: string;
let olgaSession: string;

const MONTH = new Date().toISOString().slice(0, 7);
const LIVE_BODY = 'Checking who hears this';
/** What carol asks the assistant in the live session. */
const LIVE_ASK = 'how much is in my savings';
/** Carol's own label on her side of the transfer to dan. */
const CAROL_TAG = 'carol-private-tag';

type PersonKey = 'carol' | 'dan' | 'olga' | 'bianca';
const person: Record<PersonKey, () => SignedUp> = {
  carol: () => carol,
  dan: () => dan,
  olga: () => olga,
  bianca: () => bianca,
};
const byKey: Record<Exclude<CallerKey, 'owner' | 'anonymous'>, () => SignedUp> = {
  admin: () => admin,
  customer: () => eve,
  businessOwner: () => oscar,
  banker: () => boris,
  riskOfficer: () => rita,
  assignedBanker: () => bianca,
  counterparty: () => dan,
  borrower: () => olga,
};

/** One caller of a cell. */
interface Party {
  key: CallerKey;
  name: string;
  user: SignedUp | undefined;
  caller: Caller;
}

type Phase = 'read' | 'write' | 'live';

/** One path to one owned object (see test/support/access-matrix.ts). */
interface Probe {
  type: string;
  path: string;
  phase: Phase;
  owner: PersonKey;
  /** The id the path takes (replaced by a made-up one to compare). */
  target: () => string;
  /** What must never reach someone who may not see the object. */
  secrets: () => string[];
  /** Whether the path takes `target` as an argument (so a made-up id is the same request). */
  madeUp: boolean;
  expected: Map<CallerKey, Expect>;
  ask(party: Party, id: string): Promise<Observation>;
}

const EVERYONE: readonly CallerKey[] = ['owner', 'admin', ...OUTSIDERS];

function defaultExpect(kind: Kind, key: CallerKey): Expect {
  if (key === 'owner') return kind === 'mutation' ? seen('DONE') : seen('visible');
  if (key === 'admin') {
    if (kind === 'mutation') return seen('FORBIDDEN', 'NOT_FOUND');
    return kind === 'list' ? unseen('absent') : seen('visible');
  }
  if (kind === 'entities') return hidden('null');
  if (kind === 'list') return key === 'anonymous' ? unseen('null') : unseen('absent');
  return key === 'anonymous' ? hidden('UNAUTHENTICATED') : hidden('NOT_FOUND');
}

interface ProbeSpec {
  type: string;
  path: string;
  kind: Kind;
  owner: PersonKey;
  target: () => string;
  secrets?: () => string[];
  phase?: Phase;
  callers?: readonly CallerKey[];
  /** Callers besides `callers` (parties to the object). */
  parties?: readonly CallerKey[];
  expect?: Partial<Record<CallerKey, Expect>>;
}

function probe(spec: ProbeSpec, ask: Probe['ask']): Probe {
  const callers = [...(spec.callers ?? EVERYONE), ...(spec.parties ?? [])];
  return {
    type: spec.type,
    path: spec.path,
    phase: spec.phase ?? (spec.kind === 'mutation' ? 'write' : 'read'),
    owner: spec.owner,
    target: spec.target,
    secrets: spec.secrets ?? (() => [spec.target()]),
    madeUp: spec.kind !== 'list',
    expected: new Map(callers.map((key) => [key, spec.expect?.[key] ?? defaultExpect(spec.kind, key)])),
    ask,
  };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

interface GqlSpec extends ProbeSpec {
  query: string;
  /** The variables for `id` (default `{ id }`). */
  variables?: (id: string, party: Party) => Record<string, unknown>;
  focus: PathKey | (() => PathKey);
  describe?: (value: unknown) => string;
}

/** A probe through the router. */
function gql(spec: GqlSpec): Probe {
  const made = probe(spec, async (party, id) => {
    const variables = spec.variables ? spec.variables(id, party) : spec.query.includes('$id') ? { id } : {};
    const response = await postGraphQL(url, spec.query, variables, party.user?.token);
    const focus = typeof spec.focus === 'function' ? spec.focus() : spec.focus;
    return {
      label: labelAt(response, focus, made.secrets(), spec.kind, spec.describe),
      id,
      answer: reduced(response),
      request: `POST /graphql as ${party.name}: ${oneLine(spec.query)} variables ${JSON.stringify(variables)}`,
    };
  });
  return made;
}

interface EntitiesSpec extends Omit<ProbeSpec, 'kind'> {
  subgraph: SubgraphName;
  typename: string;
  selection: string;
  kind?: Kind;
  describe?: (value: unknown) => string;
  /** The field under the entity the label is about (default: the entity). */
  field?: string;
}

/** A probe of `_entities`, sent to the owning subgraph as the router would for the caller. */
function entities(spec: EntitiesSpec): Probe {
  const query = `query($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on ${spec.typename} { ${spec.selection} } }
  }`;
  const kind = spec.kind ?? 'entities';
  const made = probe({ ...spec, kind }, async (party, id) => {
    const variables = { representations: [{ __typename: spec.typename, id }] };
    const response = await callSubgraph(bank, spec.subgraph, party.caller, query, variables);
    const focus = spec.field ? ['_entities', 0, spec.field] : ['_entities', 0];
    return {
      label: labelAt(response, focus, made.secrets(), kind, spec.describe),
      id,
      answer: reduced(response),
      request: `POST ${spec.subgraph} subgraph, signed for ${party.name}: ${oneLine(query)} variables ${JSON.stringify(variables)}`,
    };
  });
  return made;
}

/**
 * A probe of the statement download on the router: the HTTP status is the
 * outcome. Its owner and ADMINs get the CSV; anyone else the 404 of an
 * account that does not exist (401 without a token, as for any account).
 */
function download(spec: Omit<ProbeSpec, 'kind'>): Probe {
  const keys = [...(spec.callers ?? EVERYONE), ...(spec.parties ?? [])];
  const statusOf = (key: CallerKey): Expect =>
    key === 'owner' || key === 'admin' ? seen('200') : key === 'anonymous' ? hidden('401') : hidden('404');
  const expect = Object.fromEntries(keys.map((key) => [key, spec.expect?.[key] ?? statusOf(key)]));
  return probe({ ...spec, kind: 'root', expect }, async (party, id) => {
    const path = `/statement.csv?accountId=${id}&month=${MONTH}`;
    const response = await fetch(new URL(path, url), {
      headers: party.user ? { authorization: `Bearer ${party.user.token}` } : {},
    });
    const body = await response.text();
    return {
      label: String(response.status),
      id,
      answer: { status: response.status, body },
      request: `GET ${path} as ${party.name}`,
    };
  });
}

/**
 * A probe of a data export's download on the router: its owner gets the
 * archive, everyone else (ADMINs included) the 404 of an export that does not
 * exist, and a caller without a token 401.
 */
function exportDownload(spec: Omit<ProbeSpec, 'kind'>): Probe {
  const keys = [...(spec.callers ?? EVERYONE), ...(spec.parties ?? [])];
  const statusOf = (key: CallerKey): Expect =>
    key === 'owner' ? seen('200') : key === 'anonymous' ? hidden('401') : hidden('404');
  const expect = Object.fromEntries(keys.map((key) => [key, spec.expect?.[key] ?? statusOf(key)]));
  return probe({ ...spec, kind: 'root', expect }, async (party, id) => {
    const path = `/data-export.json?id=${id}`;
    const response = await fetch(new URL(path, url), {
      headers: party.user ? { authorization: `Bearer ${party.user.token}` } : {},
    });
    const body = await response.text();
    return {
      label: String(response.status),
      id,
      answer: { status: response.status, body },
      request: `GET ${path} as ${party.name}`,
    };
  });
}

/** `<what> shown`, `<what> null` or `<what> partly shown`, as all, none or some of `fields` are there. */
function shown(what: string, fields: readonly unknown[]): string {
  if (fields.every((v) => v !== null && v !== undefined)) return `${what} shown`;
  if (fields.every((v) => v === null || v === undefined)) return `${what} null`;
  return `${what} partly shown`;
}

/** `email` and `registrationNumber` of a user: shown, null, or some of each. */
function privateFields(value: unknown): string {
  const user = value as { email?: string | null; businessProfile?: { registrationNumber?: string | null } | null };
  return shown('private', [user.email, ...(user.businessProfile ? [user.businessProfile.registrationNumber] : [])]);
}

/** `privateFields` of the user `id` in a list of users (or of edges of users). */
const privateFieldsOf = (id: () => string) => (value: unknown) => {
  const users = (value as Record<string, unknown>[]).map((u) => (u.node ?? u) as { id: string });
  const user = users.find((u) => u.id === id());
  return user ? privateFields(user) : 'absent';
};

const PRIVATE = 'id email businessProfile { registrationNumber }';
const randomKey = () => `matrix-${randomUUID()}`;
/** An id nobody has, where a mutation needs one of the caller's own and the caller has none (anonymous). */
const NOBODY = '00000000-0000-4000-8000-00000000a0a0';
const accountOf = (party: Party) => (party.user ? (ownAccount.get(party.user) ?? NOBODY) : NOBODY);
const billOf = (party: Party) => (party.user ? (ownBill.get(party.user) ?? NOBODY) : NOBODY);

// ---------------------------------------------------------------------------
// The probes.
// ---------------------------------------------------------------------------

/** Lists on User, the subgraph that adds each, its selection, and who may read another user's. */
interface UserList {
  field: string;
  subgraph: SubgraphName;
  selection: string;
  /** Besides the user themself. */
  readers: CallerKey[];
  /** The owned object the list shows, of carol or olga. */
  secret: (who: 'carol' | 'olga') => string | undefined;
}

const USER_LISTS: UserList[] = [
  {
    field: 'accounts',
    subgraph: 'banking',
    selection: 'accounts { id }',
    readers: ['admin'],
    secret: (w) => (w === 'carol' ? cA1 : oA),
  },
  {
    field: 'spendingSummary',
    subgraph: 'banking',
    selection:
      'spendingSummary(from: "2000-01-01T00:00:00.000Z", to: "2100-01-01T00:00:00.000Z") { byCategory { category } }',
    readers: ['admin'],
    secret: () => undefined,
  },
  {
    field: 'bills',
    subgraph: 'billing',
    selection: 'bills { id }',
    readers: ['admin'],
    secret: (w) => (w === 'carol' ? billAdded : olgaBill),
  },
  {
    field: 'upcomingBills',
    subgraph: 'billing',
    selection: 'upcomingBills(days: 366) { id }',
    readers: ['admin'],
    secret: (w) => (w === 'carol' ? billAdded : olgaBill),
  },
  {
    field: 'billPayments',
    subgraph: 'billing',
    selection: 'billPayments { edges { node { id } } }',
    readers: ['admin'],
    secret: (w) => (w === 'carol' ? paymentId : olgaPayment),
  },
  {
    field: 'loanApplications',
    subgraph: 'lending',
    selection: 'loanApplications { edges { node { id } } }',
    readers: ['admin', 'riskOfficer'],
    secret: (w) => (w === 'olga' ? applicationId : undefined),
  },
  {
    field: 'loans',
    subgraph: 'lending',
    selection: 'loans { id }',
    readers: ['admin', 'riskOfficer'],
    secret: (w) => (w === 'olga' ? loanId : undefined),
  },
  {
    field: 'conversations',
    subgraph: 'messaging',
    selection: 'conversations { edges { node { id } } }',
    readers: [],
    secret: (w) => (w === 'olga' ? conversationId : undefined),
  },
  {
    field: 'notifications',
    subgraph: 'messaging',
    selection: 'notifications(first: 100) { edges { node { id } } }',
    readers: [],
    secret: (w) => (w === 'olga' ? olgaNotification : undefined),
  },
  {
    field: 'assistantSessions',
    subgraph: 'assistant',
    selection: 'assistantSessions(first: 50) { edges { node { id } } }',
    readers: [],
    secret: (w) => (w === 'olga' ? olgaSession : carolSession),
  },
];

const spending = (value: unknown) => ((value as { byCategory: unknown[] }).byCategory.length > 0 ? 'visible' : 'empty');

/** What a caller gets of a list on someone else's User: the list for its readers, FORBIDDEN for anyone else. */
function listExpect(list: UserList, keys: readonly CallerKey[], madeUp: boolean): Partial<Record<CallerKey, Expect>> {
  const refused = madeUp ? hidden('FORBIDDEN') : unseen('FORBIDDEN');
  return Object.fromEntries(
    keys.map((key) => [
      key,
      key === 'owner' || list.readers.includes(key)
        ? seen('visible')
        : key === 'anonymous'
          ? hidden('UNAUTHENTICATED')
          : refused,
    ]),
  );
}

function userListProbes(): Probe[] {
  const probes: Probe[] = [];
  // `_entities` User on the subgraph that adds the list: carol's banking and billing lists, olga's others.
  for (const list of USER_LISTS) {
    const who = list.subgraph === 'banking' || list.subgraph === 'billing' ? 'carol' : 'olga';
    const callers = [...EVERYONE, 'assignedBanker'] as CallerKey[];
    probes.push(
      entities({
        type: 'User (lists)',
        path: `User.${list.field} via _entities User (${list.subgraph})`,
        owner: who,
        subgraph: list.subgraph,
        typename: 'User',
        selection: `id ${list.selection}`,
        field: list.field,
        target: () => person[who]().id,
        secrets: () => [list.secret(who)].filter((s): s is string => !!s),
        callers,
        kind: 'root',
        ...(list.field === 'spendingSummary' ? { describe: spending } : {}),
        expect: listExpect(list, callers, true),
      }),
    );
  }
  // Olga's User reached through the router by those who see something of hers.
  const routes: {
    path: string;
    query: (selection: string) => string;
    target: () => string;
    focus: () => PathKey;
    callers: CallerKey[];
  }[] = [
    {
      path: 'conversation(id).participants',
      query: (s) => `query($id: ID!) { conversation(id: $id) { id participants { id ${s} } } }`,
      target: () => conversationId,
      focus: () => ['conversation', 'participants', olgaParticipant],
      // Not olga herself: bianca's lists are refused to her, and that refusal nulls the whole non-null
      // `participants` list, olga's entry with it (her own lists are checked on the other paths).
      callers: ['assignedBanker'],
    },
    {
      path: 'loanApplication(id).applicant',
      query: (s) => `query($id: ID!) { loanApplication(id: $id) { id applicant { id ${s} } } }`,
      target: () => applicationId,
      focus: () => ['loanApplication', 'applicant'],
      callers: ['owner', 'assignedBanker', 'riskOfficer', 'admin'],
    },
    {
      path: 'account(id).owner (the payout account)',
      query: (s) => `query($id: ID!) { account(id: $id) { id owner { id ${s} } } }`,
      target: () => oA,
      focus: () => ['account', 'owner'],
      callers: ['owner', 'assignedBanker', 'riskOfficer', 'admin'],
    },
  ];
  for (const route of routes) {
    for (const list of USER_LISTS) {
      probes.push(
        gql({
          type: 'User (lists)',
          path: `User.${list.field} via ${route.path}`,
          kind: 'root',
          owner: 'olga',
          target: route.target,
          secrets: () => [list.secret('olga')].filter((s): s is string => !!s),
          query: route.query(list.selection),
          focus: () => [...route.focus(), list.field],
          callers: route.callers,
          ...(list.field === 'spendingSummary' ? { describe: spending } : {}),
          expect: listExpect(list, route.callers, false),
        }),
      );
    }
  }
  // Bianca's User in the banker directory, which every signed-in user reads.
  for (const list of USER_LISTS.filter((l) => l.subgraph === 'messaging')) {
    probes.push(
      gql({
        type: 'User (lists)',
        path: `User.${list.field} via bankers(filter) directory nodes`,
        kind: 'root',
        owner: 'bianca',
        target: () => bianca.id,
        secrets: () => [list.field === 'conversations' ? conversationId : biancaNotification],
        query: `query { bankers(filter: { product: TERM_LOAN, amount: "50000.00" }, first: 100) { edges { node { id ${list.selection} } } } }`,
        focus: () => ['bankers', 'edges', biancaInDirectory, 'node', list.field],
        // Not bianca herself: boris's lists, refused to her, null the whole directory page.
        callers: ['admin', ...OUTSIDERS, 'borrower'],
        expect: {
          ...listExpect(list, ['admin', ...OUTSIDERS, 'borrower'], false),
          anonymous: unseen('UNAUTHENTICATED'),
        },
      }),
    );
  }
  // Carol's User, through the account of hers that paid dan: dan sees the transfer, not her account.
  probes.push(
    gql({
      type: 'User (lists)',
      path: 'User.accounts/bills via Transaction.fromAccount.owner (the payee)',
      kind: 'root',
      owner: 'carol',
      target: () => transferId,
      secrets: () => [cA1, billAdded],
      query: `query($id: ID!) { transaction(id: $id) { id fromAccount { id owner { id accounts { id } bills { id } } } } }`,
      focus: ['transaction', 'fromAccount'],
      parties: ['counterparty'],
      expect: { counterparty: unseen('null') },
    }),
  );
  return probes;
}

function privateFieldProbes(): Probe[] {
  return [
    gql({
      type: 'User (private fields)',
      path: 'me',
      kind: 'root',
      owner: 'olga',
      target: () => olga.id,
      query: `query { me { ${PRIVATE} } }`,
      focus: ['me'],
      describe: privateFields,
      callers: ['owner', 'anonymous'],
      expect: { owner: seen('private shown'), anonymous: unseen('null') },
    }),
    gql({
      type: 'User (private fields)',
      path: 'account(id).owner (the payout account)',
      kind: 'root',
      owner: 'olga',
      target: () => oA,
      secrets: () => ['REG-OLGA-42', 'olga@example.com'],
      query: `query($id: ID!) { account(id: $id) { id owner { ${PRIVATE} } } }`,
      focus: ['account', 'owner'],
      describe: privateFields,
      parties: ['assignedBanker'],
      expect: {
        owner: seen('private shown'),
        admin: seen('private shown'),
        riskOfficer: seen('private shown'),
        assignedBanker: seen('private null'),
      },
    }),
    gql({
      type: 'User (private fields)',
      path: 'conversation(id).participants',
      kind: 'root',
      owner: 'olga',
      target: () => conversationId,
      secrets: () => ['REG-OLGA-42', 'olga@example.com'],
      query: `query($id: ID!) { conversation(id: $id) { id participants { ${PRIVATE} } } }`,
      focus: ['conversation', 'participants'],
      describe: privateFieldsOf(() => olga.id),
      parties: ['assignedBanker'],
      expect: {
        owner: seen('private shown'),
        admin: hidden('NOT_FOUND'),
        assignedBanker: seen('private null'),
      },
    }),
    gql({
      type: 'User (private fields)',
      path: 'loanApplication(id).applicant',
      kind: 'root',
      owner: 'olga',
      target: () => applicationId,
      secrets: () => ['REG-OLGA-42', 'olga@example.com'],
      query: `query($id: ID!) { loanApplication(id: $id) { id applicant { ${PRIVATE} } } }`,
      focus: ['loanApplication', 'applicant'],
      describe: privateFields,
      parties: ['assignedBanker'],
      expect: {
        owner: seen('private shown'),
        admin: seen('private shown'),
        riskOfficer: seen('private shown'),
        assignedBanker: seen('private null'),
      },
    }),
    gql({
      type: 'User (private fields)',
      path: 'bankers(filter) directory nodes',
      kind: 'root',
      owner: 'bianca',
      target: () => bianca.id,
      secrets: () => ['bianca@example.com'],
      query: `query { bankers(filter: { product: TERM_LOAN, amount: "50000.00" }, first: 100) { edges { node { ${PRIVATE} } } } }`,
      focus: ['bankers', 'edges'],
      describe: privateFieldsOf(() => bianca.id),
      parties: ['borrower'],
      expect: {
        owner: seen('private shown'),
        // A user's email is theirs and staff's to see, in the directory as everywhere (README, lending).
        admin: seen('private shown'),
        riskOfficer: seen('private shown'),
        customer: unseen('private null'),
        businessOwner: unseen('private null'),
        banker: unseen('private null'),
        borrower: unseen('private null'),
        anonymous: unseen('UNAUTHENTICATED'),
      },
    }),
    entities({
      type: 'User (private fields)',
      path: '_entities User (identity)',
      owner: 'olga',
      subgraph: 'identity',
      typename: 'User',
      selection: PRIVATE,
      target: () => olga.id,
      secrets: () => ['REG-OLGA-42', 'olga@example.com'],
      describe: privateFields,
      parties: ['assignedBanker'],
      expect: {
        owner: seen('private shown'),
        admin: seen('private shown'),
        riskOfficer: seen('private shown'),
        customer: unseen('private null'),
        businessOwner: unseen('private null'),
        banker: unseen('private null'),
        assignedBanker: unseen('private null'),
        anonymous: hidden('null', 'UNAUTHENTICATED'),
      },
    }),
  ];
}

const ACCOUNT_ALL = `query($id: ID!, $month: String!) {
  account(id: $id) {
    id maskedNumber nickname balance { amount } availableBalance { amount } lowBalanceAlert { amount }
    transactions(first: 5) { edges { node { id } } } statement(month: $month) { month }
  }
}`;

/** What the payout's viewers are refused of the payout account (README: FORBIDDEN, not hidden: they know it). */
const MONEY_FIELDS = [
  'nickname',
  'balance { amount }',
  'availableBalance { amount }',
  'lowBalanceAlert { amount }',
  'transactions(first: 5) { edges { node { id } } }',
  'statement(month: $month) { month }',
];

function accountProbes(): Probe[] {
  const probes: Probe[] = [
    gql({
      type: 'Account',
      path: 'account(id) with balance, transactions, statement',
      kind: 'root',
      owner: 'carol',
      target: () => cA1,
      query: ACCOUNT_ALL,
      variables: (id) => ({ id, month: MONTH }),
      focus: ['account'],
      parties: ['counterparty', 'assignedBanker'],
    }),
    gql({
      type: 'Account',
      path: 'account(id) (the payout account)',
      kind: 'root',
      owner: 'olga',
      target: () => oA,
      query: `query($id: ID!) { account(id: $id) { id maskedNumber type currency status owner { id } } }`,
      focus: ['account'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    }),
    gql({
      type: 'Account',
      path: 'account(id) (another account of the borrower)',
      kind: 'root',
      owner: 'olga',
      target: () => oA2,
      query: `query($id: ID!) { account(id: $id) { id maskedNumber } }`,
      focus: ['account'],
      parties: ['assignedBanker'],
    }),
    ...MONEY_FIELDS.map((field) =>
      gql({
        type: 'Account',
        path: `account(id) { ${field.split(/[ (]/)[0]} } (the payout account)`,
        kind: 'root',
        owner: 'olga',
        target: () => oA,
        query: field.includes('$month')
          ? `query($id: ID!, $month: String!) { account(id: $id) { id ${field} } }`
          : `query($id: ID!) { account(id: $id) { id ${field} } }`,
        variables: (id) => ({ id, month: MONTH }),
        focus: ['account'],
        callers: ['owner', 'admin', 'assignedBanker', 'riskOfficer'],
        expect: { assignedBanker: seen('FORBIDDEN'), riskOfficer: seen('FORBIDDEN') },
      }),
    ),
    entities({
      type: 'Account',
      path: '_entities Account',
      owner: 'carol',
      subgraph: 'banking',
      typename: 'Account',
      selection: 'id maskedNumber balance { amount }',
      target: () => cA1,
      parties: ['counterparty', 'assignedBanker'],
    }),
    entities({
      type: 'Account',
      path: '_entities Account (the payout account)',
      owner: 'olga',
      subgraph: 'banking',
      typename: 'Account',
      selection: 'id maskedNumber',
      target: () => oA,
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    }),
    entities({
      type: 'Account',
      path: '_entities Account (another account of the borrower)',
      owner: 'olga',
      subgraph: 'banking',
      typename: 'Account',
      selection: 'id maskedNumber',
      target: () => oA2,
      parties: ['assignedBanker'],
    }),
    gql({
      type: 'Account',
      path: 'Transaction.fromAccount of a transfer (seen by the payee)',
      kind: 'root',
      owner: 'carol',
      target: () => transferId,
      secrets: () => [cA1],
      query: `query($id: ID!) { transaction(id: $id) { id fromAccount { id maskedNumber } } }`,
      focus: ['transaction', 'fromAccount'],
      parties: ['counterparty'],
      expect: { counterparty: unseen('null') },
    }),
    gql({
      type: 'Account',
      path: 'LoanApplication.disbursementAccount',
      kind: 'root',
      owner: 'olga',
      target: () => applicationId,
      secrets: () => [oA],
      query: `query($id: ID!) { loanApplication(id: $id) { id disbursementAccount { id maskedNumber } } }`,
      focus: ['loanApplication', 'disbursementAccount'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    }),
    gql({
      type: 'Account',
      path: 'Loan.disbursementTransaction.toAccount',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      secrets: () => [oA],
      query: `query($id: ID!) { loan(id: $id) { id disbursementTransaction { id toAccount { id maskedNumber } } } }`,
      focus: ['loan', 'disbursementTransaction', 'toAccount'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    }),
    gql({
      type: 'Account',
      path: 'BillPayment.fromAccount',
      kind: 'root',
      owner: 'carol',
      target: () => paymentId,
      secrets: () => [cA1],
      query: `query($id: ID!) { billPayment(id: $id) { id fromAccount { id } } }`,
      focus: ['billPayment', 'fromAccount'],
    }),
    gql({
      type: 'Account',
      path: 'me { accounts }',
      kind: 'list',
      owner: 'carol',
      target: () => cA1,
      query: `query { me { accounts { id } } }`,
      focus: ['me', 'accounts'],
      parties: ['counterparty'],
    }),
    download({
      type: 'Account',
      path: 'GET /statement.csv',
      owner: 'carol',
      target: () => cA1,
      parties: ['counterparty'],
    }),
    download({
      type: 'Account',
      path: 'GET /statement.csv (the payout account)',
      owner: 'olga',
      target: () => oA,
      parties: ['assignedBanker'],
      // README: the payout's viewers are refused its statements (they know the account).
      expect: { assignedBanker: seen('403'), riskOfficer: seen('403') },
    }),
  ];
  return probes;
}

function transactionProbes(): Probe[] {
  const kinds: {
    name: string;
    target: () => string;
    owner: PersonKey;
    expect: Partial<Record<CallerKey, Expect>>;
    parties: CallerKey[];
  }[] = [
    {
      name: 'a transfer',
      target: () => transferId,
      owner: 'carol',
      parties: ['counterparty'],
      expect: { counterparty: seen('visible') },
    },
    { name: 'a deposit', target: () => depositId, owner: 'carol', parties: ['counterparty'], expect: {} },
    { name: 'a bill payment', target: () => paymentTx, owner: 'carol', parties: ['counterparty'], expect: {} },
    {
      name: 'a loan disbursement',
      target: () => disbursementTx,
      owner: 'olga',
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    },
    { name: 'a loan repayment', target: () => repaymentTx, owner: 'olga', parties: ['assignedBanker'], expect: {} },
  ];
  const probes: Probe[] = [];
  for (const k of kinds) {
    probes.push(
      gql({
        type: 'Transaction',
        path: `transaction(id) of ${k.name}`,
        kind: 'root',
        owner: k.owner,
        target: k.target,
        query: `query($id: ID!) { transaction(id: $id) { id kind amount { amount } } }`,
        focus: ['transaction'],
        parties: k.parties,
        expect: k.expect,
      }),
      entities({
        type: 'Transaction',
        path: `_entities Transaction of ${k.name}`,
        owner: k.owner,
        subgraph: 'banking',
        typename: 'Transaction',
        selection: 'id kind amount { amount }',
        target: k.target,
        parties: k.parties,
        expect: k.expect,
      }),
    );
  }
  probes.push(
    gql({
      type: 'Transaction',
      path: 'BillPayment.transaction',
      kind: 'root',
      owner: 'carol',
      target: () => paymentId,
      secrets: () => [paymentTx],
      query: `query($id: ID!) { billPayment(id: $id) { id transaction { id kind } } }`,
      focus: ['billPayment', 'transaction'],
    }),
    gql({
      type: 'Transaction',
      path: 'Loan.disbursementTransaction',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      secrets: () => [disbursementTx],
      query: `query($id: ID!) { loan(id: $id) { id disbursementTransaction { id kind } } }`,
      focus: ['loan', 'disbursementTransaction'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), riskOfficer: seen('visible') },
    }),
    gql({
      type: 'Transaction',
      path: 'Loan.repayments.transaction { id }',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      secrets: () => [repaymentTx],
      query: `query($id: ID!) { loan(id: $id) { id repayments { id transaction { id } } } }`,
      focus: ['loan', 'repayments', 0, 'transaction'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: unseen('null'), riskOfficer: unseen('null') },
    }),
    gql({
      type: 'Transaction',
      path: 'transaction(id).tags and category (the other side’s labels)',
      kind: 'root',
      owner: 'carol',
      target: () => transferId,
      secrets: () => [CAROL_TAG],
      query: `query($id: ID!) { transaction(id: $id) { id category tags } }`,
      focus: ['transaction'],
      describe: (value) => {
        const tx = value as { category: string; tags: string[] };
        return tx.tags.includes(CAROL_TAG) || tx.category === 'TRAVEL' ? 'payer’s labels' : 'own labels';
      },
      parties: ['counterparty'],
      expect: { owner: seen('payer’s labels'), admin: seen('own labels'), counterparty: unseen('own labels') },
    }),
    gql({
      type: 'Transaction',
      path: 'Loan.repayments.transaction { id kind }',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      secrets: () => [repaymentTx],
      query: `query($id: ID!) { loan(id: $id) { id repayments { id transaction { id kind } } } }`,
      focus: ['loan', 'repayments', 0, 'transaction'],
      parties: ['assignedBanker'],
      // The payout's viewers see the loan, but a repayment's transaction is not the payout.
      expect: { assignedBanker: unseen('null'), riskOfficer: unseen('null') },
    }),
    gql({
      type: 'Transaction',
      path: 'Account.transactions (the payout account)',
      kind: 'root',
      owner: 'olga',
      target: () => oA,
      secrets: () => [disbursementTx, repaymentTx],
      query: `query($id: ID!) { account(id: $id) { id transactions(first: 10) { edges { node { id } } } } }`,
      focus: ['account', 'transactions'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('FORBIDDEN'), riskOfficer: seen('FORBIDDEN') },
    }),
  );
  return probes;
}

function billingReadProbes(): Probe[] {
  const bills: { name: string; target: () => string }[] = [
    { name: 'added, partly paid', target: () => billAdded },
    { name: 'issued by an ADMIN', target: () => billIssued },
    { name: 'with a scheduled payment', target: () => billScheduled },
  ];
  return [
    ...bills.flatMap((b) => [
      gql({
        type: 'Bill',
        path: `bill(id) (${b.name})`,
        kind: 'root',
        owner: 'carol',
        target: b.target,
        query: `query($id: ID!) { bill(id: $id) { id status amount { amount } payments { id } scheduledPayments { id } } }`,
        focus: ['bill'],
      }),
      entities({
        type: 'Bill',
        path: `_entities Bill (${b.name})`,
        owner: 'carol',
        subgraph: 'billing',
        typename: 'Bill',
        selection: 'id status amount { amount }',
        target: b.target,
      }),
    ]),
    gql({
      type: 'Bill',
      path: 'me { bills }',
      kind: 'list',
      owner: 'carol',
      target: () => billAdded,
      secrets: () => [billAdded, billIssued, billScheduled],
      query: `query { me { bills { id } } }`,
      focus: ['me', 'bills'],
    }),
    gql({
      type: 'Bill',
      path: 'me { upcomingBills }',
      kind: 'list',
      owner: 'carol',
      target: () => billAdded,
      secrets: () => [billAdded, billIssued, billScheduled],
      query: `query { me { upcomingBills(days: 366) { id } } }`,
      focus: ['me', 'upcomingBills'],
    }),
    gql({
      type: 'BillPayment',
      path: 'billPayment(id)',
      kind: 'root',
      owner: 'carol',
      target: () => paymentId,
      query: `query($id: ID!) { billPayment(id: $id) { id status amount { amount } bill { id } } }`,
      focus: ['billPayment'],
    }),
    entities({
      type: 'BillPayment',
      path: '_entities BillPayment',
      owner: 'carol',
      subgraph: 'billing',
      typename: 'BillPayment',
      selection: 'id status amount { amount }',
      target: () => paymentId,
    }),
    gql({
      type: 'BillPayment',
      path: 'Bill.payments',
      kind: 'root',
      owner: 'carol',
      target: () => billAdded,
      secrets: () => [paymentId],
      query: `query($id: ID!) { bill(id: $id) { id payments { id } } }`,
      focus: ['bill', 'payments'],
    }),
    gql({
      type: 'BillPayment',
      path: 'me { billPayments }',
      kind: 'list',
      owner: 'carol',
      target: () => paymentId,
      query: `query { me { billPayments { edges { node { id } } } } }`,
      focus: ['me', 'billPayments', 'edges'],
    }),
    entities({
      type: 'ScheduledPayment',
      path: '_entities ScheduledPayment',
      owner: 'carol',
      subgraph: 'billing',
      typename: 'ScheduledPayment',
      selection: 'id status payOn',
      target: () => scheduleId,
    }),
    gql({
      type: 'ScheduledPayment',
      path: 'Bill.scheduledPayments',
      kind: 'root',
      owner: 'carol',
      target: () => billScheduled,
      secrets: () => [scheduleId],
      query: `query($id: ID!) { bill(id: $id) { id scheduledPayments { id status } } }`,
      focus: ['bill', 'scheduledPayments'],
    }),
  ];
}

/** Who sees olga's application, its document and its loan besides her: her banker, risk officers, ADMINs. */
const LENDING_VIEWERS = { assignedBanker: seen('visible'), riskOfficer: seen('visible') };

function lendingReadProbes(): Probe[] {
  return [
    gql({
      type: 'LoanApplication',
      path: 'loanApplication(id) (disbursed)',
      kind: 'root',
      owner: 'olga',
      target: () => applicationId,
      query: `query($id: ID!) { loanApplication(id: $id) { id status purpose history { to } } }`,
      focus: ['loanApplication'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'LoanApplication',
      path: 'loanApplication(id) (submitted)',
      kind: 'root',
      owner: 'olga',
      target: () => pendingId,
      query: `query($id: ID!) { loanApplication(id: $id) { id status purpose } }`,
      focus: ['loanApplication'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    entities({
      type: 'LoanApplication',
      path: '_entities LoanApplication',
      owner: 'olga',
      subgraph: 'lending',
      typename: 'LoanApplication',
      selection: 'id status purpose',
      target: () => applicationId,
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'LoanApplication',
      path: 'Conversation.loanApplication',
      kind: 'root',
      owner: 'olga',
      target: () => conversationId,
      secrets: () => [applicationId],
      query: `query($id: ID!) { conversation(id: $id) { id loanApplication { id status } } }`,
      focus: ['conversation', 'loanApplication'],
      parties: ['assignedBanker'],
      // Only participants see a conversation, ADMINs included.
      expect: { assignedBanker: seen('visible'), admin: hidden('NOT_FOUND') },
    }),
    gql({
      type: 'LoanApplication',
      path: 'loanApplications(filter: DISBURSED) queue',
      kind: 'list',
      owner: 'olga',
      target: () => applicationId,
      query: `query { loanApplications(filter: { status: DISBURSED }, first: 100) { edges { node { id } } } }`,
      focus: ['loanApplications', 'edges'],
      parties: ['assignedBanker'],
      expect: queueExpect(),
    }),
    gql({
      type: 'LoanApplication',
      path: 'loanApplications(filter: SUBMITTED) queue',
      kind: 'list',
      owner: 'olga',
      target: () => pendingId,
      query: `query { loanApplications(filter: { status: SUBMITTED }, first: 100) { edges { node { id } } } }`,
      focus: ['loanApplications', 'edges'],
      parties: ['assignedBanker'],
      expect: queueExpect(),
    }),
    gql({
      type: 'LoanApplication',
      path: 'me { loanApplications }',
      kind: 'list',
      owner: 'olga',
      target: () => applicationId,
      secrets: () => [applicationId, pendingId],
      query: `query { me { loanApplications { edges { node { id } } } } }`,
      focus: ['me', 'loanApplications', 'edges'],
      parties: ['assignedBanker'],
    }),
    gql({
      type: 'LoanDocument',
      path: 'loanDocument(id)',
      kind: 'root',
      owner: 'olga',
      target: () => documentId,
      query: `query($id: ID!) { loanDocument(id: $id) { document { id fileName } contentBase64 } }`,
      focus: ['loanDocument'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'LoanDocument',
      path: 'LoanApplication.documents',
      kind: 'root',
      owner: 'olga',
      target: () => applicationId,
      secrets: () => [documentId],
      query: `query($id: ID!) { loanApplication(id: $id) { id documents { id fileName } } }`,
      focus: ['loanApplication', 'documents'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'Loan',
      path: 'loan(id)',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      query: `query($id: ID!) { loan(id: $id) { id status outstandingPrincipal { amount } borrower { id } } }`,
      focus: ['loan'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    entities({
      type: 'Loan',
      path: '_entities Loan',
      owner: 'olga',
      subgraph: 'lending',
      typename: 'Loan',
      selection: 'id status outstandingPrincipal { amount }',
      target: () => loanId,
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'Loan',
      path: 'LoanApplication.loan',
      kind: 'root',
      owner: 'olga',
      target: () => applicationId,
      secrets: () => [loanId],
      query: `query($id: ID!) { loanApplication(id: $id) { id loan { id status } } }`,
      focus: ['loanApplication', 'loan'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
    gql({
      type: 'Loan',
      path: 'me { loans }',
      kind: 'list',
      owner: 'olga',
      target: () => loanId,
      query: `query { me { loans { id } } }`,
      focus: ['me', 'loans'],
      parties: ['assignedBanker'],
    }),
    gql({
      type: 'LoanRepayment',
      path: 'Loan.repayments',
      kind: 'root',
      owner: 'olga',
      target: () => loanId,
      secrets: () => [repaymentId],
      query: `query($id: ID!) { loan(id: $id) { id repayments { id amount { amount } } } }`,
      focus: ['loan', 'repayments'],
      parties: ['assignedBanker'],
      expect: LENDING_VIEWERS,
    }),
  ];
}

function queueExpect(): Partial<Record<CallerKey, Expect>> {
  return {
    // Business owners and customers have no work queue (README: bankers, risk officers, ADMINs).
    owner: seen('FORBIDDEN'),
    customer: unseen('FORBIDDEN'),
    businessOwner: unseen('FORBIDDEN'),
    anonymous: unseen('UNAUTHENTICATED'),
    banker: unseen('absent'),
    assignedBanker: seen('visible'),
    riskOfficer: seen('visible'),
    admin: seen('visible'),
  };
}

/** Only a conversation's participants see it or its messages, ADMINs included. */
const PARTICIPANTS = { assignedBanker: seen('visible'), admin: hidden('NOT_FOUND') };

function identityReadProbes(): Probe[] {
  return [
    // README: a data export is its owner's alone; ADMINs do not see other people's.
    gql({
      type: 'DataExport',
      path: 'dataExport(id)',
      kind: 'root',
      owner: 'carol',
      target: () => carolExport,
      query: `query($id: ID!) { dataExport(id: $id) { id status } }`,
      focus: ['dataExport'],
      parties: ['counterparty'],
      expect: { admin: hidden('NOT_FOUND') },
    }),
    gql({
      type: 'DataExport',
      path: 'dataExports',
      kind: 'list',
      owner: 'carol',
      target: () => carolExport,
      query: `query { dataExports { id } }`,
      focus: ['dataExports'],
      parties: ['counterparty'],
      expect: { anonymous: unseen('UNAUTHENTICATED') },
    }),
    exportDownload({
      type: 'DataExport',
      path: 'GET /data-export.json',
      owner: 'carol',
      target: () => carolExport,
      parties: ['counterparty'],
    }),
    gql({
      type: 'AuditEvent',
      path: 'auditEvents(userId) (ADMIN only)',
      kind: 'root',
      owner: 'olga',
      target: () => olga.id,
      query: `query($id: ID!) { auditEvents(userId: $id, first: 5) { edges { node { id type userId } } } }`,
      focus: ['auditEvents'],
      parties: ['assignedBanker'],
      // README: the audit log is readable by ADMINs; everyone else is refused it as such.
      expect: {
        owner: seen('FORBIDDEN'),
        customer: hidden('FORBIDDEN'),
        businessOwner: hidden('FORBIDDEN'),
        banker: hidden('FORBIDDEN'),
        riskOfficer: hidden('FORBIDDEN'),
        assignedBanker: hidden('FORBIDDEN'),
      },
    }),
  ];
}

function messagingReadProbes(): Probe[] {
  return [
    gql({
      type: 'Conversation',
      path: 'conversation(id)',
      kind: 'root',
      owner: 'olga',
      target: () => conversationId,
      query: `query($id: ID!) { conversation(id: $id) { id subject unreadCount lastMessage { id body } } }`,
      focus: ['conversation'],
      parties: ['assignedBanker'],
      expect: PARTICIPANTS,
    }),
    entities({
      type: 'Conversation',
      path: '_entities Conversation',
      owner: 'olga',
      subgraph: 'messaging',
      typename: 'Conversation',
      selection: 'id subject',
      target: () => conversationId,
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), admin: hidden('null') },
    }),
    gql({
      type: 'Conversation',
      path: 'me { conversations }',
      kind: 'list',
      owner: 'olga',
      target: () => conversationId,
      query: `query { me { conversations { edges { node { id } } } } }`,
      focus: ['me', 'conversations', 'edges'],
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible') },
    }),
    gql({
      type: 'Message',
      path: 'Conversation.messages',
      kind: 'root',
      owner: 'olga',
      target: () => conversationId,
      secrets: () => [messageId],
      query: `query($id: ID!) { conversation(id: $id) { id messages(last: 20) { edges { node { id body } } } } }`,
      focus: ['conversation', 'messages'],
      parties: ['assignedBanker'],
      expect: PARTICIPANTS,
    }),
    entities({
      type: 'Message',
      path: '_entities Message',
      owner: 'olga',
      subgraph: 'messaging',
      typename: 'Message',
      selection: 'id body',
      target: () => messageId,
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('visible'), admin: hidden('null') },
    }),
    gql({
      type: 'Notification',
      path: 'me { notifications } of the payee (TRANSFER_RECEIVED)',
      kind: 'list',
      owner: 'carol',
      target: () => cA1,
      secrets: () => [cA1, 'carol'],
      query: `query { me { notifications(first: 100) { edges { node { id kind title body link } } } } }`,
      focus: ['me', 'notifications', 'edges'],
      describe: (value) =>
        JSON.stringify(value).includes('TRANSFER_RECEIVED')
          ? JSON.stringify(value).includes(cA1) || JSON.stringify(value).includes('carol')
            ? 'names the payer'
            : 'received, payer unnamed'
          : 'absent',
      callers: [],
      parties: ['counterparty'],
      expect: { counterparty: unseen('received, payer unnamed') },
    }),
    gql({
      type: 'Notification',
      path: 'me { notifications }',
      kind: 'list',
      owner: 'olga',
      target: () => olgaNotification,
      query: `query { me { notifications(first: 100) { edges { node { id } } } } }`,
      focus: ['me', 'notifications', 'edges'],
      parties: ['assignedBanker'],
    }),
  ];
}

/** The assistant's objects are their owner's alone: no role, ADMIN included, sees them on any path. */
const OWNER_ONLY = (...labels: string[]): Partial<Record<CallerKey, Expect>> =>
  Object.fromEntries(['admin', ...OUTSIDERS].map((key) => [key, hidden(...labels)]));

function assistantReadProbes(): Probe[] {
  return [
    gql({
      type: 'AssistantSession',
      path: 'assistantSession(id) with turns and actions',
      kind: 'root',
      owner: 'carol',
      target: () => carolSession,
      secrets: () => [carolSession, carolTurn, carolAction],
      query: `query($id: ID!) { assistantSession(id: $id) {
        id startedAt turns { edges { node { id text reply action { id status } pendingAction { id } } } } } }`,
      focus: ['assistantSession'],
      // Null for anyone but its owner, as for a session that does not exist (the schema says so).
      expect: { ...OWNER_ONLY('null'), anonymous: hidden('null', 'UNAUTHENTICATED') },
    }),
    gql({
      type: 'AssistantSession',
      path: 'me { assistantSessions }',
      kind: 'list',
      owner: 'carol',
      target: () => carolSession,
      query: `query { me { assistantSessions(first: 50) { edges { node { id } } } } }`,
      focus: ['me', 'assistantSessions', 'edges'],
    }),
    entities({
      type: 'AssistantSession',
      path: '_entities AssistantSession',
      owner: 'carol',
      subgraph: 'assistant',
      typename: 'AssistantSession',
      selection: 'id startedAt turns { edges { node { id text } } }',
      target: () => carolSession,
      secrets: () => [carolSession, carolTurn],
      expect: { admin: hidden('null') },
    }),
    gql({
      type: 'AssistantTurn',
      path: 'me { assistantSessions { turns } }',
      kind: 'list',
      owner: 'carol',
      target: () => carolTurn,
      query: `query { me { assistantSessions(first: 50) { edges { node { turns { edges { node { id text } } } } } } } }`,
      focus: ['me', 'assistantSessions', 'edges'],
    }),
    entities({
      type: 'AssistantTurn',
      path: '_entities AssistantTurn',
      owner: 'carol',
      subgraph: 'assistant',
      typename: 'AssistantTurn',
      selection: 'id text reply session { id } action { id } cards { accounts { id } }',
      target: () => carolTurn,
      secrets: () => [carolTurn, carolSession, carolAction, cA1],
      expect: { admin: hidden('null') },
    }),
    gql({
      type: 'AssistantAction',
      path: 'me { assistantSessions { turns { action } } }',
      kind: 'list',
      owner: 'carol',
      target: () => carolAction,
      query: `query { me { assistantSessions(first: 50) { edges { node {
        turns { edges { node { action { id status summary } } } } } } } } }`,
      focus: ['me', 'assistantSessions', 'edges'],
    }),
    entities({
      type: 'AssistantAction',
      path: '_entities AssistantAction',
      owner: 'carol',
      subgraph: 'assistant',
      typename: 'AssistantAction',
      selection: 'id status summary amount { amount } fromAccount { id } toAccount { id }',
      target: () => carolAction,
      secrets: () => [carolAction, cA1, cA2],
      expect: { admin: hidden('null') },
    }),
  ];
}

// ---------------------------------------------------------------------------
// Mutations on someone else's objects.
// ---------------------------------------------------------------------------

/** The refusals of a step on an application by each caller (README: the wrong role is FORBIDDEN). */
const WRONG_ROLE = hidden('FORBIDDEN');
const NOT_THEIRS = hidden('NOT_FOUND');
const EITHER = hidden('FORBIDDEN', 'NOT_FOUND');
const KNOWN_BUT_NOT_THEIRS = seen('FORBIDDEN', 'NOT_FOUND');

function mutation(
  spec: Omit<GqlSpec, 'kind' | 'focus'> & { field: string; describe?: (value: unknown) => string },
): Probe {
  return gql({ ...spec, kind: 'mutation', focus: [spec.field] });
}

function bankingWriteProbes(): Probe[] {
  const withKey = (input: Record<string, unknown>) => ({ input: { ...input, idempotencyKey: randomKey() } });
  return [
    mutation({
      type: 'Account',
      path: 'withdraw(accountId)',
      field: 'withdraw',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: WithdrawInput!) { withdraw(input: $input) { id } }`,
      variables: (id) => withKey({ accountId: id, amount: '1.00' }),
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'transfer(fromAccountId)',
      field: 'transfer',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
      variables: (id, party) => withKey({ fromAccountId: id, toAccountId: accountOf(party), amount: '1.00' }),
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'deposit(accountId)',
      field: 'deposit',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
      variables: (id) => withKey({ accountId: id, amount: '1.00' }),
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'transfer(toAccountId) into it (README: allowed)',
      field: 'transfer',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: TransferInput!) { transfer(input: $input) { id toAccount { id balance { amount } } } }`,
      variables: (id, party) => withKey({ fromAccountId: accountOf(party), toAccountId: id, amount: '1.00' }),
      describe: (value) =>
        (value as { toAccount: unknown }).toAccount ? 'DONE, toAccount shown' : 'DONE, toAccount null',
      parties: ['counterparty'],
      expect: {
        owner: seen('DONE, toAccount shown'),
        admin: seen('DONE, toAccount shown'),
        customer: seen('DONE, toAccount null'),
        businessOwner: seen('DONE, toAccount null'),
        banker: seen('DONE, toAccount null'),
        riskOfficer: seen('DONE, toAccount null'),
        counterparty: seen('DONE, toAccount null'),
      },
    }),
    mutation({
      type: 'Account',
      path: 'setLowBalanceAlert(accountId)',
      field: 'setLowBalanceAlert',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($id: ID!) { setLowBalanceAlert(accountId: $id, threshold: "500.00") { id } }`,
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'setLowBalanceAlert(accountId) (the payout account)',
      field: 'setLowBalanceAlert',
      owner: 'olga',
      target: () => oA,
      query: `mutation($id: ID!) { setLowBalanceAlert(accountId: $id, threshold: "1.00") { id } }`,
      parties: ['assignedBanker'],
      expect: { assignedBanker: seen('FORBIDDEN'), riskOfficer: seen('FORBIDDEN') },
    }),
    mutation({
      type: 'Account',
      path: 'freezeAccount(id) (ADMIN only)',
      field: 'freezeAccount',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($id: ID!) { freezeAccount(id: $id) { id status } }`,
      callers: OUTSIDERS,
      parties: ['counterparty'],
      expect: {
        customer: WRONG_ROLE,
        businessOwner: WRONG_ROLE,
        banker: WRONG_ROLE,
        riskOfficer: WRONG_ROLE,
        counterparty: WRONG_ROLE,
      },
    }),
    mutation({
      type: 'Account',
      path: 'payBill(fromAccountId) of the caller’s own bill',
      field: 'payBill',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: PayBillInput!) { payBill(input: $input) { id status } }`,
      variables: (id, party) => withKey({ billId: billOf(party), fromAccountId: id, amount: '1.00' }),
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'schedulePayment(fromAccountId) of the caller’s own bill',
      field: 'schedulePayment',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: SchedulePaymentInput!) { schedulePayment(input: $input) { id } }`,
      variables: (id, party) => ({ input: { billId: billOf(party), fromAccountId: id, payOn: dayFromToday(5) } }),
      callers: ['admin', ...OUTSIDERS],
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Account',
      path: 'repayLoan(fromAccountId) of the caller’s own loan',
      field: 'repayLoan',
      owner: 'carol',
      target: () => cA1,
      query: `mutation($input: RepayLoanInput!) { repayLoan(input: $input) { id status } }`,
      variables: (id) => withKey({ loanId, fromAccountId: id, amount: '1.00' }),
      callers: [],
      parties: ['borrower'],
      expect: { borrower: NOT_THEIRS },
    }),
    ...(['categorizeTransaction', 'tagTransaction'] as const).flatMap((field) => {
      const query =
        field === 'categorizeTransaction'
          ? `mutation($id: ID!) { categorizeTransaction(id: $id, category: TRAVEL) { id category } }`
          : `mutation($id: ID!) { tagTransaction(id: $id, tags: ["matrix"]) { id tags } }`;
      return [
        mutation({
          type: 'Transaction',
          path: `${field}(id) of a transfer`,
          field,
          owner: 'carol',
          target: () => transferId,
          query,
          parties: ['counterparty'],
          // Each side labels its own side; an ADMIN sees it but has no side (existing rule: FORBIDDEN).
          expect: { counterparty: seen('DONE'), admin: seen('FORBIDDEN') },
        }),
        mutation({
          type: 'Transaction',
          path: `${field}(id) of a loan disbursement`,
          field,
          owner: 'olga',
          target: () => disbursementTx,
          query,
          parties: ['assignedBanker'],
          expect: { admin: seen('FORBIDDEN'), assignedBanker: KNOWN_BUT_NOT_THEIRS, riskOfficer: KNOWN_BUT_NOT_THEIRS },
        }),
      ];
    }),
  ];
}

/** A user's sessions, second factors and recovery codes: the user's alone, wherever the user is seen. */
function securityFields(value: unknown): string {
  const user = value as { sessions?: unknown; secondFactors?: unknown; recoveryCodesLeft?: unknown };
  return shown('security', [user.sessions, user.secondFactors, user.recoveryCodesLeft]);
}

function identityWriteProbes(): Probe[] {
  // The owner's answers are refusals of a made-up proof or a real revocation; nobody else may learn the id exists.
  const outsiders = {
    admin: hidden('NOT_FOUND'),
    customer: hidden('NOT_FOUND'),
    businessOwner: hidden('NOT_FOUND'),
    banker: hidden('NOT_FOUND'),
    riskOfficer: hidden('NOT_FOUND'),
    anonymous: hidden('UNAUTHENTICATED'),
  };
  return [
    mutation({
      type: 'Session',
      path: 'revokeSession(id)',
      field: 'revokeSession',
      owner: 'dan',
      target: () => danSession,
      query: `mutation($id: ID!) { revokeSession(id: $id) }`,
      expect: { owner: seen('DONE'), ...outsiders },
    }),
    mutation({
      type: 'SecondFactor',
      path: 'removeSecondFactor(id)',
      field: 'removeSecondFactor',
      owner: 'dan',
      target: () => danFactor,
      query: `mutation($id: ID!) { removeSecondFactor(id: $id, proof: { code: "000000" }) }`,
      // The owner is asked for a fresh second factor; "000000" is not one.
      expect: { owner: seen('UNAUTHENTICATED'), ...outsiders },
    }),
    gql({
      type: 'User (sessions, factors)',
      path: 'bankers(filter) directory nodes',
      kind: 'root',
      owner: 'bianca',
      target: () => bianca.id,
      // Her session's id: whoever sees her sessions sees it.
      secrets: () => [(jwt.decode(bianca.token) as { sid: string }).sid],
      query: `query { bankers(filter: { product: TERM_LOAN, amount: "50000.00" }, first: 100) { edges { node { id sessions { id device } secondFactors { id } recoveryCodesLeft } } } }`,
      focus: ['bankers', 'edges'],
      describe: (value) => {
        const node = (value as { node: { id: string } }[]).find((e) => e.node.id === bianca.id)?.node;
        return node ? securityFields(node) : 'absent';
      },
      parties: ['borrower'],
      expect: {
        owner: seen('security shown'),
        admin: unseen('security null'),
        riskOfficer: unseen('security null'),
        customer: unseen('security null'),
        businessOwner: unseen('security null'),
        banker: unseen('security null'),
        borrower: unseen('security null'),
        anonymous: unseen('UNAUTHENTICATED'),
      },
    }),
  ];
}

function billingWriteProbes(): Probe[] {
  return [
    mutation({
      type: 'Bill',
      path: 'payBill(billId)',
      field: 'payBill',
      owner: 'carol',
      target: () => billAdded,
      query: `mutation($input: PayBillInput!) { payBill(input: $input) { id status } }`,
      variables: (id, party) => ({
        input: { billId: id, fromAccountId: accountOf(party), amount: '1.00', idempotencyKey: randomKey() },
      }),
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Bill',
      path: 'schedulePayment(billId)',
      field: 'schedulePayment',
      owner: 'carol',
      target: () => billAdded,
      query: `mutation($input: SchedulePaymentInput!) { schedulePayment(input: $input) { id } }`,
      variables: (id, party) => ({ input: { billId: id, fromAccountId: accountOf(party), payOn: dayFromToday(5) } }),
      callers: ['admin', ...OUTSIDERS],
      parties: ['counterparty'],
    }),
    mutation({
      type: 'Bill',
      path: 'cancelBill(id)',
      field: 'cancelBill',
      owner: 'carol',
      target: () => billToCancel,
      query: `mutation($id: ID!) { cancelBill(id: $id) { id status } }`,
      callers: ['admin', ...OUTSIDERS],
      parties: ['counterparty'],
    }),
    mutation({
      type: 'ScheduledPayment',
      path: 'cancelScheduledPayment(id)',
      field: 'cancelScheduledPayment',
      owner: 'carol',
      target: () => scheduleId,
      query: `mutation($id: ID!) { cancelScheduledPayment(id: $id) { id status } }`,
      callers: ['admin', ...OUTSIDERS],
      parties: ['counterparty'],
    }),
  ];
}

function lendingWriteProbes(): Probe[] {
  // On the SUBMITTED application: the banker's steps and the risk officer's, and the applicant's withdrawal.
  const bankerStep = {
    owner: seen('FORBIDDEN'),
    admin: seen('FORBIDDEN'),
    riskOfficer: seen('FORBIDDEN'),
    customer: WRONG_ROLE,
    businessOwner: WRONG_ROLE,
    banker: NOT_THEIRS,
  };
  return [
    mutation({
      type: 'LoanApplication',
      path: 'startCommercialReview(applicationId)',
      field: 'startCommercialReview',
      owner: 'olga',
      target: () => pendingId,
      query: `mutation($id: ID!) { startCommercialReview(applicationId: $id) { id status } }`,
      expect: bankerStep,
    }),
    mutation({
      type: 'LoanApplication',
      path: 'recordCommercialReview(applicationId)',
      field: 'recordCommercialReview',
      owner: 'olga',
      target: () => pendingId,
      query: `mutation($input: CommercialReviewInput!) { recordCommercialReview(input: $input) { id status } }`,
      variables: (id) => ({ input: { applicationId: id, eligible: true, notes: 'Looks fine.', proposedRate: '7.5' } }),
      expect: bankerStep,
    }),
    mutation({
      type: 'LoanApplication',
      path: 'recordRiskDecision(applicationId)',
      field: 'recordRiskDecision',
      owner: 'olga',
      target: () => pendingId,
      query: `mutation($input: RiskDecisionInput!) { recordRiskDecision(input: $input) { id status } }`,
      variables: (id) => ({
        input: { applicationId: id, approved: true, annualRate: '7.5', termMonths: 24, reason: 'Fine.' },
      }),
      parties: ['assignedBanker'],
      expect: {
        owner: seen('FORBIDDEN'),
        admin: seen('FORBIDDEN'),
        assignedBanker: seen('FORBIDDEN'),
        riskOfficer: seen('INVALID_STATE_TRANSITION'),
        customer: WRONG_ROLE,
        businessOwner: WRONG_ROLE,
        banker: WRONG_ROLE,
      },
    }),
    mutation({
      type: 'LoanApplication',
      path: 'withdrawLoanApplication(applicationId)',
      field: 'withdrawLoanApplication',
      owner: 'olga',
      target: () => pendingId,
      query: `mutation($id: ID!) { withdrawLoanApplication(applicationId: $id, reason: "Not mine") { id status } }`,
      callers: ['admin', ...OUTSIDERS],
      parties: ['assignedBanker'],
      expect: {
        admin: seen('FORBIDDEN'),
        assignedBanker: seen('FORBIDDEN'),
        riskOfficer: seen('FORBIDDEN'),
        customer: EITHER,
        banker: EITHER,
        businessOwner: NOT_THEIRS,
      },
    }),
    mutation({
      type: 'LoanApplication',
      path: 'acceptLoanOffer(applicationId)',
      field: 'acceptLoanOffer',
      owner: 'olga',
      target: () => applicationId,
      query: `mutation($input: AcceptLoanOfferInput!) { acceptLoanOffer(input: $input) { id status } }`,
      variables: (id, party) => ({
        input: { applicationId: id, disbursementAccountId: accountOf(party), idempotencyKey: randomKey() },
      }),
      parties: ['assignedBanker'],
      expect: {
        owner: seen('INVALID_STATE_TRANSITION'),
        admin: KNOWN_BUT_NOT_THEIRS,
        assignedBanker: KNOWN_BUT_NOT_THEIRS,
        riskOfficer: KNOWN_BUT_NOT_THEIRS,
        customer: EITHER,
        banker: EITHER,
        businessOwner: NOT_THEIRS,
      },
    }),
    mutation({
      type: 'Loan',
      path: 'repayLoan(loanId)',
      field: 'repayLoan',
      owner: 'olga',
      target: () => loanId,
      query: `mutation($input: RepayLoanInput!) { repayLoan(input: $input) { id status } }`,
      variables: (id, party) => ({
        input: { loanId: id, fromAccountId: accountOf(party), amount: '1.00', idempotencyKey: randomKey() },
      }),
      parties: ['assignedBanker'],
      expect: {
        admin: KNOWN_BUT_NOT_THEIRS,
        assignedBanker: KNOWN_BUT_NOT_THEIRS,
        riskOfficer: KNOWN_BUT_NOT_THEIRS,
        customer: EITHER,
        banker: EITHER,
        businessOwner: NOT_THEIRS,
      },
    }),
    mutation({
      type: 'LoanApplication',
      path: 'startConversation(loanApplicationId) with its banker',
      field: 'startConversation',
      owner: 'olga',
      target: () => applicationId,
      query: `mutation($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
      variables: (id) => ({
        input: { participantId: bianca.id, subject: 'About that loan', body: 'Hello', loanApplicationId: id },
      }),
      callers: ['admin', ...OUTSIDERS],
      expect: {
        admin: KNOWN_BUT_NOT_THEIRS,
        riskOfficer: KNOWN_BUT_NOT_THEIRS,
        customer: EITHER,
        banker: EITHER,
        businessOwner: NOT_THEIRS,
      },
    }),
  ];
}

function assistantWriteProbes(): Probe[] {
  const TURN = 'id text session { id } action { id status }';
  return [
    mutation({
      type: 'AssistantAction',
      path: 'confirmAssistantAction(actionId)',
      field: 'confirmAssistantAction',
      owner: 'carol',
      target: () => carolAction,
      query: `mutation($id: ID!, $key: String!) { confirmAssistantAction(actionId: $id, idempotencyKey: $key) { ${TURN} } }`,
      variables: (id) => ({ id, key: randomKey() }),
      expect: { admin: NOT_THEIRS },
    }),
    mutation({
      type: 'AssistantAction',
      path: 'cancelAssistantAction(actionId)',
      field: 'cancelAssistantAction',
      owner: 'carol',
      target: () => carolAction2,
      query: `mutation($id: ID!) { cancelAssistantAction(actionId: $id) { ${TURN} } }`,
      expect: { admin: NOT_THEIRS },
    }),
    mutation({
      type: 'AssistantSession',
      path: 'askAssistant(input.sessionId)',
      field: 'askAssistant',
      owner: 'carol',
      target: () => carolSession,
      query: `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { ${TURN} } }`,
      variables: (id) => ({ input: { text: 'how much money do I have', sessionId: id } }),
      expect: { admin: NOT_THEIRS },
    }),
  ];
}

function messagingWriteProbes(): Probe[] {
  return [
    mutation({
      type: 'Conversation',
      path: 'sendMessage(conversationId)',
      field: 'sendMessage',
      owner: 'olga',
      target: () => conversationId,
      query: `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      variables: (id) => ({ input: { conversationId: id, body: 'Am I in?' } }),
      expect: { admin: NOT_THEIRS },
    }),
    mutation({
      type: 'Conversation',
      path: 'markConversationRead(conversationId)',
      field: 'markConversationRead',
      owner: 'olga',
      target: () => conversationId,
      query: `mutation($id: ID!) { markConversationRead(conversationId: $id) { id unreadCount } }`,
      expect: { admin: NOT_THEIRS },
    }),
    mutation({
      type: 'Notification',
      path: 'markNotificationsRead(ids)',
      field: 'markNotificationsRead',
      owner: 'olga',
      target: () => olgaNotification,
      query: `mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) { id readAt } }`,
      variables: (id) => ({ ids: [id] }),
      parties: ['assignedBanker'],
      expect: { admin: NOT_THEIRS },
    }),
  ];
}

// ---------------------------------------------------------------------------
// Subscriptions, over graphql-ws and multipart HTTP.
// ---------------------------------------------------------------------------

type Transport = 'graphql-ws' | 'multipart HTTP';

interface LiveSpec {
  type: string;
  field: string;
  owner: PersonKey;
  target: () => string;
  query: string;
  variables: (id: string) => Record<string, unknown>;
  madeUp: boolean;
  /** Whether a delivered event is the owner's (made by the trigger). */
  ownersEvent: (data: Record<string, unknown>) => boolean;
  callers: readonly CallerKey[];
  expect: Partial<Record<CallerKey, Expect>>;
}

/** What one subscription did: refused at once (with its errors), or what it delivered. */
interface LiveHandle {
  refusal?: unknown;
  events: Record<string, unknown>[];
  close(): Promise<void> | void;
}

/** Olga's notification ids once the trigger has run. */
let olgaNotifications = new Set<string>();

const LIVE: LiveSpec[] = [
  {
    type: 'Message',
    field: 'messageAdded(conversationId)',
    owner: 'olga',
    target: () => conversationId,
    query: `subscription($id: ID!) { messageAdded(conversationId: $id) { id body sender { id } } }`,
    variables: (id) => ({ id }),
    madeUp: true,
    ownersEvent: (d) => (d.messageAdded as { body?: string } | undefined)?.body === LIVE_BODY,
    callers: ['admin', ...OUTSIDERS, 'assignedBanker'],
    // The schema says FORBIDDEN; the existence rule (and the README's "NOT_FOUND as for nothing") say NOT_FOUND.
    expect: { assignedBanker: seen('received'), admin: NOT_THEIRS },
  },
  {
    type: 'LoanApplication',
    field: 'loanApplicationUpdated(applicationId)',
    owner: 'olga',
    target: () => pendingId,
    query: `subscription($id: ID) { loanApplicationUpdated(applicationId: $id) { id status applicant { id } } }`,
    variables: (id) => ({ id }),
    madeUp: true,
    ownersEvent: (d) => (d.loanApplicationUpdated as { id?: string } | undefined)?.id === pendingId,
    callers: [...EVERYONE, 'assignedBanker'],
    expect: {
      owner: seen('received'),
      admin: seen('received'),
      assignedBanker: seen('received'),
      riskOfficer: seen('received'),
    },
  },
  {
    type: 'LoanApplication',
    field: 'loanApplicationUpdated (all one may follow)',
    owner: 'olga',
    target: () => pendingId,
    query: `subscription { loanApplicationUpdated { id status } }`,
    variables: () => ({}),
    madeUp: false,
    ownersEvent: (d) => (d.loanApplicationUpdated as { id?: string } | undefined)?.id === pendingId,
    callers: [...EVERYONE, 'assignedBanker'],
    expect: {
      owner: seen('received'),
      assignedBanker: seen('received'),
      riskOfficer: seen('received'),
      // README: "your own, those assigned to you, all for risk officers": ADMINs are not named (stricter reading).
      admin: unseen('nothing', 'FORBIDDEN'),
      customer: unseen('nothing', 'FORBIDDEN'),
      businessOwner: unseen('nothing', 'FORBIDDEN'),
      banker: unseen('nothing', 'FORBIDDEN'),
      anonymous: unseen('UNAUTHENTICATED'),
    },
  },
  {
    type: 'Notification',
    field: 'notificationAdded',
    owner: 'olga',
    target: () => olgaNotification,
    query: `subscription { notificationAdded { id kind title } }`,
    variables: () => ({}),
    madeUp: false,
    ownersEvent: (d) => olgaNotifications.has((d.notificationAdded as { id?: string } | undefined)?.id ?? ''),
    callers: [...EVERYONE, 'assignedBanker'],
    expect: {
      owner: seen('received'),
      admin: unseen('nothing'),
      customer: unseen('nothing'),
      businessOwner: unseen('nothing'),
      banker: unseen('nothing'),
      riskOfficer: unseen('nothing'),
      assignedBanker: unseen('nothing'),
      anonymous: unseen('UNAUTHENTICATED'),
    },
  },
  {
    type: 'AssistantTurn',
    field: 'assistantTurnAdded(sessionId)',
    owner: 'carol',
    target: () => carolSession,
    query: `subscription($id: ID!) { assistantTurnAdded(sessionId: $id) {
      id text reply session { id } action { id } cards { accounts { id balance { amount } } } } }`,
    variables: (id) => ({ id }),
    madeUp: true,
    ownersEvent: (d) => (d.assistantTurnAdded as { text?: string } | undefined)?.text === LIVE_ASK,
    callers: EVERYONE,
    expect: { owner: seen('received'), admin: NOT_THEIRS },
  },
];

/** The subscriptions of the live session, by cell and variant. */
const liveHandles = new Map<string, LiveHandle>();
const liveKey = (spec: LiveSpec, transport: Transport, key: CallerKey, variant: 'real' | 'madeUp') =>
  `${spec.field}|${transport}|${key}|${variant}`;

function liveProbes(): Probe[] {
  return LIVE.flatMap((spec) =>
    (['graphql-ws', 'multipart HTTP'] as const).map((transport) => {
      const made = probe(
        {
          type: spec.type,
          path: `${spec.field} over ${transport}`,
          kind: 'root',
          phase: 'live',
          owner: spec.owner,
          target: spec.target,
          callers: spec.callers,
          expect: spec.expect,
        },
        async (party, id) => {
          const variant = id === spec.target() ? 'real' : 'madeUp';
          const handle = liveHandles.get(liveKey(spec, transport, party.key, variant));
          if (!handle) throw new Error(`no ${variant} subscription for ${party.name}`);
          const label = handle.refusal
            ? String(
                (handle.refusal as { errors?: { code?: string }[] }).errors?.[0]?.code ??
                  JSON.stringify(handle.refusal),
              )
            : handle.events.some(spec.ownersEvent)
              ? 'received'
              : 'nothing';
          return {
            label,
            id,
            answer: handle.refusal ?? { subscribed: true, ownersEvents: handle.events.filter(spec.ownersEvent) },
            request: `${transport} subscribe as ${party.name}: ${oneLine(spec.query)} variables ${JSON.stringify(spec.variables(id))}`,
          };
        },
      );
      made.madeUp = spec.madeUp;
      return made;
    }),
  );
}

/** Errors of a refused subscription, reduced like any answer. */
function refusalOf(errors: readonly unknown[]): unknown {
  return reduced({ errors: errors as JsonResponse['errors'] });
}

function openWs(socket: WsClient, query: string, variables: Record<string, unknown>): LiveHandle {
  const handle: LiveHandle = { events: [], close: () => undefined };
  const stop = socket.client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.data) handle.events.push(result.data as Record<string, unknown>);
        else if (result.errors?.length && handle.events.length === 0) handle.refusal ??= refusalOf(result.errors);
      },
      error: (error) => {
        handle.refusal ??= Array.isArray(error) ? refusalOf(error) : { errors: [{ code: String(error) }] };
      },
      complete: () => undefined,
    },
  );
  handle.close = stop;
  return handle;
}

async function openMultipart(token: string | undefined, query: string, variables: Record<string, unknown>) {
  const sub: MultipartSubscription = await multipartSubscribe(url, query, variables, token);
  return {
    refusal: sub.json ? { status: sub.status, ...(reduced(sub.json as JsonResponse) as object) } : undefined,
    get events() {
      return sub.parts
        .map((part) => (part.payload as { data?: Record<string, unknown> } | null | undefined)?.data)
        .filter((data): data is Record<string, unknown> => !!data);
    },
    close: () => sub.cancel(),
  } satisfies LiveHandle;
}

const liveSpecOf = (cell: Cell) => LIVE.find((s) => cell.probe.path.startsWith(`${s.field} over `))!;
const transportOf = (cell: Cell): Transport =>
  cell.probe.path.endsWith('graphql-ws') ? 'graphql-ws' : 'multipart HTTP';
const handleOf = (cell: Cell, variant: 'real' | 'madeUp') =>
  liveHandles.get(liveKey(liveSpecOf(cell), transportOf(cell), cell.key, variant));

/**
 * The live session: every subscription of every live cell opened at once
 * (and, where compared, the same about a made-up id); refusals come back at
 * once. Then olga writes to bianca and bianca takes olga's pending
 * application into review; those who may follow receive the events, and
 * nobody else does within a second after they have.
 */
async function runLiveSession(cells: readonly Cell[]): Promise<void> {
  const sockets = new Map<string, WsClient>();
  const socketOf = (party: Party) => {
    const key = party.user?.id ?? 'anonymous';
    let socket = sockets.get(key);
    if (!socket) {
      socket = connect(url, party.user?.token);
      sockets.set(key, socket);
    }
    return socket;
  };
  try {
    const openings: Promise<void>[] = [];
    for (const cell of cells) {
      const spec = liveSpecOf(cell);
      const transport = transportOf(cell);
      const expect = cell.probe.expected.get(cell.key)!;
      const variants: ['real' | 'madeUp', string][] = [['real', spec.target()]];
      if (spec.madeUp && expect.sameAsMadeUp) variants.push(['madeUp', randomUUID()]);
      madeUpIds.set(cell.name, variants[1]?.[1] ?? '');
      for (const [variant, id] of variants) {
        const variables = spec.variables(id);
        openings.push(
          (transport === 'graphql-ws'
            ? Promise.resolve(openWs(socketOf(cell.party), spec.query, variables))
            : openMultipart(cell.party.user?.token, spec.query, variables)
          ).then((handle) => void liveHandles.set(liveKey(spec, transport, cell.key, variant), handle)),
        );
      }
    }
    await Promise.all(openings);
    // Refusals come back at once; what is still open after this is subscribed.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Counted again on each poll: a refusal that comes late is not waited for.
    const open = () => [...liveHandles.values()].filter((h) => !h.refusal).length;
    await until(() => bank.stack.router.subscriptions.stats().subscriptions >= open(), 10_000, 'subscribed');

    await must(
      url,
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
      { input: { conversationId, body: LIVE_BODY } },
      olga.token,
    );
    await must(url, START_REVIEW, { id: pendingId }, bianca.token);
    await must(
      url,
      `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { id } }`,
      { input: { text: LIVE_ASK, sessionId: carolSession } },
      carol.token,
    );

    // Those who may follow receive the events (olga's notification comes from the durable consumer).
    const receivers = cells.filter((cell) => cell.probe.expected.get(cell.key)!.labels.includes('received'));
    const olgaNotified = () =>
      receivers
        .filter((cell) => liveSpecOf(cell).field === 'notificationAdded')
        .every((cell) => (handleOf(cell, 'real')?.events.length ?? 0) > 0);
    await until(olgaNotified, 10_000, 'olga notified').catch(() => undefined);
    const { me } = await must<{ me: { notifications: { edges: { node: { id: string } }[] } } }>(
      url,
      `query { me { notifications(first: 100) { edges { node { id } } } } }`,
      {},
      olga.token,
    );
    olgaNotifications = new Set(me.notifications.edges.map((e) => e.node.id));
    const everyoneReceived = () =>
      receivers.every((cell) => handleOf(cell, 'real')?.events.some(liveSpecOf(cell).ownersEvent) === true);
    await until(everyoneReceived, 10_000, 'every follower received the events').catch(() => undefined);
    // Time for an event that should not come to come anyway.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    // Results stay readable in the handles; the subscriptions end.
    for (const handle of liveHandles.values()) await handle.close();
    for (const socket of sockets.values()) await socket.dispose();
  }
}

// ---------------------------------------------------------------------------
// Cells, their run, and the matrix.
// ---------------------------------------------------------------------------

interface Cell {
  name: string;
  probe: Probe;
  key: CallerKey;
  party: Party;
}

const PROBES: Probe[] = [
  ...privateFieldProbes(),
  ...userListProbes(),
  ...accountProbes(),
  ...transactionProbes(),
  ...billingReadProbes(),
  ...lendingReadProbes(),
  ...messagingReadProbes(),
  ...identityReadProbes(),
  ...assistantReadProbes(),
  ...bankingWriteProbes(),
  ...identityWriteProbes(),
  ...billingWriteProbes(),
  ...lendingWriteProbes(),
  ...messagingWriteProbes(),
  ...assistantWriteProbes(),
  ...liveProbes(),
];

function partyOf(probe: Probe, key: CallerKey): Party {
  const user = key === 'anonymous' ? undefined : key === 'owner' ? person[probe.owner]() : byKey[key]();
  return {
    key,
    name: CALLER_NAMES[key],
    user,
    caller: user ? { kind: 'user', userId: user.id, roles: roles.get(user)! } : { kind: 'anonymous' },
  };
}

const PHASES: Phase[] = ['read', 'write', 'live'];
const CELLS = PHASES.flatMap((phase) =>
  PROBES.filter((p) => p.phase === phase).flatMap((probe) =>
    [...probe.expected.keys()].map((key) => ({
      name: `${probe.type} | ${probe.path} | ${CALLER_NAMES[key]}`,
      probe,
      key,
    })),
  ),
);

const results = new Map<string, MatrixRow>();
const madeUpIds = new Map<string, string>();
const phaseRuns = new Map<Phase, Promise<void>>();

async function runCell(cell: Cell): Promise<void> {
  const expect = cell.probe.expected.get(cell.key)!;
  const fail = (error: unknown): Observation => ({
    label: `ERROR ${(error as Error).message}`,
    id: '',
    answer: null,
    request: '',
  });
  const real = await cell.probe.ask(cell.party, cell.probe.target()).catch(fail);
  let madeUp: Observation | undefined;
  if (cell.probe.madeUp && expect.sameAsMadeUp) {
    const id = cell.probe.phase === 'live' ? madeUpIds.get(cell.name)! : randomUUID();
    madeUp = await cell.probe.ask(cell.party, id).catch(fail);
  }
  const verdict: Verdict = judge(expect, real, madeUp, cell.probe.secrets());
  results.set(cell.name, {
    type: cell.probe.type,
    path: cell.probe.path,
    caller: cell.party.name,
    outcome: real.label,
    expected: expect.labels.join(' or '),
    verdict,
    request: real.request,
    answer: real.answer,
    ...(madeUp ? { madeUp } : {}),
  });
}

/** Runs every cell of a phase, a few at a time, after the phases before it. */
function runPhase(phase: Phase): Promise<void> {
  let run = phaseRuns.get(phase);
  if (!run) {
    run = (async () => {
      const index = PHASES.indexOf(phase);
      if (index > 0) await runPhase(PHASES[index - 1]!);
      const cells: Cell[] = CELLS.filter((c) => c.probe.phase === phase).map((c) => ({
        ...c,
        party: partyOf(c.probe, c.key),
      }));
      if (phase === 'live') await runLiveSession(cells);
      const queue = [...cells];
      const worker = async () => {
        for (let cell = queue.shift(); cell; cell = queue.shift()) await runCell(cell);
      };
      await Promise.all(Array.from({ length: phase === 'live' ? 1 : 6 }, worker));
    })();
    phaseRuns.set(phase, run);
  }
  return run;
}

// ---------------------------------------------------------------------------
// The owners' objects, made through the router.
// ---------------------------------------------------------------------------

beforeAll(async () => {
  // The assistant's actions wait longer than the default 5 minutes: carol's are confirmed in the write phase.
  bank = await startTestStack({ ASSISTANT_ACTION_TTL_SECONDS: '3600' });
  url = bank.routerUrl;
  [carol, dan, eve, olga, oscar, bianca, boris, rita, admin] = await Promise.all([
    signUp(url, 'carol', 'CUSTOMER'),
    signUp(url, 'dan', 'CUSTOMER'),
    signUp(url, 'eve', 'CUSTOMER'),
    signUp(url, 'olga', 'BUSINESS_OWNER', {
      businessName: 'Olga Bakery',
      industry: 'Bakeries',
      registrationNumber: 'REG-OLGA-42',
    }),
    signUp(url, 'oscar', 'BUSINESS_OWNER', {
      businessName: 'Oscar Bakery',
      industry: 'Bakeries',
      registrationNumber: 'REG-OSCAR-7',
    }),
    bankerWithProfile(url, 'bianca'),
    bankerWithProfile(url, 'boris'),
    createStaff(url, 'rita', 'RISK_OFFICER'),
    signInAdmin(url),
  ]);
  for (const user of [carol, dan, eve]) roles.set(user, ['CUSTOMER']);
  for (const user of [olga, oscar]) roles.set(user, ['BUSINESS_OWNER']);
  for (const user of [bianca, boris]) roles.set(user, ['BANKER']);
  roles.set(rita, ['RISK_OFFICER']).set(admin, ['ADMIN']);

  let dA: string;
  [cA1, cA2, dA, oA, oA2] = await Promise.all([
    openAccount(url, carol, 'CHECKING'),
    openAccount(url, carol, 'SAVINGS'),
    openAccount(url, dan, 'CHECKING'),
    openAccount(url, olga, 'BUSINESS'),
    openAccount(url, olga, 'CHECKING'),
  ]);
  ownAccount.set(carol, cA2).set(dan, dA).set(olga, oA2);
  await Promise.all(
    [
      [eve, 'CHECKING'],
      [oscar, 'BUSINESS'],
      [boris, 'CHECKING'],
      [bianca, 'CHECKING'],
      [rita, 'CHECKING'],
      [admin, 'CHECKING'],
    ].map(async ([user, type]) =>
      ownAccount.set(user as SignedUp, await openAccount(url, user as SignedUp, type as string)),
    ),
  );
  await Promise.all([...ownAccount.entries()].map(([user, account]) => deposit(url, user, account, '100.00')));
  const exported = await must<{ requestDataExport: { id: string; status: string } }>(
    url,
    `mutation { requestDataExport { id status } }`,
    {},
    carol.token,
  );
  expect(exported.requestDataExport.status).toBe('READY');
  carolExport = exported.requestDataExport.id;

  // Carol: money in, a transfer to dan, an alert she then falls under.
  const moved = await must<{ deposit: { id: string } }>(
    url,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId: cA1, amount: '1000.00', idempotencyKey: 'carol-salary', description: 'Salary' } },
    carol.token,
  );
  depositId = moved.deposit.id;
  const sent = await must<{ transfer: { id: string } }>(
    url,
    `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
    {
      input: {
        fromAccountId: cA1,
        toAccountId: dA,
        amount: '25.00',
        idempotencyKey: 'carol-rent',
        description: 'Rent share',
      },
    },
    carol.token,
  );
  transferId = sent.transfer.id;
  await must(
    url,
    `mutation($id: ID!) { tagTransaction(id: $id, tags: ["${CAROL_TAG}"]) { id } categorizeTransaction(id: $id, category: TRAVEL) { id } }`,
    { id: transferId },
    carol.token,
  );
  await must(
    url,
    `mutation($id: ID!) { setLowBalanceAlert(accountId: $id, threshold: "500.00") { id } }`,
    { id: cA1 },
    carol.token,
  );
  await must(
    url,
    `mutation($input: WithdrawInput!) { withdraw(input: $input) { id } }`,
    { input: { accountId: cA1, amount: '600.00', idempotencyKey: 'carol-cash' } },
    carol.token,
  );

  // Carol's bills: added and partly paid, scheduled, issued by an ADMIN, one to cancel; everyone's own bill.
  const billerId = (await billerOf(url, carol, 'UTILITIES')).id;
  billAdded = await addBill(url, carol, { billerId, amount: '120.00', customerReference: 'CAROL-POWER' });
  paymentId = (await payBill(url, carol, { billId: billAdded, fromAccountId: cA1, amount: '50.00' })).id;
  billScheduled = await addBill(url, carol, { billerId, amount: '30.00', dueDate: dayFromToday(20) });
  scheduleId = await schedulePayment(url, carol, {
    billId: billScheduled,
    fromAccountId: cA1,
    payOn: dayFromToday(15),
  });
  billToCancel = await addBill(url, carol, { billerId, amount: '15.00' });
  billIssued = await issueBill(url, admin, { userId: carol.id, billerId });
  await Promise.all(
    [dan, eve, oscar, boris, rita, admin, olga].map(async (user) =>
      ownBill.set(user, await addBill(url, user, { billerId, amount: '20.00', customerReference: `OWN-${user.name}` })),
    ),
  );
  ownBill.set(carol, billAdded);
  // Dan signs in a second time (a session to revoke) and turns on an authenticator app (a factor to remove).
  const second = await postGraphQL(
    url,
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
    { e: 'dan@example.com', p: TEST_PASSWORD },
  );
  danSession = (jwt.decode((second.data!.login as { accessToken: string }).accessToken) as { sid: string }).sid;
  danFactor = (await enrolTotp(url, dan.token)).factorId;
  olgaBill = ownBill.get(olga)!;
  olgaPayment = (await payBill(url, olga, { billId: olgaBill, fromAccountId: oA2, amount: '10.00' })).id;
  const { billPayment } = await must<{ billPayment: { transaction: { id: string } } }>(
    url,
    `query($id: ID!) { billPayment(id: $id) { transaction { id } } }`,
    { id: paymentId },
    carol.token,
  );
  paymentTx = billPayment.transaction.id;

  // Olga: an application with a document to bianca, approved by rita, paid into oA, repaid once; another pending.
  applicationId = await applicationIn(url, 'DISBURSED', { owner: olga, banker: bianca, officer: rita, account: oA });
  const { loanApplication } = await must<{
    loanApplication: { documents: { id: string }[]; loan: { id: string; disbursementTransaction: { id: string } } };
  }>(
    url,
    `query($id: ID!) { loanApplication(id: $id) { documents { id } loan { id disbursementTransaction { id } } } }`,
    { id: applicationId },
    olga.token,
  );
  documentId = loanApplication.documents[0]!.id;
  loanId = loanApplication.loan.id;
  disbursementTx = loanApplication.loan.disbursementTransaction.id;
  const repaid = await must<{ repayLoan: { id: string; status: string } }>(
    url,
    REPAY,
    { input: { loanId, fromAccountId: oA, amount: '100.00', idempotencyKey: 'olga-repay' } },
    olga.token,
  );
  expect(repaid.repayLoan.status).toBe('COMPLETED');
  repaymentId = repaid.repayLoan.id;
  const { loan } = await must<{ loan: { repayments: { id: string; transaction: { id: string } }[] } }>(
    url,
    `query($id: ID!) { loan(id: $id) { repayments { id transaction { id } } } }`,
    { id: loanId },
    olga.token,
  );
  repaymentTx = loan.repayments.find((r) => r.id === repaymentId)!.transaction.id;
  pendingId = await submitApplication(url, olga, bianca);

  // Olga and bianca talk about the application.
  conversationId = await startConversation(url, olga.token, {
    participantId: bianca.id,
    subject: 'My loan',
    body: 'Hello Bianca',
    loanApplicationId: applicationId,
  });
  await must(
    url,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`,
    { input: { conversationId, body: 'Hello Olga' } },
    bianca.token,
  );
  const { conversation } = await must<{
    conversation: { participants: { id: string }[]; messages: { edges: { node: { id: string } }[] } };
  }>(
    url,
    `query($id: ID!) { conversation(id: $id) { participants { id } messages { edges { node { id } } } } }`,
    { id: conversationId },
    olga.token,
  );
  olgaParticipant = conversation.participants.findIndex((p) => p.id === olga.id);
  messageId = conversation.messages.edges[0]!.node.id;
  const { bankers } = await must<{ bankers: { edges: { node: { id: string } }[] } }>(
    url,
    `query { bankers(filter: { product: TERM_LOAN, amount: "50000.00" }, first: 100) { edges { node { id } } } }`,
    {},
    admin.token,
  );
  biancaInDirectory = bankers.edges.findIndex((e) => e.node.id === bianca.id);

  // Notifications are made from events a moment later.
  const notificationOf = async (user: SignedUp) => {
    let id: string | undefined;
    await until(
      async () => {
        const { me } = await must<{ me: { notifications: { edges: { node: { id: string } }[] } } }>(
          url,
          `query { me { notifications(first: 100) { edges { node { id } } } } }`,
          {},
          user.token,
        );
        id = me.notifications.edges.at(-1)?.node.id;
        return id !== undefined;
      },
      10_000,
      `a notification for ${user.name}`,
    );
    return id!;
  };
  [olgaNotification, biancaNotification] = await Promise.all([notificationOf(olga), notificationOf(bianca)]);

  // The assistant: carol asks about her money and proposes two transfers (in two sessions: a new proposal
  // replaces the pending one of its session); olga says hello.
  const ask = async (user: SignedUp, text: string, sessionId?: string) =>
    (
      await must<{ askAssistant: { id: string; session: { id: string }; action: { id: string } | null } }>(
        url,
        `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { id session { id } action { id } } }`,
        { input: { text, sessionId } },
        user.token,
      )
    ).askAssistant;
  carolSession = (await ask(carol, 'how much money do I have')).session.id;
  const proposal = await ask(carol, 'transfer 10 from checking to savings', carolSession);
  carolTurn = proposal.id;
  carolAction = proposal.action!.id;
  carolAction2 = (await ask(carol, 'transfer 5 from checking to savings')).action!.id;
  olgaSession = (await ask(olga, 'hello')).session.id;
}, 90_000);

afterAll(async () => {
  const rows = CELLS.map((cell) => results.get(cell.name)).filter((row): row is MatrixRow => !!row);
  if (rows.length) console.log(renderMatrix(rows));
  await bank?.close();
});

test.each(
  CELLS.map((cell) => [`${cell.name} → ${[...cell.probe.expected.get(cell.key)!.labels].join(' or ')}`, cell] as const),
)(
  '%s',
  async (_name, cell) => {
    await runPhase(cell.probe.phase);
    const row = results.get(cell.name);
    expect(row?.verdict.problems ?? ['not run']).toEqual([]);
  },
  60_000,
);

// The matrix covers every owned type with ADMIN and an outsider of every role.
test('the matrix covers every role on every owned type', () => {
  const types = new Set(CELLS.map((c) => c.probe.type));
  for (const type of [
    'User (private fields)',
    'User (lists)',
    'Account',
    'Transaction',
    'Bill',
    'BillPayment',
    'ScheduledPayment',
    'LoanApplication',
    'LoanDocument',
    'Loan',
    'LoanRepayment',
    'Conversation',
    'Message',
    'Notification',
    'AssistantSession',
    'AssistantTurn',
    'AssistantAction',
  ]) {
    expect([type, types.has(type)]).toEqual([type, true]);
    const keys = new Set(CELLS.filter((c) => c.probe.type === type).map((c) => c.key));
    for (const key of ['admin', ...OUTSIDERS] as CallerKey[])
      expect([type, key, keys.has(key)]).toEqual([type, key, true]);
  }
  // Each cell has a name of its own (the matrix and the test names are keyed on it).
  expect(new Set(CELLS.map((c) => c.name)).size).toBe(CELLS.length);
});
