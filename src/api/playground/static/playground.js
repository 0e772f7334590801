/*
 * Fincelo CSM Hub playground: a chat-like view of one person's alert threads.
 * Plain browser JavaScript, no build step. Cards are rendered with the Adaptive Cards SDK
 * (vendor/adaptivecards.js, global `AdaptiveCards`); the JSON API is described in README.md.
 */
(function () {
  'use strict';

  var POLL_MS = 1500;
  var TOAST_MS = 4500;
  var ERROR_TOAST_MS = 8000;

  var AC = window.AdaptiveCards;
  var $ = function (id) {
    return document.getElementById(id);
  };
  if (!AC) {
    var missing = document.createElement('div');
    missing.className = 'toast error';
    missing.setAttribute('data-testid', 'toast');
    missing.textContent = 'The Adaptive Cards renderer (vendor/adaptivecards.js) did not load.';
    $('toasts').appendChild(missing);
    return;
  }

  var el = {
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

  var state = {
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
  var workspaceQuery = new URLSearchParams(location.search).get('workspaceId');

  function api(path, options) {
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

  function readHash() {
    return new URLSearchParams(location.hash.replace(/^#/, ''));
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (state.personId) params.set('person', state.personId);
    if (state.selectedRootId != null) params.set('thread', String(state.selectedRootId));
    var next = '#' + params.toString();
    if (location.hash !== next) history.replaceState(null, '', next);
  }

  // ---------------------------------------------------------------------------------------------
  // Toasts

  function toast(message, isError) {
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

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var now = new Date();
    var sameDay = d.toDateString() === now.toDateString();
    return sameDay
      ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
      : d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  /** TextBlock texts of a card body in reading order (ShowCard contents excluded). */
  function cardTexts(card) {
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
  function summarize(root) {
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

  // ---------------------------------------------------------------------------------------------
  // Threads

  function buildThreads(messages) {
    var byRoot = new Map();
    messages.forEach(function (m) {
      if (m.threadRootId == null) byRoot.set(m.id, { root: m, replies: [] });
    });
    messages.forEach(function (m) {
      if (m.threadRootId == null) return;
      var t = byRoot.get(m.threadRootId);
      if (t) t.replies.push(m);
    });
    var threads = Array.from(byRoot.values());
    threads.forEach(function (t) {
      var last = t.root.updatedAt || t.root.createdAt;
      t.replies.forEach(function (r) {
        var at = r.updatedAt || r.createdAt;
        if (at > last) last = at;
      });
      t.lastActivity = last;
      var lastReply = t.replies[t.replies.length - 1];
      t.activityKey =
        (t.root.updatedAt || '') + '|' + (lastReply ? lastReply.id : '') + '|' + t.replies.length;
    });
    // Most recent activity first, like a chat client.
    threads.sort(function (a, b) {
      if (a.lastActivity === b.lastActivity) return b.root.id - a.root.id;
      return a.lastActivity < b.lastActivity ? 1 : -1;
    });
    return threads;
  }

  function findThreadForAlert(threads, alertId) {
    return threads.find(function (t) {
      return (
        t.root.alertId === alertId || (t.root.card && JSON.stringify(t.root.card).indexOf(alertId) !== -1)
      );
    });
  }

  function renderThreadList(threads) {
    var person = currentPerson();
    el.threadsEmpty.hidden = threads.length > 0;
    if (!threads.length) {
      el.threadsEmpty.textContent = state.loaded
        ? 'No alerts for ' +
          (person ? person.name : 'this person') +
          ' yet. Simulate a usage reading below to create one.'
        : 'Loading…';
    }
    // Rebuild the list in place, reusing nodes by root id to keep focus and hover stable.
    var existing = new Map();
    Array.prototype.forEach.call(el.threads.children, function (li) {
      existing.set(li.dataset.rootId, li);
    });
    threads.forEach(function (t, index) {
      var id = String(t.root.id);
      var li = existing.get(id);
      if (!li) {
        li = document.createElement('li');
        li.className = 'thread-item';
        li.dataset.rootId = id;
        li.setAttribute('data-testid', 'thread');
        li.tabIndex = 0;
        li.setAttribute('role', 'button');
        li.addEventListener('click', function () {
          selectThread(t.root.id);
        });
        li.addEventListener('keydown', function (ev) {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            selectThread(Number(li.dataset.rootId));
          }
        });
        li.innerHTML =
          '<div class="thread-title"></div><div class="thread-subtitle"></div>' +
          '<div class="thread-meta"><span class="thread-replies"></span><span class="thread-time"></span></div>';
      }
      existing.delete(id);
      var s = summarize(t.root);
      var selected = t.root.id === state.selectedRootId;
      if (selected) state.seen.set(t.root.id, t.activityKey);
      var unread = !selected && state.seen.get(t.root.id) !== t.activityKey;
      li.classList.toggle('active', selected);
      li.classList.toggle('unread', unread);
      li.setAttribute('aria-current', selected ? 'true' : 'false');
      setText(li.querySelector('.thread-title'), s.title);
      setText(li.querySelector('.thread-subtitle'), s.subtitle);
      var n = t.replies.length;
      setText(
        li.querySelector('.thread-replies'),
        n === 0 ? 'No replies' : n === 1 ? '1 reply' : n + ' replies',
      );
      setText(li.querySelector('.thread-time'), formatTime(t.lastActivity));
      if (el.threads.children[index] !== li) el.threads.insertBefore(li, el.threads.children[index] || null);
    });
    existing.forEach(function (li) {
      li.parentNode.removeChild(li);
    });
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  // ---------------------------------------------------------------------------------------------
  // Adaptive Cards

  function colors(base) {
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
  var hostConfig = new AC.HostConfig({
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

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // TextBlocks accept a little markdown; support the part cards use (bold, links, line breaks)
  // on escaped text, so nothing from a card can inject HTML.
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
  function renderCard(json) {
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

  function fallbackNode(json) {
    var div = document.createElement('div');
    div.className = 'card-fallback';
    div.textContent = (json && json.fallbackText) || 'This card could not be displayed.';
    return div;
  }

  function onCardAction(action) {
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
  function submitCsvAction(data) {
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

  function submitAction(body) {
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

  function setBusy(busy) {
    state.busy = busy;
    el.card.classList.toggle('busy', busy);
    el.card.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  // ---------------------------------------------------------------------------------------------
  // Selected thread

  function selectThread(rootId) {
    if (state.selectedRootId === rootId) return;
    state.selectedRootId = rootId;
    writeHash();
    render();
  }

  function messageKey(m) {
    return (m.updatedAt || '') + '|' + JSON.stringify(m.card) + '|' + (m.text || '');
  }

  function renderThreadPane(thread) {
    if (!thread) {
      el.thread.hidden = true;
      el.threadEmpty.hidden = false;
      state.shown = { rootId: null, cardKey: null, replyKeys: new Map() };
      el.card.replaceChildren();
      el.replies.replaceChildren();
      return;
    }
    el.thread.hidden = false;
    el.threadEmpty.hidden = true;
    var shown = state.shown;
    var firstRender = shown.rootId !== thread.root.id;
    if (firstRender) {
      shown = state.shown = { rootId: thread.root.id, cardKey: null, replyKeys: new Map() };
      el.card.replaceChildren();
      el.replies.replaceChildren();
      el.thread.scrollTop = 0;
    }

    // Root: re-rendered only when its content changed (an open ShowCard stays open otherwise).
    var rootKey = messageKey(thread.root);
    if (shown.cardKey !== rootKey) {
      var changed = shown.cardKey !== null;
      shown.cardKey = rootKey;
      el.card.replaceChildren(messageBody(thread.root, true));
      if (changed) {
        // A brief highlight tells the reader the card changed under them.
        el.card.classList.remove('updated');
        void el.card.offsetWidth;
        el.card.classList.add('updated');
      }
    }

    // Replies: append new ones, update changed ones, keep the rest untouched.
    var nearBottom = isNearBottom();
    var appended = false;
    var present = new Set();
    thread.replies.forEach(function (r) {
      present.add(r.id);
      var key = messageKey(r);
      var node = el.replies.querySelector('[data-id="' + r.id + '"]');
      if (node && shown.replyKeys.get(r.id) === key) return;
      var fresh = replyNode(r);
      if (node) node.replaceWith(fresh);
      else {
        el.replies.appendChild(fresh);
        appended = true;
      }
      shown.replyKeys.set(r.id, key);
    });
    Array.prototype.slice.call(el.replies.children).forEach(function (node) {
      if (!present.has(Number(node.dataset.id))) node.remove();
    });
    el.repliesHeader.hidden = thread.replies.length === 0;
    el.repliesHeader.textContent =
      thread.replies.length === 1 ? '1 reply' : thread.replies.length + ' replies';
    // Follow new replies like a chat, but only if the reader was already at the bottom.
    if (appended && nearBottom && !firstRender) el.thread.scrollTop = el.thread.scrollHeight;
  }

  function isNearBottom() {
    return el.thread.scrollHeight - el.thread.scrollTop - el.thread.clientHeight < 80;
  }

  function messageBody(m, isRoot) {
    if (m.card) return renderCard(m.card) || fallbackNode(m.card);
    var div = document.createElement('div');
    div.className = isRoot ? 'root-text' : 'reply-text';
    appendLinkedText(div, m.text || '');
    return div;
  }

  // Plain-text messages may carry a link (the CSV error report, a signed report URL): those become
  // anchors built as DOM nodes (no HTML is parsed); a report link downloads its CSV.
  var LINK = /(https?:\/\/[^\s<>"]+|\/playground\/api\/[^\s<>"]+)/g;
  function appendLinkedText(node, text) {
    var last = 0;
    text.replace(LINK, function (url, _g, at) {
      if (at > last) node.appendChild(document.createTextNode(text.slice(last, at)));
      var a = document.createElement('a');
      a.href = url;
      a.textContent = /\/report(\?|$)|\/csv\/reports\//.test(url) ? 'Download the error report (CSV)' : url;
      if (/\/report(\?|$)/.test(url)) a.setAttribute('download', '');
      else a.rel = 'noopener noreferrer';
      a.className = 'msg-link';
      node.appendChild(a);
      last = at + url.length;
      return url;
    });
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }

  function replyNode(m) {
    var li = document.createElement('li');
    li.className = 'reply' + (m.card ? ' has-card' : '');
    li.dataset.id = String(m.id);
    li.setAttribute('data-testid', 'reply');
    var avatar = document.createElement('div');
    avatar.className = 'avatar';
    avatar.setAttribute('aria-hidden', 'true');
    avatar.textContent = 'F';
    var bubble = document.createElement('div');
    bubble.className = 'bubble';
    var meta = document.createElement('div');
    meta.className = 'reply-meta';
    var who = document.createElement('strong');
    who.textContent = 'Fincelo';
    var when = document.createElement('time');
    when.dateTime = m.createdAt;
    when.textContent = formatTime(m.createdAt);
    meta.append(who, when);
    bubble.append(meta, messageBody(m, false));
    li.append(avatar, bubble);
    return li;
  }

  // ---------------------------------------------------------------------------------------------
  // Render + poll

  function currentPerson() {
    return state.people.find(function (p) {
      return p.id === state.personId;
    });
  }

  function render() {
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

  function poll() {
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

  function pollNow() {
    // Bumping the generation drops a request already in flight, so only one loop runs.
    state.generation++;
    poll();
  }

  function setPerson(personId, selectedRootId) {
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

  function applyHash() {
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

  function findPersonWithAlert(alertId) {
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

  // ---------------------------------------------------------------------------------------------
  // Start-up

  function roleLabel(role) {
    var labels = {
      csm: 'CSM',
      csm_manager: 'CSM Manager',
      vp_cs: 'VP Customer Success',
      cfo: 'CFO',
      admin: 'Admin',
    };
    return labels[role] || role || '';
  }

  function loadPeople() {
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

  function loadCustomers() {
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

  var USAGE_OUTCOMES = {
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

  function loadWorkspaces() {
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

  function updateAdminControls() {
    var p = currentPerson();
    $('api-key-button').hidden = !(p && p.isAdmin);
  }

  // ---------------------------------------------------------------------------------------------
  // Direct messages with Fincelo: the composer sends the same commands as /fincelo in Slack

  function formatText(text) {
    // Chat-style markup the commands use: *bold* and `code`; everything else is text.
    return escapeHtml(text)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>');
  }

  function dmPost(who, text) {
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

  // ---------------------------------------------------------------------------------------------
  // Settings dialog, built from the same form model as Slack's modal and Teams' card

  var dialog = { model: null };

  function openForm(form, externalId) {
    var q = 'api/forms/' + form + '?personId=' + encodeURIComponent(state.personId);
    if (externalId) q += '&externalId=' + encodeURIComponent(externalId);
    api(q).then(function (res) {
      if (!res.ok || !res.body) return toast(res.message || 'HTTP ' + res.status, true);
      openDialog(res.body.form, {});
    });
  }

  function openDialog(model, o) {
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

  function showNotice(text, ok) {
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

  el.personSelect.addEventListener('change', function () {
    setPerson(el.personSelect.value);
  });

  window.addEventListener('hashchange', function () {
    var params = readHash();
    var person = params.get('person');
    var thread = params.get('thread');
    if (params.get('alert')) state.wantedAlertId = params.get('alert');
    if (person && person !== state.personId) setPerson(person);
    if (thread && /^\d+$/.test(thread) && Number(thread) !== state.selectedRootId)
      selectThread(Number(thread));
    else if (state.wantedAlertId) render();
  });

  function start() {
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
  start();
})();
