/**
 * The whole domain's schema, one file per aggregate under src/store/schema/. Migrations are
 * generated from it by drizzle-kit
 * (`npm run db:generate`) and committed under `drizzle/`.
 *
 * Conventions: no Postgres enums (drizzle-kit qualifies them with a schema name, which would
 * break the per-schema isolation the test suite uses); allowed values are listed in comments
 * and checked by the engine. Every table that holds workspace data carries `workspace_id`.
 */
export * from './schema/directory.js';
export * from './schema/alerts.js';
export * from './schema/tickets.js';
export * from './schema/chat.js';
export * from './schema/digests.js';
export * from './schema/feeds.js';
