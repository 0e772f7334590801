/*
 * Fincelo CSM Hub playground: a chat-like view of one person's alert threads.
 * Plain browser JavaScript modules, no build step: this entry point wires the person menu and the
 * URL hash and starts the page; core.js (state, API, toasts), threads.js, thread-pane.js, cards.js
 * (Adaptive Cards via vendor/adaptivecards.js, global `AdaptiveCards`), poll.js, people.js, dm.js
 * and dialog.js hold the rest. The JSON API is described in README.md.
 */
import { $, AC, el, readHash, state } from './core.js';
import { loadCustomers, loadPeople, loadWorkspaces } from './people.js';
import { applyHash, render, setPerson } from './poll.js';
import { selectThread } from './thread-pane.js';

el.personSelect.addEventListener('change', function () {
  setPerson(el.personSelect.value);
});

window.addEventListener('hashchange', function () {
  var params = readHash();
  var person = params.get('person');
  var thread = params.get('thread');
  if (params.get('alert')) state.wantedAlertId = params.get('alert');
  if (person && person !== state.personId) setPerson(person);
  if (thread && /^\d+$/.test(thread) && Number(thread) !== state.selectedRootId) selectThread(Number(thread));
  else if (state.wantedAlertId) render();
});

export function start() {
  loadPeople()
    .then(function () {
      applyHash();
      loadCustomers();
      loadWorkspaces();
    })
    .catch(function (err) {
      // e.g. "No workspace yet: run `fincelo demo` …": say so, and try again shortly.
      el.threadsEmpty.hidden = false;
      el.threadsEmpty.textContent =
        err && err.shown ? err.message : 'Cannot reach the Fincelo server. Retrying…';
      el.connection.hidden = false;
      setTimeout(start, 3000);
    });
}

if (AC) start();
else {
  var missing = document.createElement('div');
  missing.className = 'toast error';
  missing.setAttribute('data-testid', 'toast');
  missing.textContent = 'The Adaptive Cards renderer (vendor/adaptivecards.js) did not load.';
  $('toasts').appendChild(missing);
}
