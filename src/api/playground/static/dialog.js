/* Fincelo CSM Hub playground — The settings dialog, built from the same form model as Slack's modal and Teams' card. */
import { $, api, state, toast } from './core.js';

// ---------------------------------------------------------------------------------------------
// Settings dialog, built from the same form model as Slack's modal and Teams' card

export var dialog = { model: null };

export function openForm(form, externalId) {
  var q = 'api/forms/' + form + '?personId=' + encodeURIComponent(state.personId);
  if (externalId) q += '&externalId=' + encodeURIComponent(externalId);
  api(q).then(function (res) {
    if (!res.ok || !res.body) return toast(res.message || 'HTTP ' + res.status, true);
    openDialog(res.body.form, {});
  });
}

export function openDialog(model, o) {
  dialog.model = model;
  var d = $('settings-dialog');
  $('settings-title').textContent = model.title;
  $('settings-submit').textContent = model.submitLabel || 'Save';
  showNotice(o.notice, o.ok);
  var host = $('settings-fields');
  host.replaceChildren();
  var values = o.values || {};
  var errors = o.errors || {};
  model.fields.forEach(function (f) {
    var label = document.createElement('label');
    label.className = 'field';
    var title = document.createElement('span');
    title.textContent = f.label + (f.optional ? ' (optional)' : '');
    var input;
    if (f.type === 'select') {
      input = document.createElement('select');
      (f.options || []).forEach(function (opt) {
        var option = document.createElement('option');
        option.value = opt.value;
        option.textContent = opt.label;
        input.appendChild(option);
      });
    } else if (f.type === 'textarea') {
      input = document.createElement('textarea');
      input.rows = 4;
    } else {
      input = document.createElement('input');
      input.type = f.type === 'number' ? 'text' : 'text';
      if (f.type === 'number') input.inputMode = 'decimal';
    }
    input.name = f.id;
    input.setAttribute('data-field', f.id);
    input.value = values[f.id] !== undefined ? values[f.id] : f.value;
    label.append(title, input);
    if (f.hint) {
      var hint = document.createElement('div');
      hint.className = 'hint';
      hint.textContent = f.hint;
      label.appendChild(hint);
    }
    if (errors[f.id]) {
      var err = document.createElement('div');
      err.className = 'error';
      err.setAttribute('data-testid', 'field-error');
      err.textContent = errors[f.id];
      label.appendChild(err);
    }
    host.appendChild(label);
  });
  if (!d.open) d.showModal();
  if (o.focus) {
    var first = host.querySelector('[data-field^="' + o.focus + '"]');
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus();
    }
  }
}

export function showNotice(text, ok) {
  var n = $('settings-notice');
  n.hidden = !text;
  n.textContent = text || '';
  n.className = ok === false ? 'notice bad' : 'notice';
}

$('settings-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var model = dialog.model;
  if (!model) return;
  var values = {};
  $('settings-fields')
    .querySelectorAll('[data-field]')
    .forEach(function (input) {
      values[input.getAttribute('data-field')] = input.value;
    });
  var button = $('settings-submit');
  button.disabled = true;
  api('api/forms/' + model.form, {
    body: { personId: state.personId, values: values, context: model.context || {} },
  })
    .then(function (res) {
      if (res.ok && res.body && res.body.ok) {
        var fresh = res.body.form || model;
        openDialog(fresh, { notice: '✅ ' + res.body.message, ok: true });
        toast('Settings saved.', false);
      } else if (res.body && res.body.errors && Object.keys(res.body.errors).length) {
        openDialog(model, {
          values: values,
          errors: res.body.errors,
          notice: res.body.message || 'Some fields need attention: see below.',
          ok: false,
        });
      } else {
        showNotice(res.message || 'Nothing was saved (HTTP ' + res.status + ').', false);
      }
    })
    .catch(function () {
      showNotice('Could not reach the server. Is Fincelo running?', false);
    })
    .then(function () {
      button.disabled = false;
    });
});

$('settings-cancel').addEventListener('click', function () {
  $('settings-dialog').close();
});
document.querySelectorAll('[data-open-form]').forEach(function (b) {
  b.addEventListener('click', function () {
    openForm(b.getAttribute('data-open-form'));
  });
});
