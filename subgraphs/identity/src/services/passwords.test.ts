import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE,
  PasswordHasher,
  passwordProblem,
} from './passwords.ts';

const EMAIL = 'jane.doe@example.com';
const OWASP_MINIMUM = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** A password of exactly `length` code points that has nothing to do with EMAIL. */
const ofLength = (length: number) => 'Zq7!wX'.repeat(30).slice(0, length);

/** The PHC string of an argon2 hash: `$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>`. */
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

describe('the password rule', () => {
  it('is told to users in one sentence', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(PASSWORD_RULE).toBe('Passwords must be 12 to 128 characters long and must not contain the email address.');
  });

  it.each([
    [0, PASSWORD_RULE],
    [11, PASSWORD_RULE],
    [12, undefined],
    [64, undefined],
    [128, undefined],
    [129, PASSWORD_RULE],
  ])('a password of %i characters gives %p', (length, expected) => {
    const password = ofLength(length);
    expect(password.length).toBe(length);
    expect(passwordProblem(password, EMAIL)).toBe(expected);
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // Each emoji is one code point but two UTF-16 units.
    expect('🔒'.length).toBe(2);
    expect(passwordProblem('🔒'.repeat(11), EMAIL)).toBe(PASSWORD_RULE);
    expect(passwordProblem('🔒'.repeat(12), EMAIL)).toBeUndefined();
    expect(passwordProblem('🔒'.repeat(128), EMAIL)).toBeUndefined();
    expect(passwordProblem('🔒'.repeat(129), EMAIL)).toBe(PASSWORD_RULE);
    expect(passwordProblem('mot de passe é', EMAIL)).toBeUndefined();
  });

  it.each([
    'my jane.doe@example.com pass',
    'MY JANE.DOE@EXAMPLE.COM PASS',
    'Jane.Doe@Example.com',
    'xxjane.doeyy-2026!',
    'correct-horse-JANE.DOE',
  ])('refuses %p, which contains the email or its local part', (password) => {
    expect(passwordProblem(password, EMAIL)).toBe(PASSWORD_RULE);
  });

  it('compares with the email case-insensitively and trimmed', () => {
    expect(passwordProblem('battery-jane.doe-staple', '  Jane.DOE@Example.COM ')).toBe(PASSWORD_RULE);
  });

  it('accepts a password that only shares parts of the email', () => {
    expect(passwordProblem('jane-example-staple', EMAIL)).toBeUndefined();
  });

  it('ignores a local part shorter than four characters, which would ban common words', () => {
    expect(passwordProblem('a strong passphrase', 'al@bank.example')).toBeUndefined();
    expect(passwordProblem('a strong passphrase al@bank.example', 'al@bank.example')).toBe(PASSWORD_RULE);
  });
});

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(OWASP_MINIMUM);
  const PASSWORD = 'correct horse battery staple';

  it('hashes with argon2id at the OWASP minimum in PHC format', async () => {
    const hash = await hasher.hash(PASSWORD);
    const match = PHC.exec(hash);
    expect(match).not.toBeNull();
    expect(match?.slice(1, 4)).toEqual(['19456', '2', '1']);
    expect(hash).not.toContain(PASSWORD);
  });

  it('uses the configured, stronger settings', async () => {
    const stronger = new PasswordHasher({ memoryCost: 32768, timeCost: 3, parallelism: 1 });
    const hash = await stronger.hash(PASSWORD);
    expect(PHC.exec(hash)?.slice(1, 4)).toEqual(['32768', '3', '1']);
    expect(await stronger.verify(hash, PASSWORD)).toBe(true);
  });

  it('salts every hash randomly', async () => {
    const [first, second] = await Promise.all([hasher.hash(PASSWORD), hasher.hash(PASSWORD)]);
    expect(first).not.toBe(second);
    expect(PHC.exec(first)?.[4]).not.toBe(PHC.exec(second)?.[4]);
    expect(PHC.exec(first)?.[4]?.length).toBeGreaterThanOrEqual(22);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash(PASSWORD);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
    expect(await hasher.verify(hash, '')).toBe(false);
  });

  it('verifies a hash made with other settings (they are in the PHC string)', async () => {
    const hash = await new PasswordHasher({ memoryCost: 24576, timeCost: 2, parallelism: 1 }).hash(PASSWORD);
    expect(await hasher.verify(hash, PASSWORD)).toBe(true);
  });

  it('verifyNothing resolves false, whatever the password', async () => {
    const fresh = new PasswordHasher(OWASP_MINIMUM);
    await expect(fresh.verifyNothing(PASSWORD)).resolves.toBe(false);
    await expect(fresh.verifyNothing('no password matches this hash')).resolves.toBe(false);
    await expect(fresh.verifyNothing('')).resolves.toBe(false);
  });
});
