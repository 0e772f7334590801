/* Fincelo CSM Hub playground — Render and poll loop; switching person; following the URL hash. */
import { $, POLL_MS, api, el, readHash, state, writeHash } from './core.js';
import { updateAdminControls } from './dm.js';
import { renderThreadPane } from './thread-pane.js';
import { buildThreads, findThreadForAlert, renderThreadList } from './threads.js';

// ---------------------------------------------------------------------------------------------
// Render + poll

export function currentPerson() {
  return state.people.find(function (p) {
    return p.id === state.personId;
  });
}

export function render() {
  var threads = buildThreads(state.messages);
  if (state.wantedAlertId && state.loaded) {
    var wanted = findThreadForAlert(threads, state.wantedAlertId);
    if (wanted) state.selectedRootId = wanted.root.id;
    state.wantedAlertId = null;
    writeHash();
  }
  var selected = threads.find(function (t) {
    return t.root.id === state.selectedRootId;
  });
  if (!selected && state.loaded && threads.length) {
    selected = threads[0];
    state.selectedRootId = selected.root.id;
    writeHash();
  }
  renderThreadList(threads);
  renderThreadPane(selected || null);
}

export function poll() {
  clearTimeout(state.pollTimer);
  var personId = state.personId;
  var generation = state.generation;
  if (!personId) return;
  api('api/messages?personId=' + encodeURIComponent(personId))
    .then(function (res) {
      if (generation !== state.generation) return;
      if (!res.ok || !res.body || !Array.isArray(res.body.messages)) throw new Error('HTTP ' + res.status);
      el.connection.hidden = true;
      var first = !state.loaded;
      state.messages = res.body.messages;
      state.loaded = true;
      if (first) {
        // Everything already there when the page opens counts as seen.
        buildThreads(state.messages).forEach(function (t) {
          state.seen.set(t.root.id, t.activityKey);
        });
      }
      render();
    })
    .catch(function (err) {
      if (generation !== state.generation) return;
      console.warn('Polling failed', err);
      el.connection.hidden = false;
    })
    .then(function () {
      if (generation !== state.generation) return;
      state.pollTimer = setTimeout(poll, POLL_MS);
    });
}

export function pollNow() {
  // Bumping the generation drops a request already in flight, so only one loop runs.
  state.generation++;
  poll();
}

export function setPerson(personId, selectedRootId) {
  if (state.personId === personId && selectedRootId === undefined) return;
  var changed = state.personId !== personId;
  state.personId = personId;
  el.personSelect.value = personId;
  updateAdminControls();
  if (changed) {
    state.messages = [];
    state.loaded = false;
    state.seen = new Map();
    state.selectedRootId = null;
  }
  if (selectedRootId !== undefined) state.selectedRootId = selectedRootId;
  writeHash();
  render();
  pollNow();
}

export function applyHash() {
  var params = readHash();
  var person = params.get('person');
  var thread = params.get('thread');
  state.wantedAlertId = params.get('alert');
  var valid = state.people.some(function (p) {
    return p.id === person;
  });
  if (!valid && state.wantedAlertId) {
    // A link to an alert (#alert=<id>) names no person: open it as the first person who has it.
    return findPersonWithAlert(state.wantedAlertId).then(function (found) {
      var fallback = state.people[0] && state.people[0].id;
      if (found || fallback) setPerson(found || fallback);
    });
  }
  var personId = valid ? person : state.people[0] && state.people[0].id;
  if (!personId) return;
  setPerson(personId, thread && /^\d+$/.test(thread) ? Number(thread) : undefined);
}

export function findPersonWithAlert(alertId) {
  var people = state.people.slice();
  var next = function () {
    var p = people.shift();
    if (!p) return Promise.resolve(null);
    return api('api/messages?personId=' + encodeURIComponent(p.id))
      .then(function (res) {
        var messages = (res.ok && res.body && res.body.messages) || [];
        return findThreadForAlert(buildThreads(messages), alertId) ? p.id : next();
      })
      .catch(next);
  };
  return next();
}
