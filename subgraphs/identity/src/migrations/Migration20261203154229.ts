import { Migration } from '@mikro-orm/migrations';

export class Migration20261203154229 extends Migration {

  override name = 'Migration20261203154229';

  override up(): void | Promise<void> {
    this.addSql(`create table "federated_identities" ("id" uuid not null, "user_id" uuid not null, "provider" varchar(32) not null, "issuer" varchar(500) not null, "subject" varchar(255) not null, "email" varchar(320) null, "created_at" timestamptz not null, "last_sign_in_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "federated_identities_user_id_index" on "federated_identities" ("user_id");`);
    this.addSql(`alter table "federated_identities" add constraint "federated_identities_issuer_subject_unique" unique ("issuer", "subject");`);

    this.addSql(`create table "oidc_sign_ins" ("id" uuid not null, "purpose" text not null, "provider" varchar(32) not null, "issuer" varchar(500) not null, "state" varchar(100) not null, "nonce" varchar(100) not null, "code_verifier" varchar(200) not null, "user_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "oidc_sign_ins_expires_at_index" on "oidc_sign_ins" ("expires_at");`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED', 'FEDERATED_IDENTITY_LINKED', 'FEDERATED_SIGN_IN_REFUSED'));`);

    this.addSql(`alter table "oidc_sign_ins" add constraint "oidc_sign_ins_purpose_check" check ("purpose" in ('SIGN_IN', 'LINK'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "federated_identities" cascade;`);
    this.addSql(`drop table if exists "oidc_sign_ins" cascade;`);

    this.addSql(`alter table "audit_events" drop constraint "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check ("type" in ('USER_REGISTERED', 'STAFF_USER_CREATED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_LOCKED', 'REFRESH_TOKEN_REUSED', 'LOGGED_OUT', 'ROLES_CHANGED'));`);
  }

}
