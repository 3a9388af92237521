/**
 * A statement as CSV, for download. One row per line, with OPENING and
 * CLOSING rows around the entries, so the file alone shows that
 * closing = opening + credits - debits:
 *
 * - OPENING and CLOSING carry a balance (`balance_after`);
 * - each ENTRY carries its signed amount (negative for money out) and the
 *   running balance after it;
 * - CREDITS and DEBITS carry totals in `amount`, both positive, exactly as
 *   the GraphQL `Statement.totalCredits` and `totalDebits`; their
 *   descriptions and CLOSING's say how they combine.
 */
import { fromMinorUnits } from '../../../../platform/money.ts';
import type { StatementData } from './history.ts';

const HEADER = ['row', 'posted_at', 'transaction_id', 'kind', 'description', 'amount', 'balance_after', 'currency'];

/**
 * Quotes a field as RFC 4180 asks, and defuses spreadsheet formulas: a text
 * starting with = + - @ (or a tab/CR) is prefixed with a quote so that a
 * description like "=HYPERLINK(...)" is shown, never run.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function statementCsv(statement: StatementData): string {
  const amount = (minor: bigint) => fromMinorUnits(minor, statement.currency);
  const rows: string[][] = [HEADER];
  rows.push(['OPENING', '', '', '', '', '', amount(statement.opening), statement.currency]);
  for (const line of statement.lines) {
    rows.push([
      'ENTRY',
      line.postedAt.toISOString(),
      line.transactionId,
      line.kind,
      csvField(line.description ?? ''),
      amount(line.amount),
      amount(line.balanceAfter),
      statement.currency,
    ]);
  }
  rows.push(['CREDITS', '', '', '', 'total money in', amount(statement.credits), '', statement.currency]);
  rows.push(['DEBITS', '', '', '', 'total money out', amount(statement.debits), '', statement.currency]);
  rows.push(['CLOSING', '', '', '', 'opening + credits - debits', '', amount(statement.closing), statement.currency]);
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}
