import type { Router } from 'express';
import type pg from 'pg';
import type { Config, VarSpec } from '../config.js';
import type { Channel } from '../engine/index.js';
import type { StepChannelFormat } from '../engine/policy/channel-step.js';
import type { Logger } from '../log.js';
import type { ChatServices } from '../chat/services.js';
import type { ChannelGateway } from '../channels/port.js';

/** What a chat channel module gives the process that runs it. */
export interface ChannelRuntime {
  gateway: ChannelGateway;
  /** HTTP routes (webhooks), mounted at the root of the process's server. */
  router?: Router;
  close?(): Promise<void>;
}

/** What a channel is given when its process starts it. */
export interface ChannelContext {
  config: Config;
  services: ChatServices;
  log: Logger;
  /** The database (the playground keeps its messages there). */
  pool?: pg.Pool;
}

/** One chat platform's runtime: src/bots/<channel>/index.ts exports one of these. */
export interface ChannelModule {
  channel: Channel;
  /** True when the platform's credentials are configured. */
  configured(config: Config): boolean;
  /** Loads the platform's SDK (lazily: a process that does not run the channel never loads it). */
  create(ctx: ChannelContext): Promise<ChannelRuntime>;
}

/** One line of `fincelo doctor`; `ok: false` makes the doctor fail. */
export interface DoctorCheck {
  ok: boolean;
  line: string;
}

/**
 * Everything the product needs to know about a channel, from the channel itself
 * (src/bots/<channel>/descriptor.ts): the engine, config, logging and the doctor name none.
 */
export interface ChannelDescriptor extends ChannelModule {
  /** The environment variables it reads (validation and the example shown in an error). */
  env: Record<string, VarSpec>;
  /** Those of `env` that hold credentials: never echoed in a config error, scrubbed from every log line. */
  secrets: readonly string[];
  /** More log paths to redact (a request's signature header). */
  redact?: readonly string[];
  /** Its lines in `fincelo doctor`. */
  doctor(config: Config): DoctorCheck[];
  /** The HTTP paths it serves (its webhooks), as the platform's set-up (manifests/<channel>/) names them. */
  routes: readonly string[];
  /** True when `fincelo start --role <channel>` runs it alone; false: only in the all-in-one process. */
  role: boolean;
  /** Its team conversations an escalation step can target, by id format (none: 1:1 only). */
  stepChannel?: StepChannelFormat;
  /** The channel a person with no configured channel is reached on (exactly one channel says so). */
  fallback?: boolean;
}

/**
 * The doctor's check of a channel that needs credentials: not configured (optional), partly
 * configured (fails, naming what is missing) or present. An entry that is a list is satisfied by
 * any one of its variables.
 */
export function credentialsCheck(
  name: string,
  vars: (string | string[])[],
  hint: string,
): (config: Config) => DoctorCheck[] {
  const label = (v: string | string[]) => (Array.isArray(v) ? v.join(' or ') : v);
  return (config) => {
    const set = (v: string) => Boolean((config as unknown as Record<string, unknown>)[v]);
    const missing = vars.filter((v) => (Array.isArray(v) ? v.every((x) => !set(x)) : !set(v)));
    if (missing.length === vars.length)
      return [
        {
          ok: true,
          line: `- ${name}: not configured (optional). To enable: ${hint}; set ${vars.map(label).join(', ')}`,
        },
      ];
    if (missing.length)
      return [
        {
          ok: false,
          line: `✘ ${name}: partly configured, missing ${missing.map(label).join(', ')} (${hint})`,
        },
      ];
    return [{ ok: true, line: `✔ ${name}: credentials present` }];
  };
}
