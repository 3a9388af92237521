import { Migration } from '@mikro-orm/migrations';

export class Migration20261203212947 extends Migration {

  override name = 'Migration20261203212947';

  override up(): void | Promise<void> {
    this.addSql(`alter table "outbox_events" add "traceparent" varchar(64) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "outbox_events" drop column "traceparent";`);
  }

}
