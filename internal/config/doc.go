// Package config reads the YAML config with env overrides and validation.
package config
