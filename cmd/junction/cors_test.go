package main

import (
	"testing"

	"github.com/junction-gateway/junction/internal/config"
)

func TestCSRFAutoFollowsCookieAuthentication(t *testing.T) {
	header, err := config.Parse([]byte("authentication:\n  jwt:\n    header: Authorization\n"))
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := config.Parse([]byte("authentication:\n  jwt:\n    cookie: session\n"))
	if err != nil {
		t.Fatal(err)
	}
	if header.CSRFOn(cookieAuth(header)) {
		t.Error("csrf on without ambient credentials")
	}
	if !cookie.CSRFOn(cookieAuth(cookie)) {
		t.Error("csrf off although the token is read from a cookie")
	}
}
