"""axe-core in the browser tests (the copy bundled with axe-playwright-python, so no
network): one engine and one reading of its results for the gadget and the admin."""

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
# All of what axe checks by default (WCAG 2.x A and AA, and its best practices), and what
# it could not decide ("incomplete", e.g. contrast over a gradient).
OPTIONS = {"resultTypes": ["violations", "incomplete"]}


def axe_without_violations(page, state: str, context=None):
    """axe's results for the page (or `context`), failing on any violation with axe's own
    report (rule, elements, how to fix)."""
    results = AXE.run(page, context=context, options=OPTIONS)
    assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"
    return results


def undecided(results, keep: Callable[[list[str]], bool] = lambda target: True) -> list:
    """The checks axe could not settle, (rule, target, message), of the nodes `keep` takes."""
    return [
        (item["id"], node["target"], node["any"][0]["message"] if node["any"] else "")
        for item in results.response["incomplete"]
        for node in item["nodes"]
        if keep(node["target"])
    ]
