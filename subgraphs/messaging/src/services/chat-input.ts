/**
 * The rules of chat input, checked before anything is read or written: a
 * refused request writes nothing.
 */
import { z } from 'zod';
import { BadUserInputError } from '../../../../platform/errors.ts';

/** Longest message body, in Unicode characters (code points, so an emoji counts once). */
export const MAX_BODY_CHARACTERS = 4000;
/** Longest subject, in Unicode characters, after surrounding spaces are dropped. */
export const MAX_SUBJECT_CHARACTERS = 200;

const characters = (text: string): number => [...text].length;

/**
 * Text PostgreSQL can store exactly as sent: well-formed UTF-16 (no lone
 * surrogate, which would be stored as U+FFFD) and no NUL (which `text` cannot hold).
 */
const storable = (text: string): boolean => text.isWellFormed() && !text.includes('\0');

/** A message body: not blank, at most 4,000 characters. Never trimmed: it is stored exactly as sent. */
export const messageBody = z
  .string()
  .refine((s) => s.trim().length > 0, 'The message must not be blank.')
  .refine((s) => characters(s) <= MAX_BODY_CHARACTERS, `The message must be at most ${MAX_BODY_CHARACTERS} characters.`)
  .refine(storable, 'The message contains characters that cannot be stored (NUL or a lone surrogate).');

/** A subject: 1 to 200 characters once surrounding spaces are dropped (they are not kept). */
export const subject = z
  .string()
  .trim()
  .min(1, 'The subject must not be blank.')
  .refine(
    (s) => characters(s) <= MAX_SUBJECT_CHARACTERS,
    `The subject must be at most ${MAX_SUBJECT_CHARACTERS} characters.`,
  )
  .refine(storable, 'The subject contains characters that cannot be stored (NUL or a lone surrogate).');

/** The sender's own message id: 1 to 100 printable ASCII characters without spaces (a UUID fits). */
export const clientMessageId = z
  .string()
  .regex(/^[\x21-\x7e]{1,100}$/, '"clientMessageId" must be 1 to 100 printable ASCII characters without spaces.');

const id = (field: string) => z.uuid(`"${field}" must be an id (a UUID).`);

export const startConversationInput = z.object({
  participantId: id('participantId'),
  subject,
  body: messageBody,
  loanApplicationId: id('loanApplicationId').nullish(),
});
export type StartConversationInput = z.infer<typeof startConversationInput>;

export const sendMessageInput = z.object({
  conversationId: id('conversationId'),
  body: messageBody,
  clientMessageId: clientMessageId.nullish(),
});
export type SendMessageInput = z.infer<typeof sendMessageInput>;

/** Largest page of messages. */
export const MAX_MESSAGES_PAGE = 100;

/** Checks `last` of a scroll-back page (1..100). */
export function lastSize(last: number | null | undefined, fallback = 20): number {
  const size = last ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_MESSAGES_PAGE) {
    throw new BadUserInputError(`"last" must be between 1 and ${MAX_MESSAGES_PAGE}.`, 'last');
  }
  return size;
}
