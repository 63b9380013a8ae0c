package main

import (
	"github.com/junction-gateway/junction/internal/config"
	"github.com/junction-gateway/junction/internal/server"
)

// corsPolicy is the server's cross-origin policy from the config (no
// foreign origin when `cors:` is absent).
func corsPolicy(cfg *config.Config) server.CORS {
	c := cfg.CORS
	return server.CORS{
		AllowOrigins: c.AllowOrigins, MatchOrigins: c.CompiledMatchOrigins(),
		AllowCredentials: c.AllowCredentials, AllowHeaders: c.AllowHeaders,
		ExposeHeaders: c.ExposeHeaders, MaxAge: c.MaxAge,
	}
}

// cookieAuth reports whether authentication reads a token from a cookie:
// credentials then ride along ambiently and CSRF prevention ("auto") is on.
func cookieAuth(cfg *config.Config) bool {
	return cfg.Authentication.JWT.Cookie != ""
}
