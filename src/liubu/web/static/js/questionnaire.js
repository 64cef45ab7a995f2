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
  // The section index marks the section being read and keeps its entry in sight (the links
  // work without this; it only shows where one is).
  function followSections() {
    var strip = document.querySelector('.q-index ol');
    var sections = document.querySelectorAll('[data-section]');
    if (!strip || !sections.length || !('IntersectionObserver' in window)) return;
    function mark(id) {
      strip.querySelectorAll('[data-section-link]').forEach(function (a) {
        if (a.dataset.sectionLink === id) {
          a.setAttribute('aria-current', 'location');
          strip.scrollLeft = a.offsetLeft - (strip.clientWidth - a.offsetWidth) / 2;
        } else {
          a.removeAttribute('aria-current');
        }
      });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) mark(entry.target.dataset.section);
      });
    }, { rootMargin: '-20% 0px -70% 0px' });
    sections.forEach(function (section) { observer.observe(section); });
  }
  document.addEventListener('DOMContentLoaded', function () {
    followSections();
    var form = document.querySelector('[data-testid=questionnaire]');
    if (!form) return;
    form.addEventListener('change', function () { refresh(form); });
    // Enter in a number saves the draft of that number's section (the browser would press the
    // first section's button and return the user there).
    form.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter' || event.target.type !== 'number') return;
      var section = event.target.closest('[data-section]');
      var save = section && section.querySelector('[data-testid=save-draft]');
      if (!save) return;
      event.preventDefault();
      save.click();
    });
    refresh(form);
  });
})();
