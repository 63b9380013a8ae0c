package config

import "testing"

func TestIntrospectionKey(t *testing.T) {
	if c := Default(); !c.IntrospectionEnabled() || c.Introspection == nil || !*c.Introspection {
		t.Fatal("introspection is not on by default")
	}
	c, err := Parse([]byte("introspection: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IntrospectionEnabled() {
		t.Fatal("introspection: false was not read")
	}
	c, err = Parse([]byte("introspection: true\n"))
	if err != nil || !c.IntrospectionEnabled() {
		t.Fatalf("introspection: true: %v", err)
	}
	if _, err := Parse([]byte("introspection: maybe\n")); err == nil {
		t.Fatal("a non-boolean introspection value was accepted")
	}
}
