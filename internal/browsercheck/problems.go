package browsercheck

import "fmt"

// Problems lists what makes a page unacceptable to show a user offline: console
// errors, uncaught exceptions, requests leaving the machine, dialogs opened, and
// chart containers without a rendered canvas. Tests report each entry.
func (r *Result) Problems() []string {
	var out []string
	for _, e := range r.ConsoleErrors {
		out = append(out, "console error: "+e)
	}
	for _, e := range r.Exceptions {
		out = append(out, "exception: "+e)
	}
	for _, u := range r.ExternalRequests {
		out = append(out, "request leaves the machine: "+u)
	}
	for _, a := range r.Alerts {
		out = append(out, "dialog opened: "+a)
	}
	for _, c := range r.Canvases {
		if c.Width == 0 || c.Height == 0 {
			out = append(out, fmt.Sprintf("chart %s has no canvas (%dx%d)", c.ChartID, c.Width, c.Height))
		}
	}
	return out
}

// ChartIDs returns the ids of the chart containers, in document order.
func (r *Result) ChartIDs() []string {
	ids := make([]string, 0, len(r.Canvases))
	for _, c := range r.Canvases {
		ids = append(ids, c.ChartID)
	}
	return ids
}
