import { guessCategory } from './categories.ts';

describe('guessCategory', () => {
  test.each([
    ['TRANSFER', 'debit', 'Pizza night', 'DINING'],
    ['TRANSFER', 'credit', 'Pizza night', 'TRANSFER'],
    ['TRANSFER', 'credit', 'Salary November', 'INCOME'],
    // Paying wages is money out: never the payer's income.
    ['TRANSFER', 'debit', 'Staff payroll', 'TRANSFER'],
    ['TRANSFER', 'debit', 'Refund to customer', 'TRANSFER'],
    ['BILL_PAYMENT', 'debit', 'Dividend tax', 'BILLS'],
    ['BILL_PAYMENT', 'debit', 'Water bill', 'UTILITIES'],
    ['BILL_PAYMENT', 'credit', 'Water bill', 'INCOME'],
    ['TRANSFER', 'debit', null, 'TRANSFER'],
    ['DEPOSIT', 'credit', 'Pizza', 'INCOME'],
    ['WITHDRAWAL', 'debit', 'Salary', 'CASH'],
  ] as const)('%s %s %p: %s', (kind, side, description, category) => {
    expect(guessCategory(kind, side, description)).toBe(category);
  });
});
