/**
 * The assistant as tests reach it through the router: a question with the
 * turn fields a test selects, and a customer's accounts opened with money.
 */
import { deposit, openAccount } from './lending.ts';
import { must, type SignedUp } from './people.ts';

/** `askAssistant` selecting `turn` (the fields of AssistantTurn a test reads). */
export const askMutation = (turn: string): string =>
  `mutation($input: AskAssistantInput!) { askAssistant(input: $input) { ${turn} } }`;

/** Asks as `who` and returns the turn; fails the test on any error. */
export async function askAs<T>(
  url: string,
  who: SignedUp,
  turn: string,
  input: { text: string; sessionId?: string | undefined; clientMessageId?: string | undefined },
): Promise<T> {
  const { askAssistant } = await must<{ askAssistant: T }>(url, askMutation(turn), { input }, who.token);
  return askAssistant;
}

/** Opens an account of `who` (USD unless said) and deposits `funds` into it when given. */
export async function fundedAccount(
  url: string,
  who: SignedUp,
  type: string,
  options: { currency?: string; funds?: string } = {},
): Promise<string> {
  const id = await openAccount(url, who, type, options.currency ?? 'USD');
  if (options.funds) await deposit(url, who, id, options.funds);
  return id;
}
