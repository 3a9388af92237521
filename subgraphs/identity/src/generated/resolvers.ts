import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { User as UserModel, AuditEvent as AuditEventModel, Session as SessionModel, SecondFactor as SecondFactorModel, DataExport as DataExportModel, FederatedIdentity as FederatedIdentityModel } from '../entities/index.ts';
import type { IdentityContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A point in time, as an ISO 8601 string in UTC (for example "2026-11-22T09:30:00.000Z"). */
  DateTime: { input: Date; output: Date; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A security-relevant event: sign-ups, sign-ins, failed sign-ins, refresh-token reuse, role changes. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** The user who caused it, when different from `userId` (for example the ADMIN who changed roles). */
  actorId?: Maybe<Scalars['ID']['output']>;
  /** Event details as JSON text (never secrets). */
  details: Scalars['String']['output'];
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** When it happened. */
  occurredAt: Scalars['DateTime']['output'];
  /** What happened, for example USER_REGISTERED, LOGIN_SUCCEEDED, LOGIN_FAILED, REFRESH_TOKEN_REUSED, ROLES_CHANGED. */
  type: Scalars['String']['output'];
  /** The user the event is about, when known. */
  userId?: Maybe<Scalars['ID']['output']>;
};

/** A page of audit events, newest first. */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The events of this page. */
  edges: Array<AuditEventEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
};

/** One audit event and its cursor. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque cursor: pass it as `after` to read the events after this one. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: AuditEvent;
};

/** The result of signing up, signing in or refreshing a session. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Short-lived access token (JWT). Send it as `Authorization: Bearer <token>`. */
  accessToken: Scalars['String']['output'];
  /** When the access token expires. */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque refresh token. Use it once with `refreshToken` to get a new pair; it is replaced on every use. */
  refreshToken: Scalars['String']['output'];
  /** The signed-in user. */
  user: User;
};

/** What a BANKER shows to business owners looking for a banker. */
export type BankerProfile = {
  __typename?: 'BankerProfile';
  /** Short introduction written by the banker. */
  bio?: Maybe<Scalars['String']['output']>;
  /** Bank or institution the banker works for. */
  institution: Scalars['String']['output'];
  /** Job title, for example "Senior Commercial Lender". */
  title?: Maybe<Scalars['String']['output']>;
};

/** The business a BUSINESS_OWNER runs. */
export type BusinessProfile = {
  __typename?: 'BusinessProfile';
  /** Legal or trading name of the business. */
  businessName: Scalars['String']['output'];
  /** Industry the business works in (free text, for example "Restaurants"). */
  industry?: Maybe<Scalars['String']['output']>;
  /** Company registration number. Visible only to the owner and to staff; null for everyone else. */
  registrationNumber?: Maybe<Scalars['String']['output']>;
};

/** Who may share a cached answer (Apollo's cache hints, identity's alone): PUBLIC, every signed-in caller; PRIVATE, the caller alone. */
export type CacheControlScope =
  | 'PRIVATE'
  | 'PUBLIC';

/** A staff user created by an ADMIN. */
export type CreateStaffUserInput = {
  /** Email address of the new staff member. */
  email: Scalars['String']['input'];
  /** Full name. */
  name: Scalars['String']['input'];
  /** Initial password (same rule as sign-up). */
  password: Scalars['String']['input'];
  /** RISK_OFFICER or ADMIN. */
  role: Role;
};

/** The result of an erasure: the user's personal data is gone from every subgraph; the records the bank must keep (the ledger, loans, the audit log) remain under an anonymous "Erased user". */
export type DataErasure = {
  __typename?: 'DataErasure';
  /** When the erasure happened. */
  erasedAt: Scalars['DateTime']['output'];
  /** The pseudonym that replaced the user's id in the audit log (a UUID unrelated to the user id). */
  pseudonym: Scalars['ID']['output'];
  /** The erased user's id. Records the bank keeps by law (accounts, the ledger, loans) still carry it, with no personal data behind it. */
  userId: Scalars['ID']['output'];
};

