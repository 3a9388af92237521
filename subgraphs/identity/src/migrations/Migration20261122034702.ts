import { Migration } from '@mikro-orm/migrations';

export class Migration20261122034702 extends Migration {

  override name = 'Migration20261122034702';

  override up(): void | Promise<void> {
    this.addSql(`create table "outbox_events" ("id" uuid not null, "position" bigserial, "type" varchar(200) not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "outbox_events" add constraint "outbox_events_position_unique" unique ("position");`);
    this.addSql(`create index "outbox_events_published_at_position_index" on "outbox_events" ("published_at", "position");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "outbox_events" cascade;`);
  }

}
