/** What the CSM and manager digests read beyond the other aggregates (issue 21 item 6). */
import { bigserial, index, integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { ts, workspaceRef } from './common.js';
import { customers, people } from './directory.js';

/** A customer's churn risk each time it changed (the daily digest shows the ones that rose). */
export const churnHistory = pgTable(
  'churn_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    risk: integer('risk').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [index('churn_history_customer_at_idx').on(t.customerId, t.at)],
);

/** People who turned their digests off. */
export const digestOptOuts = pgTable('digest_opt_outs', {
  workspaceId: workspaceRef(),
  personId: uuid('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  at: ts('at').notNull().defaultNow(),
});
