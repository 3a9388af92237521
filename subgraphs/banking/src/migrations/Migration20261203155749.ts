import { Migration } from '@mikro-orm/migrations';

export class Migration20261203155749 extends Migration {

  override name = 'Migration20261203155749';

  override up(): void | Promise<void> {
    this.addSql(`create table "security_changes" ("user_id" uuid not null, "changed_at" timestamptz not null, primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "security_changes" cascade;`);
  }

}
