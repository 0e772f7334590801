/* Fincelo CSM Hub playground — The selected thread: its card and replies (right pane). */
import { fallbackNode, renderCard } from './cards.js';
import { $, api, el, formatTime, state, writeHash } from './core.js';
import { render } from './poll.js';

// ---------------------------------------------------------------------------------------------
// Selected thread

export function selectThread(rootId) {
  if (state.selectedRootId === rootId) return;
  state.selectedRootId = rootId;
  writeHash();
  render();
}

export function messageKey(m) {
  return (m.updatedAt || '') + '|' + JSON.stringify(m.card) + '|' + (m.text || '');
}

export function renderThreadPane(thread) {
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
  el.repliesHeader.textContent = thread.replies.length === 1 ? '1 reply' : thread.replies.length + ' replies';
  // Follow new replies like a chat, but only if the reader was already at the bottom.
  if (appended && nearBottom && !firstRender) el.thread.scrollTop = el.thread.scrollHeight;
}

export function isNearBottom() {
  return el.thread.scrollHeight - el.thread.scrollTop - el.thread.clientHeight < 80;
}

export function messageBody(m, isRoot) {
  if (m.card) return renderCard(m.card) || fallbackNode(m.card);
  var div = document.createElement('div');
  div.className = isRoot ? 'root-text' : 'reply-text';
  appendLinkedText(div, m.text || '');
  return div;
}

// Plain-text messages may carry a link (the CSV error report, a signed report URL): those become
// anchors built as DOM nodes (no HTML is parsed); a report link downloads its CSV.
export var LINK = /(https?:\/\/[^\s<>"]+|\/playground\/api\/[^\s<>"]+)/g;
export function appendLinkedText(node, text) {
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

export function replyNode(m) {
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
