/**
 * People of end-to-end tests and benchmarks, made through the router as a
 * client would: signing up or in, staff created by the first ADMIN, and
 * starting a conversation.
 */
import { postGraphQL, TEST_ADMIN, type JsonResponse } from './stack.ts';

/** A signed-up user: their access token, id and name. */
export interface SignedUp {
  token: string;
  id: string;
  name: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

function data(result: JsonResponse, what: string): Record<string, unknown> {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** Runs an operation that must succeed and returns its data (failing the test with the errors otherwise). */
export async function must<T = Record<string, unknown>>(
  routerUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  return data(await postGraphQL(routerUrl, query, variables, token), query.trim().slice(0, 60)) as T;
}

const LOGIN = `mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken user { id name } }
}`;

/** Signs in with an email and password. */
export async function signIn(routerUrl: string, email: string, password: string): Promise<SignedUp> {
  const { login } = await must<{ login: { accessToken: string; user: { id: string; name: string } } }>(
    routerUrl,
    LOGIN,
    { email, password },
  );
  return { token: login.accessToken, id: login.user.id, name: login.user.name };
}

/** The test stack's first ADMIN, signed in. */
export const signInAdmin = (routerUrl: string): Promise<SignedUp> =>
  signIn(routerUrl, TEST_ADMIN.email, TEST_ADMIN.password);

/** A staff member (RISK_OFFICER or ADMIN) created by the first ADMIN, signed in. */
export async function createStaff(routerUrl: string, name: string, role: 'RISK_OFFICER' | 'ADMIN'): Promise<SignedUp> {
  const admin = await signInAdmin(routerUrl);
  const email = `${name}@staff.example.com`;
  await must(
    routerUrl,
    `mutation($input: CreateStaffUserInput!) { createStaffUser(input: $input) { id } }`,
    { input: { email, password: TEST_PASSWORD, name, role } },
    admin.token,
  );
  return signIn(routerUrl, email, TEST_PASSWORD);
}

/** Registers `name` (email `name@example.com`) with `role` and its profile fields. */
export async function signUp(
  routerUrl: string,
  name: string,
  role: string,
  profile: Record<string, string> = {},
): Promise<SignedUp> {
  const result = await postGraphQL(
    routerUrl,
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id name } } }`,
    { input: { email: `${name}@example.com`, password: TEST_PASSWORD, name, role, ...profile } },
  );
  const { register } = data(result, 'register') as {
    register: { accessToken: string; user: { id: string; name: string } };
  };
  return { token: register.accessToken, id: register.user.id, name: register.user.name };
}

/**
 * Sends an operation again while it answers NOT_FOUND on one of `fields`:
 * subgraphs learn of a new user (or loan application) from identity's
 * (lending's) events a moment after it is made, and until then it is
 * unknown to them. Gives up after 10 s with the last answer.
 */
export async function whileUnknown(
  send: () => Promise<JsonResponse>,
  fields: readonly string[],
): Promise<JsonResponse> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await send();
    const error = result.errors?.[0];
    const field = error?.extensions?.field;
    const unknownYet = error?.extensions?.code === 'NOT_FOUND' && typeof field === 'string' && fields.includes(field);
    if (!unknownYet || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a conversation (once messaging knows the participant and application) and returns its id. */
export async function startConversation(
  routerUrl: string,
  token: string,
  input: { participantId: string; subject: string; body: string; loanApplicationId?: string },
): Promise<string> {
  const result = await whileUnknown(
    () =>
      postGraphQL(
        routerUrl,
        `mutation($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
        { input },
        token,
      ),
    ['participantId', 'loanApplicationId'],
  );
  return (data(result, 'startConversation').startConversation as { id: string }).id;
}
