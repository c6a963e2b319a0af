"""Mistakes a user makes get a clear message and exit code, never a traceback."""

from __future__ import annotations

import duckdb

from conftest import report_json, run_cli
from history_kit import import_week, line, mapping_file, write_export

PLAIN = """
[fields]
order_id = "order"
line_id = "line"
ordered_qty = "qty"
unit_price = "price"
status = { value = "released" }
"""


def _export(tmp_path, body="order,line,qty,price\nSO-1,10,2,5\n"):
    (tmp_path / "m.toml").write_text(PLAIN, encoding="utf-8")
    export = tmp_path / "lines.csv"
    export.write_text(body, encoding="utf-8")
    return export, tmp_path / "m.toml"


def test_the_same_file_given_twice_is_refused(tmp_path):
    export, mapping = _export(tmp_path)

    result = run_cli("check", export, export, "--mapping", mapping)

    assert result.exit_code == 2
    assert "given more than once" in result.output


def test_an_out_folder_that_is_a_file_is_a_clear_error(tmp_path):
    export, mapping = _export(tmp_path)
    blocker = tmp_path / "afile"
    blocker.write_text("x")

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-06",
        "--out",
        blocker,
        "--format",
        "json",
    )

    assert result.exit_code == 2
    assert "cannot use" in result.output and "afile" in result.output


def test_an_as_of_date_outside_sensible_years_is_refused(tmp_path):
    export, mapping = _export(tmp_path)

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        "9999-12-31",
        "--out",
        tmp_path / "out",
    )

    assert result.exit_code == 2
    assert "outside the years 1900 to 2199" in result.output


def test_an_absurdly_large_number_rejects_its_row(tmp_path):
    export, mapping = _export(
        tmp_path, "order,line,qty,price\nSO-1,10,2,5\nSO-2,10,1e30,5\n"
    )

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 1
    assert "2 read = 1 accepted + 1 rejected" in result.output
    assert "too large" in result.output


def test_settings_are_checked_with_the_fix_named(tmp_path):
    export, mapping = _export(tmp_path)
    bands = tmp_path / "bands.toml"
    bands.write_text('[settings]\naging_bands_days = [90, 30, "x"]\n')
    loose = tmp_path / "loose.toml"
    loose.write_text('reporting_currency = "EUR"\n')
    zone = tmp_path / "zone.toml"
    zone.write_text('[settings]\nbusiness_timezone = "Europe/Berlinn"\n')

    outcomes = [
        run_cli("check", export, "--mapping", mapping, "--settings", path)
        for path in (bands, loose, zone)
    ]

    assert [o.exit_code for o in outcomes] == [2, 2, 2]
    assert "rising order" in outcomes[0].output
    assert "under a [settings] table" in outcomes[1].output
    assert "IANA time zone" in outcomes[2].output


def test_a_store_keeps_one_reporting_currency(tmp_path):
    import_week(tmp_path, "2024-03-04", [line("SO-1")])
    euro = tmp_path / "eur.toml"
    euro.write_text('[settings]\nreporting_currency = "EUR"\n')
    export = write_export(tmp_path / "next", "2024-03-11", [line("SO-1")])

    refused = run_cli(
        "import",
        export,
        "--mapping",
        mapping_file(tmp_path),
        "--as-of",
        "2024-03-11",
        "--db",
        tmp_path / "store.duckdb",
        "--settings",
        euro,
    )
    report = run_cli(
        "report",
        "--db",
        tmp_path / "store.duckdb",
        "--as-of",
        "2024-03-04",
        "--out",
        tmp_path / "out",
        "--format",
        "json",
        "--settings",
        euro,
    )

    assert refused.exit_code == 2
    assert "holds snapshots in USD" in refused.output
    assert report.exit_code == 0, report.output
    document = report_json(tmp_path / "out")
    assert document["currency"] == "USD"
    assert any("imported in" in note for note in document["notes"])


def test_a_foreign_duckdb_file_is_not_taken_as_a_store(tmp_path):
    foreign = tmp_path / "other.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("create table invoices (id integer)")
    con.close()

    result = run_cli("snapshots", "list", "--db", foreign)

    assert result.exit_code == 2
    assert "not a Backlog Desk store" in result.output
    con = duckdb.connect(str(foreign), read_only=True)
    tables = [
        row[0]
        for row in con.execute("select table_name from duckdb_tables()").fetchall()
    ]
    con.close()
    assert tables == ["invoices"]
