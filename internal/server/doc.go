// Package server serves GraphQL over HTTP (POST, GET), the playground, health.
package server
