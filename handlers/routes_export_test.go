package handlers

// RouteAccess returns every room's route table as "METHOD /path" → access
// ("raw", "open", "pending", "full", "twilio" or "dev"), for the route
// test of the external test package.
func (s *Server) RouteAccess() map[string]string {
	m := map[string]string{}
	for _, rt := range s.routes {
		m[rt.Method+" "+rt.Path] = rt.Access
		if rt.Method == "GET" {
			m["HEAD "+rt.Path] = rt.Access // registered with its GET
		}
	}
	return m
}
