// Live statistics: when the server says this page's figures changed, fetch
// the page again and swap in its figures, so a reader sees new incidents
// without reloading. Without JavaScript (or EventSource) the page still
// works, and a <noscript> refresh reloads it now and then.
(function () {
  'use strict';
  var figures = document.getElementById('figures');
  if (!figures || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var source = new EventSource(figures.getAttribute('data-live'));
  var status = function (text) {
    var line = document.getElementById('live-status');
    if (line) line.textContent = text;
  };
  status('Updates live.');
  source.addEventListener('figures', function () {
    fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('figures');
        if (!fresh) return;
        figures.replaceWith(fresh);
        figures = fresh;
        status('Updated at ' + new Date().toLocaleTimeString() + ' with new incidents.');
      })
      .catch(function () { status('Could not fetch the new figures; reload the page.'); });
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) status('Live updates stopped; reload for the latest figures.');
  };
})();
