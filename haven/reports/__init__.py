"""Programme reports for donors and managers: figures computed in the database, charts and
tables on the page, XLSX and PDF downloads, small cells suppressed on anything that leaves
Haven (docs/reports.md)."""
