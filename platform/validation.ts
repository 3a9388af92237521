/**
 * Input validation with zod, reported in the error catalogue: the first
 * problem becomes a BAD_USER_INPUT naming the field at fault.
 */
import type { z } from 'zod';
import { BadUserInputError } from './errors.ts';

/** Parses `input` with `schema`; BAD_USER_INPUT naming the field on failure. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new BadUserInputError(issue?.message ?? 'Invalid input.', field);
}
