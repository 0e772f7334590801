/** The engine's public surface. */
export * from './types.js';
export * from './ports.js';
export * from './settings.js';
export * from './duration.js';
export * from './context.js';
export {
  raiseAlert,
  runAlertTimer,
  runDueTimers,
  stepDueAt,
  type Trigger,
  type RaiseResult,
} from './alerts.js';
export {
  applyAction,
  runReminder,
  formatWhen,
  CALL_OUTCOMES,
  type ActionRequest,
  type ActionResult,
  type ActionParams,
} from './actions.js';
export {
  evaluateUsage,
  onUsageReading,
  onInvoice,
  collectionsDue,
  daysOverdue,
  money,
  type InvoiceState,
  type UsageReading,
} from './rules.js';
export {
  ingestUsage,
  ingestInvoice,
  scanCollections,
  InputError,
  type UsageInput,
  type InvoiceInput,
  type UsageOutcome,
} from './ingest.js';
export { runDueTimersBatch } from './escalate-batch.js';
export { localDateTimeToUtc } from './local-time.js';
export { applyToEach, type BulkOutcome } from './bulk.js';
export { suppressedLine } from './suppression.js';
export { wakeOnCustomerReply, nextBusinessMorning } from './snooze.js';
export { FALLBACK_JOB, DEFAULT_FALLBACK_AFTER, runFallback } from './policy/fallback.js';
export { parseWorkingHours } from './policy/hours.js';
export { WORKING_HOURS_HELP, parseQuietWindows } from './policy/settings-fields.js';
export type { QuietWindow } from './policy/holds.js';
