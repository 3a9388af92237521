import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122551 extends Migration {

  override name = 'Migration20261203122551';

  override up(): void | Promise<void> {
    this.addSql(`create table "account_view_grants" ("id" uuid not null, "account_id" uuid not null, "transaction_id" uuid not null, "grantee_user_id" uuid null, "grantee_role" text null, "purpose" varchar(40) not null, "reference" varchar(100) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "account_view_grants_account_id_index" on "account_view_grants" ("account_id");`);
    this.addSql(`create index "account_view_grants_transaction_id_index" on "account_view_grants" ("transaction_id");`);

    this.addSql(`alter table "account_view_grants" add constraint "account_view_grants_one_grantee" check ((grantee_user_id is null) <> (grantee_role is null));`);
    this.addSql(`alter table "account_view_grants" add constraint "account_view_grants_grantee_role_check" check ("grantee_role" in ('RISK_OFFICER'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "account_view_grants" cascade;`);
  }

}
