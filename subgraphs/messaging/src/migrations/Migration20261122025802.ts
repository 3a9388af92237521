import { Migration } from '@mikro-orm/migrations';

export class Migration20261122025802 extends Migration {

  override name = 'Migration20261122025802';

  override up(): void | Promise<void> {
    this.addSql(`create table "conversations" ("id" uuid not null, "subject" varchar(200) not null, "started_by" uuid not null, "started_as" varchar(20) not null, "loan_application_id" uuid null, "created_at" timestamptz not null, "last_message_seq" bigint not null, "last_message_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "conversations_last_message_seq_index" on "conversations" ("last_message_seq");`);

    this.addSql(`create table "messages" ("id" uuid not null, "seq" bigserial, "conversation_id" uuid not null, "sender_id" uuid not null, "body" text not null, "client_message_id" varchar(100) null, "sent_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "messages" add constraint "messages_seq_unique" unique ("seq");`);
    this.addSql(`create index "messages_conversation_id_seq_index" on "messages" ("conversation_id", "seq");`);
    this.addSql(`alter table "messages" add constraint "messages_conversation_id_sender_id_client_message_id_unique" unique ("conversation_id", "sender_id", "client_message_id");`);

    this.addSql(`create table "notifications" ("id" uuid not null, "seq" bigserial, "user_id" uuid not null, "kind" text not null, "title" varchar(200) not null, "body" text not null, "link" varchar(500) null, "event_id" uuid not null, "created_at" timestamptz not null, "read_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "notifications" add constraint "notifications_seq_unique" unique ("seq");`);
    this.addSql(`create index "notifications_event_id_index" on "notifications" ("event_id");`);
    this.addSql(`create index "notifications_user_id_seq_index" on "notifications" ("user_id", "seq");`);

    this.addSql(`create table "notification_deliveries" ("id" uuid not null, "notification_id" uuid not null, "user_id" uuid not null, "channel" text not null, "status" text not null, "attempts" int not null default 0, "created_at" timestamptz not null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "notification_deliveries_status_created_at_index" on "notification_deliveries" ("status", "created_at");`);
    this.addSql(`alter table "notification_deliveries" add constraint "notification_deliveries_notification_id_channel_unique" unique ("notification_id", "channel");`);

    this.addSql(`create table "outbox_events" ("id" uuid not null, "position" bigserial, "type" varchar(200) not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_published_at_position_index" on "outbox_events" ("published_at", "position");`);

    this.addSql(`create table "conversation_participants" ("conversation_id" uuid not null, "user_id" uuid not null, "joined_at" timestamptz not null, "last_read_seq" bigint not null default '0', primary key ("conversation_id", "user_id"));`);
    this.addSql(`create index "conversation_participants_user_id_index" on "conversation_participants" ("user_id");`);

    this.addSql(`create table "processed_events" ("event_id" uuid not null, "type" varchar(200) not null, "processed_at" timestamptz not null, primary key ("event_id"));`);

    this.addSql(`alter table "notifications" add constraint "notifications_kind_check" check ("kind" in ('TRANSFER_RECEIVED', 'TRANSFER_SENT', 'LOW_BALANCE', 'LOAN_APPLICATION_STATUS', 'NEW_MESSAGE', 'BILL_DUE', 'BILL_PAID'));`);

    this.addSql(`alter table "notification_deliveries" add constraint "notification_deliveries_channel_check" check ("channel" in ('EMAIL', 'SMS', 'PUSH'));`);
    this.addSql(`alter table "notification_deliveries" add constraint "notification_deliveries_status_check" check ("status" in ('PENDING', 'SENT', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "conversations" cascade;`);
    this.addSql(`drop table if exists "messages" cascade;`);
    this.addSql(`drop table if exists "notifications" cascade;`);
    this.addSql(`drop table if exists "notification_deliveries" cascade;`);
    this.addSql(`drop table if exists "outbox_events" cascade;`);
    this.addSql(`drop table if exists "conversation_participants" cascade;`);
    this.addSql(`drop table if exists "processed_events" cascade;`);
  }

}
