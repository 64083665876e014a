// Package models holds canhbao's domain types: administrative units and their
// crosswalks, mediation cases, ISO weeks, indicators and alerts. It is the root
// every other package imports; it depends on no database, chart or file-format
// package.
package models
