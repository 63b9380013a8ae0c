package server

import (
	"bytes"
	"encoding/json"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// graphql-ws, the legacy protocol of subscriptions-transport-ws (Apollo's
// old SubscriptionClient, many mobile clients):
//
//	client                          server
//	connection_init {payload?} ->   <- connection_ack, then ka every subscriptions.keep_alive
//	start {id, payload}        ->   <- data {id, payload: result}… then complete {id},
//	                                   or error {id, payload: [GraphQLError]} (nothing ran)
//	stop {id}                  ->   <- complete {id}; nothing more for id
//	connection_terminate       ->      the socket is closed (1000)
//
// The protocol has no close codes of its own: a malformed or unknown
// message gets an error message (not a close), a start before
// connection_init an error for its id, and a start whose id is running
// replaces that operation (as subscriptions-transport-ws does). The
// connection's bounds close as graphql-transport-ws does (4408, 1000,
// 1001, 1008, 1009; 4500 an internal error).
type legacyWS struct{}

func (legacyWS) handle(c *wsConn, raw []byte) {
	var m wsMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		c.send(legacyError(nil, "Message must be a JSON object"))
		return
	}
	switch m.Type {
	case "connection_init":
		if err := c.setInit(m.Payload); err != nil {
			msg, _ := json.Marshal(map[string]string{"message": err.Error()})
			c.send(append(append([]byte(`{"type":"connection_error","payload":`), msg...), '}'))
			c.close(closeBadMessage, err.Error())
			return
		}
		c.initSeen.Store(true)
		c.acked.Store(true)
		c.send([]byte(`{"type":"connection_ack"}`))
		c.send([]byte(`{"type":"ka"}`))
	case "start":
		if !stringID(m.ID) {
			c.send(legacyError(nil, "start needs a non-empty string id"))
			return
		}
		if !c.acked.Load() {
			c.send(legacyError(m.ID, "send connection_init before start"))
			return
		}
		p := bytes.TrimSpace(m.Payload)
		if len(p) == 0 || p[0] != '{' {
			c.send(legacyError(m.ID, "start needs a payload object"))
			return
		}
		req, e := decodeOne(p)
		if e != nil {
			c.send(legacyError(m.ID, e.message))
			return
		}
		if !c.start(m.ID, req) {
			c.stop(m.ID)
			c.start(m.ID, req)
		}
	case "stop":
		if stringID(m.ID) && c.stop(m.ID) {
			c.send(opMessage(m.ID, "complete", nil))
		}
	case "connection_terminate":
		c.close(closeNormal, "")
	default:
		c.send(legacyError(m.ID, "Invalid message type "+quote(m.Type)))
	}
}

func (legacyWS) keepAlive() []byte { return []byte(`{"type":"ka"}`) }

func (legacyWS) next(id json.RawMessage, payload []byte) []byte {
	return opMessage(id, "data", payload)
}

func (legacyWS) errors(id json.RawMessage, errs gqlerror.List) []byte {
	return opMessage(id, "error", marshalErrors(errs))
}

func (legacyWS) complete(id json.RawMessage) []byte { return opMessage(id, "complete", nil) }

// legacyError is an error message for id (none when nil) with a message
// payload and a BAD_REQUEST code.
func legacyError(id json.RawMessage, msg string) []byte {
	payload := marshalErrors(gqlerror.List{{Message: msg, Extensions: map[string]any{"code": codeBadRequest}}})
	if id == nil {
		return append(append([]byte(`{"type":"error","payload":`), payload...), '}')
	}
	return opMessage(id, "error", payload)
}
