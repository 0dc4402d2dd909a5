"""Names of Office Open XML (ECMA-376) that more than one module reads by.

Plain strings, in lxml's ``{namespace}`` form, so that a module reading a Word part imports
nothing heavier than this for them (annex checks run in child processes that start often).
"""

from __future__ import annotations

__all__ = ["W"]

# WordprocessingML's main namespace: w:p, w:r, w:t, w:rPr, ... of document.xml, styles.xml,
# the headers and footers (``W + "p"``).
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
