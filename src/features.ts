import type { Router } from 'express';
import type { Config, ProcessRole } from './config.js';
import type { EngineDeps } from './engine/index.js';
import type { JobRunner } from './jobs/runner.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Cipher } from './store/crypto.js';
import type { Database } from './store/database.js';
import type { ChatServices } from './services/chat.js';
import type { TicketPipeline } from './services/tickets.js';
import { connectorsFeature } from './connectors/feature.js';
import { intelligenceFeature } from './services/intelligence.js';
import { csvImportFeature } from './services/csv-import.js';

/**
 * Product capabilities beyond the alert core (helpdesk connectors, support intelligence, CSV
 * import, the morning brief) plug into the process here instead of editing src/app.ts: each one
 * defines its jobs and returns its routes. Adding one adds one line to FEATURES.
 */
export interface FeatureContext {
  config: Config;
  role: ProcessRole;
  database: Database;
  engine: EngineDeps;
  jobs: JobRunner;
  services: ChatServices;
  tickets: TicketPipeline;
  cipher: Cipher;
  log: Logger;
  metrics: Metrics;
  /** This process runs the engine's workers (role all|worker): define recurring and worker jobs. */
  runsEngine: boolean;
  /** This process serves the HTTP API (role all|api). */
  servesApi: boolean;
}

export interface FeatureRuntime {
  /** Routers mounted at the server root (webhooks); they parse their own bodies. */
  routers?: Router[];
  /** Routers mounted under /api/v1 behind the workspace API key (`(req as Authed).workspaceId`). */
  apiV1?: Router[];
  /** Recurring jobs (already defined with ctx.jobs.define) started with the runner, worker roles only. */
  every?: { interval: string; job: string }[];
  close?(): Promise<void>;
}

export interface AppFeature {
  name: string;
  create(ctx: FeatureContext): Promise<FeatureRuntime>;
}

/** Every feature of the product, created in this order at start-up. */
export const FEATURES: AppFeature[] = [connectorsFeature, intelligenceFeature, csvImportFeature];
