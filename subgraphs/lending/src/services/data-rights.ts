/**
 * Lending's part of the customer's data rights (platform/data-rights.ts):
 * the export section (loan applications with their history and documents,
 * decrypted; loans with their installments and repayments; a banker's
 * lending profile), what stops an erasure (an open loan, a payout in
 * progress), and the anonymization after one.
 *
 * After an erasure: the applicant's documents are deleted (content and
 * metadata), the free text of their applications (purpose, review notes,
 * decision reasons, history notes) is replaced, applications still open
 * (before a final decision, or APPROVED and not accepted) are WITHDRAWN, and
 * a banker's lending profile is deleted (they leave the directory). Loans,
 * installments and repayments stay, as the law requires, under the
 * borrower's id, behind which identity keeps only an anonymous "Erased user".
 */
import { requireService, type Caller } from '../../../../platform/caller.ts';
import { ERASED_TEXT, iso, type DataSection, type ErasureBlocker } from '../../../../platform/data-rights.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { parseId } from '../../../../platform/validation.ts';
import type { DocumentVault } from './documents.ts';

type Row = Record<string, unknown>;

const amount = (minor: unknown, currency: unknown): string | null =>
  minor === null || minor === undefined ? null : fromMinorUnits(BigInt(minor as string), currency as Currency);
/** A rate in parts per million as a percentage ("7.5"). */
const percent = (ppm: unknown): string | null =>
  ppm === null || ppm === undefined ? null : String(Number(ppm) / 10_000);

/** Application statuses an erasure ends (WITHDRAWN): nothing was paid out on them. */
const OPEN_APPLICATION = ['SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED'];

export class LendingDataRights {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #vault: DocumentVault;

  constructor(em: EntityManager, caller: Caller, vault: DocumentVault) {
    this.#em = em;
    this.#caller = caller;
    this.#vault = vault;
  }

  /** Identity only: everything lending holds about `userId`. */
  async personalData(rawUserId: string): Promise<DataSection> {
    requireService(this.#caller, 'identity');
    const userId = parseId(rawUserId, 'userId');
    const em = this.#em;
    const applications = await sql<Row>(em, `select * from loan_applications where applicant_id = ? order by seq`, [
      userId,
    ]);
    const applicationIds = applications.map((a) => a.id as string);
    const transitions = applicationIds.length
      ? await sql<Row>(em, `select * from loan_application_transitions where application_id in (?) order by seq`, [
          applicationIds,
        ])
      : [];
    const documents = applicationIds.length
      ? await sql<Row>(
          em,
          `select * from loan_documents where application_id in (?) order by application_id, position`,
          [applicationIds],
        )
      : [];
    const loans = await sql<Row>(em, `select * from loans where borrower_id = ? order by created_at, id`, [userId]);
    const loanIds = loans.map((l) => l.id as string);
    const installments = loanIds.length
      ? await sql<Row>(em, `select * from loan_installments where loan_id in (?) order by loan_id, number`, [loanIds])
      : [];
    const repayments = await sql<Row>(em, `select * from loan_repayments where payer_id = ? order by created_at, id`, [
      userId,
    ]);
    const [profile] = await sql<Row>(em, `select * from lending_profiles where banker_id = ?`, [userId]);

    const exportedDocuments = documents.map((d) => {
      const content = this.#vault.open(d.id as string, {
        keyId: d.key_id as string,
        iv: Buffer.from(d.iv as Buffer),
        authTag: Buffer.from(d.auth_tag as Buffer),
        ciphertext: Buffer.from((d.ciphertext as Buffer | null) ?? []),
      });
      return {
        id: d.id,
        applicationId: d.application_id,
        fileName: d.file_name,
        contentType: d.content_type,
        size: d.size,
        uploadedAt: iso(d.uploaded_at as Date),
        contentBase64: content.toString('base64'),
      };
    });

