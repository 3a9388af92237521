/**
 * Passkeys (WebAuthn, with @simplewebauthn/server) as a second factor.
 *
 * Registration: `beginRegistration` stores a single-use challenge (five
 * minutes) and returns the creation options for `navigator.credentials.create`;
 * `completeRegistration` verifies the attestation (`none` is enough: the bank
 * trusts the key, not the authenticator's make) against that challenge, the
 * configured origins and RP id, and turns the passkey on. The first second
 * factor of a user comes with recovery codes, as with authenticator apps.
 *
 * Answers (assertions) are checked by {@link Passkeys.verify}, the hook
 * `SecondFactors.verify` calls with the challenge the answer must have signed:
 * the sign-in's (stored on its LoginChallenge when `login` answered
 * MFA_REQUIRED), the caller's latest from `beginChallenge` (removing a factor,
 * new recovery codes), or one the caller gives (a payment's step-up challenge,
 * compared exactly). The signature counter must grow: a signature that
 * verifies with a counter that does not is a cloned authenticator, refused
 * and audited (PASSKEY_CLONE_SUSPECTED). Authenticators that keep no counter
 * (0 every time, as synced passkeys do) rely on the single-use challenges.
 *
 * Malformed answers (not JSON, wrong shape, too long) are BAD_USER_INPUT and
 * change nothing; answers that are well formed but wrong (unknown or another
 * user's credential, another challenge, origin or RP id, a bad signature) are
 * wrong second factors.
 */
import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { BadUserInputError, InvalidStateTransitionError, NotFoundError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';
import { PasskeyChallenge, SecondFactor, User } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import type { SecondFactorProof, SecondFactors, VerifiedFactor } from './second-factors.ts';
import { recordSecurityChanged } from './user-events.ts';

/** How long a registration or a fresh-factor challenge is accepted. */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** Passkeys one user may have: the sign-in options list them all. */
const MAX_PASSKEYS = 10;
/** ES256, EdDSA, RS256: what authenticators make, offered and accepted alike. */
const ALGORITHMS = [-7, -8, -257];
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/** Longest JSON text accepted: an assertion is well under 2 KB; an attestation with certificates, a few KB. */
const MAX_ASSERTION_CHARS = 16_000;
const MAX_ATTESTATION_CHARS = 64_000;

const base64url = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

const credentialFields = {
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
  clientExtensionResults: z.record(z.string(), z.unknown()).nullish(),
};

const assertionSchema = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url(4_000),
    authenticatorData: base64url(4_000),
    signature: base64url(2_000),
    userHandle: base64url(200).nullish(),
  }),
});

const attestationSchema = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url(4_000),
    attestationObject: base64url(MAX_ATTESTATION_CHARS),
    transports: z.array(z.string().max(32)).max(10).nullish(),
  }),
});

/** Parses the browser's JSON text `text` of argument `field`: BAD_USER_INPUT when it is not a `what`. */
function parseJsonText<S extends z.ZodType>(schema: S, text: string, field: string, what: string, max: number) {
  if (text.length > max) throw new BadUserInputError(`"${field}" must be at most ${max} characters.`, field);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadUserInputError(`"${field}" must be JSON text: the browser's ${what}.`, field);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue?.path.length ? ` (at ${issue.path.map(String).join('.')})` : '';
    throw new BadUserInputError(`"${field}" is not a ${what}${at}: ${issue?.message ?? 'invalid'}.`, field);
  }
  return result.data as z.infer<S>;
}

/** The user handle of `userId`: its 16 bytes, never the email. */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));
}

/** What `login` adds to MFA_REQUIRED for a user with passkeys. */
export interface PasskeySignIn {
  /** The challenge to store on the sign-in (base64url). */
  challenge: string;
  /** PublicKeyCredentialRequestOptionsJSON, as JSON text. */
  requestOptions: string;
}

export class Passkeys {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #caller: Caller;
  readonly #audit: AuditLog;
  readonly #factors: SecondFactors;

