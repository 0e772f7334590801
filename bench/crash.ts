/**
 * `crash` (`npm run bench:crash`, not part of the default run: it takes minutes): duplicated chat
 * messages per 100 real kills (issue 15 item 4).
 *
 * `fincelo start` (a child process) holds one alert escalated to three people on WhatsApp (the local
 * fake of the Graph API, test/fakes/whatsapp-graph.ts, answering each send after
 * CRASH_SEND_LATENCY_MS, default 150 ms — a Graph round trip; with an instant fake almost no kill
 * would land while a message is in flight). Each round logs a call with a new note ("round N"),
 * so the alert's three threads each get one "… logged a call … round N" message (a usage reading
 * the open alert absorbs is no longer posted: issue 21 counts it on the card), and SIGKILLs the process
 * at a random instant between the POST and the moment the calibrated fan-out normally finishes;
 * then restarts it and waits until all three have the update. Counted per round: messages received
 * beyond the first per person (duplicates) and people who never got it (losses, must be 0).
 *
 * A kill before the fan-out starts or after it ends duplicates nothing; one while a send is in
 * flight (WhatsApp has it, we never heard back) can duplicate that one message: WhatsApp has no
 * idempotency key. The fan-out records each target as it is reached, so nothing already reached is
 * sent again. On a PostgreSQL server the in-flight lease expires after 30 s (on the embedded
 * database it is released at start), so a server run takes longer per kill: CRASH_KILLS sets the
 * count (default 100 embedded, 20 on a server).
 */
import { startWhatsAppGraph, sentText } from '../test/fakes/whatsapp-graph.js';
import { runCli, startCli, waitExit } from '../test/helpers/cli.js';
import {
  api,
  freePort,
  freshDatabase,
  onInterrupt,
  seededRandom,
  sleep,
  waitFor,
  type BenchResult,
} from './lib.js';

const NUMBERS = { csm: '447700900401', mgr: '447700900402', vp: '447700900403' };

