/* Fincelo CSM Hub playground — The thread list: messages grouped into alert threads (left pane). */
import { el, formatTime, state, summarize } from './core.js';
import { currentPerson } from './poll.js';
import { selectThread } from './thread-pane.js';

// ---------------------------------------------------------------------------------------------
// Threads

export function buildThreads(messages) {
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
    t.activityKey = (t.root.updatedAt || '') + '|' + (lastReply ? lastReply.id : '') + '|' + t.replies.length;
  });
  // Most recent activity first, like a chat client.
  threads.sort(function (a, b) {
    if (a.lastActivity === b.lastActivity) return b.root.id - a.root.id;
    return a.lastActivity < b.lastActivity ? 1 : -1;
  });
  return threads;
}

export function findThreadForAlert(threads, alertId) {
  return threads.find(function (t) {
    return t.root.alertId === alertId || (t.root.card && JSON.stringify(t.root.card).indexOf(alertId) !== -1);
  });
}

export function renderThreadList(threads) {
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

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}
