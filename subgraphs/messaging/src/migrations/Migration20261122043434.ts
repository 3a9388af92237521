import { Migration } from '@mikro-orm/migrations';

export class Migration20261122043434 extends Migration {

  override name = 'Migration20261122043434';

  override up(): void | Promise<void> {
    this.addSql(`create table "known_applications" ("application_id" uuid not null, "applicant_id" uuid not null, "banker_id" uuid not null, primary key ("application_id"));`);
    this.addSql(`create index "known_applications_banker_id_applicant_id_index" on "known_applications" ("banker_id", "applicant_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "known_applications" cascade;`);
  }

}
