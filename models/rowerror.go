package models

import "fmt"

// RowError is a bad input row: where it was and what was wrong. It is what
// the quarantine stores.
type RowError struct {
	File   string
	Row    int    // 1-based line or row number in the file
	Field  string // canonical field name, or "" for the whole row
	Reason string
	Raw    string // the row as read, with personal fields removed
	Err    error  // underlying error, if any
}

func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: row %d: %s", e.File, e.Row, e.Reason)
	}
	return fmt.Sprintf("%s: row %d: field %s: %s", e.File, e.Row, e.Field, e.Reason)
}

func (e *RowError) Unwrap() error { return e.Err }
