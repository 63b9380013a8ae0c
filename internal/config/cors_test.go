package config

import (
	"strings"
	"testing"
)

func TestCORSConfig(t *testing.T) {
	c, err := Parse([]byte(`
cors:
  allow_origins: ["https://*.example.com"]
  match_origins: ['^https://pr-[0-9]+\.preview$']
  allow_credentials: true
  max_age: 1h
csrf:
  required_headers: [x-my-client]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CORS.CompiledMatchOrigins()) != 1 || c.CORS.MaxAge.Hours() != 1 || c.CSRF.RequiredHeaders[0] != "x-my-client" {
		t.Fatalf("%+v %+v", c.CORS, c.CSRF)
	}
	// auto: credentials ride along (allow_credentials), so prevention is on.
	if !c.CSRFOn(false) {
		t.Error("csrf auto with allow_credentials is off")
	}
	d := Default()
	if d.CSRFOn(false) || !d.CSRFOn(true) {
		t.Error("csrf auto: off without ambient credentials, on with a cookie")
	}
	_, err = Parse([]byte(`
cors:
  allow_origins: ["*", "example.com"]
  match_origins: ["(unclosed"]
  allow_credentials: true
csrf:
  prevent: maybe
`))
	if err == nil {
		t.Fatal("bad cors config accepted")
	}
	for _, want := range []string{
		`cors.allow_origins[0]: "*" cannot be combined with cors.allow_credentials`,
		`cors.allow_origins[1]: "example.com": want scheme://host`,
		`cors.match_origins[0]: error parsing regexp`,
		`csrf.prevent: "maybe": want auto, on or off`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
