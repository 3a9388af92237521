/**
 * Loan applications: submitting one (with its documents, encrypted), who may
 * see it (applicant, assigned banker, risk officers, ADMINs: on every path),
 * the review steps of the state machine (state-machine.ts) and the work
 * queues.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import { rowLoader, rowsLoader, selectEntities } from '../../../../platform/loaders.ts';
import { z } from 'zod';
import { hasRole, requireRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../platform/errors.ts';
import type { EventBus } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { fromMinorUnits, parseAmountInput } from '../../../../platform/money.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { decodeCursor, pageSize, toConnection, type Connection } from '../../../../platform/pagination.ts';
import { idInput, isUuid, parseId, parseInput } from '../../../../platform/validation.ts';
import {
  APPLICATION_STATUSES,
  ApplicationTransition,
  LOAN_PRODUCTS,
  LoanApplication,
  LoanDocument,
  type ApplicationStatus,
} from '../entities/index.ts';
import { checkDocument, documentInput, MAX_DOCUMENTS, type DocumentVault } from './documents.ts';
import { LENDING_CURRENCY, parseRate, prose, termMonths } from './lending-input.ts';
import { publishApplicationUpdated } from './live.ts';
import type { LendingProfiles } from './profiles.ts';
import { recordSubmission, requireStatus, transition } from './state-machine.ts';

const submitInput = z.object({
  bankerId: idInput('bankerId'),
  product: z.enum(LOAN_PRODUCTS),
  amount: z.string(),
  termMonths,
  purpose: prose('purpose'),
  documents: z
    .array(documentInput)
    .max(MAX_DOCUMENTS, `At most ${MAX_DOCUMENTS} documents per application.`)
    .nullish()
    .transform((d) => d ?? []),
});

const commercialReviewInput = z.object({
  applicationId: idInput('applicationId'),
  eligible: z.boolean(),
  notes: prose('notes'),
  proposedRate: z.string().nullish(),
});

const riskDecisionInput = z.object({
  applicationId: idInput('applicationId'),
  approved: z.boolean(),
  annualRate: z.string().nullish(),
  termMonths: termMonths.nullish(),
  reason: prose('reason'),
});

const withdrawInput = z.object({ reason: prose('reason') });

const filterInput = z.object({ status: z.enum(APPLICATION_STATUSES).nullish() }).nullish();

/** Pages are newest first, keyed on the submission sequence. */
const CURSOR = z.tuple([z.number().int().positive()]);

export class LoanApplications {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #vault: DocumentVault;
  readonly #profiles: LendingProfiles;
  /** Applications by id, read once per request (visibility is checked by the callers of the loader). */
  readonly byId: DataLoader<string, LoanApplication | null>;
  /** Histories and documents of the applications of one request, each read with one query. */
  readonly #history: DataLoader<string, ApplicationTransition[]>;
  readonly #documents: DataLoader<string, LoanDocument[]>;

