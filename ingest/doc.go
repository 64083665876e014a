// Package ingest turns mediation logbook files into validated models.Case
// values or typed row errors (models.RowError) for the quarantine. It maps
// the many header spellings of real logbooks onto canonical fields, resolves
// old unit names and codes onto today's units through the crosswalks, and
// replaces personal data by keyed hashes before anything leaves the package.
package ingest
