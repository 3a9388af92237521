import { Migration } from '@mikro-orm/migrations';

export class Migration20261203155101 extends Migration {

  override name = 'Migration20261203155101';

  override up(): void | Promise<void> {
    this.addSql(`create table "login_challenges" ("id" uuid not null, "user_id" uuid not null, "first_factor" varchar(10) not null, "email_key" varchar(64) null, "device" varchar(200) null, "webauthn_challenge" varchar(200) null, "attempts" int not null default 0, "created_at" timestamptz not null, "expires_at" timestamptz not null, "completed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "login_challenges_user_id_index" on "login_challenges" ("user_id");`);

    this.addSql(`create table "recovery_codes" ("id" uuid not null, "user_id" uuid not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "recovery_codes_user_id_index" on "recovery_codes" ("user_id");`);
    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_code_hash_unique" unique ("code_hash");`);

    this.addSql(`create table "second_factors" ("id" uuid not null, "user_id" uuid not null, "kind" text not null, "status" text not null, "label" varchar(100) not null, "sealed_secret" text null, "last_used_step" bigint null, "credential_id" varchar(1400) null, "public_key" text null, "sign_count" bigint null, "transports" text[] null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "last_used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "second_factors" add constraint "second_factors_credential_id_unique" unique ("credential_id");`);
    this.addSql(`create index "second_factors_user_id_status_index" on "second_factors" ("user_id", "status");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "user_id" uuid not null, "device" varchar(200) null, "amr" text[] not null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_last_used_at_index" on "sessions" ("user_id", "last_used_at");`);
    // Sessions already open (refresh-token families) become sessions signed in with a password.
    this.addSql(`insert into "sessions" ("id", "user_id", "device", "amr", "created_at", "last_used_at", "revoked_at")
      select "family_id", (array_agg("user_id"))[1], null, '{pwd}', min("created_at"), max("created_at"),
        case when bool_and("revoked_at" is not null) then max("revoked_at") end
      from "refresh_tokens" group by "family_id";`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED', 'MFA_CHALLENGE_FAILED', 'SECOND_FACTOR_FAILED', 'SECOND_FACTOR_ADDED', 'SECOND_FACTOR_REMOVED', 'RECOVERY_CODE_USED', 'RECOVERY_CODES_REGENERATED', 'PASSWORD_CHANGED', 'SESSION_REVOKED', 'OTHER_SESSIONS_REVOKED', 'STEP_UP_CONFIRMED', 'STEP_UP_FAILED', 'DATA_EXPORT_REQUESTED', 'DATA_EXPORT_DOWNLOADED', 'ERASURE_REFUSED', 'USER_ERASED'));`);

    this.addSql(`alter table "second_factors" add constraint "second_factors_kind_check" check ("kind" in ('TOTP', 'PASSKEY'));`);
    this.addSql(`alter table "second_factors" add constraint "second_factors_status_check" check ("status" in ('PENDING', 'ACTIVE'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "login_challenges" cascade;`);
    this.addSql(`drop table if exists "recovery_codes" cascade;`);
    this.addSql(`drop table if exists "second_factors" cascade;`);
    this.addSql(`drop table if exists "sessions" cascade;`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED'));`);
  }

}
