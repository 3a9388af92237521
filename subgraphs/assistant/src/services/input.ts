/** The rules of the assistant's inputs (BAD_USER_INPUT naming the field). */
import { z } from 'zod';
import { idempotencyKeyInput } from '../../../../platform/idempotency.ts';
import { idInput } from '../../../../platform/validation.ts';

/** What a customer may write: 1 to 1,000 characters, well-formed text. */
export const MAX_TEXT = 1_000;

export const askInput = z.object({
  sessionId: idInput('sessionId').nullish(),
  text: z
    .string()
    .refine((t) => t.trim().length >= 1 && t.length <= MAX_TEXT, '"text" must be 1 to 1,000 characters.')
    .refine((t) => t.isWellFormed(), '"text" must be well-formed text.'),
  clientMessageId: z
    .string()
    .min(1, '"clientMessageId" must be 1 to 100 characters.')
    .max(100, '"clientMessageId" must be 1 to 100 characters.')
    .nullish(),
});

export const confirmInput = z.object({
  actionId: idInput('actionId'),
  idempotencyKey: idempotencyKeyInput,
  stepUpProof: z.string().min(1).max(4_000, '"stepUpProof" is too long.').nullish(),
});
