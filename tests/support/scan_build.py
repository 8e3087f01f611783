"""Scan a built project (argv[1]) as the configuration matrix scans a report on another region: the prose scan
(HTML and PDF), the region scan, the PDF page checks and unresolved values. For a region built by hand:

    make report PARAMS="study_region=中部" && .venv/bin/python tests/support/scan_build.py .
"""

import json
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(root / "tests/support"), str(root / "tests/integration"), str(root / "src")]
import pdf_pages  # noqa: E402
from prose_scan import problems  # noqa: E402
from region_scan import foreign_names, unmarked_in_html, unmarked_in_pdf  # noqa: E402
from test_rendered_text import pdf_body, reader_text  # noqa: E402

project = Path(sys.argv[1])
page = (project / "_output/report.html").read_text(encoding="utf-8")
found = problems(reader_text(page)) + [f"PDF {p}" for p in problems(pdf_body(project), pdf=True)]
used = json.loads((project / "build/params.json").read_text(encoding="utf-8"))
region, provinces = used["study_region"]["name"], used["study_region"]["provinces"]
results = {
    f"{p.stem}.{k}": r
    for p in sorted((project / "build/results").glob("*.json"))
    for k, r in json.loads(p.read_text(encoding="utf-8")).items()
}
inside = [r["display"] for k, r in results.items() if k.startswith("outflow.") and r.get("unit") == "names"]
names = foreign_names(provinces, region, inside)
pdf_text = subprocess.run(
    ["pdftotext", "-enc", "UTF-8", str(project / "_output/report.pdf"), "-"], capture_output=True, text=True, check=True
).stdout
found += [f"REGION {x}" for x in unmarked_in_html(page, names) + unmarked_in_pdf(pdf_text, page, names)]
found += [f"PAGES {x}" for x in pdf_pages.project_problems(project)]
for marker in ("{{<", "?@", "??", "unknown var"):
    if marker in page:
        found.append(f"UNRESOLVED {marker}")
print(region, provinces)
print("\n".join(found) or "clean")