/** A copy of everything the bank holds about you (GDPR articles 15 and 20): one JSON archive with a manifest (when it was made, its format version, and for each subgraph's section its record counts and SHA-256), downloaded through the router with your access token. */
export type DataExport = {
  __typename?: 'DataExport';
  /** When it became READY or FAILED; null while PENDING. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** READY only: the router path that downloads the archive (GET, with `Authorization: Bearer <accessToken>`), for example "/data-export.json?id=..."; null otherwise. */
  downloadPath?: Maybe<Scalars['String']['output']>;
  /** FAILED only: why, and what to do. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** When you asked for it. */
  requestedAt: Scalars['DateTime']['output'];
  /** READY only: SHA-256 (hex) of the whole archive as downloaded. */
  sha256?: Maybe<Scalars['String']['output']>;
  /** READY only: the archive's size in bytes. */
  sizeBytes?: Maybe<Scalars['Int']['output']>;
  /** PENDING, READY or FAILED. */
  status: DataExportStatus;
};

/** Where a data export stands. */
export type DataExportStatus =
  /** Could not be assembled (`failureReason` says why); ask for a new one. */
  | 'FAILED'
  /** Being assembled from every subgraph. */
  | 'PENDING'
  /** Assembled: download it from the router (`downloadPath`). */
  | 'READY';

/** An identity provider (OpenID Connect) users can sign in with, instead of a password. */
export type IdentityProvider = {
  __typename?: 'IdentityProvider';
  /** Name to pass to `beginIdentityProviderSignIn` and `beginIdentityProviderLink`, for example "google". */
  name: Scalars['String']['output'];
};

/** A started sign-in at an identity provider: send the user's browser to `authorizationUrl`; the provider sends it back to the bank's redirect URI, and that full URL completes the sign-in. */
export type IdentityProviderRedirect = {
  __typename?: 'IdentityProviderRedirect';
  /** The provider's authorization URL (authorization code flow with PKCE) to open in the user's browser. */
  authorizationUrl: Scalars['String']['output'];
  /** When this attempt expires; after it, start again. */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque id of this attempt. Pass it, with the URL the provider redirected back to, to `completeIdentityProviderSignIn` (or `completeIdentityProviderLink`). Works once. */
  signInId: Scalars['ID']['output'];
};

