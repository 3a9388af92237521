import { Migration } from '@mikro-orm/migrations';

export class Migration20261203155932 extends Migration {

  override name = 'Migration20261203155932';

  override up(): void | Promise<void> {
    this.addSql(`create table "passkey_challenges" ("id" uuid not null, "user_id" uuid not null, "purpose" text not null, "challenge" varchar(200) not null, "label" varchar(100) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "passkey_challenges_user_id_purpose_index" on "passkey_challenges" ("user_id", "purpose");`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED', 'MFA_CHALLENGE_FAILED', 'SECOND_FACTOR_FAILED', 'SECOND_FACTOR_ADDED', 'SECOND_FACTOR_REMOVED', 'RECOVERY_CODE_USED', 'RECOVERY_CODES_REGENERATED', 'PASSWORD_CHANGED', 'SESSION_REVOKED', 'OTHER_SESSIONS_REVOKED', 'STEP_UP_CONFIRMED', 'STEP_UP_FAILED', 'DATA_EXPORT_REQUESTED', 'DATA_EXPORT_DOWNLOADED', 'ERASURE_REFUSED', 'USER_ERASED', 'PASSKEY_CLONE_SUSPECTED', 'FEDERATED_IDENTITY_LINKED', 'FEDERATED_SIGN_IN_REFUSED'));`);

    this.addSql(`alter table "passkey_challenges" add constraint "passkey_challenges_purpose_check" check ("purpose" in ('REGISTRATION', 'FRESH_FACTOR'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "passkey_challenges" cascade;`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED', 'MFA_CHALLENGE_FAILED', 'SECOND_FACTOR_FAILED', 'SECOND_FACTOR_ADDED', 'SECOND_FACTOR_REMOVED', 'RECOVERY_CODE_USED', 'RECOVERY_CODES_REGENERATED', 'PASSWORD_CHANGED', 'SESSION_REVOKED', 'OTHER_SESSIONS_REVOKED', 'STEP_UP_CONFIRMED', 'STEP_UP_FAILED'));`);
  }

}
