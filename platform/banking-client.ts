/**
 * What the billing and lending sagas ask of banking, as internal services:
 * read a customer's account before a saga starts, then reserve (a hold),
 * post or void. Every step is idempotent on banking's side (a hold is keyed
 * by its idempotency key per service; posting or voiding twice returns the
 * same transaction), so a saga that does not know whether a step happened
 * repeats it.
 *
 * The interface lets tests wrap the real client to inject failures between
 * steps; the implementation calls banking over HTTP.
 */
import type { ServiceName } from './caller.ts';
import type { Config } from './config.ts';
import { createServiceClient, isDefiniteRefusal, ServiceCallError, type ServiceRequest } from './service-client.ts';
import { BadUserInputError, BankError, ErrorCode, NotFoundError } from './errors.ts';

/** A customer account as a service sees it. */
export interface BankAccountView {
  id: string;
  type: 'CHECKING' | 'SAVINGS' | 'BUSINESS';
  status: 'ACTIVE' | 'FROZEN' | 'CLOSED';
  currency: string;
  ownerId: string;
}

/** A hold (pending transfer) and where it stands. */
export interface HoldView {
  id: string;
  status: 'PENDING' | 'POSTED' | 'VOIDED';
  amount: string;
  currency: string;
}

/** The bank's own accounts a hold can use (see banking's `SystemAccount`). */
export type SystemAccount = 'LOANS' | 'BILL_SETTLEMENT';

/**
 * Who besides the account's owner and ADMINs may view where a payout went
 * (LOAN_DISBURSEMENT only): banking shows them the account's identifying
 * fields and the hold, never the account's money.
 */
export interface HoldViewers {
  /** Users who may view (the loan application's banker). */
  userIds: string[];
  /** Roles whose every member may view. */
  roles: 'RISK_OFFICER'[];
  /** What it is for, kept with the grant (the loan application's id). */
  reference: string;
}

/** A hold between one customer account and one system account. */
export interface CreateHoldRequest {
  /** The customer account the money leaves, or the system account it leaves. */
  from: { accountId: string } | { system: SystemAccount };
  /** The customer account the money enters, or the system account it enters. */
  to: { accountId: string } | { system: SystemAccount };
  /** The customer whose account takes part: banking checks it is theirs. */
  customerId: string;
  amount: string;
  kind: 'BILL_PAYMENT' | 'LOAN_DISBURSEMENT' | 'LOAN_REPAYMENT';
  /** Unique per saga step: repeating the step returns the same hold. */
  idempotencyKey: string;
  description?: string;
  /** Recorded with the hold, once (a repeat of the step records nothing more). */
  viewers?: HoldViewers;
}

export interface BankingClient {
  /** The account, or null when it does not exist. */
  account(id: string): Promise<BankAccountView | null>;
  createHold(request: CreateHoldRequest): Promise<HoldView>;
  postHold(holdId: string): Promise<HoldView>;
  voidHold(holdId: string): Promise<HoldView>;
}

const HOLD_FIELDS = 'id status amount { amount currency }';

interface RawHold {
  id: string;
  status: HoldView['status'];
  amount: { amount: string; currency: string };
}

const toHold = (raw: RawHold): HoldView => ({
  id: raw.id,
  status: raw.status,
  amount: raw.amount.amount,
  currency: raw.amount.currency,
});

const clients = new WeakMap<Config, Map<ServiceName, BankingClient>>();

/**
 * The banking client of `service` for a configuration (banking's URL, the
 * service signing key), built once per process and shared by its requests
 * and background jobs.
 */
export function bankingClientFor(config: Config, service: ServiceName): BankingClient {
  let byService = clients.get(config);
  if (!byService) clients.set(config, (byService = new Map()));
  let client = byService.get(service);
  if (!client) {
    const privateKey = config.keys.serviceSigningPrivateKey;
    if (!privateKey) throw new Error(`${service} needs SERVICE_SIGNING_PRIVATE_KEY to call banking`);
    client = createBankingClient({ url: config.router.subgraphUrls.banking, service, privateKey });
    byService.set(service, client);
  }
  return client;
}

