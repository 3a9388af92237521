import { defineEntity, p } from '@mikro-orm/core';

export const BILLER_CATEGORIES = [
  'UTILITIES',
  'PHONE',
  'INTERNET',
  'INSURANCE',
  'CREDIT_CARD',
  'TAX',
  'OTHER',
] as const;
export type BillerCategory = (typeof BILLER_CATEGORIES)[number];

/** A company or authority users pay bills to. */
export const BillerSchema = defineEntity({
  name: 'Biller',
  tableName: 'billers',
  properties: {
    id: p.uuid().primary(),
    name: p.string().length(100).unique(),
    category: p.enum(BILLER_CATEGORIES),
    currency: p.string().length(3),
    active: p.boolean(),
    createdAt: p.datetime(),
  },
});

export class Biller extends BillerSchema.class {}
BillerSchema.setClass(Biller);
