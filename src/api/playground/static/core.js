/* Fincelo CSM Hub playground — Shared state, DOM handles, the JSON API client, URL hash, toasts and text helpers. */

export var POLL_MS = 1500;
export var TOAST_MS = 4500;
export var ERROR_TOAST_MS = 8000;

export var AC = window.AdaptiveCards;
export var $ = function (id) {
  return document.getElementById(id);
};

export var el = {
  personSelect: $('person-select'),
  workspaceName: $('workspace-name'),
  connection: $('connection'),
  threads: $('threads'),
  threadsEmpty: $('threads-empty'),
  threadEmpty: $('thread-empty'),
  thread: $('thread'),
  card: $('card'),
  repliesHeader: $('replies-header'),
  replies: $('replies'),
  toasts: $('toasts'),
  simulate: $('simulate'),
  usageForm: $('usage-form'),
  usageCustomer: $('usage-customer'),
  usageUsed: $('usage-used'),
  usageLimit: $('usage-limit'),
};

export var state = {
  people: [],
  personId: null,
  /** Bumped whenever the person changes, so answers for the previous person are dropped. */
  generation: 0,
  messages: [],
  loaded: false,
  selectedRootId: null,
  /** The alert id asked for in the URL (#alert=…), applied once messages arrive. */
  wantedAlertId: null,
  /** rootId -> activity key last seen, to flag threads with news. */
  seen: new Map(),
  /** What is on screen for the selected thread, to re-render only what changed. */
  shown: { rootId: null, cardKey: null, replyKeys: new Map() },
  pollTimer: null,
  busy: false,
};

// ---------------------------------------------------------------------------------------------
// HTTP

// A ?workspaceId=… on the page's URL picks the workspace; it is passed on to every API call.
export var workspaceQuery = new URLSearchParams(location.search).get('workspaceId');

export function api(path, options) {
  if (workspaceQuery) {
    path += (path.indexOf('?') === -1 ? '?' : '&') + 'workspaceId=' + encodeURIComponent(workspaceQuery);
  }
  var init = { headers: { Accept: 'application/json' }, cache: 'no-store' };
  if (options && options.body !== undefined) {
    init.method = options.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  return fetch(path, init).then(function (res) {
    return res.text().then(function (text) {
      var body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch (e) {
        body = null;
      }
      // Errors come as {"ok": false, "message"} or {"error"}; expose either as `message`.
      var message = body && (body.message || (typeof body.error === 'string' ? body.error : null));
      return { ok: res.ok, status: res.status, body: body, message: message || null };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// URL hash: #person=<id>&thread=<rootId> (also accepts alert=<alertId>)

export function readHash() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

export function writeHash() {
  var params = new URLSearchParams();
  if (state.personId) params.set('person', state.personId);
  if (state.selectedRootId != null) params.set('thread', String(state.selectedRootId));
  var next = '#' + params.toString();
  if (location.hash !== next) history.replaceState(null, '', next);
}

// ---------------------------------------------------------------------------------------------
// Toasts

export function toast(message, isError) {
  var node = document.createElement('div');
  node.className = isError ? 'toast error' : 'toast';
  node.setAttribute('data-testid', 'toast');
  node.setAttribute('role', isError ? 'alert' : 'status');
  node.textContent = message || (isError ? 'Something went wrong.' : 'Done.');
  var close = function () {
    if (!node.parentNode) return;
    node.classList.add('leaving');
    setTimeout(function () {
      if (node.parentNode) node.parentNode.removeChild(node);
    }, 200);
  };
  node.addEventListener('click', close);
  el.toasts.appendChild(node);
  // Keep the stack short: the oldest toasts make way.
  while (el.toasts.children.length > 4) el.toasts.removeChild(el.toasts.firstChild);
  setTimeout(close, isError ? ERROR_TOAST_MS : TOAST_MS);
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

export function formatTime(iso) {
  var d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  var now = new Date();
  var sameDay = d.toDateString() === now.toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** TextBlock texts of a card body in reading order (ShowCard contents excluded). */
export function cardTexts(card) {
  var out = [];
  var visit = function (node) {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'TextBlock' && typeof node.text === 'string') out.push(node);
    ['body', 'items', 'columns'].forEach(function (k) {
      if (node[k]) visit(node[k]);
    });
  };
  visit(card && card.body);
  return out;
}

/** Title and subtitle for a thread in the list, read from its root message. */
export function summarize(root) {
  if (root.card) {
    var blocks = cardTexts(root.card);
    var title =
      blocks.find(function (b) {
        return b.size === 'Large' || b.size === 'large' || b.size === 'ExtraLarge';
      }) || blocks[0];
    var rest = blocks
      .filter(function (b) {
        return b !== title && !(b.isSubtle && (b.size === 'Small' || b.size === 'small'));
      })
      .slice(0, 2)
      .map(function (b) {
        return b.text;
      });
    return {
      title: title ? title.text : root.card.fallbackText || 'Card',
      subtitle: rest.join(' · '),
    };
  }
  var text = String(root.text || '').trim();
  var lines = text.split('\n');
  return { title: lines[0] || '(empty message)', subtitle: lines.slice(1).join(' ').slice(0, 120) };
}
