package handlers

import "github.com/julienschmidt/httprouter"

// twilioRoutes registers Twilio's webhooks and, in dev mode, the dev phone.
func (s *Server) twilioRoutes(r *httprouter.Router) {}