/** A user's account at an identity provider, linked to their bank user. */
export type LinkedIdentityProvider = {
  __typename?: 'LinkedIdentityProvider';
  /** Email the provider reported at the last sign-in, if it shared one. Informational: sign-in matches the provider's account id, never the email. */
  email?: Maybe<Scalars['String']['output']>;
  /** The last sign-in with this account; null when never used to sign in. */
  lastSignInAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the account was linked. */
  linkedAt: Scalars['DateTime']['output'];
  /** Name of the identity provider. */
  provider: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Signed in: starts linking an identity provider account to the signed-in user, so that they can sign in with it. */
  beginIdentityProviderLink: IdentityProviderRedirect;
  /** Starts signing in with an identity provider: returns the URL to send the user's browser to. No sign-in needed. */
  beginIdentityProviderSignIn: IdentityProviderRedirect;
  /** A passkey challenge for the caller's next `removeSecondFactor` or `regenerateRecoveryCodes` (valid five minutes, used once). */
  beginPasskeyChallenge: PasskeyChallenge;
  /** Starts registering a passkey for the caller: returns the options for the browser. Nothing changes until `completePasskeyRegistration`; a new registration replaces an unfinished one. */
  beginPasskeyRegistration: PasskeyRegistration;
  /** Starts turning on an authenticator app: returns its secret and QR code. Nothing changes until `confirmTotpEnrollment`. */
  beginTotpEnrollment: TotpEnrollment;
  /** Changes the caller's password and ends every other session. A wrong current password counts toward the sign-in lock. */
  changePassword: Scalars['Boolean']['output'];
  /** Signed in, as the user who started the link: completes it. Refused when the provider account is already linked to a bank user. */
  completeIdentityProviderLink: LinkedIdentityProvider;
  /** Completes a sign-in started with `beginIdentityProviderSignIn`. The first sign-in of a provider account creates a CUSTOMER (unless the bank turned that off); an existing bank user with the same email is never taken over: they sign in with their password and use `beginIdentityProviderLink`. The provider must report the email as verified. */
  completeIdentityProviderSignIn: AuthPayload;
  /** Second step of a sign-in that answered MFA_REQUIRED: the challenge id it gave and a second factor. When the user has passkeys, the error's `passkeyRequestOptions` (JSON text) are for `navigator.credentials.get`. Wrong answers count toward the sign-in lock. */
  completeLogin: AuthPayload;
  /** Turns the passkey on with the browser's answer to `beginPasskeyRegistration` (attestation `none` is enough). The caller's first second factor comes with ten recovery codes. */
  completePasskeyRegistration: PasskeyAdded;
  /** Confirms a payment that answered STEP_UP_REQUIRED with a fresh second factor (a passkey signs the challenge id itself as its WebAuthn challenge). Wrong answers count toward the sign-in lock. */
  confirmStepUp: StepUpConfirmation;
  /** Turns the authenticator app on with a code it shows, and returns ten single-use recovery codes. They are shown once; earlier unused ones stop working. */
  confirmTotpEnrollment: Array<Scalars['String']['output']>;
  /** ADMIN only: creates a RISK_OFFICER or ADMIN. */
  createStaffUser: User;
  /** Signs in. The same error answers an unknown email and a wrong password; repeated failures lock sign-in for that email for a while. */
  login: AuthPayload;
  /** Ends the session the refresh token belongs to. Returns false when the token was unknown or already ended. */
  logout: Scalars['Boolean']['output'];
  /** Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used one again ends the whole session family. */
  refreshToken: AuthPayload;
  /** Replaces the caller's recovery codes with ten new ones, after a fresh second factor. */
  regenerateRecoveryCodes: Array<Scalars['String']['output']>;
  /** Signs up a CUSTOMER, BUSINESS_OWNER or BANKER and signs them in. */
  register: AuthPayload;
  /** Turns one of the caller's second factors off, after a fresh second factor, and ends every other session. */
  removeSecondFactor: Scalars['Boolean']['output'];
  /** Collects everything the bank holds about you, from every subgraph, into one JSON archive (GDPR articles 15 and 20) and returns the export: READY with its `downloadPath`, or FAILED with the reason. At most 5 per 24 hours (RATE_LIMITED beyond). */
  requestDataExport: DataExport;
  /** Erases your personal data in every subgraph (GDPR article 17); an ADMIN may name another user. Refused with INVALID_STATE_TRANSITION (`reason`: ACCOUNT_HAS_BALANCE, PENDING_HOLDS, OPEN_LOAN, LOAN_PAYOUT_IN_PROGRESS; nothing changed) while an account holds money or pending holds, or a loan is open. Afterwards the user cannot sign in; access tokens already issued stop working when they expire (15 minutes at most). */
  requestErasure: DataErasure;
  /** Ends every session of the caller except the one this request's access token belongs to. Returns how many ended. */
  revokeAllOtherSessions: Scalars['Int']['output'];
  /** Ends one of the caller's sessions (its refresh token stops working; its access tokens lapse within their lifetime). False when it had already ended. */
  revokeSession: Scalars['Boolean']['output'];
  /** ADMIN only: replaces a user's roles. Takes effect on the user's next token refresh. */
  setUserRoles: User;
};


export type MutationBeginIdentityProviderLinkArgs = {
  provider: Scalars['String']['input'];
};


export type MutationBeginIdentityProviderSignInArgs = {
  provider: Scalars['String']['input'];
};


export type MutationBeginPasskeyRegistrationArgs = {
  label?: InputMaybe<Scalars['String']['input']>;
  proof?: InputMaybe<SecondFactorProof>;
};


