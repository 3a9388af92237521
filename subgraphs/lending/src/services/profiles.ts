/**
 * Bankers' lending profiles and the banker directory. Only a BANKER writes
 * their own profile; any signed-in user searches the directory, which
 * returns users (their public profile comes from identity).
 */
import { z } from 'zod';
import type DataLoader from 'dataloader';
import { rowLoader } from '../../../../platform/loaders.ts';
import { requireRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError } from '../../../../platform/errors.ts';
import { parseAmountInput } from '../../../../platform/money.ts';
import { sqlParams, type EntityManager } from '../../../../platform/orm.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { isUuid, parseInput } from '../../../../platform/validation.ts';
import { LendingProfile, LOAN_PRODUCTS } from '../entities/index.ts';
import { LENDING_CURRENCY } from './lending-input.ts';

const industry = z
  .string()
  .trim()
  .min(1, 'Each industry must be 1 to 100 characters.')
  .max(100, 'Each industry must be 1 to 100 characters.');

const profileInput = z.object({
  products: z
    .array(z.enum(LOAN_PRODUCTS))
    .min(1, 'Offer at least one product.')
    .refine((p) => new Set(p).size === p.length, 'Each product may be listed once.'),
  minAmount: z.string(),
  maxAmount: z.string(),
  industries: z.array(industry).max(20, 'At most 20 industries.'),
  available: z.boolean(),
});

const filterInput = z.object({
  product: z.enum(LOAN_PRODUCTS),
  amount: z.string(),
  industry: industry.nullish(),
  availableOnly: z.boolean().nullish(),
});

/** Directory order: available first, then by banker id. Cursor: [available ? 0 : 1, bankerId]. */
const CURSOR = z.tuple([z.union([z.literal(0), z.literal(1)]), z.uuid()]);

export class LendingProfiles {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #byBanker: DataLoader<string, LendingProfile | null>;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
    this.#byBanker = rowLoader(this.#em, LendingProfile, 'bankerId');
  }

  /** A banker's profile (public: the directory shows it to every signed-in user). */
  async of(bankerId: string): Promise<LendingProfile | null> {
    if (this.#caller.kind === 'anonymous' || !isUuid(bankerId)) return null;
    return this.#byBanker.load(bankerId);
  }

  /** BANKER only: replaces the caller's own profile. */
  async update(input: unknown): Promise<LendingProfile> {
    const banker = requireRole(this.#caller, 'BANKER');
    const data = parseInput(profileInput, input);
    const min = parseAmountInput(data.minAmount, LENDING_CURRENCY, 'minAmount');
    const max = parseAmountInput(data.maxAmount, LENDING_CURRENCY, 'maxAmount');
    if (max < min) throw new BadUserInputError('"maxAmount" must be at least "minAmount".', 'maxAmount');
    const industries = [...new Map(data.industries.map((i) => [i.toLowerCase(), i])).values()];
    const values = {
      products: data.products,
      minAmount: min,
      maxAmount: max,
      currency: LENDING_CURRENCY,
      industries,
      industriesKey: industries.map((i) => i.toLowerCase()),
      available: data.available,
      updatedAt: new Date(),
    };
    // One statement (insert or update): two first saves at once both succeed, the last one wins.
    const profile = await this.#em.upsert(LendingProfile, { bankerId: banker.userId, ...values });
    this.#byBanker.clear(banker.userId).prime(banker.userId, profile);
    return profile;
  }

  /** The directory: bankers offering the product whose range includes the amount, available first. */
  async search(args: {
    filter: unknown;
    first?: number | null;
    after?: string | null;
  }): Promise<Connection<LendingProfile>> {
    requireUser(this.#caller);
    const filter = parseInput(filterInput, args.filter);
    const amount = parseAmountInput(filter.amount, LENDING_CURRENCY, 'amount');
    const limit = pageSize(args.first);
    const where: string[] = ['? = any(products)', 'min_amount <= ?', 'max_amount >= ?', 'currency = ?'];
    const params: unknown[] = [filter.product, amount.toString(), amount.toString(), LENDING_CURRENCY];
    if (filter.industry) {
      where.push(`(cardinality(industries_key) = 0 or ? = any(industries_key))`);
      params.push(filter.industry.toLowerCase());
    }
    if (filter.availableOnly) where.push('available');
    if (args.after) {
      const [rank, bankerId] = decodeCursor(args.after, CURSOR);
      where.push(`((case when available then 0 else 1 end), banker_id) > (?, ?::uuid)`);
      params.push(rank, bankerId);
    }
    params.push(limit + 1);
    const rows = await sqlParams<{ banker_id: string }>(
      this.#em,
      `select banker_id from lending_profiles where ${where.join(' and ')}
        order by (case when available then 0 else 1 end), banker_id limit ?`,
      params,
    );
    const ids = rows.map((r) => r.banker_id);
    const profiles = await Promise.all(ids.map((id) => this.#byBanker.load(id)));
    const found = profiles.filter((p): p is LendingProfile => p !== null);
    return toConnection(found, limit, (p) => [p.available ? 0 : 1, p.bankerId]);
  }
}
