/**
 * The bank's first guess at a category, from the kind of movement, the side
 * of it, and words in the description. Owners can change it afterwards.
 */
import type { TransactionCategory, TransactionKind } from '../entities/index.ts';

/** Description keywords, checked in order; the first match wins. */
const KEYWORDS: readonly [RegExp, TransactionCategory][] = [
  [/\b(salary|payroll|wages?|refund|dividend)\b/i, 'INCOME'],
  [/\b(grocer(y|ies)|supermarket|market|bakery|butcher)\b/i, 'GROCERIES'],
  [/\b(restaurant|cafe|café|coffee|pizza|burger|dinner|lunch|breakfast|takeaway|bar)\b/i, 'DINING'],
  [/\b(rent|mortgage|landlord|hoa)\b/i, 'HOUSING'],
  [/\b(electric(ity)?|water|gas|internet|broadband|phone|mobile|utility|utilities)\b/i, 'UTILITIES'],
  [/\b(uber|lyft|taxi|fuel|petrol|gasoline|train|bus|metro|subway|parking|toll)\b/i, 'TRANSPORT'],
  [/\b(amazon|shop|store|clothing|shoes|electronics)\b/i, 'SHOPPING'],
  [/\b(pharmacy|doctor|clinic|dentist|hospital|medical)\b/i, 'HEALTH'],
  [/\b(cinema|movie|netflix|spotify|concert|theatre|theater|game|games)\b/i, 'ENTERTAINMENT'],
  [/\b(flight|airline|hotel|airbnb|booking|travel)\b/i, 'TRAVEL'],
  [/\b(fee|fees|charge|commission)\b/i, 'FEES'],
];

/** The category of one side (`debit`: money out, `credit`: money in) of a movement. */
export function guessCategory(
  kind: TransactionKind,
  side: 'debit' | 'credit',
  description: string | null,
): TransactionCategory {
  switch (kind) {
    case 'DEPOSIT':
      return 'INCOME';
    case 'WITHDRAWAL':
      return 'CASH';
    case 'LOAN_DISBURSEMENT':
    case 'LOAN_REPAYMENT':
      return 'LOANS';
    case 'REVERSAL':
      return 'OTHER';
    case 'BILL_PAYMENT':
      return side === 'debit' ? fromDescription(description, 'BILLS') : 'INCOME';
    case 'TRANSFER':
      return side === 'debit'
        ? fromDescription(description, 'TRANSFER')
        : fromDescription(description, 'TRANSFER', true);
  }
}

/**
 * The first keyword category of the description, for the side it fits:
 * money in is only ever INCOME (a transfer in described "pizza" is not the
 * receiver's dining), money out never is (paying "payroll" is not income).
 */
function fromDescription(
  description: string | null,
  fallback: TransactionCategory,
  incoming = false,
): TransactionCategory {
  if (!description) return fallback;
  for (const [pattern, category] of KEYWORDS) {
    if (pattern.test(description)) return (category === 'INCOME') === incoming ? category : fallback;
  }
  return fallback;
}
