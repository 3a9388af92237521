/**
 * Billers: the list users pay (any signed-in user; inactive ones for ADMINs
 * only), managed by ADMINs, and the realistic starting list written on the
 * first start of an empty database.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { z } from 'zod';
import { hasRole, requireRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, NotFoundError } from '../../../../platform/errors.ts';
import { rowLoader } from '../../../../platform/loaders.ts';
import { CURRENCIES, type Currency } from '../../../../platform/money.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { idInput, isUuid, parseInput } from '../../../../platform/validation.ts';
import { Biller, BILLER_CATEGORIES, type BillerCategory } from '../entities/index.ts';

const name = z
  .string()
  .trim()
  .min(1, 'The name must be 1 to 100 characters.')
  .max(100, 'The name must be 1 to 100 characters.');
const createInput = z.object({
  name,
  category: z.enum(BILLER_CATEGORIES),
  currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]),
});
const updateInput = z.object({
  id: idInput('id'),
  name: name.nullish(),
  category: z.enum(BILLER_CATEGORIES).nullish(),
  active: z.boolean().nullish(),
});

/** The starting list: common US billers of each category. */
export const STARTING_BILLERS: readonly { name: string; category: BillerCategory }[] = [
  { name: 'City Power & Light', category: 'UTILITIES' },
  { name: 'Metro Water Authority', category: 'UTILITIES' },
  { name: 'Northern Gas Company', category: 'UTILITIES' },
  { name: 'Horizon Wireless', category: 'PHONE' },
  { name: 'Bell Landline Services', category: 'PHONE' },
  { name: 'FiberNet Internet', category: 'INTERNET' },
  { name: 'CableCo TV & Broadband', category: 'INTERNET' },
  { name: 'Safeguard Auto Insurance', category: 'INSURANCE' },
  { name: 'HomeShield Property Insurance', category: 'INSURANCE' },
  { name: 'Summit Health Plan', category: 'INSURANCE' },
  { name: 'Apex Credit Card Services', category: 'CREDIT_CARD' },
  { name: 'Internal Revenue Service', category: 'TAX' },
  { name: 'County Property Tax Office', category: 'TAX' },
  { name: 'Greenfield Waste Collection', category: 'OTHER' },
];

/** Writes the starting list when there is no biller at all (start-up; a second start changes nothing). */
export async function ensureStartingBillers(em: EntityManager): Promise<void> {
  const now = new Date();
  const rows = STARTING_BILLERS.map((b) => [randomUUID(), b.name, b.category, 'USD', true, now]);
  await em.getConnection().execute(
    `insert into billers (id, name, category, currency, active, created_at)
       select * from (values ${rows.map(() => '(?::uuid, ?, ?, ?, ?, ?::timestamptz)').join(', ')}) as v
      where not exists (select 1 from billers)
     on conflict (name) do nothing`,
    rows.flat(),
  );
}

export class Billers {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly byId;

  constructor(em: EntityManager, caller: Caller) {
    this.#em = em;
    this.#caller = caller;
    this.byId = rowLoader<Biller, string>(em, Biller, 'id');
  }

  /** Billers by name, active ones only unless the caller is an ADMIN. */
  async list(category: BillerCategory | null | undefined): Promise<Biller[]> {
    const caller = requireUser(this.#caller);
    const where: Record<string, unknown> = {};
    if (category) where.category = parseInput(z.enum(BILLER_CATEGORIES), category);
    if (!hasRole(caller, 'ADMIN')) where.active = true;
    return this.#em.find(Biller, where, { orderBy: { name: 'asc' } });
  }

  /** A biller (by reference: public to signed-in users). */
  async find(id: string): Promise<Biller | null> {
    if (this.#caller.kind === 'anonymous' || !isUuid(id)) return null;
    return this.byId.load(id);
  }

  /** An active biller for a new bill: NOT_FOUND on `field` otherwise. */
  async requireActive(id: string, field: string): Promise<Biller> {
    const biller = isUuid(id) ? await this.byId.load(id) : null;
    if (!biller || !biller.active) throw new NotFoundError('Biller', { field });
    return biller;
  }

  async create(input: unknown): Promise<Biller> {
    requireRole(this.#caller, 'ADMIN');
    const data = parseInput(createInput, input);
    await this.#requireFreeName(data.name, null);
    const biller = this.#em.create(Biller, { id: randomUUID(), ...data, active: true, createdAt: new Date() });
    await this.#flushName();
    return biller;
  }

  async update(input: unknown): Promise<Biller> {
    requireRole(this.#caller, 'ADMIN');
    const data = parseInput(updateInput, input);
    const biller = await this.#em.findOne(Biller, { id: data.id });
    if (!biller) throw new NotFoundError('Biller', { field: 'id' });
    if (data.name) {
      await this.#requireFreeName(data.name, biller.id);
      biller.name = data.name;
    }
    if (data.category) biller.category = data.category;
    if (typeof data.active === 'boolean') biller.active = data.active;
    await this.#flushName();
    return biller;
  }

  /** Flushes, answering a name taken meanwhile (two ADMINs at once) like one taken before. */
  async #flushName(): Promise<void> {
    try {
      await this.#em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new BadUserInputError('A biller with this name exists.', 'name');
      }
      throw error;
    }
  }

  async #requireFreeName(name: string, except: string | null): Promise<void> {
    const same = await this.#em.findOne(Biller, { name });
    if (same && same.id !== except) throw new BadUserInputError('A biller with this name exists.', 'name');
  }
}
