/** Calendar days (UTC) as `YYYY-MM-DD` strings: due dates and payment days. */
import { z } from 'zod';

/** Today in UTC. */
export const today = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A real calendar day written `YYYY-MM-DD` (years 2000 to 2999). */
export const calendarDay = (name: string) =>
  z.string().refine(isCalendarDay, { message: `"${name}" must be a date written YYYY-MM-DD.` });

/** True for a day that exists: "2028-02-29" is one, "2026-02-30" and "2026-13-01" are not. */
function isCalendarDay(value: string): boolean {
  if (!/^2\d{3}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}