/** The banking client over HTTP, signed as `service`. */
export function createBankingClient(options: {
  url: string;
  service: ServiceName;
  privateKey: string;
  timeoutMs?: number;
}): BankingClient {
  const request: ServiceRequest = createServiceClient(options);
  return {
    async account(id) {
      try {
        const data = await request<{
          account: (Omit<BankAccountView, 'ownerId'> & { owner: { id: string } }) | null;
        }>(`query ($id: ID!) { account(id: $id) { id type status currency owner { id } } }`, { id });
        if (!data.account) return null;
        const { owner, ...account } = data.account;
        return { ...account, ownerId: owner.id };
      } catch (error) {
        if (error instanceof ServiceCallError && error.code === ErrorCode.NOT_FOUND) return null;
        throw error;
      }
    },
    async createHold(hold) {
      const input = {
        ...('accountId' in hold.from ? { fromAccountId: hold.from.accountId } : { fromSystem: hold.from.system }),
        ...('accountId' in hold.to ? { toAccountId: hold.to.accountId } : { toSystem: hold.to.system }),
        customerId: hold.customerId,
        amount: hold.amount,
        kind: hold.kind,
        idempotencyKey: hold.idempotencyKey,
        description: hold.description ?? null,
        ...(hold.viewers ? { viewers: hold.viewers } : {}),
      };
      const data = await request<{ createHold: RawHold }>(
        `mutation ($input: CreateHoldInput!) { createHold(input: $input) { ${HOLD_FIELDS} } }`,
        { input },
      );
      return toHold(data.createHold);
    },
    async postHold(id) {
      const data = await request<{ postHold: RawHold }>(
        `mutation ($id: ID!) { postHold(id: $id) { ${HOLD_FIELDS} } }`,
        { id },
      );
      return toHold(data.postHold);
    },
    async voidHold(id) {
      const data = await request<{ voidHold: RawHold }>(
        `mutation ($id: ID!) { voidHold(id: $id) { ${HOLD_FIELDS} } }`,
        { id },
      );
      return toHold(data.voidHold);
    },
  };
}

/**
 * Voids a hold, the compensation of a saga; says POSTED instead when it had
 * already been posted (the money moved, so the saga must finish, not undo).
 * Other failures propagate.
 */
export async function voidUnlessPosted(banking: BankingClient, holdId: string): Promise<'VOIDED' | 'POSTED'> {
  try {
    await banking.voidHold(holdId);
    return 'VOIDED';
  } catch (error) {
    if (
      isDefiniteRefusal(error) &&
      error.code === ErrorCode.INVALID_STATE_TRANSITION &&
      error.extensions.status === 'POSTED'
    ) {
      return 'POSTED';
    }
    throw error;
  }
}

/**
 * Checks, through banking, that an account a customer names for a saga is
 * theirs, in `currency`, ACTIVE (and of an allowed type), before anything is
 * written: NOT_FOUND, BAD_USER_INPUT, CURRENCY_MISMATCH or ACCOUNT_NOT_ACTIVE
 * on `field` otherwise. Banking checks the owner again when the hold is made.
 */
export async function requireCustomerAccount(
  banking: BankingClient,
  id: string,
  rule: { field: string; ownerId: string; currency: string; types?: readonly string[] },
): Promise<BankAccountView> {
  const { field } = rule;
  let account: BankAccountView | null;
  try {
    account = await banking.account(id);
  } catch (error) {
    if (error instanceof ServiceCallError && error.transient) {
      throw new BankError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'The bank cannot reach account services right now; nothing was done. Try again in a moment.',
      );
    }
    throw error;
  }
  if (!account || account.ownerId !== rule.ownerId) throw new NotFoundError('Account', { field });
  if (rule.types && !rule.types.includes(account.type)) {
    throw new BadUserInputError(`The account must be one of: ${rule.types.join(', ')}.`, field);
  }
  if (account.currency !== rule.currency) {
    throw new BankError(
      ErrorCode.CURRENCY_MISMATCH,
      `This needs an account in ${rule.currency}; the account is in ${account.currency}.`,
      { field },
    );
  }
  if (account.status !== 'ACTIVE') {
    throw new BankError(ErrorCode.ACCOUNT_NOT_ACTIVE, `The account is ${account.status}.`, {
      field,
      status: account.status,
    });
  }
  return account;
}
