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
  z.string().refine((v) => /^2\d{3}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    message: `"${name}" must be a date written YYYY-MM-DD.`,
  });
