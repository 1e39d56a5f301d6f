"""The parts of bench/catalog.py: servers, the database, wrk runs, the cases, the report."""
