import { Migration } from '@mikro-orm/migrations';

export class Migration20261122021818 extends Migration {

  override name = 'Migration20261122021818';

  override up(): void | Promise<void> {
    this.addSql(`create table "accounts" ("id" uuid not null, "owner_id" uuid null, "type" text not null, "currency" varchar(3) not null, "number" varchar(16) not null, "nickname" varchar(60) null, "status" text not null, "balance" bigint not null default '0', "held" bigint not null default '0', "low_balance_threshold" bigint null, "system_purpose" varchar(40) null, "opened_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "accounts" add constraint "accounts_number_unique" unique ("number");`);
    this.addSql(`create index "accounts_owner_id_opened_at_index" on "accounts" ("owner_id", "opened_at");`);
    this.addSql(`alter table "accounts" add constraint "accounts_system_purpose_currency_unique" unique ("system_purpose", "currency");`);

    this.addSql(`create table "idempotency_keys" ("scope" varchar(60) not null, "key" varchar(100) not null, "request_hash" varchar(64) not null, "transaction_id" uuid not null, "created_at" timestamptz not null, primary key ("scope", "key"));`);

    this.addSql(`create table "entries" ("seq" bigserial primary key, "transaction_id" uuid not null, "account_id" uuid not null, "amount" bigint not null, "currency" varchar(3) not null, "category" text not null, "tags" text[] not null default '{}', "posted_at" timestamptz not null);`);
    this.addSql(`create index "entries_transaction_id_index" on "entries" ("transaction_id");`);
    this.addSql(`create index "entries_account_id_posted_at_index" on "entries" ("account_id", "posted_at");`);
    this.addSql(`create index "entries_account_id_seq_index" on "entries" ("account_id", "seq");`);
    this.addSql(`alter table "entries" add constraint "entries_transaction_id_account_id_unique" unique ("transaction_id", "account_id");`);

    this.addSql(`create table "transactions" ("id" uuid not null, "seq" bigserial, "kind" text not null, "status" text not null, "amount" bigint not null, "currency" varchar(3) not null, "from_account_id" uuid not null, "to_account_id" uuid not null, "description" varchar(200) null, "initiated_by" varchar(60) not null, "created_at" timestamptz not null, "posted_at" timestamptz null, "voided_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "transactions" add constraint "transactions_seq_unique" unique ("seq");`);
    this.addSql(`create index "transactions_from_account_id_seq_index" on "transactions" ("from_account_id", "seq");`);
    this.addSql(`create index "transactions_to_account_id_seq_index" on "transactions" ("to_account_id", "seq");`);

    this.addSql(`create table "outbox_events" ("id" uuid not null, "position" bigserial, "type" varchar(200) not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_published_at_position_index" on "outbox_events" ("published_at", "position");`);

    this.addSql(`alter table "accounts" add constraint "accounts_no_overdraft" check (type = 'SYSTEM' or (balance >= 0 and balance - held >= 0));`);
    this.addSql(`alter table "accounts" add constraint "accounts_held_not_negative" check (held >= 0);`);
    this.addSql(`alter table "accounts" add constraint "accounts_type_check" check ("type" in ('CHECKING', 'SAVINGS', 'BUSINESS', 'SYSTEM'));`);
    this.addSql(`alter table "accounts" add constraint "accounts_status_check" check ("status" in ('ACTIVE', 'FROZEN', 'CLOSED'));`);

    this.addSql(`alter table "entries" add constraint "entries_amount_not_zero" check (amount <> 0);`);
    this.addSql(`alter table "entries" add constraint "entries_category_check" check ("category" in ('INCOME', 'TRANSFER', 'GROCERIES', 'DINING', 'HOUSING', 'UTILITIES', 'TRANSPORT', 'SHOPPING', 'HEALTH', 'ENTERTAINMENT', 'TRAVEL', 'BILLS', 'LOANS', 'CASH', 'FEES', 'OTHER'));`);

    this.addSql(`alter table "transactions" add constraint "transactions_amount_positive" check (amount > 0);`);
    this.addSql(`alter table "transactions" add constraint "transactions_kind_check" check ("kind" in ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'BILL_PAYMENT', 'LOAN_DISBURSEMENT', 'LOAN_REPAYMENT', 'REVERSAL'));`);
    this.addSql(`alter table "transactions" add constraint "transactions_status_check" check ("status" in ('PENDING', 'POSTED', 'VOIDED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "accounts" cascade;`);
    this.addSql(`drop table if exists "idempotency_keys" cascade;`);
    this.addSql(`drop table if exists "entries" cascade;`);
    this.addSql(`drop table if exists "transactions" cascade;`);
    this.addSql(`drop table if exists "outbox_events" cascade;`);
  }

}