  constructor(
    em: EntityManager,
    caller: Caller,
    deps: { bus: EventBus; logger: Logger; vault: DocumentVault; profiles: LendingProfiles },
  ) {
    this.#em = em;
    this.#caller = caller;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#vault = deps.vault;
    this.#profiles = deps.profiles;
    this.byId = rowLoader(this.#em, LoanApplication, 'id');
    this.#history = rowsLoader(this.#em, ApplicationTransition, 'applicationId', { seq: 'asc' });
    this.#documents = rowsLoader(this.#em, LoanDocument, 'applicationId', { position: 'asc' });
  }

  /** May the caller see `application`? Its applicant, its banker, risk officers and ADMINs. */
  canSee(application: LoanApplication): boolean {
    const caller = this.#caller;
    if (caller.kind !== 'user') return false;
    return (
      application.applicantId === caller.userId ||
      application.bankerId === caller.userId ||
      hasRole(caller, 'RISK_OFFICER') ||
      hasRole(caller, 'ADMIN')
    );
  }

  /** The application if the caller may see it; null otherwise (references, nullable fields). */
  async find(id: string): Promise<LoanApplication | null> {
    if (this.#caller.kind !== 'user' || !isUuid(id)) return null;
    const application = await this.byId.load(id);
    return application && this.canSee(application) ? application : null;
  }

  /** Like {@link find}, but NOT_FOUND on `field`: existence is not revealed. */
  async get(id: string, field = 'id'): Promise<LoanApplication> {
    requireUser(this.#caller);
    parseId(id, field);
    const application = await this.find(id);
    if (!application) throw new NotFoundError('Loan application', { field });
    return application;
  }

  /** BUSINESS_OWNER only: applies to a banker who offers the product and accepts the amount. */
  async submit(input: unknown): Promise<LoanApplication> {
    const owner = requireRole(this.#caller, 'BUSINESS_OWNER');
    const data = parseInput(submitInput, input);
    const amount = parseAmountInput(data.amount, LENDING_CURRENCY, 'amount');
    if (data.bankerId === owner.userId) throw new BadUserInputError('You cannot apply to yourself.', 'bankerId');
    const profile = await this.#profiles.of(data.bankerId);
    if (!profile) throw new NotFoundError('Banker', { field: 'bankerId' });
    if (!profile.available) {
      throw new BadUserInputError('This banker is not taking new applications.', 'bankerId');
    }
    if (!profile.products.includes(data.product)) {
      throw new BadUserInputError(`This banker does not offer ${data.product}.`, 'product', {
        offered: profile.products.join(', '),
      });
    }
    if (amount < profile.minAmount || amount > profile.maxAmount) {
      const min = fromMinorUnits(profile.minAmount, LENDING_CURRENCY);
      const max = fromMinorUnits(profile.maxAmount, LENDING_CURRENCY);
      throw new BadUserInputError(`This banker lends from ${min} to ${max} ${LENDING_CURRENCY}.`, 'amount', {
        minAmount: min,
        maxAmount: max,
      });
    }
    const documents = data.documents.map((d, i) => checkDocument(d, i));

    const application = await this.#em.transactional(async (em) => {
      const now = new Date();
      const application = em.create(LoanApplication, {
        id: randomUUID(),
        applicantId: owner.userId,
        bankerId: data.bankerId,
        product: data.product,
        amount,
        currency: LENDING_CURRENCY,
        termMonths: data.termMonths,
        purpose: data.purpose,
        status: 'SUBMITTED',
        submittedAt: now,
        updatedAt: now,
      });
      recordSubmission(em, application, owner.userId);
      for (const [position, document] of documents.entries()) {
        const id = randomUUID();
        em.create(LoanDocument, {
          id,
          applicationId: application.id,
          position,
          fileName: document.fileName,
          contentType: document.contentType,
          size: document.bytes.length,
          ...this.#vault.seal(id, document.bytes),
          uploadedAt: now,
        });
      }
      await em.flush();
      return application;
    });
    await publishApplicationUpdated(this.#bus, this.#logger, application);
    return application;
  }

  /** The assigned banker takes a SUBMITTED application into COMMERCIAL_REVIEW. */
  async startCommercialReview(applicationId: string): Promise<LoanApplication> {
    const banker = requireRole(this.#caller, 'BANKER');
    return this.#change(applicationId, 'applicationId', (application, em) => {
      this.#requireAssigned(application, banker.userId);
      transition(em, application, 'COMMERCIAL_REVIEW', banker.userId, null);
    });
  }

  /** The assigned banker's commercial review: eligible moves to RISK_REVIEW, ineligible is REJECTED. */
  async recordCommercialReview(input: unknown): Promise<LoanApplication> {
    const banker = requireRole(this.#caller, 'BANKER');
    const data = parseInput(commercialReviewInput, input);
    const rate = data.proposedRate ? parseRate(data.proposedRate, 'proposedRate') : null;
    return this.#change(data.applicationId, 'applicationId', (application, em) => {
      this.#requireAssigned(application, banker.userId);
      requireStatus(application, 'COMMERCIAL_REVIEW', 'a commercial review');
      const now = new Date();
      transition(em, application, data.eligible ? 'RISK_REVIEW' : 'REJECTED', banker.userId, data.notes, now);
      application.reviewEligible = data.eligible;
      application.reviewNotes = data.notes;
      application.reviewProposedRatePpm = rate === null ? null : Number(rate.ppm);
      application.reviewedBy = banker.userId;
      application.reviewedAt = now;
    });
  }

  /** RISK_OFFICER only: the final decision. Approving needs a rate and a term. */
  async recordRiskDecision(input: unknown): Promise<LoanApplication> {
    const officer = requireRole(this.#caller, 'RISK_OFFICER');
    const data = parseInput(riskDecisionInput, input);
    const annualRate = data.annualRate ?? null;
    let rate: number | null = null;
    let term: number | null = null;
    if (data.approved) {
      if (annualRate === null) throw new BadUserInputError('An approval needs "annualRate".', 'annualRate');
      term = data.termMonths ?? null;
      if (term === null) throw new BadUserInputError('An approval needs "termMonths".', 'termMonths');
      rate = Number(parseRate(annualRate, 'annualRate').ppm);
    } else if (annualRate !== null) {
      parseRate(annualRate, 'annualRate');
    }
    return this.#change(data.applicationId, 'applicationId', (application, em) => {
      // Four eyes: whoever applied for the loan or reviewed it as its banker does not decide on it.
      if (application.applicantId === officer.userId || application.bankerId === officer.userId) {
        throw new ForbiddenError('You may not decide on an application you applied for or reviewed.');
      }
      requireStatus(application, 'RISK_REVIEW', 'a risk decision');
      const now = new Date();
      transition(em, application, data.approved ? 'APPROVED' : 'REJECTED', officer.userId, data.reason, now);
      application.decisionApproved = data.approved;
      application.decisionRatePpm = rate;
      application.decisionTermMonths = term;
      application.decisionReason = data.reason;
      application.decidedBy = officer.userId;
      application.decidedAt = now;
    });
  }

