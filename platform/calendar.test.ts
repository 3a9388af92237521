import { BadUserInputError } from './errors.ts';
import { addDays, calendarMonth, isCalendarDay } from './calendar.ts';

describe('calendar days', () => {
  test.each(['2028-02-29', '1900-01-01', '2999-12-31', '2026-11-30'])('%s is one', (day) => {
    expect(isCalendarDay(day)).toBe(true);
  });
  test.each([
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-11-31',
    '0099-05-01',
    '9999-12-31',
    '3000-01-01',
    '1899-12-31',
    '2026-1-01',
    ' 2026-01-01',
    '2026-01-01T00:00:00Z',
  ])('%s is not', (day) => {
    expect(isCalendarDay(day)).toBe(false);
  });
  test('a first year of its own (billing: 2000)', () => {
    expect(isCalendarDay('1999-12-31', 2000)).toBe(false);
    expect(isCalendarDay('2000-01-01', 2000)).toBe(true);
  });
  test('addDays crosses months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('calendar months', () => {
  test('a month spans its first instant to the next month’s', () => {
    expect(calendarMonth('2026-11', 'month')).toEqual({
      start: new Date('2026-11-01T00:00:00.000Z'),
      end: new Date('2026-12-01T00:00:00.000Z'),
    });
    expect(calendarMonth('2999-12', 'month').end).toEqual(new Date('3000-01-01T00:00:00.000Z'));
  });
  test.each(['9999-12', '0099-05', '1899-12', '3000-01', '2026-13', '2026-00', '2026-1', 'november'])(
    '%s is BAD_USER_INPUT on the field, never a date PostgreSQL would refuse or misread',
    (month) => {
      expect(() => calendarMonth(month, 'month')).toThrow(BadUserInputError);
      try {
        calendarMonth(month, 'month');
      } catch (error) {
        expect((error as BadUserInputError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
      }
    },
  );
});
