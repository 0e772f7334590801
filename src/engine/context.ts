import type { Clock, EngineStore, EngineTx, Scheduler } from './ports.js';
import { fallbackChannel, type Channel, type Person } from './types.js';

/** What every engine operation is given. */
export interface EngineDeps {
  store: EngineStore;
  scheduler: Scheduler;
  clock: Clock;
  /** Channels this deployment can deliver on; a person whose channel is absent gets the fallback channel. */
  enabledChannels: ReadonlySet<Channel>;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

export const TIMER_JOB = 'alert:timer';
export const REMINDER_JOB = 'task:reminder';
export const deliverJob = (channel: Channel) => `deliver:${channel}`;

/** Work to do once the transaction has committed (timers, delivery kicks). */
export class AfterCommit {
  private timers: { alertId: string; token: number; at: Date }[] = [];
  private reminders: { taskId: string; at: Date }[] = [];
  private channels = new Set<Channel>();
  private cancelled = new Set<string>();
  private jobs: { name: string; at: Date; data: Record<string, unknown> }[] = [];

  timer(alertId: string, token: number, at: Date | null): void {
    if (at) this.timers.push({ alertId, token, at });
  }
  reminder(taskId: string, at: Date): void {
    this.reminders.push({ taskId, at });
  }
  kick(channel: Channel): void {
    this.channels.add(channel);
  }
  cancelTimers(alertId: string): void {
    this.cancelled.add(alertId);
  }
  /** A one-off job at `at` (the fallback channel, issue 20 item 5). */
  job(name: string, at: Date, data: Record<string, unknown>): void {
    this.jobs.push({ name, at, data });
  }

  async run(deps: EngineDeps): Promise<void> {
    if (deps.scheduler.alertTimerSet) {
      // The timer is the alert row itself (next_action_at + token), run by the claim loop: one
      // wake-up for the earliest instant instead of one Agenda job (a round trip) per alert.
      // Cancelled timers need nothing: the row no longer has a next_action_at.
      if (this.timers.length) {
        const earliest = Math.min(...this.timers.map((t) => t.at.getTime()));
        await deps.scheduler.alertTimerSet(new Date(earliest));
      }
    } else {
      for (const alertId of this.cancelled) await deps.scheduler.cancel(TIMER_JOB, { alertId });
      for (const t of this.timers)
        await deps.scheduler.at(TIMER_JOB, t.at, {
          alertId: t.alertId,
          token: t.token,
          dueAt: t.at.toISOString(),
        });
    }
    for (const r of this.reminders) await deps.scheduler.at(REMINDER_JOB, r.at, { taskId: r.taskId });
    for (const j of this.jobs) await deps.scheduler.at(j.name, j.at, j.data);
    for (const c of this.channels) await deps.scheduler.kick(deliverJob(c));
  }
}

/** Runs fn in a transaction, then the after-commit work (only if it committed). */
export async function inTransaction<T>(
  deps: EngineDeps,
  fn: (tx: EngineTx, after: AfterCommit) => Promise<T>,
): Promise<T> {
  const after = new AfterCommit();
  const result = await deps.store.transaction((tx) => fn(tx, after));
  await after.run(deps);
  return result;
}

/** The channel a person is reached on (none of theirs configured: the registry's fallback channel). */
export function channelFor(person: Person, enabled: ReadonlySet<Channel>): Channel {
  if (person.preferredChannel && enabled.has(person.preferredChannel)) return person.preferredChannel;
  for (const c of Object.keys(person.identities) as Channel[]) if (enabled.has(c)) return c;
  return fallbackChannel();
}
