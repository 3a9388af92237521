/**
 * Reading the customer's own words against the customer's own data: which of
 * their accounts, bills, categories and merchants they mean. Nothing here
 * knows a name the customer's data does not contain.
 */
import { tokenize } from '../nlu/features.ts';
import type { AccountView, BillView, MoneyValue } from './graph.ts';

/** One formatter per currency: building an Intl.NumberFormat costs about 50 µs, formatting with one under 1. */
const FORMATTERS = new Map<string, Intl.NumberFormat>();

/** Money as people read it: "$1,234.50", "€12.00", "¥500". Exact: the decimal string is formatted as it is. */
export function formatMoney(value: MoneyValue): string {
  let formatter = FORMATTERS.get(value.currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency: value.currency });
    FORMATTERS.set(value.currency, formatter);
  }
  return formatter.format(value.amount as unknown as number);
}

const TYPE_NAME: Record<AccountView['type'], string> = {
  CHECKING: 'Checking',
  SAVINGS: 'Savings',
  BUSINESS: 'Business',
};

/** "Checking ••1234", or the owner's nickname for it. */
export function accountName(account: Pick<AccountView, 'type' | 'nickname' | 'maskedNumber'>): string {
  const last4 = account.maskedNumber.slice(-4);
  return `${account.nickname ?? TYPE_NAME[account.type]} ••${last4}`;
}

/**
 * Words for the account types. Not "check" nor "current" alone: "can you
 * check my balance" and "my current balance" name no account.
 */
const TYPE_WORDS: Record<AccountView['type'], readonly string[]> = {
  CHECKING: ['checking', 'chequing', 'current account', 'check account'],
  SAVINGS: ['savings', 'saving', 'save'],
  BUSINESS: ['business', 'company'],
};

/** Where in the text an account is named (its position), or -1. */
function mentionOf(account: AccountView, lower: string, tokens: readonly string[]): number {
  const last4 = account.maskedNumber.slice(-4);
  const byNumber = lower.search(new RegExp(`(?<!\\d)${last4}(?!\\d)`));
  if (byNumber >= 0) return byNumber;
  if (account.nickname) {
    const at = lower.indexOf(account.nickname.toLowerCase());
    if (at >= 0) return at;
  }
  for (const word of TYPE_WORDS[account.type]) {
    if (word.includes(' ') ? lower.includes(word) : tokens.includes(word)) {
      return lower.search(new RegExp(`\\b${word}\\b`));
    }
  }
  return -1;
}

