/**
 * Encryption at rest with one AES-256-GCM key: lending's documents
 * (DOCUMENT_ENCRYPTION_KEY), identity's TOTP secrets (FACTOR_ENCRYPTION_KEY).
 * Each value gets a random IV and is bound to its row by associated data (the
 * row's id), so a ciphertext moved to another row fails to open; `keyId` (a
 * hash of the key) says which key sealed it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** What is stored for one sealed value. */
export interface Sealed {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/** Seals and opens values with one AES-256 key. */
export class SealedBox {
  readonly #key: Buffer;
  readonly keyId: string;

  /** @param base64Key 32 bytes, base64-encoded (checked by the configuration). */
  constructor(base64Key: string) {
    this.#key = Buffer.from(base64Key, 'base64');
    if (this.#key.length !== 32) throw new Error('an encryption key must be 32 bytes');
    this.keyId = createHash('sha256').update(this.#key).digest('hex').slice(0, 16);
  }

  /** Encrypts `plaintext`, bound to `rowId`. */
  seal(rowId: string, plaintext: Buffer): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(rowId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.keyId, iv, authTag: cipher.getAuthTag(), ciphertext };
  }

  /** @throws Error when the key is not the one the value was sealed with, or the data was altered or moved. */
  open(rowId: string, sealed: Sealed): Buffer {
    if (sealed.keyId !== this.keyId) throw new Error(`${rowId} was sealed with key ${sealed.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.iv);
    decipher.setAAD(Buffer.from(rowId, 'utf8'));
    decipher.setAuthTag(sealed.authTag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  }

  /** {@link seal} as one base64 text (`keyId.iv.tag.ciphertext`), for a text column. */
  sealText(rowId: string, plaintext: string): string {
    const s = this.seal(rowId, Buffer.from(plaintext, 'utf8'));
    return [s.keyId, s.iv.toString('base64'), s.authTag.toString('base64'), s.ciphertext.toString('base64')].join('.');
  }

  /** Opens what {@link sealText} wrote. */
  openText(rowId: string, text: string): string {
    const [keyId = '', iv = '', authTag = '', ciphertext = ''] = text.split('.');
    const sealed = {
      keyId,
      iv: Buffer.from(iv, 'base64'),
      authTag: Buffer.from(authTag, 'base64'),
      ciphertext: Buffer.from(ciphertext, 'base64'),
    };
    return this.open(rowId, sealed).toString('utf8');
  }
}
