"""The project's own tools: navigation, execution, the workbook, the lock, the browser."""
