/**
 * Input validation with zod, reported in the error catalogue: the first
 * problem becomes a BAD_USER_INPUT naming the field at fault.
 */
import { z } from 'zod';
import { BadUserInputError } from './errors.ts';

/** Parses `input` with `schema`; BAD_USER_INPUT naming the field on failure. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw new BadUserInputError(issue?.message ?? 'Invalid input.', field);
}

const uuid = z.uuid();

/** True when `value` is a UUID, the shape of every id in the bank. */
export function isUuid(value: unknown): value is string {
  return uuid.safeParse(value).success;
}

/** An id field of an input (a UUID), refused with a message naming `field`. */
export const idInput = (field: string) => z.string().refine(isUuid, `"${field}" must be an id (a UUID).`);

/** Checks an id argument: BAD_USER_INPUT naming `field` when it is not a UUID. */
export function parseId(value: string, field: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`"${field}" must be an id (a UUID).`, field);
  return value;
}
