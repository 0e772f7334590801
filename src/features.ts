import type { Router } from 'express';
import type { Config, ProcessRole } from './config.js';
import type { Channel, EngineDeps } from './engine/index.js';
import type { JobRunner } from './jobs/runner.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Cipher } from './store/crypto.js';
import type { Database } from './store/database.js';
import type { SettingsSection } from './channels/forms.js';
import type { TicketPipeline } from './tickets/pipeline.js';

/**
 * Product capabilities beyond the alert core (helpdesk connectors, support intelligence, CSV
 * import, the morning brief) plug into the process here instead of editing src/app.ts: each one
 * defines its jobs and returns its routes. Adding one adds one line to FEATURES in src/app.ts.
 */
export interface FeatureContext {
  config: Config;
  role: ProcessRole;
  database: Database;
  engine: EngineDeps;
  jobs: JobRunner;
  services: ChatHost;
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

/**
 * What a feature may ask of the chat side (src/chat via chat/services.ts implements it). Declared
 * here, not imported, so a feature never depends on the chat core and the chat core may use features.
 */
export interface ChatHost {
  /** Wakes the channel's outbox drain (after a feature queued deliveries). */
  kick(channel: Channel): Promise<void>;
  /** Appends a section to the general settings form every channel renders. */
  addSettingsSection(section: SettingsSection): void;
  /** The CSV import session's report links. */
  csv: {
    verifyReportToken(token: string): { workspaceId: string; importId: string } | null;
    errorReport(workspaceId: string, importId: string): Promise<{ filename: string; content: string } | null>;
  };
}

// The list of features lives in the composition root (src/app.ts), the only place that knows them all.
