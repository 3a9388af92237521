/**
 * What the assistant answers, intent by intent. Each skill reads the
 * customer's data through {@link Graph} (as the customer) and returns a
 * {@link TurnDraft}: the reply, its cards, suggestions and, for a payment,
 * the action to propose. No skill moves money: a payment becomes a draft
 * action that only `confirmAssistantAction` can carry out.
 */
import { fromMinorUnits, toMinorUnits, type Currency } from '../../../../platform/money.ts';
import type { Classification } from '../nlu/classifier.ts';
import { extractEntities, type Entities, type Period, type SaidAmount } from '../nlu/entities.ts';
import type { ActionKind, StoredCard } from '../entities/index.ts';
import { TRANSACTIONS_READ, type AccountView, type Graph, type MoneyValue } from './graph.ts';
import {
  accountIdsIn,
  accountName,
  accountsNamed,
  billsNamed,
  categoryName,
  categoryNamed,
  directedAccounts,
  formatMoney,
  merchantCandidates,
  merchantWords,
  withoutAccountIds,
} from './words.ts';

/** A payment the assistant proposes (stored as a pending action). */
export interface ActionDraft {
  kind: ActionKind;
  amount: bigint;
  currency: Currency;
  fromAccountId: string;
  toAccountId: string | null;
  /** The destination is one of the customer's own accounts (else another customer's, by the id they gave). */
  toOwnAccount: boolean;
  billId: string | null;
  summary: string;
}

export interface TurnDraft {
  reply: string;
  cards: StoredCard[];
  suggestions: string[];
  action?: ActionDraft;
  /** The messaging conversation the session was handed over to (the reply already says so). */
  handedOffTo?: string;
}

/** What a skill gets. */
export interface Ask {
  text: string;
  understood: Classification;
  entities: Entities;
  graph: Graph;
  now: Date;
}

const HELP_TOPICS =
  'your balances, your transactions ("what did I spend at the grocery store last month"), spending by category, ' +
  'bills and paying them, transfers between accounts, and, for business owners, loans and talking to your banker';

const SUGGEST = {
  balance: 'What is my balance?',
  transactions: 'Show my transactions this month',
  spending: 'How much did I spend on dining last month?',
  bills: 'Which bills are due?',
  transfer: 'Transfer $50 from checking to savings',
  loans: 'What is the status of my loan application?',
  human: 'Talk to a person',
};

const toIso = (day: string): string => `${day}T00:00:00.000Z`;
const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

/** The period said, or this (calendar) month: the period before it is then last month. */
function periodOr(entities: Entities, now: Date): { from: string; to: string; text: string } {
  const period: Period | null = entities.period;
  const tomorrow = dayOf(new Date(now.getTime() + 86_400_000));
  if (period) return { from: period.from, to: period.to ?? tomorrow, text: period.text };
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from: `${dayOf(now).slice(0, 7)}-01`, to: dayOf(nextMonth), text: 'this month' };
}

/** True when the period is said as what to compare with: "more than last month", "compared to October". */
function isComparedWith(text: string, period: Period): boolean {
  const lower = text.toLowerCase();
  const at = lower.indexOf(period.text.toLowerCase());
  return at > 0 && /\b(than|compared (to|with)|versus|vs\.?)\s+((in|during)\s+)?$/.test(lower.slice(0, at));
}

/** The period of the same length just before `[from, to)`; a calendar month's is the month before. */
function previousPeriod(from: string, to: string): { from: string; to: string } {
  const start = new Date(toIso(from));
  const end = new Date(toIso(to));
  if (start.getUTCDate() === 1 && end.getUTCDate() === 1 && monthsBetween(start, end) === 1) {
    const before = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
    return { from: dayOf(before), to: from };
  }
  return { from: dayOf(new Date(start.getTime() - (end.getTime() - start.getTime()))), to: from };
}

const monthsBetween = (a: Date, b: Date) =>
  (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());

