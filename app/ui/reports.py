"""Reports for team leaders (docs/sync-protocol.md 9): the monthly needs-assessment table from
the central store, as a table and a chart, exportable to CSV where the user chooses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services import sync as sync_service
from app.ui import screen_fit, tasks
from app.ui.screen_fit import resize_to_fit


def _default_months(today: date) -> tuple[str, str]:
    # The partnership's year runs April to March.
    start_year = today.year if today.month >= 4 else today.year - 1
    return f"{start_year}-04", f"{today:%Y-%m}"


class ReportsDialog(QDialog):
    def __init__(self, window) -> None:  # noqa: ANN001
        super().__init__(window)
        self.setObjectName("reportsDialog")
        self.setWindowTitle("Monthly report — from the central store")
        self.workspace = window.workspace
        self.rows: list[dict] = []
        first, last = _default_months(self.workspace.now().date())
        self.first = QLineEdit(first, objectName="reportsFrom", placeholderText="YYYY-MM")
        self.last = QLineEdit(last, objectName="reportsTo", placeholderText="YYYY-MM")
        self.fetch_button = QPushButton("&Show", objectName="reportsFetch")
        self.export_button = QPushButton("&Export CSV…", objectName="reportsExport")
        self.export_button.setEnabled(False)
        self.message = QLabel("", objectName="reportsMessage", wordWrap=True)
        self.table = QTableWidget(0, len(sync_service.REPORT_COLUMNS), objectName="reportsTable")
        # Wrapped headings, so every column fits without cutting its title.
        self.table.setHorizontalHeaderLabels(
            [t.replace(" ", "\n") for _, t in sync_service.REPORT_COLUMNS]
        )
        # 24 figures (issue 13 added the pathway's): columns as wide as their wrapped
        # headings, the table scrolls sideways rather than squeezing them unreadable.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = QChartView(objectName="reportsChart")
        # A quarter of a small screen at most (1366x768 at 150%): the Close button stays on it.
        self.chart.setMinimumHeight(min(220, screen_fit.available(self).height() // 4))
        form = QFormLayout()
        form.addRow("&From month", self.first)
        form.addRow("&To month", self.last)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fetch_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addWidget(self.chart)
        self.fetch_button.clicked.connect(self.fetch)
        self.export_button.clicked.connect(self.export)
        resize_to_fit(self, 1100, 640)
        self.fetch()  # the current year straight away: that is what a team leader opens it for

    def fetch(self) -> None:
        first, last = self.first.text().strip(), self.last.text().strip()
        self.message.setText("Asking the central store…")
        self.fetch_button.setEnabled(False)
        workspace = self.workspace
        tasks.run(
            self,
            lambda: sync_service.monthly_report(workspace, first, last),
            self.show_rows,
            self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.fetch_button.setEnabled(True)
        self.message.setText(tasks.explain(exc))

    def show_rows(self, rows: list[dict]) -> None:
        self.rows = rows
        self.fetch_button.setEnabled(True)
        self.export_button.setEnabled(bool(rows))
        self.message.setText("" if rows else "No months in that period.")
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (key, _) in enumerate(sync_service.REPORT_COLUMNS):
                value = row.get(key, "")
                if key == "positive_rate_percent" and value != "":
                    value = f"{round(value)}%"  # 9: the table rounds ("25%")
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self._draw_chart(rows)

    def _draw_chart(self, rows: list[dict]) -> None:
        series = QBarSeries()
        for key, title in (
            ("successful_tests", "Successful tests"),
            ("positive_tests", "Positive"),
            # 000 Figures 1-5: positives by drug (issue 13)
            ("positive_opiates_only", "Opiates only"),
            ("positive_cocaine_only", "Cocaine only"),
            ("positive_both", "Both"),
        ):
            bars = QBarSet(title)
            bars.append([float(row.get(key, 0)) for row in rows])
            series.append(bars)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle("Tests by month")
        months = QBarCategoryAxis()
        months.append([row.get("month", "") for row in rows])
        counts = QValueAxis()
        counts.setLabelFormat("%d")
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(months)
        series.attachAxis(counts)
        self.chart.setChart(chart)

    def export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the monthly report", "monthly-report.csv", "CSV files (*.csv)"
        )
        if not name:
            return
        Path(name).write_text(sync_service.report_csv(self.rows), encoding="utf-8")
        self.message.setText(f"Saved to {name}.")
