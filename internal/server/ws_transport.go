package server

import (
	"bytes"
	"encoding/json"

	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// graphql-transport-ws, the protocol of the graphql-ws library (what
// Apollo Client's GraphQLWsLink, urql and GraphiQL speak):
//
//	client                         server
//	connection_init {payload?} ->  <- connection_ack (or close 4429 on a second init)
//	ping {payload?}            ->  <- pong (any time)
//	subscribe {id, payload}    ->  <- next {id, payload: result}… then complete {id},
//	                                  or error {id, payload: [GraphQLError]} (nothing ran)
//	complete {id}              ->     the operation stops; nothing more for id
//
// Queries and mutations run over the socket too (one next, then complete).
// Close codes: 4400 a message that is not JSON, of an unknown type or with
// a bad id or payload; 4401 subscribe before connection_ack; 4408 no
// connection_init within subscriptions.init_timeout; 4409 a subscribe whose
// id is running; 4429 a second connection_init; 4500 an internal error.
// Shared with graphql-ws: 1000 idle (subscriptions.idle_timeout) or the
// client's own close, 1001 server shutdown, 1008 a client too slow for its
// queue or one that does not answer pings, 1009 a message larger than
// limits.max_body_bytes.
const (
	closeBadMessage       = websocket.StatusCode(4400)
	closeUnauthorized     = websocket.StatusCode(4401)
	closeSubscriberExists = websocket.StatusCode(4409)
	closeTooManyInit      = websocket.StatusCode(4429)
)

// wsMessage is a message of either protocol.
type wsMessage struct {
	ID      json.RawMessage `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

type transportWS struct{}

func (transportWS) handle(c *wsConn, raw []byte) {
	var m wsMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		c.close(closeBadMessage, "Invalid message received: not a JSON object")
		return
	}
	switch m.Type {
	case "connection_init":
		if c.initSeen.Swap(true) {
			c.close(closeTooManyInit, "Too many initialisation requests")
			return
		}
		if err := c.setInit(m.Payload); err != nil {
			c.close(closeBadMessage, err.Error())
			return
		}
		c.acked.Store(true)
		c.send([]byte(`{"type":"connection_ack"}`))
	case "ping":
		c.send([]byte(`{"type":"pong"}`))
	case "pong":
	case "subscribe":
		if !c.acked.Load() {
			c.close(closeUnauthorized, "Unauthorized")
			return
		}
		if !stringID(m.ID) {
			c.close(closeBadMessage, "Invalid message received: subscribe needs a non-empty string id")
			return
		}
		p := bytes.TrimSpace(m.Payload)
		if len(p) == 0 || p[0] != '{' {
			c.close(closeBadMessage, "Invalid message received: subscribe needs a payload object")
			return
		}
		req, e := decodeOne(p)
		if e != nil {
			c.close(closeBadMessage, "Invalid message received: "+e.message)
			return
		}
		if !c.start(m.ID, req) {
			var id string
			_ = json.Unmarshal(m.ID, &id)
			c.close(closeSubscriberExists, "Subscriber for "+id+" already exists")
		}
	case "complete":
		if !stringID(m.ID) {
			c.close(closeBadMessage, "Invalid message received: complete needs a non-empty string id")
			return
		}
		c.stop(m.ID)
	default:
		c.close(closeBadMessage, "Invalid message received: unknown type "+quote(m.Type))
	}
}

func (transportWS) keepAlive() []byte { return []byte(`{"type":"ping"}`) }

func (transportWS) next(id json.RawMessage, payload []byte) []byte {
	return opMessage(id, "next", payload)
}

func (transportWS) errors(id json.RawMessage, errs gqlerror.List) []byte {
	return opMessage(id, "error", marshalErrors(errs))
}

func (transportWS) complete(id json.RawMessage) []byte { return opMessage(id, "complete", nil) }

// opMessage renders {"id":id,"type":typ,"payload":payload} (no payload
// when nil).
func opMessage(id json.RawMessage, typ string, payload []byte) []byte {
	b := make([]byte, 0, len(id)+len(typ)+len(payload)+32)
	b = append(append(append(b, `{"id":`...), id...), `,"type":"`...)
	b = append(append(b, typ...), '"')
	if payload != nil {
		b = append(append(b, `,"payload":`...), payload...)
	}
	return append(b, '}')
}

// marshalErrors renders a GraphQL error list (an internal error in its
// place should one not encode).
func marshalErrors(errs gqlerror.List) []byte {
	b, err := json.Marshal(errs)
	if err != nil {
		b = []byte(`[{"message":"internal error: could not encode the errors","extensions":{"code":"` + codeInternal + `"}}]`)
	}
	return b
}

// stringID reports whether id is a non-empty JSON string.
func stringID(id json.RawMessage) bool {
	var s string
	return len(id) > 0 && id[0] == '"' && json.Unmarshal(id, &s) == nil && s != ""
}
