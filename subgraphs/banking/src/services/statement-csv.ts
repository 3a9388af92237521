/**
 * A statement as CSV, for download. One row per line, with OPENING and
 * CLOSING rows around the entries, so the file alone shows that
 * closing = opening + credits - debits.
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
  rows.push(['CREDITS', '', '', '', '', amount(statement.credits), '', statement.currency]);
  rows.push(['DEBITS', '', '', '', '', amount(-statement.debits), '', statement.currency]);
  rows.push(['CLOSING', '', '', '', '', '', amount(statement.closing), statement.currency]);
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}
