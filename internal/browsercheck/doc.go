// Package browsercheck opens a local HTML page in headless Chromium (through
// chromedp) and reports what a reader's browser would see go wrong: console
// errors, uncaught exceptions, JavaScript dialogs, every request the page
// made (and which of them left the machine), and whether each chart
// container got a non-empty canvas. Tests of generated reports use it.
package browsercheck