    return {
      counts: {
        applications: applications.length,
        documents: documents.length,
        loans: loans.length,
        repayments: repayments.length,
        lendingProfiles: profile ? 1 : 0,
      },
      data: {
        applications: applications.map((a) => ({
          id: a.id,
          bankerId: a.banker_id,
          product: a.product,
          amount: amount(a.amount, a.currency),
          currency: a.currency,
          termMonths: a.term_months,
          purpose: a.purpose,
          status: a.status,
          submittedAt: iso(a.submitted_at as Date),
          commercialReview:
            a.reviewed_at === null
              ? null
              : {
                  eligible: a.review_eligible,
                  notes: a.review_notes,
                  proposedRate: percent(a.review_proposed_rate_ppm),
                  at: iso(a.reviewed_at as Date),
                },
          riskDecision:
            a.decided_at === null
              ? null
              : {
                  approved: a.decision_approved,
                  annualRate: percent(a.decision_rate_ppm),
                  termMonths: a.decision_term_months,
                  reason: a.decision_reason,
                  at: iso(a.decided_at as Date),
                },
          history: transitions
            .filter((t) => t.application_id === a.id)
            .map((t) => ({ from: t.from_status, to: t.to_status, at: iso(t.at as Date), note: t.note })),
          documents: exportedDocuments.filter((d) => d.applicationId === a.id),
        })),
        loans: loans.map((l) => ({
          id: l.id,
          applicationId: l.application_id,
          principal: amount(l.principal, l.currency),
          currency: l.currency,
          annualRate: percent(l.annual_rate_ppm),
          termMonths: l.term_months,
          method: l.method,
          status: l.status,
          disbursementAccountId: l.disbursement_account_id,
          disbursedAt: iso(l.disbursed_at as Date | null),
          installments: installments
            .filter((i) => i.loan_id === l.id)
            .map((i) => ({
              number: i.number,
              dueDate: String(i.due_date instanceof Date ? i.due_date.toISOString().slice(0, 10) : i.due_date),
              principal: amount(i.principal, l.currency),
              interest: amount(i.interest, l.currency),
              paidPrincipal: amount(i.paid_principal, l.currency),
              paidInterest: amount(i.paid_interest, l.currency),
            })),
        })),
        repayments: repayments.map((r) => ({
          id: r.id,
          loanId: r.loan_id,
          fromAccountId: r.from_account_id,
          amount: amount(r.amount, r.currency),
          interest: amount(r.interest, r.currency),
          principal: amount(r.principal, r.currency),
          currency: r.currency,
          status: r.status,
          failureReason: r.failure_reason,
          createdAt: iso(r.created_at as Date),
        })),
        lendingProfile: profile
          ? {
              products: profile.products,
              minAmount: amount(profile.min_amount, profile.currency),
              maxAmount: amount(profile.max_amount, profile.currency),
              currency: profile.currency,
              industries: profile.industries,
              available: profile.available,
            }
          : null,
      },
    };
  }

  /** Identity only: what in lending stops `userId`'s erasure (an open loan, a payout in progress). */
  async erasureBlockers(rawUserId: string): Promise<ErasureBlocker[]> {
    requireService(this.#caller, 'identity');
    const userId = parseId(rawUserId, 'userId');
    const loans = await sql<{ id: string; currency: string; owed: string }>(
      this.#em,
      `select l.id, l.currency,
              coalesce((select sum(i.principal - i.paid_principal + i.interest - i.paid_interest)
                          from loan_installments i where i.loan_id = l.id), 0)::text as owed
         from loans l where l.borrower_id = ? and l.status in ('DISBURSING', 'ACTIVE') order by l.created_at`,
      [userId],
    );
    const payouts = await sql<{ id: string }>(
      this.#em,
      `select id from loan_applications where applicant_id = ? and status = 'ACCEPTED' order by seq`,
      [userId],
    );
    return [
      ...loans.map((l) => ({
        reason: 'OPEN_LOAN',
        message: `Loan ${l.id} is still open (${amount(l.owed, l.currency)} ${l.currency} to repay): repay it in full first.`,
      })),
      ...payouts.map((a) => ({
        reason: 'LOAN_PAYOUT_IN_PROGRESS',
        message: `The payout of loan application ${a.id} is in progress: wait until it completes, then repay the loan.`,
      })),
    ];
  }
}

/** Anonymizes `userId`'s lending data (consumer group `lending-erasure`); idempotent. */
export async function eraseLendingData(em: EntityManager, userId: string): Promise<void> {
  const open = await sql<{ id: string; status: string }>(
    em,
    `select id, status from loan_applications where applicant_id = ? and status in (?) for update`,
    [userId, OPEN_APPLICATION],
  );
  for (const application of open) {
    await sql(
      em,
      `insert into loan_application_transitions (application_id, from_status, to_status, actor_id, at, note)
       values (?, ?, 'WITHDRAWN', null, now(), 'Withdrawn: the applicant''s personal data was erased.')`,
      [application.id, application.status],
    );
  }
  await sql(
    em,
    `update loan_applications set status = 'WITHDRAWN', updated_at = now() where applicant_id = ? and status in (?)`,
    [userId, OPEN_APPLICATION],
  );
  await sql(
    em,
    `delete from loan_documents where application_id in (select id from loan_applications where applicant_id = ?)`,
    [userId],
  );
  await sql(
    em,
    `update loan_applications set purpose = ?,
            review_notes = case when review_notes is null then null else ? end,
            decision_reason = case when decision_reason is null then null else ? end
      where applicant_id = ? and purpose <> ?`,
    [ERASED_TEXT, ERASED_TEXT, ERASED_TEXT, userId, ERASED_TEXT],
  );
  await sql(
    em,
    `update loan_application_transitions set note = ?
      where note is not null and note <> ? and note not like 'Withdrawn: the applicant%'
        and application_id in (select id from loan_applications where applicant_id = ?)`,
    [ERASED_TEXT, ERASED_TEXT, userId],
  );
  await sql(em, `delete from lending_profiles where banker_id = ?`, [userId]);
}

/** Lending's consumer group of identity's erasure events. */
export const ERASURE_CONSUMER_GROUP = 'lending-erasure';
