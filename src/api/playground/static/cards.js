/* Fincelo CSM Hub playground — Adaptive Cards: host config, safe markdown, rendering and card actions. */
import { AC, api, el, state, toast } from './core.js';
import { pollNow, render } from './poll.js';

// ---------------------------------------------------------------------------------------------
// Adaptive Cards

export function colors(base) {
  return {
    default: { default: base, subtle: '#5F6B7A' },
    dark: { default: '#101828', subtle: '#475467' },
    light: { default: '#FFFFFF', subtle: '#E4E7EC' },
    accent: { default: '#2456D6', subtle: '#5B7FE0' },
    good: { default: '#067647', subtle: '#3B8F6A' },
    warning: { default: '#B54708', subtle: '#C4733D' },
    attention: { default: '#B42318', subtle: '#C6534A' },
  };
}

// A complete host config: the SDK fills only what is passed, so container styles are spelled out.
// Null when the SDK did not load (main.js then says so and starts nothing).
export var hostConfig =
  AC &&
  new AC.HostConfig({
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    supportsInteractivity: true,
    fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
    fontWeights: { lighter: 300, default: 400, bolder: 600 },
    spacing: { small: 4, default: 10, medium: 16, large: 24, extraLarge: 32, padding: 16 },
    separator: { lineThickness: 1, lineColor: '#E3E6EB' },
    containerStyles: {
      default: { backgroundColor: '#FFFFFF', foregroundColors: colors('#1F2328') },
      emphasis: { backgroundColor: '#F4F6FA', foregroundColors: colors('#1F2328') },
      accent: { backgroundColor: '#E9EFFD', foregroundColors: colors('#1F2328') },
      good: { backgroundColor: '#ECFDF3', foregroundColors: colors('#1F2328') },
      attention: { backgroundColor: '#FEF3F2', foregroundColors: colors('#1F2328') },
      warning: { backgroundColor: '#FFFAEB', foregroundColors: colors('#1F2328') },
    },
    actions: {
      // An open alert offers six actions (as in Teams); the SDK's default is five.
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: 8,
      showCard: { actionMode: 'inline', inlineTopMargin: 12, style: 'emphasis' },
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
    },
    factSet: {
      title: {
        color: 'default',
        size: 'default',
        isSubtle: true,
        weight: 'default',
        wrap: true,
        maxWidth: 160,
      },
      value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
      spacing: 12,
    },
  });

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

// TextBlocks accept a little markdown; support the part cards use (bold, links, line breaks)
// on escaped text, so nothing from a card can inject HTML.
if (AC)
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = escapeHtml(text)
      .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
      .replace(
        /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g,
        '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>',
      )
      .replace(/\n/g, '<br>');
    result.didProcess = true;
  };

/** Renders card JSON into a DOM node, or returns null when the SDK cannot make sense of it. */
export function renderCard(json) {
  try {
    var card = new AC.AdaptiveCard();
    card.hostConfig = hostConfig;
    card.onExecuteAction = onCardAction;
    card.parse(json);
    return card.render() || null;
  } catch (e) {
    console.error('Could not render card', e, json);
    return null;
  }
}

export function fallbackNode(json) {
  var div = document.createElement('div');
  div.className = 'card-fallback';
  div.textContent = (json && json.fallbackText) || 'This card could not be displayed.';
  return div;
}

export function onCardAction(action) {
  var type = action.getJsonTypeName ? action.getJsonTypeName() : '';
  if (type === 'Action.OpenUrl' && action.url) {
    window.open(action.url, '_blank', 'noopener');
    return;
  }
  if (type !== 'Action.Execute' && type !== 'Action.Submit') return;
  // action.data is the action's data with the values of its inputs merged in.
  var data = Object.assign({}, action.data || {});
  if (data.fincelo === 'csv') return submitCsvAction(data);
  var alertId = data.alertId;
  var name = action.verb || data.action;
  var version = data.version;
  delete data.alertId;
  delete data.action;
  delete data.version;
  submitAction({
    personId: state.personId,
    alertId: alertId,
    action: name,
    version: version,
    params: data,
  });
}

// CSV import cards (issue 6): their actions go to the import, with the card's inputs as values.
export function submitCsvAction(data) {
  if (state.busy) return;
  setBusy(true);
  api('api/csv/action', {
    body: { personId: state.personId, importId: data.importId, step: data.step, values: data },
  })
    .then(function (res) {
      if (res.ok && res.body && res.body.ok !== false) toast(res.body.message || 'Done.', false);
      else toast(res.message || 'The action failed (HTTP ' + res.status + ').', true);
    })
    .catch(function () {
      toast('Could not reach the server. Is Fincelo running?', true);
    })
    .then(function () {
      setBusy(false);
      pollNow();
    });
}

export function submitAction(body) {
  if (state.busy) return;
  setBusy(true);
  api('api/actions', { body: body })
    .then(function (res) {
      var msg = res.message;
      if (res.ok && res.body && res.body.ok !== false) toast(msg || 'Done.', false);
      else toast(msg || 'The action failed (HTTP ' + res.status + ').', true);
    })
    .catch(function () {
      toast('Could not reach the server. Is Fincelo running?', true);
    })
    .then(function () {
      setBusy(false);
      pollNow();
    });
}

export function setBusy(busy) {
  state.busy = busy;
  el.card.classList.toggle('busy', busy);
  el.card.setAttribute('aria-busy', busy ? 'true' : 'false');
}
