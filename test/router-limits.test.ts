/**
 * The router's operation limits end to end, at their defaults (README:
 * tokens 5,000, depth 12, aliases 100, directives 50, cost 50,000): an
 * operation over one is refused before anything runs, with HTTP 400 and
 * QUERY_TOO_COMPLEX naming the limit; one at the limit runs. The same limits
 * hold over graphql-ws, where the socket stays usable after a refusal.
 */
import { signUp, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { connect, subscribe } from './support/ws.ts';

let bank: TestStack;
let ann: SignedUp;

beforeAll(async () => {
  bank = await startTestStack();
  ann = await signUp(bank.routerUrl, 'limits-ann', 'CUSTOMER');
}, 60_000);
afterAll(async () => {
  await bank?.close();
});

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(query: string, variables: Record<string, unknown> = {}, token = ann.token): Promise<Answer> {
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

function expectRefused(answer: Answer, limit: string, max: number): void {
  expect(answer.status).toBe(400);
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors).toHaveLength(1);
  expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit, max });
  expect(answer.errors?.[0]?.message).toContain(`over the ${limit} limit of ${max}`);
}

/** `me { accounts { owner { accounts { ... { id } } } } }`, `depth` fields deep. */
function nested(depth: number): string {
  let selection = 'id';
  for (let level = depth - 1; level >= 2; level--) {
    selection = `${level % 2 === 0 ? 'accounts' : 'owner'} { ${selection} }`;
  }
  return `{ me { ${selection} } }`;
}

describe('over HTTP', () => {
  test('depth: 12 levels run, 13 are refused', async () => {
    const at = await post(nested(12));
    expect(at.status).toBe(200);
    expect(at.errors).toBeUndefined();
    expect(at.data).toEqual({ me: { accounts: [] } });
    const over = await post(nested(13));
    expectRefused(over, 'depth', 12);
    expect(over.errors?.[0]?.extensions?.found).toBe(13);
  });

  test('aliases: 101 aliased openAccount mutations are refused and open nothing', async () => {
    const opens = Array.from(
      { length: 101 },
      (_, i) => `a${i}: openAccount(input: { type: CHECKING, currency: USD }) { id }`,
    ).join('\n');
    expectRefused(await post(`mutation { ${opens} }`), 'aliases', 100);
    const mine = await post('{ me { accounts { id } } }');
    expect(mine.data).toEqual({ me: { accounts: [] } });
  });

  test('cost counts the page sizes sent in variables: 100 conversations × 100 messages is refused, 10 × 100 runs', async () => {
    const query = `query($conversations: Int, $messages: Int) {
      me { conversations(first: $conversations) { edges { node { messages(last: $messages) {
        edges { node { body sender { name } } }
      } } } } }
    }`;
    const refused = await post(query, { conversations: 100, messages: 100 });
    expectRefused(refused, 'cost', 50_000);
    expect(refused.errors?.[0]?.extensions?.found).toBeGreaterThan(50_000);
    const fine = await post(query, { conversations: 10, messages: 100 });
    expect(fine.status).toBe(200);
    expect(fine.data).toEqual({ me: { conversations: { edges: [] } } });
  });

  test('tokens: a document over 5,000 tokens is refused as too complex, not as malformed', async () => {
    const ids = Array.from({ length: 5_000 }, () => 'id').join(' ');
    expectRefused(await post(`{ me { ${ids} } }`), 'tokens', 5_000);
  });

  test('directives: 51 are refused', async () => {
    const fields = Array.from({ length: 51 }, () => 'id @include(if: true)').join(' ');
    expectRefused(await post(`{ me { ${fields} } }`), 'directives', 50);
  });
});

describe('over graphql-ws', () => {
  test('a subscription over a limit is refused with QUERY_TOO_COMPLEX; the socket stays usable', async () => {
    const ws = connect(bank.routerUrl, ann.token);
    try {
      let selection = 'id';
      for (let level = 0; level < 6; level++)
        selection = `conversation { messages { edges { node { ${selection} } } } }`;
      const deep = subscribe(ws, `subscription($id: ID!) { messageAdded(conversationId: $id) { ${selection} } }`, {
        id: '00000000-0000-4000-8000-000000000000',
      });
      const refused = await deep.next();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 12 });

      const tokens = Array.from({ length: 5_000 }, () => 'id').join(' ');
      const long = await subscribe(ws, `{ me { ${tokens} } }`).next();
      expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 5_000 });

      const fine = await subscribe(ws, '{ me { id } }').next();
      expect(fine).toEqual({ data: { me: { id: ann.id } } });
    } finally {
      await ws.dispose();
    }
  });
});
