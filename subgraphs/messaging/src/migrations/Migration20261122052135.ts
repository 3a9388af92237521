import { Migration } from '@mikro-orm/migrations';

export class Migration20261122052135 extends Migration {

  override name = 'Migration20261122052135';

  override up(): void | Promise<void> {
    this.addSql(`alter table "notifications" drop constraint "notifications_kind_check";`);
    this.addSql(`alter table "notifications" add constraint "notifications_kind_check" check ("kind" in ('TRANSFER_RECEIVED', 'TRANSFER_SENT', 'LOW_BALANCE', 'LOAN_APPLICATION_STATUS', 'NEW_MESSAGE', 'BILL_DUE', 'BILL_PAID', 'BILL_PAYMENT_FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "notifications" drop constraint "notifications_kind_check";`);
    this.addSql(`alter table "notifications" add constraint "notifications_kind_check" check ("kind" in ('TRANSFER_RECEIVED', 'TRANSFER_SENT', 'LOW_BALANCE', 'LOAN_APPLICATION_STATUS', 'NEW_MESSAGE', 'BILL_DUE', 'BILL_PAID'));`);
  }

}
