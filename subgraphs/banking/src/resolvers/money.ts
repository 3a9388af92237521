import { money, type Currency, type Money } from '../../../../platform/money.ts';

/** Money of an amount in minor units of a stored currency code. */
export const moneyOf = (minor: bigint, currency: string): Money => money(minor, currency as Currency);
