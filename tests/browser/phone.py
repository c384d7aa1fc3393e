"""Whether a page scrolls sideways on a phone (390 px): what is wider than the screen (a table of many
columns) must scroll inside its own box, not widen the page."""

from __future__ import annotations

from typing import Any

from tests.browser.crawl import address

PHONE = {"width": 390, "height": 844}

#: how much wider than the screen the document is, and the outermost elements that stick out of it (an
#: element inside a box that scrolls or clips sideways does not widen the page)
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const extra = document.documentElement.scrollWidth - width;
    if (extra <= 0) return [0, []];
    // A box clips what it holds, but an absolutely placed element only once its containing block (the
    // first placed box around it) is reached: a hidden label inside a scrolling table may still stick out.
    const clipped = element => {
        let contained = !['absolute', 'fixed'].includes(getComputedStyle(element).position);
        for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
            const style = getComputedStyle(box);
            contained = contained || style.position !== 'static';
            if (contained && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) return true;
        }
        return false;
    };
    const sticksOut = element => element.getBoundingClientRect().right > width + 0.5 && !clipped(element);
    const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
        + [...element.classList].slice(0, 2).map(c => '.' + c).join('');
    const parentSticksOut = element => element.parentElement && sticksOut(element.parentElement);
    const outermost = [...document.body.querySelectorAll('*')]
        .filter(element => sticksOut(element) && !parentSticksOut(element));
    return [extra, outermost.slice(0, 3).map(name)];
}"""


def sideways(page: Any) -> list[str]:
    """The page, if it is wider than the screen, with what makes it so."""
    extra, culprits = page.evaluate(OVERFLOW)
    return [f"{address(page)}: {extra} px too wide ({', '.join(culprits)})"] if extra > 0 else []
