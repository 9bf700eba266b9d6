// The book's interactives, without Python: each switches between frames that tools/book.py
// recorded at build time by driving the live widgets of helpers/ (tools/frames.py). Loaded only
// by pages that have one. The page already shows the first frame (picture and text) without
// JavaScript; this script reveals the controls and switches the frames.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  function data(box) {
    return JSON.parse(box.querySelector('script.frames').textContent);
  }
  function reveal(box) {
    box.querySelectorAll('[hidden]').forEach(function (el) { el.hidden = false; });
    box.classList.add('is-live');
  }
  function q(box, sel) { return box.querySelector(sel); }

  // --- 05: the smoothing slider -------------------------------------------------------------
  function slider(box) {
    var d = data(box), input = q(box, 'input[type=range]'), out = q(box, 'output');
    var text = q(box, '.nll-readout'), img = q(box, 'img');
    function show() {
      var f = d.frames[+input.value];
      input.setAttribute('aria-valuetext', 'α = ' + f.label);
      out.textContent = 'α = ' + f.label;
      text.textContent = f.text;
      img.src = f.src;
      img.alt = f.alt;
      box.dataset.label = f.label;
    }
    input.addEventListener('input', show);
    reveal(box);
    show();
  }

  // --- 04: the sampling explorer ------------------------------------------------------------
  function bars(row, itos, chosen, context) {
    // The geometry of helpers/explorers.py's row_bars_svg, drawn from the recorded row.
    var V = row.length, width = 22 * V + 10, height = 190, base = 160, top = 30;
    var max = Math.max.apply(null, row.concat([1e-12])), scale = (base - top) / max;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('class', 'bars');
    svg.setAttribute('role', 'img');
    function add(tag, attrs, content) {
      var el = document.createElementNS(SVG, tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      if (content !== undefined) el.textContent = content;
      svg.appendChild(el);
      return el;
    }
    var ctx = "'" + itos[context] + "'";
    add('text', {x: 5, y: 16, 'font-size': 13}, 'P(next character | ' + ctx + ')' +
        (chosen !== undefined ? ", drawn: '" + itos[chosen] + "'" : ''));
    row.forEach(function (p, i) {
      var h = p * scale, mark = i === chosen;
      add('rect', {class: 'bar' + (mark ? ' chosen' : ''), 'data-ch': itos[i], 'data-p': p,
        x: 5 + 22 * i, y: (base - h).toFixed(2), width: 18, height: h.toFixed(2),
        fill: mark ? '#d95f02' : '#4c78a8'});
      var t = {x: 14 + 22 * i, y: base + 16, 'font-size': 13, 'text-anchor': 'middle'};
      if (mark) t['font-weight'] = 'bold';
      add('text', t, itos[i]);
    });
    if (chosen !== undefined) {
      add('text', {x: 14 + 22 * chosen, y: (base - row[chosen] * scale - 4).toFixed(2),
        'font-size': 11, 'text-anchor': 'middle'}, '▼');
    }
    var top3 = row.map(function (p, i) { return [p, i]; })
      .sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; }).slice(0, 3)
      .map(function (x) { return "'" + itos[x[1]] + "' " + x[0].toFixed(3); });
    svg.setAttribute('aria-label', 'Bar chart of P(next character | ' + ctx + ')' +
      (chosen !== undefined ? ", the drawn '" + itos[chosen] + "' marked" : '') +
      '; the tallest bars: ' + top3.join(', ') + '.');
    return svg;
  }

  function player(box, step, last) {
    // The play button: one frame every 600 ms until the last; pressed again, it pauses.
    var button = q(box, '.play'), timer = null;
    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      button.setAttribute('aria-pressed', 'false');
      button.textContent = 'play';
    }
    button.addEventListener('click', function () {
      if (timer) return stop();
      button.setAttribute('aria-pressed', 'true');
      button.textContent = 'pause';
      timer = setInterval(function () { if (!step(1) || last()) stop(); }, 600);
    });
    return stop;
  }

  function sampler(box) {
    var d = data(box), seed = q(box, 'select.seed'), k = 0;
    var name = q(box, '.name-so-far'), choice = q(box, '.choice'), holder = q(box, '.row-bars');
    var next = q(box, '.next-char'), prev = q(box, '.prev');
    function run() { return d.runs[seed.selectedIndex]; }
    function show() {
      var frames = run().frames, f = frames[k];
      name.textContent = f.name;
      choice.textContent = f.choice;
      holder.replaceChildren(bars(d.rows[f.context], d.itos, f.chosen, f.context));
      next.disabled = k === frames.length - 1;
      prev.disabled = k === 0;
      q(box, '.position').textContent = 'draw ' + k + ' of ' + (frames.length - 1) +
        ' recorded for seed ' + run().seed;
      box.dataset.frame = k;
      box.dataset.seed = run().seed;
    }
    function step(n) {
      var m = k + n;
      if (m < 0 || m >= run().frames.length) return false;
      k = m;
      show();
      return true;
    }
    var stop = player(box, step, function () { return k === run().frames.length - 1; });
    next.addEventListener('click', function () { step(1); });
    prev.addEventListener('click', function () { step(-1); });
    q(box, '.restart').addEventListener('click', function () { stop(); k = 0; show(); });
    seed.addEventListener('change', function () { stop(); k = 0; show(); });
    reveal(box);
    show();
  }

  // --- 08: the training explorer ------------------------------------------------------------
  function trainer(box) {
    var d = data(box), rate = q(box, 'select.rate'), input = q(box, 'input[type=range]');
    var loss = q(box, '.train-loss'), diff = q(box, '.train-diff'), curve = q(box, '.train-curve');
    var net = q(box, '.net-table svg'), cells = net.querySelectorAll('rect');
    function run() { return d.runs[rate.selectedIndex]; }
    function show() {
      var f = run().frames[+input.value];
      input.setAttribute('aria-valuetext', 'after ' + f.steps + ' steps');
      q(box, 'output').textContent = f.steps + ' steps';
      loss.textContent = f.loss;
      diff.textContent = f.diff;
      curve.innerHTML = f.curve;
      var svg = curve.querySelector('svg');
      svg.setAttribute('viewBox', '0 0 ' + svg.getAttribute('width') + ' ' +
        svg.getAttribute('height'));
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', 'Training loss after each of the ' + f.steps +
        ' steps at learning rate ' + run().lr + ', falling toward the count model\'s dashed ' +
        'line; ' + f.loss + '.');
      for (var i = 0; i < cells.length; i++) {
        var v = B64.indexOf(f.shades[2 * i]) * 64 + B64.indexOf(f.shades[2 * i + 1]);
        cells[i].setAttribute('fill-opacity', (v / 1000).toFixed(3));
      }
      net.setAttribute('aria-label', 'softmax(W) after ' + f.steps + ' steps as a 27 by 27 ' +
        'table of squares, darker = more probable; ' + f.diff + '.');
      q(box, '.play').disabled = false;
      box.dataset.steps = f.steps;
      box.dataset.lr = run().lr;
    }
    function step(n) {
      var m = +input.value + n;
      if (m < 0 || m > +input.max) return false;
      input.value = m;
      show();
      return true;
    }
    var stop = player(box, step, function () { return +input.value === +input.max; });
    input.addEventListener('input', function () { stop(); show(); });
    rate.addEventListener('change', function () { stop(); input.value = 0; show(); });
    reveal(box);
    show();
  }

  function start() {
    document.querySelectorAll('.book-slider').forEach(slider);
    document.querySelectorAll('.book-sampler').forEach(sampler);
    document.querySelectorAll('.book-trainer').forEach(trainer);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