export async function runCrashBench(): Promise<BenchResult> {
  const server = Boolean(process.env.DATABASE_URL);
  const kills = Math.max(1, Number(process.env.CRASH_KILLS) || (server ? 20 : 100));
  const latency = Math.max(0, Number(process.env.CRASH_SEND_LATENCY_MS ?? 150));
  const db = await freshDatabase('crash');
  const graph = await startWhatsAppGraph({ responseDelayMs: latency });
  const rand = seededRandom(15_004);
  const notes: string[] = [];
  const env: Record<string, string> = {
    ...db.env,
    FINCELO_DEMO: 'off',
    LOG_LEVEL: 'warn',
    JOBS_POLL_INTERVAL: '250ms',
    WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: graph.token,
    WHATSAPP_APP_SECRET: 'crash-bench-app-secret-0123456789',
    WHATSAPP_VERIFY_TOKEN: 'crash-bench-verify',
    WHATSAPP_API_URL: graph.url,
    WHATSAPP_RECIPIENT_GAP: '0ms',
  };
  let proc: Awaited<ReturnType<typeof startCli>> | null = null;
  const stop = async () => {
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await waitExit(proc.child).catch(() => null);
    }
  };
  const forget = onInterrupt(stop);
  try {
    // The workspace is created before the first start (the embedded database has one owner).
    const created = await runCli(['workspace', 'create', '--name', 'Crash bench', '--json'], {
      ...env,
      LOG_LEVEL: 'silent',
    });
    if (created.code !== 0) throw new Error(`fincelo workspace create failed: ${created.stderr}`);
    const { apiKey } = JSON.parse(created.stdout) as { apiKey: string };

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    proc = await startCli(env, port);
    const wa = (waId: string) => ({ preferredChannel: 'whatsapp', identities: { whatsapp: { waId } } });
    await api(base, apiKey, 'POST', '/people', [
      { externalId: 'mgr', name: 'Manager', role: 'csm_manager', ...wa(NUMBERS.mgr) },
      { externalId: 'csm', name: 'CSM', role: 'csm', managerExternalId: 'mgr', ...wa(NUMBERS.csm) },
      { externalId: 'vp', name: 'VP', role: 'vp_cs', ...wa(NUMBERS.vp) },
    ]);
    for (const n of Object.values(NUMBERS)) graph.userWrote(n);
    await api(base, apiKey, 'POST', '/customers', {
      externalId: 'c1',
      name: 'Crashy Ltd',
      tier: 'poor',
      csmExternalId: 'csm',
    });
    await api(base, apiKey, 'PATCH', '/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: '1s' },
        { role: 'vp_cs', after: '2s' },
      ],
    });
    await api(base, apiKey, 'POST', '/usage', { customerExternalId: 'c1', used: 95, limit: 100 });
    const alerts = await api<{ alerts: { id: string }[] }>(base, apiKey, 'GET', '/alerts');
    const alertId = alerts.alerts[0]!.id;
    const escalated = await waitFor(async () => {
      const a = await api<{ escalationStep: number }>(base, apiKey, 'GET', `/alerts/${alertId}`);
      return a.escalationStep === 3 && Object.values(NUMBERS).every((n) => graph.to(n).length >= 2);
    }, 60_000);
    if (!escalated) throw new Error('the alert did not reach the third person within 60 s');
    await sleep(1_500); // the escalation notes are out

    let figure = 100;
    const updates = (to: string, pct: number) =>
      graph
        .to(to)
        .filter((m) => sentText(m).includes('logged a call') && sentText(m).includes(`“round ${pct}”`))
        .length;
    const everyoneHas = (pct: number) => Object.values(NUMBERS).every((n) => updates(n, pct) >= 1);

    // Calibration: how long a fan-out takes from the POST's answer to the third person's message.
    const windows: number[] = [];
    for (let i = 0; i < 3; i++) {
      const pct = ++figure;
      await api(base, apiKey, 'POST', `/alerts/${alertId}/actions`, {
        action: 'log_call',
        actorExternalId: 'csm',
        outcome: 'other',
        notes: `round ${pct}`,
      });
      const t0 = Date.now();
      if (!(await waitFor(async () => everyoneHas(pct), 30_000, 10)))
        throw new Error('calibration: an update did not reach all three within 30 s');
      windows.push(Date.now() - t0);
    }
    const window = Math.max(...windows) + latency;

    let duplicates = 0;
    let losses = 0;
    let midFanOut = 0;
    const restartMs: number[] = [];
    for (let k = 0; k < kills; k++) {
      const pct = ++figure;
      await api(base, apiKey, 'POST', `/alerts/${alertId}/actions`, {
        action: 'log_call',
        actorExternalId: 'csm',
        outcome: 'other',
        notes: `round ${pct}`,
      });
      await sleep(Math.floor(rand() * window));
      const reachedAtKill = Object.values(NUMBERS).filter((n) => updates(n, pct) >= 1).length;
      proc.child.kill('SIGKILL');
      await waitExit(proc.child);
      if (reachedAtKill > 0 && reachedAtKill < 3) midFanOut++;
      const t0 = Date.now();
      proc = await startCli(env, port);
      restartMs.push(Date.now() - t0);
      const arrived = await waitFor(async () => everyoneHas(pct), server ? 90_000 : 30_000, 50);
      await sleep(1_000); // whatever else the restart would send, it sends now
      for (const n of Object.values(NUMBERS)) {
        const c = updates(n, pct);
        if (c === 0) losses++;
        else duplicates += c - 1;
      }
      if (!arrived) notes.push(`round ${k + 1}: the update did not reach everyone after the restart`);
      if ((k + 1) % 10 === 0)
        process.stdout.write(`  · ${k + 1}/${kills} kills: ${duplicates} duplicates, ${losses} lost\n`);
    }
    notes.push(
      `${kills} SIGKILLs at random instants within ${window} ms after the POST (the calibrated fan-out: ${windows.join(', ')} ms + one send latency); ${midFanOut} landed with the fan-out part-way (1 or 2 of 3 reached)`,
      `fake Graph API answers each send after ${latency} ms; ${db.where}`,
      `restart to /readyz: median ${restartMs.sort((a, b) => a - b)[Math.floor(restartMs.length / 2)]} ms`,
    );
    const per100 = (n: number) => Math.round((n / kills) * 100 * 10) / 10;
    return {
      name: 'crash',
      notes,
      figures: [
        { key: 'kills', label: 'SIGKILLs during a 3-person fan-out', value: kills, unit: '' },
        {
          key: 'duplicates_per_100_kills',
          label: 'duplicate messages per 100 kills',
          value: per100(duplicates),
          unit: '',
          // Before the per-target record: every kill mid-fan-out re-sent all three.
          target: { on: 'value', op: '<=', limit: 100 },
        },
        {
          key: 'lost_per_100_kills',
          label: 'people who never got the update, per 100 kills',
          value: per100(losses),
          unit: '',
          target: { on: 'value', op: '==', limit: 0 },
        },
      ],
    };
  } finally {
    await stop();
    forget();
    await graph.close();
    await db.drop();
  }
}
