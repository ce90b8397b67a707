"""Reading outside files safely: YAML/JSON records with line numbers, the CSL's CSV and JSON."""
