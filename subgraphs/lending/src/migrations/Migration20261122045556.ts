import { Migration } from '@mikro-orm/migrations';

export class Migration20261122045556 extends Migration {

  override name = 'Migration20261122045556';

  override up(): void | Promise<void> {
    this.addSql(`create table "loan_application_transitions" ("seq" bigserial primary key, "application_id" uuid not null, "from_status" text null, "to_status" text not null, "actor_id" uuid null, "at" timestamptz not null, "note" text null);`);
    this.addSql(`create index "loan_application_transitions_application_id_seq_index" on "loan_application_transitions" ("application_id", "seq");`);

    this.addSql(`create table "lending_profiles" ("banker_id" uuid not null, "products" text[] not null, "min_amount" bigint not null, "max_amount" bigint not null, "currency" varchar(3) not null, "industries" text[] not null, "industries_key" text[] not null, "available" boolean not null, "updated_at" timestamptz not null, primary key ("banker_id"));`);

    this.addSql(`create table "loans" ("id" uuid not null, "application_id" uuid not null, "borrower_id" uuid not null, "principal" bigint not null, "currency" varchar(3) not null, "annual_rate_ppm" int not null, "term_months" int not null, "method" text not null, "status" text not null, "disbursement_account_id" uuid not null, "disbursement_hold_id" uuid null, "disbursement_transaction_id" uuid null, "accept_key" varchar(100) not null, "accept_hash" varchar(64) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "disbursed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "loans" add constraint "loans_application_id_unique" unique ("application_id");`);
    this.addSql(`create index "loans_borrower_id_created_at_index" on "loans" ("borrower_id", "created_at");`);
    this.addSql(`create index "loans_status_updated_at_index" on "loans" ("status", "updated_at");`);

    this.addSql(`create table "loan_applications" ("id" uuid not null, "seq" bigserial, "applicant_id" uuid not null, "banker_id" uuid not null, "product" text not null, "amount" bigint not null, "currency" varchar(3) not null, "term_months" int not null, "purpose" text not null, "status" text not null, "submitted_at" timestamptz not null, "updated_at" timestamptz not null, "review_eligible" boolean null, "review_notes" text null, "review_proposed_rate_ppm" int null, "reviewed_by" uuid null, "reviewed_at" timestamptz null, "decision_approved" boolean null, "decision_rate_ppm" int null, "decision_term_months" int null, "decision_reason" text null, "decided_by" uuid null, "decided_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "loan_applications" add constraint "loan_applications_seq_unique" unique ("seq");`);
    this.addSql(`create index "loan_applications_banker_id_seq_index" on "loan_applications" ("banker_id", "seq");`);
    this.addSql(`create index "loan_applications_applicant_id_seq_index" on "loan_applications" ("applicant_id", "seq");`);
    this.addSql(`create index "loan_applications_status_seq_index" on "loan_applications" ("status", "seq");`);

    this.addSql(`create table "loan_documents" ("id" uuid not null, "application_id" uuid not null, "position" int not null, "file_name" varchar(200) not null, "content_type" varchar(100) not null, "size" int not null, "key_id" varchar(64) not null, "iv" bytea not null, "auth_tag" bytea not null, "ciphertext" bytea not null, "uploaded_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "loan_documents_application_id_index" on "loan_documents" ("application_id");`);

    this.addSql(`create table "loan_installments" ("loan_id" uuid not null, "number" int not null, "due_date" date not null, "principal" bigint not null, "interest" bigint not null, "remaining" bigint not null, "paid_principal" bigint not null, "paid_interest" bigint not null, primary key ("loan_id", "number"));`);

    this.addSql(`create table "loan_repayments" ("id" uuid not null, "loan_id" uuid not null, "payer_id" uuid not null, "from_account_id" uuid not null, "amount" bigint not null, "currency" varchar(3) not null, "interest" bigint not null, "principal" bigint not null, "status" text not null, "failure_code" varchar(60) null, "failure_reason" text null, "hold_id" uuid null, "idempotency_key" varchar(100) not null, "request_hash" varchar(64) not null, "applied_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "loan_repayments_loan_id_created_at_index" on "loan_repayments" ("loan_id", "created_at");`);
    this.addSql(`create index "loan_repayments_status_updated_at_index" on "loan_repayments" ("status", "updated_at");`);
    this.addSql(`alter table "loan_repayments" add constraint "loan_repayments_payer_id_idempotency_key_unique" unique ("payer_id", "idempotency_key");`);

    this.addSql(`create table "outbox_events" ("id" uuid not null, "position" bigserial, "type" varchar(200) not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_published_at_position_index" on "outbox_events" ("published_at", "position");`);

    this.addSql(`alter table "loan_application_transitions" add constraint "loan_application_transitions_from_status_check" check ("from_status" in ('SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ACCEPTED', 'DISBURSED'));`);
    this.addSql(`alter table "loan_application_transitions" add constraint "loan_application_transitions_to_status_check" check ("to_status" in ('SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ACCEPTED', 'DISBURSED'));`);

    this.addSql(`alter table "lending_profiles" add constraint "lending_profiles_range" check (min_amount > 0 and max_amount >= min_amount);`);

    this.addSql(`alter table "loans" add constraint "loans_principal_positive" check (principal > 0);`);
    this.addSql(`alter table "loans" add constraint "loans_method_check" check ("method" in ('ANNUITY', 'EQUAL_PRINCIPAL'));`);
    this.addSql(`alter table "loans" add constraint "loans_status_check" check ("status" in ('DISBURSING', 'ACTIVE', 'PAID_OFF'));`);

    this.addSql(`alter table "loan_applications" add constraint "loan_applications_product_check" check ("product" in ('TERM_LOAN', 'LINE_OF_CREDIT', 'EQUIPMENT_FINANCING', 'COMMERCIAL_REAL_ESTATE', 'INVOICE_FINANCING', 'SBA_LOAN'));`);
    this.addSql(`alter table "loan_applications" add constraint "loan_applications_status_check" check ("status" in ('SUBMITTED', 'COMMERCIAL_REVIEW', 'RISK_REVIEW', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ACCEPTED', 'DISBURSED'));`);

    this.addSql(`alter table "loan_installments" add constraint "loan_installments_paid_in_range" check (paid_principal between 0 and principal and paid_interest between 0 and interest);`);

    this.addSql(`alter table "loan_repayments" add constraint "loan_repayments_amount_positive" check (amount > 0);`);
    this.addSql(`alter table "loan_repayments" add constraint "loan_repayments_split" check (applied_at is null or interest + principal = amount);`);
    this.addSql(`alter table "loan_repayments" add constraint "loan_repayments_status_check" check ("status" in ('PENDING', 'COMPLETED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "loan_application_transitions" cascade;`);
    this.addSql(`drop table if exists "lending_profiles" cascade;`);
    this.addSql(`drop table if exists "loans" cascade;`);
    this.addSql(`drop table if exists "loan_applications" cascade;`);
    this.addSql(`drop table if exists "loan_documents" cascade;`);
    this.addSql(`drop table if exists "loan_installments" cascade;`);
    this.addSql(`drop table if exists "loan_repayments" cascade;`);
    this.addSql(`drop table if exists "outbox_events" cascade;`);
  }

}
