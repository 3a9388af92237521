/** What resolvers of types without an entity of their own work on (codegen mappers). */
import type { LoanDocument } from './entities/index.ts';
import type { Installment } from './services/amortization.ts';

export type {
  ApplicationTransition,
  LendingProfile,
  Loan,
  LoanApplication,
  LoanDocument,
  LoanRepayment,
} from './entities/index.ts';
export type { Quote } from './services/loans.ts';

/** Lending knows users, accounts and transactions only by id. */
export interface Ref {
  id: string;
}

/** An installment as shown: from a loan's stored schedule (with what was paid) or from a quote. */
export interface InstallmentView extends Installment {
  paid: bigint;
  currency: string;
  isPaid: boolean;
}

/** A document with its decrypted contents. */
export interface DocumentContent {
  document: LoanDocument;
  content: Buffer;
}
