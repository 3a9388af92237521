import { Migration } from '@mikro-orm/migrations';

export class Migration20261122055841 extends Migration {

  override name = 'Migration20261122055841';

  override up(): void | Promise<void> {
    this.addSql(`create table "bills" ("id" uuid not null, "owner_id" uuid not null, "biller_id" uuid not null, "customer_reference" varchar(100) not null, "amount" bigint not null, "currency" varchar(3) not null, "paid" bigint not null, "due_date" date not null, "status" text not null, "issued_by" uuid not null, "due_notice_at" timestamptz null, "paid_notice_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "bills_owner_id_due_date_index" on "bills" ("owner_id", "due_date");`);
    this.addSql(`create index "bills_status_due_date_index" on "bills" ("status", "due_date");`);

    this.addSql(`create table "billers" ("id" uuid not null, "name" varchar(100) not null, "category" text not null, "currency" varchar(3) not null, "active" boolean not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "billers" add constraint "billers_name_unique" unique ("name");`);

    this.addSql(`create table "bill_payments" ("id" uuid not null, "seq" bigserial, "bill_id" uuid not null, "payer_id" uuid not null, "from_account_id" uuid not null, "amount" bigint not null, "currency" varchar(3) not null, "status" text not null, "hold_id" uuid null, "applied_at" timestamptz null, "failure_code" varchar(60) null, "failure_reason" text null, "idempotency_key" varchar(100) null, "request_hash" varchar(64) null, "scheduled_payment_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "settled_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "bill_payments" add constraint "bill_payments_seq_unique" unique ("seq");`);
    this.addSql(`alter table "bill_payments" add constraint "bill_payments_scheduled_payment_id_unique" unique ("scheduled_payment_id");`);
    this.addSql(`create index "bill_payments_payer_id_seq_index" on "bill_payments" ("payer_id", "seq");`);
    this.addSql(`create index "bill_payments_bill_id_seq_index" on "bill_payments" ("bill_id", "seq");`);
    this.addSql(`create index "bill_payments_status_updated_at_index" on "bill_payments" ("status", "updated_at");`);
    this.addSql(`alter table "bill_payments" add constraint "bill_payments_payer_id_idempotency_key_unique" unique ("payer_id", "idempotency_key");`);

    this.addSql(`create table "outbox_events" ("id" uuid not null, "position" bigserial, "type" varchar(200) not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_published_at_position_index" on "outbox_events" ("published_at", "position");`);

    this.addSql(`create table "scheduled_payments" ("id" uuid not null, "bill_id" uuid not null, "owner_id" uuid not null, "from_account_id" uuid not null, "pay_on" date not null, "status" text not null, "payment_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "scheduled_payments_status_pay_on_index" on "scheduled_payments" ("status", "pay_on");`);
    this.addSql(`create index "scheduled_payments_bill_id_index" on "scheduled_payments" ("bill_id");`);

    this.addSql(`alter table "bills" add constraint "bills_paid_in_range" check (amount > 0 and paid >= 0 and paid <= amount);`);
    this.addSql(`alter table "bills" add constraint "bills_status_check" check ("status" in ('DUE', 'SCHEDULED', 'PAID', 'OVERDUE', 'CANCELLED'));`);

    this.addSql(`alter table "billers" add constraint "billers_category_check" check ("category" in ('UTILITIES', 'PHONE', 'INTERNET', 'INSURANCE', 'CREDIT_CARD', 'TAX', 'OTHER'));`);

    this.addSql(`alter table "bill_payments" add constraint "bill_payments_amount_positive" check (amount > 0);`);
    this.addSql(`alter table "bill_payments" add constraint "bill_payments_status_check" check ("status" in ('PENDING', 'COMPLETED', 'FAILED'));`);

    this.addSql(`alter table "scheduled_payments" add constraint "scheduled_payments_status_check" check ("status" in ('SCHEDULED', 'EXECUTED', 'CANCELLED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bills" cascade;`);
    this.addSql(`drop table if exists "billers" cascade;`);
    this.addSql(`drop table if exists "bill_payments" cascade;`);
    this.addSql(`drop table if exists "outbox_events" cascade;`);
    this.addSql(`drop table if exists "scheduled_payments" cascade;`);
  }

}
