import csv
import io

from fourfold.lib.csv import csv_writer


def test_text_that_would_run_as_a_formula_is_defused_and_numbers_stay_numbers():
    out = io.StringIO()
    csv_writer(out).writerow(['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-15.00", "milk", 3])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'@SUM(A1)",
        "-15.00",
        "milk",
        "3",
    ]
