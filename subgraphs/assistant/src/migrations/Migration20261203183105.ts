import { Migration } from '@mikro-orm/migrations';

export class Migration20261203183105 extends Migration {

  override name = 'Migration20261203183105';

  override up(): void | Promise<void> {
    this.addSql(`create table "assistant_actions" ("id" uuid not null, "session_id" uuid not null, "user_id" uuid not null, "kind" text not null, "status" text not null, "amount" bigint not null, "currency" varchar(3) not null, "from_account_id" uuid not null, "to_account_id" uuid null, "bill_id" uuid null, "summary" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null, "decided_at" timestamptz null, "confirmation_key" varchar(100) null, "transaction_id" uuid null, "bill_payment_id" uuid null, "failure_code" varchar(40) null, "outcome_turn_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "assistant_actions_user_id_status_index" on "assistant_actions" ("user_id", "status");`);
    this.addSql(`create index "assistant_actions_session_id_index" on "assistant_actions" ("session_id");`);

    this.addSql(`create table "assistant_sessions" ("id" uuid not null, "user_id" uuid not null, "started_at" timestamptz not null, "last_turn_at" timestamptz not null, "handed_off_conversation_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "assistant_sessions_user_id_last_turn_at_index" on "assistant_sessions" ("user_id", "last_turn_at");`);

    this.addSql(`create table "assistant_turns" ("id" uuid not null, "seq" bigserial, "session_id" uuid not null, "user_id" uuid not null, "text" text null, "reply" text not null, "intent" varchar(40) not null, "confidence" double precision not null, "clarifying" boolean not null default false, "cards" jsonb not null, "suggestions" jsonb not null, "action_id" uuid null, "client_message_id" varchar(100) null, "request_hash" varchar(64) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "assistant_turns" add constraint "assistant_turns_seq_unique" unique ("seq");`);
    this.addSql(`create index "assistant_turns_session_id_seq_index" on "assistant_turns" ("session_id", "seq");`);
    this.addSql(`alter table "assistant_turns" add constraint "assistant_turns_user_id_client_message_id_unique" unique ("user_id", "client_message_id");`);

    this.addSql(`alter table "assistant_actions" add constraint "assistant_actions_kind_check" check ("kind" in ('TRANSFER', 'PAY_BILL'));`);
    this.addSql(`alter table "assistant_actions" add constraint "assistant_actions_status_check" check ("status" in ('PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "assistant_actions" cascade;`);
    this.addSql(`drop table if exists "assistant_sessions" cascade;`);
    this.addSql(`drop table if exists "assistant_turns" cascade;`);
  }

}
