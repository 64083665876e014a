// Package warehouse is canhbao's DuckDB store: one database file holding the
// geography, the cases, ingest batches and quarantined rows, and analysis
// results. The schema lives in embedded migrations/*.sql files applied in
// order and recorded in schema_migrations. Bulk reads leave through Arrow,
// bulk writes enter through the Appender.
package warehouse
