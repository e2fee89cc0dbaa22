"""The chart's plots, drawn on the server as SVG (svg.py) from the records the chart's sections load (chart.py)."""
