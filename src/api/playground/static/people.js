/* Fincelo CSM Hub playground — Start-up lists (people, customers, the usage simulator, CSV upload) and the workspace picker. */
import { $, api, el, state, toast, workspaceQuery } from './core.js';
import { pollNow } from './poll.js';

// ---------------------------------------------------------------------------------------------
// Start-up

export function roleLabel(role) {
  var labels = {
    csm: 'CSM',
    csm_manager: 'CSM Manager',
    vp_cs: 'VP Customer Success',
    cfo: 'CFO',
    admin: 'Admin',
  };
  return labels[role] || role || '';
}

export function loadPeople() {
  return api('api/people').then(function (res) {
    if (!res.ok || !res.body || !Array.isArray(res.body.people)) {
      var err = new Error(res.message || 'HTTP ' + res.status);
      err.shown = !!res.message;
      throw err;
    }
    state.people = res.body.people;
    state.workspaceId = res.body.workspaceId;
    el.workspaceName.textContent = res.body.workspaceName ? ' · ' + res.body.workspaceName : '';
    el.personSelect.replaceChildren();
    state.people.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.id;
      option.textContent = p.name + (p.role ? ' — ' + roleLabel(p.role) : '');
      el.personSelect.appendChild(option);
    });
    el.personSelect.disabled = state.people.length === 0;
    if (!state.people.length) {
      el.threadsEmpty.hidden = false;
      el.threadsEmpty.textContent =
        'This workspace has no people yet. Add people with the API (POST /api/v1/people).';
    }
  });
}

export function loadCustomers() {
  return api('api/customers')
    .then(function (res) {
      if (!res.ok || !res.body || !Array.isArray(res.body.customers)) throw new Error('HTTP ' + res.status);
      el.usageCustomer.replaceChildren();
      res.body.customers.forEach(function (c) {
        var option = document.createElement('option');
        option.value = c.externalId;
        option.textContent =
          c.name + (c.tier ? ' (' + c.tier + ')' : '') + (c.csmName ? ' — ' + c.csmName : '');
        el.usageCustomer.appendChild(option);
      });
      el.simulate.hidden = res.body.customers.length === 0;
    })
    .catch(function () {
      el.simulate.hidden = true;
    });
}

export var USAGE_OUTCOMES = {
  created: 'Reading accepted: a new alert was created.',
  updated: 'Reading accepted: the open alert was updated.',
  suppressed: 'Reading accepted: suppressed by the cooldown (recorded on the timeline).',
  below_threshold: 'Reading accepted: below the threshold, no alert.',
};

el.usageForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  var button = el.usageForm.querySelector('button[type="submit"]');
  button.disabled = true;
  api('api/usage', {
    body: {
      customerExternalId: el.usageCustomer.value,
      used: Number(el.usageUsed.value),
      limit: Number(el.usageLimit.value),
    },
  })
    .then(function (res) {
      if (res.ok && res.body && res.body.ok !== false) {
        toast(USAGE_OUTCOMES[res.body.outcome] || 'Reading accepted.', false);
      } else {
        toast(res.message || 'The reading was rejected (HTTP ' + res.status + ').', true);
      }
    })
    .catch(function () {
      toast('Could not reach the server. Is Fincelo running?', true);
    })
    .then(function () {
      button.disabled = false;
      pollNow();
    });
});

// The upload is sent as the raw file (the server checks its size before reading it).
$('csv-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var input = $('csv-file');
  var file = input.files && input.files[0];
  if (!file || !state.personId) return;
  var path =
    'api/csv/upload?personId=' +
    encodeURIComponent(state.personId) +
    '&filename=' +
    encodeURIComponent(file.name);
  if (workspaceQuery) path += '&workspaceId=' + encodeURIComponent(workspaceQuery);
  fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file })
    .then(function (res) {
      return res.json().then(function (body) {
        if (res.ok && body.ok) {
          toast('Review the mapping in the new thread.', false);
          input.value = '';
          pollNow();
        } else toast(body.message || 'The upload failed (HTTP ' + res.status + ').', true);
      });
    })
    .catch(function () {
      toast('Could not reach the server. Is Fincelo running?', true);
    });
});

// ---------------------------------------------------------------------------------------------
// Workspace picker (this deployment's workspaces; the choice is the page's ?workspaceId=…)

export function loadWorkspaces() {
  return api('api/workspaces')
    .then(function (res) {
      var list = (res.ok && res.body && res.body.workspaces) || [];
      var picker = $('workspace-select');
      picker.replaceChildren();
      list.forEach(function (w) {
        var option = document.createElement('option');
        option.value = w.id;
        option.textContent = w.name;
        picker.appendChild(option);
      });
      $('workspace-picker').hidden = list.length < 2;
      if (state.workspaceId) picker.value = state.workspaceId;
    })
    .catch(function () {
      $('workspace-picker').hidden = true;
    });
}

$('workspace-select').addEventListener('change', function () {
  var params = new URLSearchParams(location.search);
  params.set('workspaceId', $('workspace-select').value);
  location.search = params.toString();
});
