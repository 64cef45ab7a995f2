// Show a conditional question only when its condition holds; hidden inputs are disabled, so an
// answer to a question not asked is never sent (the server drops it anyway).
(function () {
  function valueOf(form, id) {
    var checked = form.querySelector('input[name="q_' + id + '"]:checked');
    if (checked) return checked.value;
    var input = form.querySelector('input[name="q_' + id + '"]:not([type=radio])');
    return input && input.value !== '' ? input.value : null;
  }
  function holds(cond, value) {
    if (value === null) return false;
    if (cond.in && cond.in.length) return cond.in.indexOf(value) >= 0;
    var number = parseFloat(value);
    if (isNaN(number)) return false;
    var low = cond.at_least === null ? -Infinity : cond.at_least;
    var high = cond.at_most === null ? Infinity : cond.at_most;
    return low <= number && number <= high;
  }
  function refresh(form) {
    form.querySelectorAll('[data-show-if]').forEach(function (el) {
      var cond = JSON.parse(el.dataset.showIf);
      var parent = form.querySelector('[data-question="' + cond.question + '"]');
      var shown = (!parent || !parent.hidden) && holds(cond, valueOf(form, cond.question));
      el.hidden = !shown;
      el.querySelectorAll('input').forEach(function (i) { i.disabled = !shown; });
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('[data-testid=questionnaire]');
    if (!form) return;
    form.addEventListener('change', function () { refresh(form); });
    refresh(form);
  });
})();
