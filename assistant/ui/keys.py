"""The desk's keyboard shortcuts: '/' to search, Escape to close the sources (Enter asks: the question box
submits on Enter)."""

from __future__ import annotations

# Once per page: '/' (outside a field) focuses customer search, Escape closes the open citation sources.
KEYS_JS = """
if (!window.rapportDeskKeys) {
  window.rapportDeskKeys = true;
  document.addEventListener('keydown', (e) => {
    const where = e.target;
    const typing = where && (where.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(where.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const box = document.querySelector('#customer-search input, #customer-search textarea');
      if (box) {
        e.preventDefault();
        box.focus();
        box.select();
      }
    } else if (e.key === 'Escape') {
      document.querySelectorAll('details.rp-src[open]').forEach((source) => { source.open = false; });
    }
  });
}
"""