  /** The applicant withdraws before a final decision. */
  async withdraw(applicationId: string, reason: string | null | undefined): Promise<LoanApplication> {
    const caller = requireUser(this.#caller);
    const note = !reason || reason.trim() === '' ? null : parseInput(withdrawInput, { reason }).reason;
    return this.#change(applicationId, 'applicationId', (application, em) => {
      if (application.applicantId !== caller.userId) {
        throw new ForbiddenError('Only the applicant may withdraw an application.');
      }
      transition(em, application, 'WITHDRAWN', caller.userId, note);
    });
  }

  /**
   * Runs `apply` on the application locked for update, in one transaction,
   * then tells subscribers. NOT_FOUND unless the caller may see it.
   */
  async #change(
    id: string,
    field: string,
    apply: (application: LoanApplication, em: EntityManager) => void,
  ): Promise<LoanApplication> {
    parseId(id, field);
    const application = await this.#em.transactional(async (em) => {
      const application = await em.findOne(
        LoanApplication,
        { id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!application || !this.canSee(application)) throw new NotFoundError('Loan application', { field });
      apply(application, em);
      await em.flush();
      return application;
    });
    this.byId.clear(id).prime(id, application);
    await publishApplicationUpdated(this.#bus, this.#logger, application);
    return application;
  }

  #requireAssigned(application: LoanApplication, bankerId: string): void {
    if (application.bankerId !== bankerId) {
      throw new ForbiddenError('Only the banker the application is assigned to may review it.');
    }
  }

  /**
   * Work queues: a banker's assigned applications, risk officers' applications
   * in RISK_REVIEW (or `filter.status`), every application for ADMINs.
   */
  async queue(args: {
    filter?: unknown;
    first?: number | null;
    after?: string | null;
  }): Promise<Connection<LoanApplication>> {
    const caller = requireUser(this.#caller);
    const filter = parseInput(filterInput, args.filter);
    const status = filter?.status ?? null;
    if (hasRole(caller, 'ADMIN')) return this.#page({ status }, args);
    if (hasRole(caller, 'RISK_OFFICER')) return this.#page({ status: status ?? 'RISK_REVIEW' }, args);
    if (hasRole(caller, 'BANKER')) return this.#page({ status, bankerId: caller.userId }, args);
    throw new ForbiddenError(
      'Work queues are for bankers, risk officers and ADMINs; see your own applications on `me`.',
    );
  }

  /** A business owner's own applications (staff may read them too). */
  async listForApplicant(
    applicantId: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<LoanApplication>> {
    const caller = requireUser(this.#caller);
    if (caller.userId !== applicantId && !hasRole(caller, 'RISK_OFFICER') && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('You can only see your own loan applications.');
    }
    return this.#page({ applicantId }, args);
  }

  async #page(
    where: { status?: ApplicationStatus | null; bankerId?: string; applicantId?: string },
    args: { first?: number | null; after?: string | null },
  ): Promise<Connection<LoanApplication>> {
    const limit = pageSize(args.first);
    const conditions: [string, unknown][] = [];
    if (where.status) conditions.push(['status = ?', where.status]);
    if (where.bankerId) conditions.push(['banker_id = ?', where.bankerId]);
    if (where.applicantId) conditions.push(['applicant_id = ?', where.applicantId]);
    if (args.after) conditions.push(['seq < ?', decodeCursor(args.after, CURSOR)[0]]);
    const rows = await selectEntities(
      this.#em,
      LoanApplication,
      `${conditions.length > 0 ? `where ${conditions.map(([c]) => c).join(' and ')}` : ''} order by seq desc limit ?`,
      [...conditions.map(([, value]) => value), limit + 1],
    );
    for (const row of rows) this.byId.prime(row.id, row);
    return toConnection(rows, limit, (a) => [a.seq]);
  }

  /** The application's history, oldest first. */
  async history(application: LoanApplication): Promise<ApplicationTransition[]> {
    return this.#history.load(application.id);
  }

  /** The application's documents (without their contents). */
  async documents(application: LoanApplication): Promise<LoanDocument[]> {
    return this.#documents.load(application.id);
  }

  /** A document decrypted, for someone who may see its application; NOT_FOUND otherwise. */
  async openDocument(id: string): Promise<{ document: LoanDocument; content: Buffer }> {
    requireUser(this.#caller);
    parseId(id, 'id');
    const document = await this.#em.findOne(LoanDocument, { id }, { populate: ['ciphertext'] });
    const application = document ? await this.find(document.applicationId) : null;
    if (!document || !application) throw new NotFoundError('Document', { field: 'id' });
    const content = this.#vault.open(document.id, {
      keyId: document.keyId,
      iv: Buffer.from(document.iv),
      authTag: Buffer.from(document.authTag),
      ciphertext: Buffer.from(document.ciphertext ?? []),
    });
    return { document, content };
  }
}