/** The sum of decimal amounts of one currency, exactly. */
function sum(values: readonly MoneyValue[], currency: Currency): MoneyValue {
  const total = values.reduce((acc, v) => acc + toMinorUnits(v.amount, currency), 0n);
  return { amount: fromMinorUnits(total, currency), currency };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function balance(ask: Ask): Promise<TurnDraft> {
  const me = await ask.graph.me();
  if (me.accounts.length === 0) {
    return { reply: 'You have no accounts yet.', cards: [], suggestions: [SUGGEST.human] };
  }
  const named = accountsNamed(ask.text, me.accounts);
  const shown = named.length > 0 ? named : me.accounts;
  const lines = shown.map((a) => {
    const held = toMinorUnits(a.balance.amount, a.currency) - toMinorUnits(a.availableBalance.amount, a.currency);
    const holds =
      held > 0n ? ` (${formatMoney({ amount: fromMinorUnits(held, a.currency), currency: a.currency })} on hold)` : '';
    const status = a.status === 'ACTIVE' ? '' : ` [${a.status.toLowerCase()}]`;
    return `${accountName(a)}: ${formatMoney(a.balance)}, available ${formatMoney(a.availableBalance)}${holds}${status}`;
  });
  return {
    reply: `${shown.length === 1 ? 'Your balance' : 'Your balances'}:\n${lines.join('\n')}`,
    cards: [
      {
        kind: 'ACCOUNTS',
        title: shown.length === 1 ? accountName(shown[0] as AccountView) : 'Your accounts',
        accountIds: shown.map((a) => a.id),
      },
    ],
    suggestions: [SUGGEST.transactions, SUGGEST.spending],
  };
}

export async function transactions(ask: Ask): Promise<TurnDraft> {
  return (await search(ask)).draft;
}

/** The customer's transactions the text asks for, and the merchant words it was narrowed by. */
async function search(ask: Ask): Promise<{ draft: TurnDraft; merchants: string[] }> {
  const me = await ask.graph.me();
  const named = accountsNamed(ask.text, me.accounts);
  const accounts = named.length > 0 ? named : me.accounts;
  const period = periodOr(ask.entities, ask.now);
  const category = categoryNamed(ask.text);
  const range = ask.entities.amountRange;
  const filter = {
    from: toIso(period.from),
    to: toIso(period.to),
    ...(category ? { category } : {}),
    ...(range?.min ? { minAmount: range.min } : {}),
    ...(range?.max ? { maxAmount: range.max } : {}),
  };
  const listed = (
    await Promise.all(accounts.map(async (a) => (await ask.graph.transactions(a.id, filter)).map((t) => ({ t, a }))))
  ).flat();
  // A move between two of the customer's own accounts is listed on both: it is one transaction. A released
  // hold (VOIDED) moved nothing and is not listed; a pending one is listed as pending and not counted.
  const found = listed.filter(
    ({ t }, i) => t.status !== 'VOIDED' && listed.findIndex((other) => other.t.id === t.id) === i,
  );
  const capped = accounts.filter((a) => listed.filter(({ a: of }) => of.id === a.id).length >= TRANSACTIONS_READ);
  const ownIds = new Set(me.accounts.map((a) => a.id));
  const isOwnMove = (t: (typeof found)[number]['t']) =>
    !!t.fromAccount && !!t.toAccount && ownIds.has(t.fromAccount.id) && ownIds.has(t.toAccount.id);
  const words = merchantWords(
    ask.text,
    found.map(({ t }) => t.description),
  );
  const matching = found
    .filter(({ t }) => words.length === 0 || words.some((w) => (t.description ?? '').toLowerCase().includes(w)))
    .sort((x, y) => (x.t.createdAt < y.t.createdAt ? 1 : -1));
  const what = [words.length ? `at ${words.join(' ')}` : '', category ? `in ${categoryName(category)}` : '']
    .filter(Boolean)
    .join(' ');
  const scope = `${what ? `${what} ` : ''}${period.text}`;
  if (matching.length === 0) {
    return {
      draft: {
        reply: `I found no transactions ${scope}.`,
        cards: [],
        suggestions: [SUGGEST.spending, SUGGEST.balance],
      },
      merchants: words,
    };
  }
  const byCurrency = new Map<Currency, MoneyValue[]>();
  for (const { t } of matching) {
    // Money moved between the customer's own accounts stayed theirs.
    const spent =
      t.status === 'POSTED' && t.signedAmount && t.signedAmount.amount.startsWith('-') && !isOwnMove(t)
        ? t.signedAmount
        : null;
    if (spent)
      byCurrency.set(spent.currency, [
        ...(byCurrency.get(spent.currency) ?? []),
        { ...spent, amount: spent.amount.slice(1) },
      ]);
  }
  const totals = [...byCurrency].map(([currency, values]) => formatMoney(sum(values, currency)));
  const shown = matching.slice(0, 10);
  const lines = shown.map(
    ({ t, a }) =>
      `${t.createdAt.slice(0, 10)} ${t.description ?? t.kind.toLowerCase()}: ${formatMoney(t.signedAmount ?? t.amount)} (${accountName(a)})${t.status === 'PENDING' ? ' (pending)' : ''}`,
  );
  return {
    draft: {
      reply:
        `${plural(matching.length, 'transaction')} ${scope}` +
        `${totals.length ? `; money out: ${totals.join(', ')}` : ''}.\n${lines.join('\n')}` +
        (matching.length > shown.length ? `\n…and ${matching.length - shown.length} more.` : '') +
        (capped.length > 0
          ? `\nOnly the newest ${TRANSACTIONS_READ.toLocaleString('en-US')} of an account are counted.`
          : ''),
      cards: [{ kind: 'TRANSACTIONS', title: `Transactions ${scope}`, transactionIds: shown.map(({ t }) => t.id) }],
      suggestions: [SUGGEST.spending, SUGGEST.balance],
    },
    merchants: words,
  };
}

export async function spending(ask: Ask): Promise<TurnDraft> {
  const category = categoryNamed(ask.text);
  // "What did I spend at Starbucks": a merchant of the customer's own transactions is a search (with its total).
  if (merchantCandidates(ask.text, category).length > 0) {
    const found = await search(ask);
    if (found.merchants.length > 0) return found.draft;
  }
  // "More on dining than last month": last month is the period compared with, this month the one asked about.
  const said = ask.entities.period;
  const comparedWith = said && isComparedWith(ask.text, said) ? said : null;
  const period = periodOr(comparedWith ? { ...ask.entities, period: null } : ask.entities, ask.now);
  const before = comparedWith
    ? { from: comparedWith.from, to: comparedWith.to ?? period.from }
    : previousPeriod(period.from, period.to);
  const beforeText = comparedWith ? comparedWith.text : 'the period before';
  const [now, then] = await Promise.all([
    ask.graph.spending(toIso(period.from), toIso(period.to)),
    ask.graph.spending(toIso(before.from), toIso(before.to)),
  ]);
  const keys = new Set(
    [...now, ...then]
      .filter((l) => !category || l.category === category)
      .map((l) => `${l.category}|${l.total.currency}`),
  );
  const lines = [...keys].map((key) => {
    const [cat, currency] = key.split('|') as [string, Currency];
    const current = now.find((l) => l.category === cat && l.total.currency === currency);
    const previous = then.find((l) => l.category === cat && l.total.currency === currency);
    const zero = { amount: fromMinorUnits(0n, currency), currency };
    return {
      category: cat,
      currency,
      total: current?.total.amount ?? zero.amount,
      previousTotal: previous?.total.amount ?? zero.amount,
      count: current?.count ?? 0,
    };
  });
  lines.sort((a, b) => Number(toMinorUnits(b.total, b.currency) - toMinorUnits(a.total, a.currency)));
  if (lines.length === 0) {
    const what = category ? ` on ${categoryName(category).toLowerCase()}` : '';
    return {
      reply: `You spent nothing${what} ${period.text}, nor ${comparedWith ? comparedWith.text : 'in the period before'}.`,
      cards: [],
      suggestions: [SUGGEST.transactions],
    };
  }
  const text = lines.map((l) => {
    const total = toMinorUnits(l.total, l.currency);
    const previous = toMinorUnits(l.previousTotal, l.currency);
    const diff = total - previous;
    const change =
      diff === 0n
        ? `the same as ${beforeText}`
        : `${diff > 0n ? 'more' : 'less'} than ${beforeText} (${formatMoney({ amount: l.previousTotal, currency: l.currency })}) by ${formatMoney({ amount: fromMinorUnits(diff < 0n ? -diff : diff, l.currency), currency: l.currency })}`;
    return `${categoryName(l.category)}: ${formatMoney({ amount: l.total, currency: l.currency })}, ${change}`;
  });
  return {
    reply: `Your spending ${period.text}${category ? ` on ${categoryName(category).toLowerCase()}` : ''}:\n${text.join('\n')}`,
    cards: [
      {
        kind: 'SPENDING',
        title: `Spending ${period.text}`,
        spending: lines.map((l) => ({
          category: l.category,
          currency: l.currency,
          total: l.total,
          previousTotal: l.previousTotal,
          count: l.count,
        })),
      },
    ],
    suggestions: [SUGGEST.transactions, SUGGEST.bills],
  };
}

const openBill = (status: string) => status === 'DUE' || status === 'OVERDUE' || status === 'SCHEDULED';

export async function bills(ask: Ask, intent: 'bill_due' | 'bill_balance' | 'min_payment'): Promise<TurnDraft> {
  const all = (await ask.graph.bills()).filter((b) => openBill(b.status));
  const named = billsNamed(ask.text, all);
  const shown = named.length > 0 ? named : all;
  if (shown.length === 0) return { reply: 'You have no bills to pay.', cards: [], suggestions: [SUGGEST.balance] };
  const lines = shown.map(
    (b) =>
      `${b.biller.name}: ${formatMoney(b.remaining)} left of ${formatMoney(b.amount)}, due ${b.dueDate}${b.status === 'OVERDUE' ? ' (overdue)' : ''}`,
  );
  const head =
    intent === 'min_payment'
      ? 'There is no minimum payment on bills here: you can pay any part of what is left. Your open bills:'
      : intent === 'bill_balance'
        ? 'What is left to pay:'
        : `${plural(shown.length, 'bill')} to pay, soonest first:`;
  return {
    reply: `${head}\n${lines.join('\n')}`,
    cards: [{ kind: 'BILLS', title: 'Your bills', billIds: shown.map((b) => b.id) }],
    suggestions: [`Pay my ${shown[0]?.biller.name} bill`, SUGGEST.balance],
  };
}

/**
 * The amount said, in `currency` minor units, or the amount itself when it
 * was said in another currency. A bare number counts too ("transfer 50 to
 * savings"), unless it is the last four digits of one of the customer's
 * accounts.
 */
function amountIn(
  entities: Entities,
  currency: Currency,
  accounts: readonly AccountView[],
): bigint | SaidAmount | undefined {
  const last4 = new Set(accounts.map((a) => a.maskedNumber.slice(-4)));
  const said = entities.amounts[0] ?? entities.numbers.find((n) => !last4.has(n.text));
  if (!said) return undefined;
  if (said.currency !== null && said.currency !== currency) return said;
  try {
    const minor = toMinorUnits(said.value, currency);
    return minor > 0n ? minor : undefined;
  } catch {
    return undefined;
  }
}

/** An ACTIVE account of the customer in `currency`: the one named, else checking, else any. */
function sourceAccount(accounts: readonly AccountView[], named: AccountView | undefined, currency?: Currency) {
  if (named) return named;
  const usable = accounts.filter((a) => a.status === 'ACTIVE' && (!currency || a.currency === currency));
  return usable.find((a) => a.type === 'CHECKING') ?? usable[0];
}

export async function payBill(ask: Ask): Promise<TurnDraft> {
  const [me, all] = await Promise.all([ask.graph.me(), ask.graph.bills()]);
  const open = all.filter((b) => openBill(b.status));
  const named = billsNamed(ask.text, open);
  const candidates = named.length > 0 ? named : open;
  if (candidates.length === 0) return { reply: 'You have no bills to pay.', cards: [], suggestions: [SUGGEST.balance] };
  if (candidates.length > 1) {
    return {
      reply: `Which bill? You have ${candidates.map((b) => `${b.biller.name} (${formatMoney(b.remaining)}, due ${b.dueDate})`).join(', ')}. Say, for example, "pay my ${candidates[0]?.biller.name} bill".`,
      cards: [{ kind: 'BILLS', title: 'Your bills', billIds: candidates.map((b) => b.id) }],
      suggestions: candidates.slice(0, 3).map((b) => `Pay my ${b.biller.name} bill`),
    };
  }
  const bill = candidates[0] as (typeof candidates)[number];
  const currency = bill.remaining.currency;
  const from = sourceAccount(me.accounts, accountsNamed(ask.text, me.accounts)[0], currency);
  if (!from)
    return {
      reply: `You have no active ${currency} account to pay ${bill.biller.name} from.`,
      cards: [],
      suggestions: [SUGGEST.balance],
    };
  const said = amountIn(ask.entities, currency, me.accounts);
  if (typeof said === 'object') {
    return {
      reply: `Your ${bill.biller.name} bill is in ${currency}, not ${said.currency}: tell me the amount in ${currency}, or nothing to pay all that is left.`,
      cards: [{ kind: 'BILLS', title: bill.biller.name, billIds: [bill.id] }],
      suggestions: [`Pay my ${bill.biller.name} bill`],
    };
  }
  const amount = said ?? toMinorUnits(bill.remaining.amount, currency);
  const shown = formatMoney({ amount: fromMinorUnits(amount, currency), currency });
  return {
    reply: `Pay ${shown} to ${bill.biller.name} (due ${bill.dueDate}) from ${accountName(from)}? Confirm to pay, or say "cancel".`,
    cards: [{ kind: 'BILLS', title: bill.biller.name, billIds: [bill.id] }],
    suggestions: ['Cancel'],
    action: {
      kind: 'PAY_BILL',
      amount,
      currency,
      fromAccountId: from.id,
      toAccountId: null,
      toOwnAccount: false,
      billId: bill.id,
      summary: `Pay ${shown} to ${bill.biller.name} (bill due ${bill.dueDate}) from ${accountName(from)}`,
    },
  };
}

export async function transfer(ask: Ask): Promise<TurnDraft> {
  const me = await ask.graph.me();
  const ids = accountIdsIn(ask.text);
  // The digits of an account id are neither an amount nor the last four digits of an account.
  const text = ids.length > 0 ? withoutAccountIds(ask.text) : ask.text;
  const entities = ids.length > 0 ? extractEntities(text, ask.now) : ask.entities;
  const direction = directedAccounts(text, me.accounts);
  const own = accountsNamed(text, me.accounts);
  const ownById = (id: string) => me.accounts.find((a) => a.id === id);
  const fromId = ids.find((i) => i.direction === 'from')?.id;
  // Money leaves only the customer's own accounts.
  if (fromId && !ownById(fromId)) {
    return {
      reply: 'I can only move money from your own accounts. Say, for example, "transfer $50 from checking to savings".',
      cards: [],
      suggestions: [SUGGEST.transfer],
    };
  }
  const toId = (ids.find((i) => i.direction === 'to') ?? ids.find((i) => i.direction === null))?.id;
  const toAccount = toId ? ownById(toId) : direction.to;
  let to: { id: string; name: string; own: boolean } | undefined = toAccount
    ? { id: toAccount.id, name: accountName(toAccount), own: true }
    : toId
      ? { id: toId, name: `account ${toId}`, own: false }
      : undefined;
  const fromNamed =
    (fromId ? ownById(fromId) : undefined) ??
    direction.from ??
    (own.length >= 1 && own[0]?.id !== to?.id ? own[0] : undefined);
  if (!to && own.length >= 2) {
    to = { id: (own[1] as AccountView).id, name: accountName(own[1] as AccountView), own: true };
  }
  const help =
    'Say, for example, "transfer $50 from checking to savings", or give the account id of the person you pay.';
  if (!to) return { reply: `Where should the money go? ${help}`, cards: [], suggestions: [SUGGEST.transfer] };
  const from = sourceAccount(
    me.accounts.filter((a) => a.id !== to.id),
    fromNamed,
  );
  if (!from) return { reply: `From which account? ${help}`, cards: [], suggestions: [SUGGEST.transfer] };
  const amount = amountIn(entities, from.currency, me.accounts);
  if (amount === undefined) return { reply: `How much? ${help}`, cards: [], suggestions: [SUGGEST.transfer] };
  if (typeof amount === 'object') {
    return {
      reply: `${accountName(from)} is in ${from.currency}, not ${amount.currency}: tell me the amount in ${from.currency}.`,
      cards: [{ kind: 'ACCOUNTS', title: 'From', accountIds: [from.id] }],
      suggestions: [SUGGEST.transfer],
    };
  }
  const shown = formatMoney({ amount: fromMinorUnits(amount, from.currency), currency: from.currency });
  const summary = `Transfer ${shown} from ${accountName(from)} to ${to.name}`;
  return {
    reply: `${summary}? Confirm to send it, or say "cancel".`,
    cards: [{ kind: 'ACCOUNTS', title: 'From', accountIds: [from.id] }],
    suggestions: ['Cancel'],
    action: {
      kind: 'TRANSFER',
      amount,
      currency: from.currency,
      fromAccountId: from.id,
      toAccountId: to.id,
      toOwnAccount: to.own,
      billId: null,
      summary,
    },
  };
}

const isBusinessOwner = (roles: readonly string[]) => roles.includes('BUSINESS_OWNER');

export async function loans(ask: Ask, intent: 'loan_status' | 'next_installment'): Promise<TurnDraft> {
  const me = await ask.graph.me();
  if (!isBusinessOwner(me.roles)) {
    return {
      reply: 'Loans here are for business owners, and you have none.',
      cards: [],
      suggestions: [SUGGEST.balance],
    };
  }
  const applications = await ask.graph.loanApplications();
  if (applications.length === 0) {
    return {
      reply: 'You have no loan applications. You can apply from the loans page, or ask me for a quote.',
      cards: [],
      suggestions: ['Quote a $20,000 loan over 24 months at 7%'],
    };
  }
  const lines = applications.map((a) => {
    const loan = a.loan;
    if (intent === 'next_installment' || loan) {
      if (!loan)
        return `${formatMoney(a.amount)} application: ${a.status.toLowerCase().replaceAll('_', ' ')}, no loan yet`;
      const next = loan.nextInstallment;
      return `Loan of ${formatMoney(a.amount)}: ${formatMoney(loan.outstandingPrincipal)} principal outstanding; ${next ? `next installment #${next.number} of ${formatMoney(next.payment)} due ${next.dueDate}` : 'no installment left'}`;
    }
    return `${formatMoney(a.amount)} over ${a.termMonths} months, submitted ${a.submittedAt.slice(0, 10)}: ${a.status.toLowerCase().replaceAll('_', ' ')} (banker ${a.banker.name})`;
  });
  const loanIds = applications.flatMap((a) => (a.loan ? [a.loan.id] : []));
  return {
    reply: lines.join('\n'),
    cards: [{ kind: 'LOANS', title: 'Your loans', loanApplicationIds: applications.map((a) => a.id), loanIds }],
    suggestions: [SUGGEST.human, SUGGEST.balance],
  };
}

export async function loanQuote(
  ask: Ask,
  terms: { rate: string | undefined; months: number | undefined },
): Promise<TurnDraft> {
  // The amount is the one said in money, else the largest number (not the rate, nor the months: "over 36 months").
  const amount =
    ask.entities.amounts.find((a) => a.currency !== null) ??
    [...ask.entities.amounts, ...ask.entities.numbers]
      .filter((a) => !a.text.includes('%'))
      .sort((a, b) => Number(b.value) - Number(a.value))[0];
  if (!amount || !terms.rate || !terms.months) {
    return {
      reply:
        'For a quote, tell me the amount, the annual rate and the term, for example "quote a $20,000 loan at 7% over 24 months".',
      cards: [],
      suggestions: ['Quote a $20,000 loan over 24 months at 7%'],
    };
  }
  const quote = await ask.graph.loanQuote(amount.value, terms.rate, terms.months);
  const first = quote.installments[0];
  return {
    reply:
      `${formatMoney(quote.amount)} at ${terms.rate}% over ${terms.months} months: ` +
      `${first ? `installments of about ${formatMoney(first.payment)}, ` : ''}${formatMoney(quote.totalInterest)} interest, ${formatMoney(quote.totalPayment)} in all. This is a quote, not an offer.`,
    cards: [],
    suggestions: [SUGGEST.loans, SUGGEST.human],
  };
}

/** Everything the assistant said and was told in this session, for a banker. */
export function transcriptOf(
  turns: readonly { text?: string | null | undefined; reply: string }[],
  limit = 3_900,
): string {
  const lines = turns.flatMap((t) => [...(t.text ? [`Customer: ${t.text}`] : []), `Assistant: ${t.reply}`]);
  let text = lines.join('\n');
  if (text.length > limit) text = `…${text.slice(text.length - limit + 1)}`;
  return text;
}

export const smallTalk: Record<string, TurnDraft> = {
  greeting: {
    reply: `Hello! I can help with ${HELP_TOPICS}. What would you like to know?`,
    cards: [],
    suggestions: [SUGGEST.balance, SUGGEST.transactions, SUGGEST.bills],
  },
  goodbye: { reply: 'Goodbye! I am here whenever you need me.', cards: [], suggestions: [] },
  thank_you: { reply: 'You are welcome. Anything else?', cards: [], suggestions: [SUGGEST.balance, SUGGEST.bills] },
  help: {
    reply: `I can help with ${HELP_TOPICS}. Payments always wait for your confirmation.`,
    cards: [],
    suggestions: Object.values(SUGGEST).slice(0, 4),
  },
  oos: {
    reply: `I can't help with that. I can help with ${HELP_TOPICS}.`,
    cards: [],
    suggestions: [SUGGEST.balance, SUGGEST.transactions],
  },
  routing: {
    reply:
      'For your security I show account numbers masked (like ••1234); the full account number and the routing number are in your account details in the app. Ask me for your balance to see your accounts.',
    cards: [],
    suggestions: [SUGGEST.balance],
  },
  interest_rate: {
    reply: 'Your accounts here pay no interest that I can show. For a loan, I can quote one at a rate you give me.',
    cards: [],
    suggestions: ['Quote a $20,000 loan over 24 months at 7%'],
  },
};

/** Requests only staff can carry out: the assistant never pretends to do them. */
export const STAFF_REQUESTS: Readonly<Record<string, string>> = {
  freeze_account: 'freeze an account',
  report_fraud: 'report fraud',
  account_blocked: 'unblock an account',
  pin_change: 'change a card PIN',
  order_checks: 'order checks',
};

export const SUGGESTIONS = SUGGEST;
