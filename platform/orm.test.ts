/**
 * `numbered`: the `?` placeholders of a statement as PostgreSQL's `$n`, for
 * `sqlParams` (the statements it runs are covered through the ledger's tests).
 */
import { numbered } from './orm.ts';

test.each([
  ['select ? as a, ?::uuid as b', 'select $1 as a, $2::uuid as b'],
  ["insert into entries (tags, note) values ('{}', ?)", "insert into entries (tags, note) values ('{}', $1)"],
  // In quoted strings and names, `?` is text: the placeholders around them still count from 1.
  ["select 'why?' as q, ? as a, 'it''s ?' as r, ? as b", "select 'why?' as q, $1 as a, 'it''s ?' as r, $2 as b"],
  ['select "odd?name" from t where x = ?', 'select "odd?name" from t where x = $1'],
  ['select 1', 'select 1'],
])('%s', (text, expected) => {
  expect(numbered(text)).toBe(expected);
  // The second time from what it remembered: the same.
  expect(numbered(text)).toBe(expected);
});
