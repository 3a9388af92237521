/**
 * People of end-to-end tests and benchmarks, made through the router as a
 * client would: signing up, and starting a conversation.
 */
import { postGraphQL, type JsonResponse } from './stack.ts';

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
 * Starts a conversation and returns its id. Messaging learns of a new user
 * from identity's events a moment after the sign-up; until then the
 * participant is NOT_FOUND, so that answer is retried for a few seconds.
 */
export async function startConversation(
  routerUrl: string,
  token: string,
  input: { participantId: string; subject: string; body: string; loanApplicationId?: string },
): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const result = await postGraphQL(
      routerUrl,
      `mutation($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
      { input },
      token,
    );
    const error = result.errors?.[0];
    const unknownYet = error?.extensions?.code === 'NOT_FOUND' && error.extensions.field === 'participantId';
    if (!unknownYet || Date.now() > deadline) {
      return (data(result, 'startConversation').startConversation as { id: string }).id;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
