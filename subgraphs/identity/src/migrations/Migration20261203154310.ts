import { Migration } from '@mikro-orm/migrations';

export class Migration20261203154310 extends Migration {

  override name = 'Migration20261203154310';

  override up(): void | Promise<void> {
    this.addSql(`create table "data_exports" ("id" uuid not null, "user_id" uuid not null, "status" text not null, "requested_at" timestamptz not null, "completed_at" timestamptz null, "archive" text null, "sha256" varchar(64) null, "size_bytes" int null, "failure_reason" text null, primary key ("id"));`);
    this.addSql(`create index "data_exports_user_id_requested_at_index" on "data_exports" ("user_id", "requested_at");`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED', 'DATA_EXPORT_REQUESTED', 'DATA_EXPORT_DOWNLOADED', 'ERASURE_REFUSED', 'USER_ERASED'));`);

    this.addSql(`alter table "users" add "erased_at" timestamptz null;`);

    this.addSql(`alter table "data_exports" add constraint "data_exports_status_check" check ("status" in ('PENDING', 'READY', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "data_exports" cascade;`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED'));`);

    this.addSql(`alter table "users" drop column "erased_at";`);
  }

}
