import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122227 extends Migration {

  override name = 'Migration20261203122227';

  override up(): void | Promise<void> {
    this.addSql(`create table "known_users" ("user_id" uuid not null, "roles" text[] not null, "as_of" timestamptz not null, primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "known_users" cascade;`);
  }

}
