// Live alerts: while the alerts page is open, the server pushes each new
// alert (server-sent events) and it is added to the top of the list.
// Without JavaScript the page works the same; new alerts show on reload.
(function () {
  'use strict';
  var section = document.getElementById('received');
  var list = document.getElementById('alert-list');
  if (!section || !list || !window.EventSource) return;
  var status = document.getElementById('live-status');
  var say = function (text) { if (status) status.textContent = text; };
  var source = new EventSource(section.getAttribute('data-live'));
  source.onopen = function () { say('Live: new alerts appear here as they are published.'); };
  source.addEventListener('alert', function (event) {
    var alert;
    try { alert = JSON.parse(event.data); } catch (e) { return; }
    var item = document.createElement('li');
    item.className = 'unread';
    var link = document.createElement('a');
    link.href = alert.url;
    link.textContent = alert.label + ': ' + alert.title;
    item.appendChild(link);
    var meta = document.createElement('span');
    meta.className = 'muted';
    meta.textContent = ' ' + alert.reference + ' · ' + alert.tlp_tag;
    item.appendChild(meta);
    if (alert.watchlist_hit) {
      var hit = document.createElement('strong');
      hit.className = 'watch-hit';
      hit.textContent = ' Matches your organisation\'s watchlist.';
      item.appendChild(hit);
    }
    list.insertBefore(item, list.firstChild);
    var empty = document.getElementById('no-alerts');
    if (empty) empty.remove();
    say('New alert at ' + new Date().toLocaleTimeString() + '.');
  });
  source.addEventListener('reload', function () { window.location.reload(); });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) say('Live updates stopped; reload for new alerts.');
  };
})();
