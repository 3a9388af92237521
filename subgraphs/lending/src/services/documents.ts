/**
 * Loan documents: checked on the way in (type by the file's own signature,
 * size), encrypted at rest with AES-256-GCM, decrypted only for those who
 * may read the application (the caller of {@link DocumentVault.open} checks).
 *
 * Each document has its own random 96-bit IV; its id is authenticated data,
 * so a ciphertext moved to another row fails to decrypt (platform/sealed-box.ts).
 * The key comes from configuration (DOCUMENT_ENCRYPTION_KEY); `keyId` (a hash of the key) is
 * stored so that a future rotation knows which key a row needs.
 */
import { z } from 'zod';
import { BadUserInputError } from '../../../../platform/errors.ts';
import { SealedBox, type Sealed } from '../../../../platform/sealed-box.ts';

/** Largest document accepted, in bytes once decoded. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** Most documents per application. */
export const MAX_DOCUMENTS = 5;

/** Accepted types and the signature ("magic bytes") their files start with. */
/** Accepted types and the bytes each file must start with (a Map: a type named `toString` finds nothing). */
const SIGNATURES: ReadonlyMap<string, readonly number[]> = new Map([
  ['application/pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
]);
export const DOCUMENT_TYPES = [...SIGNATURES.keys()];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const documentInput = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, 'A document needs a file name of 1 to 200 characters.')
    .max(200, 'A document needs a file name of 1 to 200 characters.')
    .refine(
      // eslint-disable-next-line no-control-regex -- file names with control characters or path separators are refused
      (v) => !/[\u0000-\u001F\u007F/\\]/.test(v) && v.isWellFormed(),
      'The file name has characters that are not allowed.',
    ),
  contentType: z.string(),
  contentBase64: z.string(),
});
export type DocumentInput = z.infer<typeof documentInput>;

/** A checked document, ready to encrypt. */
export interface CheckedDocument {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * Decodes and checks one document: BAD_USER_INPUT on `documents.<index>...`
 * for a type not accepted, bytes that do not match the type, bad base64, an
 * empty or oversized file.
 */
export function checkDocument(input: DocumentInput, index: number): CheckedDocument {
  const field = (name: string) => `documents.${index}.${name}`;
  const signature = SIGNATURES.get(input.contentType);
  if (!signature) {
    throw new BadUserInputError(`A document must be one of ${DOCUMENT_TYPES.join(', ')}.`, field('contentType'));
  }
  // Checked before decoding: base64 is 4/3 of the bytes.
  const text = input.contentBase64.replace(/\s+/g, '');
  if (text.length > Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4) {
    throw new BadUserInputError(
      `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB.`,
      field('contentBase64'),
    );
  }
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new BadUserInputError('The document is not valid base64.', field('contentBase64'));
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new BadUserInputError('The document is empty.', field('contentBase64'));
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new BadUserInputError(
      `A document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB.`,
      field('contentBase64'),
    );
  }
  if (!signature.every((byte, i) => bytes[i] === byte)) {
    throw new BadUserInputError(`The file's contents are not ${input.contentType}.`, field('contentType'));
  }
  return { fileName: input.fileName, contentType: input.contentType, bytes };
}

/** What is stored for one document. */
export type SealedDocument = Sealed;

/** Encrypts and decrypts documents with one AES-256 key (sealed with the document id). */
export class DocumentVault extends SealedBox {}
