"""The testimony and speaker spreadsheets: their rows from the database, then CSV and XLSX."""
