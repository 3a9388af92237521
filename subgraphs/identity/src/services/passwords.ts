/**
 * Password hashing with argon2id (the library's default algorithm) at the
 * OWASP minimum or stronger: 19 MiB memory, 2 passes, 1 lane, unless the
 * configuration asks for more.
 */
import { hash, verify } from '@node-rs/argon2';
import type { Config } from '../../../../platform/config.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** The password rule, as told to users. */
export const PASSWORD_RULE = `Passwords must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long and must not contain the email address.`;

/** Returns the rule broken by `password`, or undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return PASSWORD_RULE;
  const lower = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const localPart = address.split('@')[0] ?? '';
  if (lower.includes(address) || (localPart.length >= 4 && lower.includes(localPart))) return PASSWORD_RULE;
  return undefined;
}

/**
 * The `passwordHash` of a user without a password (created by signing in with
 * an identity provider). It is not an argon2 hash, so no password verifies
 * against it; checking one still takes the time of a real verification.
 */
export const NO_PASSWORD = '!no-password';

export class PasswordHasher {
  readonly #options: Config['auth']['argon2'];
  #dummyHash: Promise<string> | undefined;

  constructor(options: Config['auth']['argon2']) {
    this.#options = options;
  }

  hash(password: string): Promise<string> {
    return hash(password, this.#options);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    if (passwordHash === NO_PASSWORD) return this.verifyNothing(password);
    return verify(passwordHash, password);
  }

  /**
   * Spends the time of one verification against a hash no password matches,
   * so that an unknown email takes as long to refuse as a wrong password.
   */
  async verifyNothing(password: string): Promise<false> {
    this.#dummyHash ??= this.hash('no password matches this hash');
    await verify(await this.#dummyHash, password);
    return false;
  }
}