export type MutationBeginTotpEnrollmentArgs = {
  label?: InputMaybe<Scalars['String']['input']>;
  proof?: InputMaybe<SecondFactorProof>;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCompleteIdentityProviderLinkArgs = {
  callbackUrl: Scalars['String']['input'];
  signInId: Scalars['ID']['input'];
};


export type MutationCompleteIdentityProviderSignInArgs = {
  callbackUrl: Scalars['String']['input'];
  signInId: Scalars['ID']['input'];
};


export type MutationCompleteLoginArgs = {
  challengeId: Scalars['ID']['input'];
  proof: SecondFactorProof;
};


export type MutationCompletePasskeyRegistrationArgs = {
  id: Scalars['ID']['input'];
  response: Scalars['String']['input'];
};


export type MutationConfirmStepUpArgs = {
  challengeId: Scalars['String']['input'];
  proof: SecondFactorProof;
};


export type MutationConfirmTotpEnrollmentArgs = {
  code: Scalars['String']['input'];
};


export type MutationCreateStaffUserArgs = {
  input: CreateStaffUserInput;
};


export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationLogoutArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRefreshTokenArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRegenerateRecoveryCodesArgs = {
  proof: SecondFactorProof;
};


export type MutationRegisterArgs = {
  input: RegisterInput;
};


export type MutationRemoveSecondFactorArgs = {
  id: Scalars['ID']['input'];
  proof: SecondFactorProof;
};


export type MutationRequestErasureArgs = {
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetUserRolesArgs = {
  input: SetUserRolesInput;
};

/** Relay pagination state. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item of this page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A passkey that was just turned on. */
export type PasskeyAdded = {
  __typename?: 'PasskeyAdded';
  /** The new passkey, as `me { secondFactors }` lists it. */
  factor: SecondFactor;
  /** When the passkey is the user's first second factor: ten single-use recovery codes, shown once. Null otherwise: the recovery codes the user has keep working. */
  recoveryCodes?: Maybe<Array<Scalars['String']['output']>>;
};

/** A passkey challenge for an operation that needs a fresh second factor (`removeSecondFactor`, `regenerateRecoveryCodes`). */
export type PasskeyChallenge = {
  __typename?: 'PasskeyChallenge';
  /** When the challenge stops being accepted (five minutes after it was given). It is used once; a newer one replaces it. */
  expiresAt: Scalars['DateTime']['output'];
  /** The PublicKeyCredentialRequestOptionsJSON, as JSON text, listing the user's passkeys: parse it and pass it to `navigator.credentials.get`; its answer is the proof's `passkeyResponse`. */
  requestOptions: Scalars['String']['output'];
};

/** A passkey being registered: give `creationOptions` to the browser, then its answer to `completePasskeyRegistration`. */
export type PasskeyRegistration = {
  __typename?: 'PasskeyRegistration';
  /** The PublicKeyCredentialCreationOptionsJSON, as JSON text: parse it and pass it to `navigator.credentials.create` (for example with @simplewebauthn/browser's `startRegistration`). It leaves out the passkeys already registered. */
  creationOptions: Scalars['String']['output'];
  /** When the registration stops being accepted (five minutes after it began). */
  expiresAt: Scalars['DateTime']['output'];
  /** The registration's id (UUID); `completePasskeyRegistration` takes it. */
  id: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** ADMIN only: the audit log, newest first. */
  auditEvents: AuditEventConnection;
  /** One of your data exports; NOT_FOUND when it does not exist or is not yours. */
  dataExport?: Maybe<DataExport>;
  /** Your data exports, newest first (at most 50). */
  dataExports: Array<DataExport>;
  /** The identity providers users can sign in with; empty when the feature is off. */
  identityProviders: Array<IdentityProvider>;
  /** The signed-in user, or null when the request carries no access token. */
  me?: Maybe<User>;
  /** The identity provider accounts linked to the signed-in user. */
  myLinkedIdentityProviders: Array<LinkedIdentityProvider>;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryDataExportArgs = {
  id: Scalars['ID']['input'];
};

/** Sign-up details. Passwords must be 12 to 128 characters long and must not contain the email address. */
export type RegisterInput = {
  /** BANKER only: short introduction, at most 2,000 characters. */
  bio?: InputMaybe<Scalars['String']['input']>;
  /** BUSINESS_OWNER only, and required for it: name of the business. */
  businessName?: InputMaybe<Scalars['String']['input']>;
  /** Email address; used to sign in. Case-insensitive. */
  email: Scalars['String']['input'];
  /** BUSINESS_OWNER only: industry of the business. */
  industry?: InputMaybe<Scalars['String']['input']>;
  /** BANKER only, and required for it: the banker's institution. */
  institution?: InputMaybe<Scalars['String']['input']>;
  /** Full name, 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** Password: 12 to 128 characters, not containing the email address. */
  password: Scalars['String']['input'];
  /** BUSINESS_OWNER only: company registration number. */
  registrationNumber?: InputMaybe<Scalars['String']['input']>;
  /** CUSTOMER, BUSINESS_OWNER or BANKER. Staff roles are created by an ADMIN with `createStaffUser`. */
  role: Role;
  /** BANKER only: job title. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** What a user may do in the bank. A user holds one or more roles. */
export type Role =
  /** Staff: creates staff users, freezes accounts, reads the audit log. Created by an ADMIN only. */
  | 'ADMIN'
  /** Offers loans, chats with business owners and makes the commercial review of applications. */
  | 'BANKER'
  /** Owns a business: everything a customer does, plus loan applications and chat with bankers. */
  | 'BUSINESS_OWNER'
  /** A retail customer: accounts, payments, bills. */
  | 'CUSTOMER'
  /** Staff: makes the final decision on loan applications. Created by an ADMIN only. */
  | 'RISK_OFFICER';

/** A second factor that is on. */
export type SecondFactor = {
  __typename?: 'SecondFactor';
  /** When it was turned on. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (UUID); `removeSecondFactor` takes it. */
  id: Scalars['ID']['output'];
  /** What kind of factor it is. */
  kind: SecondFactorKind;
  /** The user's name for it, for example "Authenticator app" or "YubiKey". */
  label: Scalars['String']['output'];
  /** When it last answered a sign-in or a payment; null when never. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Kinds of second factor. */
export type SecondFactorKind =
  /** A passkey (WebAuthn): a platform or roaming authenticator. */
  | 'PASSKEY'
  /** An authenticator app (TOTP, RFC 6238: 6 digits every 30 seconds). */
  | 'TOTP';

/** A proof of a second factor: exactly one of `code` and `passkeyResponse`. */
export type SecondFactorProof = {
  /** A 6-digit code from the authenticator app, or an unused recovery code (any case, with or without dashes). */
  code?: InputMaybe<Scalars['String']['input']>;
  /** A passkey's answer to the challenge the bank gave (the browser's AuthenticationResponseJSON, as JSON text, at most 16,000 characters): at sign-in, the MFA_REQUIRED error's `passkeyRequestOptions`; before removing a factor or replacing recovery codes, `beginPasskeyChallenge`'s. */
  passkeyResponse?: InputMaybe<Scalars['String']['input']>;
};

/** A signed-in session: one device's sign-in and its refreshes until it ends. */
export type Session = {
  __typename?: 'Session';
  /** Assurance level: aal2 with two factors, aal1 with one. */
  assurance: Scalars['String']['output'];
  /** How the user authenticated, as RFC 8176 methods: pwd (password), fed (identity provider), otp (authenticator app or recovery code), hwk (passkey), mfa (two factors). */
  authenticationMethods: Array<Scalars['String']['output']>;
  /** When the user signed in. */
  createdAt: Scalars['DateTime']['output'];
  /** True for the session of the access token this request carries. */
  current: Scalars['Boolean']['output'];
  /** The device, as its browser or app named itself (User-Agent) at sign-in; null when it sent none. */
  device?: Maybe<Scalars['String']['output']>;
  /** Stable identifier (UUID); `revokeSession` takes it. */
  id: Scalars['ID']['output'];
  /** The last sign-in or token refresh of this session. */
  lastUsedAt: Scalars['DateTime']['output'];
};

/** A change of a user's roles by an ADMIN. */
export type SetUserRolesInput = {
  /** The complete new set of roles (at least one). */
  roles: Array<Role>;
  /** The user whose roles change. */
  userId: Scalars['ID']['input'];
};

/** A payment's confirmation: send `proof` as `stepUpProof` with the same payment and idempotency key. */
export type StepUpConfirmation = {
  __typename?: 'StepUpConfirmation';
  /** When the proof stops working (STEP_UP_PROOF_TTL_SECONDS, 300 by default). */
  expiresAt: Scalars['DateTime']['output'];
  /** Signed proof that you confirmed this payment's challenge; good for that payment alone. */
  proof: Scalars['String']['output'];
};

/** An authenticator app being turned on: scan the QR code (or type the secret), then confirm with a code. */
export type TotpEnrollment = {
  __typename?: 'TotpEnrollment';
  /** The factor being enrolled (UUID). */
  factorId: Scalars['ID']['output'];
  /** The otpauth:// URI the QR code holds. */
  otpauthUri: Scalars['String']['output'];
  /** The URI as a QR code: a PNG image as a data: URL, ready for an <img src>. */
  qrCodeDataUrl: Scalars['String']['output'];
  /** The shared secret, base32, for typing into the app by hand. */
  secret: Scalars['String']['output'];
};

/** A person who uses the bank. */
export type User = {
  __typename?: 'User';
  /** Public profile of a BANKER; null for other users. */
  bankerProfile?: Maybe<BankerProfile>;
  /** The business of a BUSINESS_OWNER; null for other users. */
  businessProfile?: Maybe<BusinessProfile>;
  /** When the user signed up. */
  createdAt: Scalars['DateTime']['output'];
  /** Sign-in email. Visible only to the user themself and to staff (RISK_OFFICER, ADMIN); null for everyone else. */
  email?: Maybe<Scalars['String']['output']>;
  /** When the user's personal data was erased at their request (`requestErasure`); null otherwise. An erased user is shown as "Erased user", with no email or profile. */
  erasedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Stable identifier (UUID). */
  id: Scalars['ID']['output'];
  /** Full name as given at sign-up. */
  name: Scalars['String']['output'];
  /** How many unused recovery codes the user has. Only for the user themself; null for everyone else. */
  recoveryCodesLeft?: Maybe<Scalars['Int']['output']>;
  /** The user's roles. */
  roles: Array<Role>;
  /** The user's second factors (authenticator apps, passkeys). Only for the user themself; null for everyone else. */
  secondFactors?: Maybe<Array<SecondFactor>>;
  /** The user's live sessions, most recently used first. Only for the user themself; null for everyone else. */
  sessions?: Maybe<Array<Session>>;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AuditEvent: ResolverTypeWrapper<AuditEventModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  AuthPayload: ResolverTypeWrapper<Omit<AuthPayload, 'user'> & { user: ResolversTypes['User'] }>;
  BankerProfile: ResolverTypeWrapper<BankerProfile>;
  BusinessProfile: ResolverTypeWrapper<BusinessProfile>;
  CacheControlScope: CacheControlScope;
  CreateStaffUserInput: CreateStaffUserInput;
  DataErasure: ResolverTypeWrapper<DataErasure>;
  DataExport: ResolverTypeWrapper<DataExportModel>;
  DataExportStatus: DataExportStatus;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  IdentityProvider: ResolverTypeWrapper<IdentityProvider>;
  IdentityProviderRedirect: ResolverTypeWrapper<IdentityProviderRedirect>;
  LinkedIdentityProvider: ResolverTypeWrapper<FederatedIdentityModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PasskeyAdded: ResolverTypeWrapper<Omit<PasskeyAdded, 'factor'> & { factor: ResolversTypes['SecondFactor'] }>;
  PasskeyChallenge: ResolverTypeWrapper<PasskeyChallenge>;
  PasskeyRegistration: ResolverTypeWrapper<PasskeyRegistration>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterInput: RegisterInput;
  Role: Role;
  SecondFactor: ResolverTypeWrapper<SecondFactorModel>;
  SecondFactorKind: SecondFactorKind;
  SecondFactorProof: SecondFactorProof;
  Session: ResolverTypeWrapper<SessionModel>;
  SetUserRolesInput: SetUserRolesInput;
  StepUpConfirmation: ResolverTypeWrapper<StepUpConfirmation>;
  TotpEnrollment: ResolverTypeWrapper<TotpEnrollment>;
  User: ResolverTypeWrapper<UserModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AuditEvent: AuditEventModel;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  AuthPayload: Omit<AuthPayload, 'user'> & { user: ResolversParentTypes['User'] };
  BankerProfile: BankerProfile;
  BusinessProfile: BusinessProfile;
  CreateStaffUserInput: CreateStaffUserInput;
  DataErasure: DataErasure;
  DataExport: DataExportModel;
  DateTime: Scalars['DateTime']['output'];
  IdentityProvider: IdentityProvider;
  IdentityProviderRedirect: IdentityProviderRedirect;
  LinkedIdentityProvider: FederatedIdentityModel;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PasskeyAdded: Omit<PasskeyAdded, 'factor'> & { factor: ResolversParentTypes['SecondFactor'] };
  PasskeyChallenge: PasskeyChallenge;
  PasskeyRegistration: PasskeyRegistration;
  Query: Record<PropertyKey, never>;
  RegisterInput: RegisterInput;
  SecondFactor: SecondFactorModel;
  SecondFactorProof: SecondFactorProof;
  Session: SessionModel;
  SetUserRolesInput: SetUserRolesInput;
  StepUpConfirmation: StepUpConfirmation;
  TotpEnrollment: TotpEnrollment;
  User: UserModel;
  Boolean: Scalars['Boolean']['output'];
  Int: Scalars['Int']['output'];
}>;

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = IdentityContext, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AuditEventResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = ResolversObject<{
  actorId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  details?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  userId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
}>;

export type AuditEventConnectionResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AuditEventEdgeResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
}>;

export type AuthPayloadResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = ResolversObject<{
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type BankerProfileResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['BankerProfile'] = ResolversParentTypes['BankerProfile']> = ResolversObject<{
  bio?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  institution?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type BusinessProfileResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['BusinessProfile'] = ResolversParentTypes['BusinessProfile']> = ResolversObject<{
  businessName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  industry?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registrationNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type DataErasureResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['DataErasure'] = ResolversParentTypes['DataErasure']> = ResolversObject<{
  erasedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  pseudonym?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type DataExportResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['DataExport'] = ResolversParentTypes['DataExport']> = ResolversObject<{
  completedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  downloadPath?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  requestedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  sha256?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sizeBytes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['DataExportStatus'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type IdentityProviderResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['IdentityProvider'] = ResolversParentTypes['IdentityProvider']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type IdentityProviderRedirectResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['IdentityProviderRedirect'] = ResolversParentTypes['IdentityProviderRedirect']> = ResolversObject<{
  authorizationUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  signInId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type LinkedIdentityProviderResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['LinkedIdentityProvider'] = ResolversParentTypes['LinkedIdentityProvider']> = ResolversObject<{
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastSignInAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  linkedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  beginIdentityProviderLink?: Resolver<ResolversTypes['IdentityProviderRedirect'], ParentType, ContextType, RequireFields<MutationBeginIdentityProviderLinkArgs, 'provider'>>;
  beginIdentityProviderSignIn?: Resolver<ResolversTypes['IdentityProviderRedirect'], ParentType, ContextType, RequireFields<MutationBeginIdentityProviderSignInArgs, 'provider'>>;
  beginPasskeyChallenge?: Resolver<ResolversTypes['PasskeyChallenge'], ParentType, ContextType>;
  beginPasskeyRegistration?: Resolver<ResolversTypes['PasskeyRegistration'], ParentType, ContextType, Partial<MutationBeginPasskeyRegistrationArgs>>;
  beginTotpEnrollment?: Resolver<ResolversTypes['TotpEnrollment'], ParentType, ContextType, Partial<MutationBeginTotpEnrollmentArgs>>;
  changePassword?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'currentPassword' | 'newPassword'>>;
  completeIdentityProviderLink?: Resolver<ResolversTypes['LinkedIdentityProvider'], ParentType, ContextType, RequireFields<MutationCompleteIdentityProviderLinkArgs, 'callbackUrl' | 'signInId'>>;
  completeIdentityProviderSignIn?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationCompleteIdentityProviderSignInArgs, 'callbackUrl' | 'signInId'>>;
  completeLogin?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationCompleteLoginArgs, 'challengeId' | 'proof'>>;
  completePasskeyRegistration?: Resolver<ResolversTypes['PasskeyAdded'], ParentType, ContextType, RequireFields<MutationCompletePasskeyRegistrationArgs, 'id' | 'response'>>;
  confirmStepUp?: Resolver<ResolversTypes['StepUpConfirmation'], ParentType, ContextType, RequireFields<MutationConfirmStepUpArgs, 'challengeId' | 'proof'>>;
  confirmTotpEnrollment?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType, RequireFields<MutationConfirmTotpEnrollmentArgs, 'code'>>;
  createStaffUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationCreateStaffUserArgs, 'input'>>;
  login?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLoginArgs, 'email' | 'password'>>;
  logout?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationLogoutArgs, 'refreshToken'>>;
  refreshToken?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRefreshTokenArgs, 'refreshToken'>>;
  regenerateRecoveryCodes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType, RequireFields<MutationRegenerateRecoveryCodesArgs, 'proof'>>;
  register?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRegisterArgs, 'input'>>;
  removeSecondFactor?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRemoveSecondFactorArgs, 'id' | 'proof'>>;
  requestDataExport?: Resolver<ResolversTypes['DataExport'], ParentType, ContextType>;
  requestErasure?: Resolver<ResolversTypes['DataErasure'], ParentType, ContextType, Partial<MutationRequestErasureArgs>>;
  revokeAllOtherSessions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  revokeSession?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRevokeSessionArgs, 'id'>>;
  setUserRoles?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationSetUserRolesArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PasskeyAddedResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['PasskeyAdded'] = ResolversParentTypes['PasskeyAdded']> = ResolversObject<{
  factor?: Resolver<ResolversTypes['SecondFactor'], ParentType, ContextType>;
  recoveryCodes?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
}>;

export type PasskeyChallengeResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['PasskeyChallenge'] = ResolversParentTypes['PasskeyChallenge']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  requestOptions?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PasskeyRegistrationResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['PasskeyRegistration'] = ResolversParentTypes['PasskeyRegistration']> = ResolversObject<{
  creationOptions?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  auditEvents?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, RequireFields<QueryAuditEventsArgs, 'first'>>;
  dataExport?: Resolver<Maybe<ResolversTypes['DataExport']>, ParentType, ContextType, RequireFields<QueryDataExportArgs, 'id'>>;
  dataExports?: Resolver<Array<ResolversTypes['DataExport']>, ParentType, ContextType>;
  identityProviders?: Resolver<Array<ResolversTypes['IdentityProvider']>, ParentType, ContextType>;
  me?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  myLinkedIdentityProviders?: Resolver<Array<ResolversTypes['LinkedIdentityProvider']>, ParentType, ContextType>;
}>;

export type SecondFactorResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['SecondFactor'] = ResolversParentTypes['SecondFactor']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['SecondFactorKind'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
}>;

export type SessionResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['Session'] = ResolversParentTypes['Session']> = ResolversObject<{
  assurance?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  authenticationMethods?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  current?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  device?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastUsedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type StepUpConfirmationResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['StepUpConfirmation'] = ResolversParentTypes['StepUpConfirmation']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  proof?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type TotpEnrollmentResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['TotpEnrollment'] = ResolversParentTypes['TotpEnrollment']> = ResolversObject<{
  factorId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  otpauthUri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  qrCodeDataUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = IdentityContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  bankerProfile?: Resolver<Maybe<ResolversTypes['BankerProfile']>, ParentType, ContextType>;
  businessProfile?: Resolver<Maybe<ResolversTypes['BusinessProfile']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  erasedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recoveryCodesLeft?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['Role']>, ParentType, ContextType>;
  secondFactors?: Resolver<Maybe<Array<ResolversTypes['SecondFactor']>>, ParentType, ContextType>;
  sessions?: Resolver<Maybe<Array<ResolversTypes['Session']>>, ParentType, ContextType>;
}>;

export type Resolvers<ContextType = IdentityContext> = ResolversObject<{
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  BankerProfile?: BankerProfileResolvers<ContextType>;
  BusinessProfile?: BusinessProfileResolvers<ContextType>;
  DataErasure?: DataErasureResolvers<ContextType>;
  DataExport?: DataExportResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  IdentityProvider?: IdentityProviderResolvers<ContextType>;
  IdentityProviderRedirect?: IdentityProviderRedirectResolvers<ContextType>;
  LinkedIdentityProvider?: LinkedIdentityProviderResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PasskeyAdded?: PasskeyAddedResolvers<ContextType>;
  PasskeyChallenge?: PasskeyChallengeResolvers<ContextType>;
  PasskeyRegistration?: PasskeyRegistrationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SecondFactor?: SecondFactorResolvers<ContextType>;
  Session?: SessionResolvers<ContextType>;
  StepUpConfirmation?: StepUpConfirmationResolvers<ContextType>;
  TotpEnrollment?: TotpEnrollmentResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = IdentityContext> = ResolversObject<{
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
}>;
