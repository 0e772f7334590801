/* Fincelo CSM Hub playground — The API key button (admins) and direct messages with Fincelo (the composer). */
import { escapeHtml } from './cards.js';
import { $, api, state, toast } from './core.js';
import { openDialog } from './dialog.js';
import { currentPerson } from './poll.js';

// ---------------------------------------------------------------------------------------------
// API key (admins): the demo's key printed at this start, or a new key

$('api-key-button').addEventListener('click', function () {
  if (!state.personId) return;
  api('api/api-key', { body: { personId: state.personId } }).then(function (res) {
    if (!res.ok || !res.body) return toast(res.message || 'No key (HTTP ' + res.status + ').', true);
    dmPost(
      'fincelo',
      (res.body.created
        ? 'A new API key for this workspace (shown once):\n'
        : 'The demo workspace’s API key:\n') +
        res.body.apiKey +
        '\nworkspaceId: ' +
        res.body.workspaceId +
        '\nUse it as "Authorization: Bearer <key>" with /api/v1 (see README).',
    );
  });
});

export function updateAdminControls() {
  var p = currentPerson();
  $('api-key-button').hidden = !(p && p.isAdmin);
}

// ---------------------------------------------------------------------------------------------
// Direct messages with Fincelo: the composer sends the same commands as /fincelo in Slack

export function formatText(text) {
  // Chat-style markup the commands use: *bold* and `code`; everything else is text.
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>');
}

export function dmPost(who, text) {
  var li = document.createElement('li');
  li.className = 'reply';
  li.setAttribute('data-testid', who === 'me' ? 'dm-sent' : 'dm-reply');
  var meta = document.createElement('div');
  meta.className = 'reply-meta';
  var p = currentPerson();
  meta.textContent = who === 'me' ? (p ? p.name : 'You') : 'Fincelo';
  var body = document.createElement('div');
  body.className = 'dm-text';
  body.innerHTML = formatText(text);
  li.append(meta, body);
  var log = $('dm-log');
  log.appendChild(li);
  log.scrollTop = log.scrollHeight;
}

$('composer').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var input = $('composer-input');
  var text = input.value.trim();
  if (!text || !state.personId) return;
  input.value = '';
  dmPost('me', text);
  api('api/command', { body: { personId: state.personId, text: text } })
    .then(function (res) {
      if (!res.ok || !res.body) return dmPost('fincelo', res.message || 'HTTP ' + res.status);
      dmPost('fincelo', res.body.text);
      if (res.body.form) openDialog(res.body.form, { focus: res.body.focus });
    })
    .catch(function () {
      toast('Could not reach the server. Is Fincelo running?', true);
    });
});
