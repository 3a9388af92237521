import { csvField, statementCsv } from './statement-csv.ts';

test('a statement renders as CSV with opening, entries, totals (positive, as in GraphQL) and closing', () => {
  const csv = statementCsv({
    month: '2026-11',
    currency: 'USD',
    opening: 10_000n,
    credits: 2_550n,
    debits: 1_000n,
    closing: 11_550n,
    lines: [
      {
        transactionId: 't1',
        postedAt: new Date('2026-11-02T10:00:00.000Z'),
        kind: 'DEPOSIT',
        description: 'Salary, "November"',
        amount: 2_550n,
        balanceAfter: 12_550n,
      },
      {
        transactionId: 't2',
        postedAt: new Date('2026-11-03T10:00:00.000Z'),
        kind: 'TRANSFER',
        description: null,
        amount: -1_000n,
        balanceAfter: 11_550n,
      },
    ],
  });
  expect(csv.split('\r\n')).toEqual([
    'row,posted_at,transaction_id,kind,description,amount,balance_after,currency',
    'OPENING,,,,,,100.00,USD',
    'ENTRY,2026-11-02T10:00:00.000Z,t1,DEPOSIT,"Salary, ""November""",25.50,125.50,USD',
    'ENTRY,2026-11-03T10:00:00.000Z,t2,TRANSFER,,-10.00,115.50,USD',
    'CREDITS,,,,total money in,25.50,,USD',
    'DEBITS,,,,total money out,10.00,,USD',
    'CLOSING,,,,opening + credits - debits,,115.50,USD',
    '',
  ]);
});

test('descriptions that a spreadsheet would run as formulas are shown as text', () => {
  expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
  expect(csvField('+1')).toBe("'+1");
  expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  expect(csvField('plain')).toBe('plain');
});