/** The customer's accounts the text names, in the order it names them (by last four digits, nickname or type). */
export function accountsNamed(text: string, accounts: readonly AccountView[]): AccountView[] {
  const lower = text.toLowerCase();
  const tokens = tokenize(text);
  return accounts
    .map((account) => ({ account, at: mentionOf(account, lower, tokens) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((m) => m.account);
}

/** The account named right after "from" / right after "to"/"into", when the text says so. */
export function directedAccounts(
  text: string,
  accounts: readonly AccountView[],
): { from: AccountView | undefined; to: AccountView | undefined } {
  const lower = text.toLowerCase();
  const fromAt = lower.search(/\bfrom\b/);
  const toAt = lower.search(/\b(to|into)\b/);
  const named = accounts
    .map((account) => ({ account, at: mentionOf(account, lower, tokenize(text)) }))
    .filter((m) => m.at >= 0);
  const after = (at: number) =>
    at < 0 ? undefined : named.filter((m) => m.at > at).sort((a, b) => a.at - b.at)[0]?.account;
  let from = after(fromAt);
  let to = after(toAt);
  if (from && to && from.id === to.id) to = fromAt < toAt ? undefined : to;
  if (from && to && from.id === to.id) from = undefined;
  return { from, to };
}

/** Banking's categories and the words customers use for them. */
export const CATEGORY_WORDS: Readonly<Record<string, readonly string[]>> = {
  GROCERIES: ['groceries', 'grocery', 'supermarket', 'food shopping'],
  DINING: ['dining', 'restaurant', 'restaurants', 'eating out', 'food', 'coffee', 'takeout', 'meals'],
  HOUSING: ['housing', 'rent', 'mortgage'],
  UTILITIES: ['utilities', 'utility', 'electricity', 'power', 'water', 'gas bill', 'internet', 'phone bill'],
  TRANSPORT: ['transport', 'transportation', 'travel costs', 'uber', 'taxi', 'fuel', 'gas', 'petrol', 'commute'],
  SHOPPING: ['shopping', 'clothes', 'clothing', 'amazon'],
  HEALTH: ['health', 'medical', 'pharmacy', 'doctor'],
  ENTERTAINMENT: ['entertainment', 'movies', 'streaming', 'games', 'concerts'],
  TRAVEL: ['travel', 'flights', 'hotels', 'vacation', 'holiday'],
  BILLS: ['bills'],
  LOANS: ['loan payments', 'loan repayments'],
  INCOME: ['income', 'salary', 'paycheck', 'wages'],
};

/** The category the text names, if one. */
export function categoryNamed(text: string): string | undefined {
  const lower = ` ${tokenize(text).join(' ')} `;
  for (const [category, words] of Object.entries(CATEGORY_WORDS)) {
    if (words.some((w) => lower.includes(` ${w} `))) return category;
  }
  return undefined;
}

/** "Dining", "Groceries". */
export const categoryName = (category: string): string => category.charAt(0) + category.slice(1).toLowerCase();

/** Words that never name a merchant: the question's own words. */
const COMMON = new Set(
  `a an the i me my mine we our you your what whats how much many did do does done have has had was were is are be
   spend spent spending pay paid paying payment payments purchase purchases bought buy charge charges charged
   transaction transactions money at on in from to for of by with over under above below between and or than more
   less this last next month months week weeks year years day days today yesterday since before after ago show list
   find search all any some there recent recently account accounts checking savings business card cost costs
   dollars dollar usd eur euros gbp pounds total sum tell give can could would please when where which who
   january february march april may june july august september october november december`.split(/\s+/),
);

/** Words of the text that could name a merchant: not the question's own words, nor the words of `category`. */
export function merchantCandidates(text: string, category?: string): string[] {
  const categoryWords = new Set((category ? (CATEGORY_WORDS[category] ?? []) : []).flatMap((w) => w.split(' ')));
  return tokenize(text).filter((w) => w.length >= 3 && !COMMON.has(w) && !categoryWords.has(w) && !/^\d/.test(w));
}

/**
 * Merchant words of the text that appear in the customer's own transaction
 * descriptions (the names come from their data, not from a list).
 */
export function merchantWords(text: string, descriptions: readonly (string | null)[]): string[] {
  const candidates = merchantCandidates(text);
  const haystack = descriptions.filter((d): d is string => d !== null).map((d) => d.toLowerCase());
  return candidates.filter((w) => haystack.some((d) => d.includes(w)));
}

/** The customer's open bills the text names by biller (words of the biller's name). */
export function billsNamed(text: string, bills: readonly BillView[]): BillView[] {
  const words = new Set(tokenize(text).filter((w) => w.length >= 3 && !COMMON.has(w)));
  return bills.filter((bill) => tokenize(bill.biller.name).some((w) => words.has(w)));
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * The account ids written in the text, each with the direction word just
 * before it ("from", "to"/"into", within three words), if one.
 */
export function accountIdsIn(text: string): { id: string; direction: 'from' | 'to' | null }[] {
  return [...text.matchAll(UUID)].map((match) => {
    const before = text.slice(0, match.index).toLowerCase().trim().split(/\s+/).slice(-3);
    const word = before.findLast((w) => w === 'from' || w === 'to' || w === 'into');
    return { id: match[0].toLowerCase(), direction: word === 'from' ? 'from' : word ? 'to' : null };
  });
}

/** The text without the account ids written in it: their digits are neither amounts nor last four digits. */
export function withoutAccountIds(text: string): string {
  return text.replace(UUID, ' ');
}