  constructor(deps: { em: EntityManager; config: Config; caller: Caller; audit: AuditLog; factors: SecondFactors }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
    this.#factors = deps.factors;
  }

  /**
   * Starts registering a passkey for the caller: a challenge stored for five
   * minutes (replacing an unfinished registration) and the options for the
   * browser, which leave out the passkeys the caller already has.
   */
  async beginRegistration(
    label: string | null | undefined,
    proof?: SecondFactorProof | null,
  ): Promise<{ id: string; creationOptions: string; expiresAt: Date }> {
    const { userId } = requireUser(this.#caller);
    const name = (label ?? 'Passkey').trim();
    if (name === '' || name.length > 100) {
      throw new BadUserInputError('The label must be 1 to 100 characters.', 'label');
    }
    await this.#factors.requireFreshFactorToAdd(userId, proof);
    const { webauthn } = this.#config.auth;
    return this.#em.transactional(async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      const passkeys = await this.#passkeysOf(em, userId);
      if (passkeys.length >= MAX_PASSKEYS) {
        throw new InvalidStateTransitionError(
          `You have ${MAX_PASSKEYS} passkeys, the most there can be. Remove one (removeSecondFactor) first.`,
        );
      }
      await this.#forgetChallenges(em, userId, 'REGISTRATION');
      const options = await generateRegistrationOptions({
        rpName: webauthn.rpName,
        rpID: webauthn.rpId,
        userName: user.email,
        userID: userHandle(userId),
        userDisplayName: user.name,
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        excludeCredentials: passkeys.map((p) => ({
          id: p.credentialId as string,
          ...(p.transports ? { transports: p.transports } : {}),
        })),
        authenticatorSelection: {
          residentKey: 'preferred',
          userVerification: webauthn.requireUserVerification ? 'required' : 'preferred',
        },
        supportedAlgorithmIDs: ALGORITHMS,
      });
      const row = em.create(PasskeyChallenge, {
        id: randomUUID(),
        userId,
        purpose: 'REGISTRATION',
        challenge: options.challenge,
        label: name,
        expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
        usedAt: null,
      });
      return { id: row.id, creationOptions: JSON.stringify(options), expiresAt: row.expiresAt };
    });
  }

  /**
   * Turns the passkey of registration `id` on with the browser's answer
   * (RegistrationResponseJSON as JSON text). Audited SECOND_FACTOR_ADDED; the
   * caller's first second factor comes with ten new recovery codes.
   */
  async completeRegistration(
    id: string,
    responseText: string,
  ): Promise<{ factor: SecondFactor; recoveryCodes: string[] | null }> {
    const { userId } = requireUser(this.#caller);
    const registrationId = parseId(id, 'id');
    const response = parseJsonText(
      attestationSchema,
      responseText,
      'response',
      'RegistrationResponseJSON',
      MAX_ATTESTATION_CHARS,
    );
    const { webauthn } = this.#config.auth;
    try {
      return await this.#em.transactional(async (em) => {
        const pending = await em.findOne(
          PasskeyChallenge,
          { id: registrationId, userId, purpose: 'REGISTRATION', usedAt: null, expiresAt: { $gt: new Date() } },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (!pending) {
          throw new NotFoundError('Passkey registration', {
            hint: 'It may have expired or been finished already: start again with beginPasskeyRegistration.',
          });
        }
        let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
        try {
          verified = await verifyRegistrationResponse({
            response: {
              ...response,
              authenticatorAttachment: response.authenticatorAttachment ?? undefined,
              clientExtensionResults: response.clientExtensionResults ?? {},
              response: { ...response.response, transports: response.response.transports ?? undefined },
            } as RegistrationResponseJSON,
            expectedChallenge: pending.challenge,
            expectedOrigin: [...webauthn.origins],
            expectedRPID: webauthn.rpId,
            requireUserVerification: webauthn.requireUserVerification,
            supportedAlgorithmIDs: ALGORITHMS,
          });
        } catch {
          verified = { verified: false };
        }
        if (!verified.verified) {
          throw new BadUserInputError(
            'The passkey answer does not verify: it must answer this registration, from this site, with a valid attestation.',
            'response',
          );
        }
        const { credential } = verified.registrationInfo;
        if (credential.id.length > 1400 || (await em.count(SecondFactor, { credentialId: credential.id })) > 0) {
          throw new BadUserInputError('This passkey is already registered.', 'response');
        }
        const reported = response.response.transports ?? credential.transports ?? [];
        const transports = [...new Set(reported.filter((t) => TRANSPORTS.has(t)))];
        const first = !(await this.#factors.has(userId, em));
        pending.usedAt = new Date();
        const factor = em.create(SecondFactor, {
          id: randomUUID(),
          userId,
          kind: 'PASSKEY',
          status: 'ACTIVE',
          label: pending.label ?? 'Passkey',
          sealedSecret: null,
          lastUsedStep: null,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString('base64url'),
          signCount: credential.counter,
          transports,
          confirmedAt: new Date(),
          lastUsedAt: null,
        });
        const recoveryCodes = first ? await this.#factors.replaceRecoveryCodes(em, userId) : null;
        this.#audit.record(em, {
          type: 'SECOND_FACTOR_ADDED',
          userId,
          details: { kind: 'PASSKEY', factorId: factor.id, transports: transports.join(',') },
        });
        // A first factor only raises the account's assurance; another one is a change payments must notice.
        if (!first) recordSecurityChanged(em, userId, 'SECOND_FACTOR_ADDED');
        await em.flush();
        return { factor, recoveryCodes };
      });
    } catch (error) {
      // The same authenticator registered twice at once: one wins.
      if (error instanceof UniqueConstraintViolationException) {
        throw new BadUserInputError('This passkey is already registered.', 'response');
      }
      throw error;
    }
  }

  /**
   * A challenge for the caller's next operation that needs a fresh second
   * factor, with their passkeys: five minutes, used once, replacing earlier ones.
   */
  async beginChallenge(): Promise<{ requestOptions: string; expiresAt: Date }> {
    const { userId } = requireUser(this.#caller);
    return this.#em.transactional(async (em) => {
      const options = await this.#requestOptions(em, userId, CHALLENGE_TTL_MS);
      if (!options) {
        throw new InvalidStateTransitionError('You have no passkey: register one (beginPasskeyRegistration) first.');
      }
      await this.#forgetChallenges(em, userId, 'FRESH_FACTOR');
      const row = em.create(PasskeyChallenge, {
        id: randomUUID(),
        userId,
        purpose: 'FRESH_FACTOR',
        challenge: options.challenge,
        label: null,
        expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
        usedAt: null,
      });
      return { requestOptions: options.requestOptions, expiresAt: row.expiresAt };
    });
  }

  /** For `login`: the options and challenge of a sign-in of `userId`, or null when they have no passkey. */
  async signInOptions(userId: string): Promise<PasskeySignIn | null> {
    return this.#requestOptions(this.#em, userId, this.#config.auth.mfaChallengeTtlSeconds * 1000);
  }

  /**
   * Spends and returns the latest unexpired challenge `userId` got from
   * `beginChallenge`, in `em`'s transaction; null when there is none. Only
   * one request can spend it (the update is conditional).
   */
  readonly spendChallenge = async (em: EntityManager, userId: string): Promise<string | null> => {
    const row = await em.findOne(
      PasskeyChallenge,
      { userId, purpose: 'FRESH_FACTOR', usedAt: null, expiresAt: { $gt: new Date() } },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
    if (!row) return null;
    const spent = await em.nativeUpdate(PasskeyChallenge, { id: row.id, usedAt: null }, { usedAt: new Date() });
    return spent === 1 ? row.challenge : null;
  };

  /**
   * Checks a passkey's answer (AuthenticationResponseJSON as JSON text) of
   * `userId` for `expectedChallenge` (base64url, compared exactly), and moves
   * the passkey's counter and last use on. Null when the answer is wrong.
   */
  readonly verify = async (
    em: EntityManager,
    userId: string,
    responseText: string,
    expectedChallenge: string,
  ): Promise<VerifiedFactor | null> => {
    const field = 'proof.passkeyResponse';
    const response = parseJsonText(
      assertionSchema,
      responseText,
      field,
      'AuthenticationResponseJSON',
      MAX_ASSERTION_CHARS,
    );
    const factor = await em.findOne(SecondFactor, {
      userId,
      kind: 'PASSKEY',
      status: 'ACTIVE',
      credentialId: response.id,
    });
    if (!factor?.publicKey || !factor.credentialId) return null;
    const { webauthn } = this.#config.auth;
    let newCounter: number;
    try {
      const result = await verifyAuthenticationResponse({
        response: {
          ...response,
          authenticatorAttachment: response.authenticatorAttachment ?? undefined,
          clientExtensionResults: response.clientExtensionResults ?? {},
          response: { ...response.response, userHandle: response.response.userHandle ?? undefined },
        } as AuthenticationResponseJSON,
        expectedChallenge,
        expectedOrigin: [...webauthn.origins],
        expectedRPID: webauthn.rpId,
        // The counter is checked below, after the signature: only a genuine signature can raise the clone alarm.
        credential: {
          id: factor.credentialId,
          publicKey: new Uint8Array(Buffer.from(factor.publicKey, 'base64url')),
          counter: 0,
          ...(factor.transports ? { transports: factor.transports } : {}),
        },
        requireUserVerification: webauthn.requireUserVerification,
      });
      if (!result.verified) return null;
      newCounter = result.authenticationInfo.newCounter;
    } catch {
      return null;
    }
    const stored = factor.signCount ?? 0;
    if ((newCounter > 0 || stored > 0) && newCounter <= stored) {
      this.#audit.record(em, {
        type: 'PASSKEY_CLONE_SUSPECTED',
        userId,
        details: { factorId: factor.id, storedCounter: stored, presentedCounter: newCounter },
      });
      return null;
    }
    // Conditional on the counter read: of two requests racing with one answer, one wins.
    const moved = await em.nativeUpdate(
      SecondFactor,
      { id: factor.id, signCount: factor.signCount },
      { signCount: newCounter, lastUsedAt: new Date() },
    );
    return moved === 1 ? { method: 'hwk', factorId: factor.id, recoveryCode: false } : null;
  };

  async #passkeysOf(em: EntityManager, userId: string): Promise<SecondFactor[]> {
    return em.find(
      SecondFactor,
      { userId, kind: 'PASSKEY', status: 'ACTIVE' },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
  }

  /** Request options listing the passkeys of `userId`, with a new challenge; null when they have none. */
  async #requestOptions(em: EntityManager, userId: string, timeout: number): Promise<PasskeySignIn | null> {
    const passkeys = await this.#passkeysOf(em, userId);
    if (passkeys.length === 0) return null;
    const options = await generateAuthenticationOptions({
      rpID: this.#config.auth.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({
        id: p.credentialId as string,
        ...(p.transports ? { transports: p.transports } : {}),
      })),
      timeout,
      // A second factor after a password: presence is enough unless the bank asks for more.
      userVerification: this.#config.auth.webauthn.requireUserVerification ? 'required' : 'discouraged',
    });
    return { challenge: options.challenge, requestOptions: JSON.stringify(options) };
  }

  /** Drops the challenges of `userId` for `purpose` and any of theirs that are used or expired. */
  async #forgetChallenges(em: EntityManager, userId: string, purpose: PasskeyChallenge['purpose']): Promise<void> {
    await em.nativeDelete(PasskeyChallenge, {
      userId,
      $or: [{ purpose }, { usedAt: { $ne: null } }, { expiresAt: { $lte: new Date() } }],
    });
  }
}
