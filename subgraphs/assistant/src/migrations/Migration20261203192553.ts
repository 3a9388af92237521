import { Migration } from '@mikro-orm/migrations';

export class Migration20261203192553 extends Migration {

  override name = 'Migration20261203192553';

  override up(): void | Promise<void> {
    this.addSql(`alter table "assistant_actions" add "to_own_account" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "assistant_actions" drop column "to_own_account";`);
  }

}
