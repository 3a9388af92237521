import { Migration } from '@mikro-orm/migrations';

export class Migration20261122014014 extends Migration {

  override name = 'Migration20261122014014';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_events" ("id" uuid not null, "type" text not null, "user_id" uuid null, "actor_id" uuid null, "details" jsonb not null, "occurred_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "audit_events_occurred_at_id_index" on "audit_events" ("occurred_at", "id");`);
    this.addSql(`create index "audit_events_user_id_occurred_at_index" on "audit_events" ("user_id", "occurred_at");`);

    this.addSql(`create table "login_throttle" ("email_key" varchar(64) not null, "failures" int not null default 0, "locked_until" timestamptz null, "updated_at" timestamptz not null, primary key ("email_key"));`);

    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "token_hash" varchar(64) not null, "family_id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(`create index "refresh_tokens_user_id_index" on "refresh_tokens" ("user_id");`);

    this.addSql(`create table "users" ("id" uuid not null, "email" varchar(320) not null, "password_hash" varchar(200) not null, "name" varchar(200) not null, "roles" text[] not null, "business_name" varchar(200) null, "registration_number" varchar(100) null, "industry" varchar(100) null, "institution" varchar(200) null, "title" varchar(200) null, "bio" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_events" cascade;`);
    this.addSql(`drop table if exists "login_throttle" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
  }

}
