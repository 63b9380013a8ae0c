package graph

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/junction-gateway/junction/schema"
)

// Handler serves the registry/admin API over HTTP (POST and GET).
func Handler(current func() *schema.Supergraph) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Current: current}}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	return srv
}
