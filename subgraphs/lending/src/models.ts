/** What resolvers of types without an entity of their own work on (codegen mappers). */
import type { LoanDocument } from './entities/index.ts';

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

/** An installment as shown: from a loan's stored schedule or from a quote. */
export interface InstallmentView {
  number: number;
  dueDate: string;
  payment: bigint;
  principal: bigint;
  interest: bigint;
  remaining: bigint;
  paid: bigint;
  currency: string;
  isPaid: boolean;
}

/** A document with its decrypted contents. */
export interface DocumentContent {
  document: LoanDocument;
  content: Buffer;
}
