// Package config reads Junction's YAML config file.
//
// Parsing walks the YAML tree beside the Go types (load.go): ${ENV} and
// ${ENV:-default} references in every string value are expanded (env.go),
// unknown keys and values of the wrong type are refused, then JUNCTION_*
// overrides and defaults are applied and Validate runs. Every problem of a
// file is reported in one *Error, in file order, each with the file, line,
// column and dotted key; a problem in one key never hides another's.
//
// The JSON Schema of the file (schema.go) is derived from the same types
// by reflection, with the fields' doc comments as descriptions, so that a
// section added in its own file here appears in it with no other code; the
// committed junction.schema.json must equal it (a test regenerates it).
// A config section lives in its own file (telemetry.go), with its
// defaults and validation, and adds one field to Config.
package config
