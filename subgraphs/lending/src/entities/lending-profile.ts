import { defineEntity, p } from '@mikro-orm/core';

export const LOAN_PRODUCTS = [
  'TERM_LOAN',
  'LINE_OF_CREDIT',
  'EQUIPMENT_FINANCING',
  'COMMERCIAL_REAL_ESTATE',
  'INVOICE_FINANCING',
  'SBA_LOAN',
] as const;
export type LoanProduct = (typeof LOAN_PRODUCTS)[number];

/**
 * A banker's lending profile: what they lend and to whom. Amounts are in
 * minor units of `currency` (lending works in USD). `industriesKey` holds the
 * industries lower-cased, for case-insensitive search.
 */
export const LendingProfileSchema = defineEntity({
  name: 'LendingProfile',
  tableName: 'lending_profiles',
  checks: [{ name: 'lending_profiles_range', expression: 'min_amount > 0 and max_amount >= min_amount' }],
  properties: {
    bankerId: p.uuid().primary(),
    products: p.array().$type<LoanProduct[]>(),
    minAmount: p.bigint(),
    maxAmount: p.bigint(),
    currency: p.string().length(3),
    industries: p.array(),
    industriesKey: p.array(),
    available: p.boolean(),
    updatedAt: p.datetime(),
  },
});

export class LendingProfile extends LendingProfileSchema.class {}
LendingProfileSchema.setClass(LendingProfile);
