// Draw every element carrying a data-echarts option (JSON) — on load and after HTMX swaps.
(function () {
  function draw(root) {
    root.querySelectorAll('[data-echarts]').forEach(function (el) {
      if (el.dataset.drawn) return;
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(el.dataset.echarts));
      el.dataset.drawn = '1';
      window.addEventListener('resize', function () { chart.resize(); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:afterSwap', function (event) { draw(event.target); });
})();
